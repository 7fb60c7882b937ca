"""Connections: one way to run programs, whatever is behind the URL.

=========================  ============================================================
``sim:`` (default)         the chip model in this process (``sim:?seed=N``;
                           ``&ppu_traps=vector`` lets PPU programs handle their own
                           faults through the interrupt vectors, as on silicon)
``socket://host:port``     an emulator server (``bss emulate``) over TCP, through pyserial
``/dev/ttyUSB0``,          a serial line through pyserial (``bss emulate --pty`` makes one)
``serial:/dev/...``
``usb:VID:PID``            USB bulk endpoints through pyusb (hex ids)
=========================  ============================================================

Every connection carries the same link-layer frames (docs/wire.md); the handshake runs in
:func:`connect`. The environment variable ``BSS_URL`` sets the default URL.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs

import numpy as np
import numpy.typing as npt

from bss_host import _core
from bss_host.program import MADC_DTYPE, SPIKE_DTYPE, Program
from bss_host.transport import LinkClosedError, SerialTransport, Transport

log = logging.getLogger(__name__)

DEFAULT_URL = "sim:"
URL_ENV = "BSS_URL"
DEFAULT_TIMEOUT = 10.0


class PeerTimeoutError(_core.LinkError):
    """The peer sent nothing for longer than the connection's timeout."""


class ExecutionError(RuntimeError):
    """The chip answered some instructions with errors; ``problems`` lists them all and
    ``result`` holds everything else that came back."""

    def __init__(self, message: str, problems: list[str], result: RunResult) -> None:
        super().__init__(message)
        self.problems = problems
        self.result = result


class ReadDeniedError(ExecutionError):
    """A read of a register that silicon cannot read back (use the shadow copy)."""


class WriteDeniedError(ExecutionError):
    """A write to a read-only register."""


class UnmappedAddressError(ExecutionError):
    """An access to an address where the register map has nothing."""


class MalformedProgramError(ExecutionError):
    """The device could not decode an instruction."""


class InstructionTimeoutError(ExecutionError):
    """A wait on a register condition ran into the FPGA's instruction timeout."""


_ERROR_TYPES: dict[str, type[ExecutionError]] = {
    "read_denied": ReadDeniedError,
    "write_denied": WriteDeniedError,
    "unmapped": UnmappedAddressError,
    "malformed": MalformedProgramError,
}


def describe_address(address: int) -> str:
    """``name[index] word w (0x...)`` for a mapped address, else the bare address."""
    loc = _core.locate_address(address)
    if loc is None:
        return f"0x{address:08x} (unmapped)"
    name, index, word = loc
    from bss_host.regmap import REGMAP

    reg = REGMAP[name]
    where = f"{name}[{index}]" if reg.count > 1 else name
    if reg.dims:
        coords = ", ".join(f"{d.name}={c}" for d, c in zip(reg.dims, reg.coordinates(index),
                                                          strict=True))
        where += f" ({coords})"
    if reg.words > 1:
        where += f" word {word}"
    return f"{where} at 0x{address:08x}"


@dataclass
class RunResult:
    """What came back from one run."""

    reads: npt.NDArray[np.uint32]
    spikes: npt.NDArray[Any]
    """Structured array (time: FPGA cycles after the last timer reset, label)."""
    madc: npt.NDArray[Any]
    """Structured array (time, value, channel)."""
    timeouts: list[tuple[int, int]]
    halt_time: int
    """Model time at the HALT, FPGA cycles."""
    wall_time: float
    link: dict[str, int] = field(default_factory=dict)

    @property
    def spike_times_us(self) -> npt.NDArray[np.float64]:
        """Spike times in microseconds of hardware time."""
        from bss_host.program import FPGA_CYCLES_PER_US

        return self.spikes["time"] / FPGA_CYCLES_PER_US


def _result(raw: _core.RunResult, wall: float, link: dict[str, int]) -> RunResult:
    t, lab = raw.spikes()
    spikes = np.empty(len(t), SPIKE_DTYPE)
    spikes["time"], spikes["label"] = t, lab
    mt, mv = raw.madc()
    madc = np.empty(len(mt), MADC_DTYPE)
    madc["time"], madc["value"], madc["channel"] = mt, mv & 0x3FF, mv >> 10
    return RunResult(
        reads=raw.reads,
        spikes=spikes,
        madc=madc,
        timeouts=list(raw.timeouts),
        halt_time=raw.halt_time or 0,
        wall_time=wall,
        link=link,
    )


