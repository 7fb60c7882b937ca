"""``sim:``: the chip model in this process, as a byte transport."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

from bss_host import _core
from bss_host.errors import InputError

SIM_OPTIONS = {"seed": "the chip: its mismatch and noise (an integer >= 0, default 0)",
               "ppu_traps": "what a PPU fault does: report (default) or vector",
               "exact": "1: the fine-step reference integration (every neuron every 8 ns "
                        "cycle; slower), 0: the fast paths (default)",
               "noise": "scale of the temporal noise, membranes and ADCs (a number >= 0; "
                        "1 = the model as documented, 0 = none)",
               "mismatch": "scale of the fixed-pattern mismatch (a number >= 0; 1 = as made "
                           "from the seed, 0 = an ideal chip)"}


@dataclass(frozen=True)
class SimOptions:
    """What a ``sim:`` URL asks of the model."""

    seed: int = 0
    ppu_traps: str = "report"
    exact: bool = False
    noise: float = 1.0
    mismatch: float = 1.0


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


def parse_sim_url(url: str) -> SimOptions:
    """``sim:[?seed=N][&ppu_traps=report|vector][&exact=0|1][&noise=S][&mismatch=S]``.

    >>> parse_sim_url("sim:?seed=3&noise=0")
    SimOptions(seed=3, ppu_traps='report', exact=False, noise=0.0, mismatch=1.0)
    """
    query = parse_qs(url.removeprefix("sim:").lstrip("?"), keep_blank_values=True)
    unknown = set(query) - set(SIM_OPTIONS)
    if unknown:
        raise InputError(f"{url}: unknown options {sorted(unknown)}; allowed: "
                         + "; ".join(f"{k} ({v})" for k, v in SIM_OPTIONS.items()))

    def last(key: str, default: str) -> str:
        return query.get(key, [default])[-1]

    seed_text = last("seed", "0")
    if not seed_text.isdecimal() or int(seed_text) >= 1 << 64:
        raise InputError(f"{url}: seed={seed_text!r}; allowed: an integer 0 .. 2**64-1")
    traps = last("ppu_traps", "report")
    if traps not in ("report", "vector"):
        raise InputError(f"{url}: ppu_traps={traps!r}; allowed: report, vector")
    exact = last("exact", "0")
    if exact not in ("0", "1"):
        raise InputError(f"{url}: exact={exact!r}; allowed: 0, 1")
    scales = {}
    for key in ("noise", "mismatch"):
        text = last(key, "1")
        try:
            value = float(text)
        except ValueError:
            value = float("nan")
        if not (math.isfinite(value) and value >= 0):
            raise InputError(f"{url}: {key}={text!r}; allowed: {SIM_OPTIONS[key]}")
        scales[key] = value
    return SimOptions(int(seed_text), traps, exact == "1", scales["noise"], scales["mismatch"])


def open_sim(url: str, window: int = 64, max_payload: int = 65536) -> SimTransport:
    """A fresh chip model in this process, seeded from the URL."""
    o = parse_sim_url(url)
    device = _core.EmulatorSession(o.seed, window=window, max_payload=max_payload,
                                   exact=o.exact, noise=o.noise, mismatch=o.mismatch)
    device.set_ppu_trap_policy(o.ppu_traps)
    return SimTransport(device)
