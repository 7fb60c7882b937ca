"""``sim:``: the chip model in this process, as a byte transport."""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import parse_qs

from bss_host import _core
from bss_host.errors import InputError

SIM_OPTIONS = {"seed": "the chip: its mismatch and noise (an integer >= 0, default 0)",
               "ppu_traps": "what a PPU fault does: report (default) or vector",
               "exact": "1: the fine-step reference integration (every neuron every 8 ns "
                        "cycle; slower), 0: the fast paths (default)"}


class SimTransport:
    """Bytes written are handed to the model's device end at once, and what it answers is
    read back. ``device`` is an ``EmulatorSession`` (or a stand-in with its methods)."""

    def __init__(self, device: Any) -> None:  # noqa: ANN401 - an EmulatorSession or a stand-in
        self._device = device
        self._pending = bytearray()

    @property
    def model(self) -> Any:  # noqa: ANN401 - an EmulatorSession or a stand-in
        return self._device

    def write(self, data: bytes) -> None:
        self._pending += self._device.exchange(data, time.monotonic())

    def read(self, timeout: float) -> bytes:
        if not self._pending:
            now = time.monotonic()
            due = self._device.next_timeout(now)
            if due is not None and due <= timeout:
                time.sleep(max(due, 0.0))
                self._pending += self._device.exchange(b"", time.monotonic())
            elif timeout > 0:
                time.sleep(min(timeout, 0.001))
        out = bytes(self._pending)
        self._pending.clear()
        return out

    def close(self) -> None:
        self._device.disconnect()


def parse_sim_url(url: str) -> tuple[int, str, bool]:
    """``sim:[?seed=N][&ppu_traps=report|vector][&exact=0|1]`` as (seed, ppu trap policy,
    fine-step reference)."""
    query = parse_qs(url.removeprefix("sim:").lstrip("?"), keep_blank_values=True)
    allowed = {"seed", "ppu_traps", "exact"}
    unknown = set(query) - allowed
    if unknown:
        raise InputError(f"{url}: unknown options {sorted(unknown)}; allowed: "
                         + "; ".join(f"{k} ({SIM_OPTIONS[k]})" for k in sorted(allowed)))
    seed_text = query.get("seed", ["0"])[-1]
    if not seed_text.isdecimal() or int(seed_text) >= 1 << 64:
        raise InputError(f"{url}: seed={seed_text!r}; allowed: an integer 0 .. 2**64-1")
    traps = query.get("ppu_traps", ["report"])[-1]
    if traps not in ("report", "vector"):
        raise InputError(f"{url}: ppu_traps={traps!r}; allowed: report, vector")
    exact = query.get("exact", ["0"])[-1]
    if exact not in ("0", "1"):
        raise InputError(f"{url}: exact={exact!r}; allowed: 0, 1")
    return int(seed_text), traps, exact == "1"


def open_sim(url: str, window: int = 64, max_payload: int = 65536) -> SimTransport:
    """A fresh chip model in this process, seeded from the URL."""
    seed, traps, exact = parse_sim_url(url)
    device = _core.EmulatorSession(seed, window=window, max_payload=max_payload, exact=exact)
    device.set_ppu_trap_policy(traps)
    return SimTransport(device)