class SimTransport:
    """The in-process model as a byte transport: bytes written are handed to the emulator
    device at once, and what it answers is read back."""

    def __init__(self, device: Any) -> None:  # noqa: ANN401 - an EmulatorSession or a fake
        self.device = device
        self._pending = bytearray()

    def write(self, data: bytes) -> None:
        self._pending += self.device.exchange(data, time.monotonic())

    def read(self, timeout: float) -> bytes:
        if not self._pending:
            now = time.monotonic()
            due = self.device.next_timeout(now)
            if due is not None and due <= timeout:
                time.sleep(max(due, 0.0))
                self._pending += self.device.exchange(b"", time.monotonic())
            elif timeout > 0:
                time.sleep(min(timeout, 0.001))
        out = bytes(self._pending)
        self._pending.clear()
        return out

    def close(self) -> None:
        self.device.disconnect()


class FaultyTransport:
    """Wraps a transport and damages whole frames in both directions, seeded."""

    def __init__(
        self,
        inner: Transport,
        seed: int,
        drop: float = 0.0,
        corrupt: float = 0.0,
        duplicate: float = 0.0,
        reorder: float = 0.0,
        delay: float = 0.0,
        delay_s: float = 0.002,
    ) -> None:
        kw = {"drop": drop, "corrupt": corrupt, "duplicate": duplicate, "reorder": reorder,
              "delay": delay, "delay_us": int(delay_s * 1e6)}
        self.inner = inner
        self.tx = _core.FaultInjector(seed, **kw)
        self.rx = _core.FaultInjector(seed ^ 0x5EED_F00D, **kw)

    @staticmethod
    def _now() -> int:
        return int(time.monotonic() * 1e6)

    def write(self, data: bytes) -> None:
        out = self.tx.push(data, self._now())
        if out:
            self.inner.write(out)

    def read(self, timeout: float) -> bytes:
        held = [d for d in (self.tx.next_deadline(), self.rx.next_deadline()) if d is not None]
        if held:
            timeout = min(timeout, max(0.0, (min(held) - self._now()) * 1e-6))
        data = self.inner.read(timeout)
        now = self._now()
        late = self.tx.release(now)
        if late:
            self.inner.write(late)
        return self.rx.push(data, now) + self.rx.release(now)

    def close(self) -> None:
        self.inner.close()

    def stats(self) -> dict[str, dict[str, int]]:
        return {"to_device": self.tx.stats(), "to_host": self.rx.stats()}


class CaptureTransport:
    """Wraps a transport and appends every byte sent to ``PREFIX.to_chip.bin`` and every
    byte received to ``PREFIX.from_chip.bin``, for ``bss link dissect``."""

    def __init__(self, inner: Transport, prefix: str) -> None:
        self.inner = inner
        self.paths = (f"{prefix}.to_chip.bin", f"{prefix}.from_chip.bin")
        self._tx = open(self.paths[0], "ab")  # noqa: SIM115 - closed in close()
        self._rx = open(self.paths[1], "ab")  # noqa: SIM115

    def write(self, data: bytes) -> None:
        self._tx.write(data)
        self.inner.write(data)

    def read(self, timeout: float) -> bytes:
        data = self.inner.read(timeout)
        self._rx.write(data)
        return data

    def close(self) -> None:
        self._tx.close()
        self._rx.close()
        self.inner.close()


class Connection:
    """A link to a chip (or its model). Runs programs; keeps the shadow copy of what was
    written, which is authoritative for registers silicon cannot read back."""

    def __init__(
        self,
        transport: Transport,
        url: str,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        window: int = 64,
        max_payload: int = 65536,
        rto: float = 0.02,
    ) -> None:
        if not timeout > 0:
            raise ValueError(f"timeout={timeout}; allowed a positive number of seconds")
        self.url = url
        self.timeout = timeout
        self.transport = transport
        self.shadow = _core.Shadow()
        nonce = (os.getpid() ^ time.monotonic_ns()) & 0xFFFF
        self._session = _core.HostSession(nonce, window, max_payload, int(rto * 1e6))
        self._closed = False
        try:
            self._pump(lambda: self._session.state != "connecting", "waiting for the handshake")
            if self._session.state.startswith("rejected"):
                raise _core.LinkRejectedError(f"{url}: {self._session.state}")
        except BaseException:
            self.transport.close()
            raise
        log.info("connected to %s", url)

    def __enter__(self) -> Connection:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            self.transport.close()

    def _pump(self, until: Callable[[], bool], what: str) -> None:
        if self._closed:
            raise _core.LinkError(f"{self.url}: the connection is closed")
        last_heard = time.monotonic()
        while True:
            now = time.monotonic()
            out = self._session.transmit(int(now * 1e6))
            try:
                if out:
                    self.transport.write(out)
            except LinkClosedError as e:
                raise _core.LinkError(f"{e} while {what}") from e
            if until():
                return
            deadline = self._session.next_deadline()
            wait = self.timeout - (now - last_heard)
            if wait <= 0:
                raise PeerTimeoutError(
                    f"{self.url}: no answer for {self.timeout:g} s while {what}; "
                    "is the device (or `bss emulate`) running?"
                )
            if deadline is not None:
                wait = min(wait, max(0.0, deadline * 1e-6 - now))
            try:
                data = self.transport.read(wait)
            except LinkClosedError as e:
                raise _core.LinkError(f"{e} while {what}") from e
            if data:
                last_heard = time.monotonic()
                self._session.receive(data, int(last_heard * 1e6))

    def run(self, program: Program) -> RunResult:
        """Run a program; fills its tickets. Raises :class:`ExecutionError` (after the
        whole program ran) if the chip answered any instruction with an error."""
        built = program.build()
        t0 = time.perf_counter()
        self._session.start(built)
        try:
            self._pump(lambda: self._session.done, "running a program")
        except BaseException:
            self._session.finish()  # abandon: late responses are dropped
            raise
        raw = self._session.finish()
        result = _result(raw, time.perf_counter() - t0, self._session.stats())
        program.result = result
        if raw.protocol_errors:
            raise _core.LinkError(f"{self.url}: {'; '.join(raw.protocol_errors)}")
        refused = sorted({a for code, _i, a in raw.errors if code in ("write_denied", "unmapped")})
        self.shadow.apply(built, refused)
        self._raise_problems(raw, result, built)
        return result

    def _raise_problems(
        self, raw: _core.RunResult, result: RunResult, built: _core.Program
    ) -> None:
        reads = built.read_instructions()
        problems: list[tuple[str, str]] = []
        for ticket, code, address in raw.read_errors:
            problems.append((code, f"instruction {int(reads[ticket])} (read ticket {ticket}): "
                             f"{_DESCRIBE[code]} {describe_address(address)}"))
        for code, instruction, address in raw.errors:
            where = (f"byte {address} of a payload" if code == "malformed"
                     else describe_address(address))
            problems.append((code, f"instruction {instruction}: {_DESCRIBE[code]} {where}"))
        for instruction, waited in raw.timeouts:
            problems.append(("timeout", f"instruction {instruction}: wait timed out after "
                             f"{waited} cycles"))
        if not problems:
            return
        first_code = problems[0][0]
        cls = _ERROR_TYPES.get(first_code, InstructionTimeoutError)
        texts = [p for _, p in problems]
        more = f" (and {len(texts) - 1} more)" if len(texts) > 1 else ""
        raise cls(texts[0] + more, texts, result)


_DESCRIBE = {
    "read_denied": "silicon cannot read back",
    "write_denied": "read-only, cannot write",
    "unmapped": "nothing mapped at",
    "malformed": "malformed instruction at",
}


def default_url() -> str:
    return os.environ.get(URL_ENV) or DEFAULT_URL


def connect(
    url: str | None = None,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    window: int = 64,
    max_payload: int = 65536,
    rto: float = 0.02,
    usb_backend: object | None = None,
    faults: dict[str, float] | None = None,
    fault_seed: int = 0,
    capture: str | None = None,
) -> Connection:
    """Open a connection (see the module docs for URLs; default ``$BSS_URL`` or ``sim:``).

    ``faults`` (drop, corrupt, duplicate, reorder, delay probabilities per frame, and
    delay_s) puts a seeded fault injector between the link and the transport.
    ``capture`` (a path prefix) records the bytes of both directions for
    ``bss link dissect``.
    """
    url = url or default_url()
    transport: Transport
    if url.startswith("sim:"):
        query = parse_qs(url[4:].lstrip("?"))
        unknown = set(query) - {"seed", "ppu_traps"}
        if unknown:
            raise ValueError(
                f"{url}: unknown options {sorted(unknown)}; allowed: seed, ppu_traps")
        seed = int(query.get("seed", ["0"])[0])
        device = _core.EmulatorSession(seed, window=window, max_payload=max_payload)
        device.set_ppu_trap_policy(query.get("ppu_traps", ["report"])[0])
        transport = SimTransport(device)
    elif url.startswith("socket://"):
        transport = SerialTransport(url)
    elif url.startswith("serial:"):
        transport = SerialTransport(url[len("serial:"):])
    elif url.startswith("/dev/") or url.upper().startswith("COM"):
        transport = SerialTransport(url)
    elif url.startswith("usb:"):
        from bss_host.usb import UsbTransport

        parts = url.split(":")
        try:
            vid, pid = (int(p, 16) for p in parts[1:])
        except ValueError:
            raise ValueError(
                f"{url}: expected usb:VID:PID with hex ids, e.g. usb:1d50:6a5b"
            ) from None
        transport = UsbTransport(vid, pid, backend=usb_backend)
    else:
        raise ValueError(
            f"unknown connection URL {url!r}; allowed: sim:, socket://HOST:PORT, "
            "serial:/dev/..., /dev/..., usb:VID:PID"
        )
    if faults:
        transport = FaultyTransport(transport, fault_seed, **faults)
    if capture:
        transport = CaptureTransport(transport, capture)
    return Connection(
        transport, url, timeout=timeout, window=window, max_payload=max_payload, rto=rto
    )
