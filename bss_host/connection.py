"""Connections: one way to run programs, whatever is behind the URL.

:func:`connect` opens a transport (the table of URL schemes is in
:mod:`bss_host.transports`), runs the link handshake, and returns a :class:`Connection`.
Every connection carries the same link-layer frames (docs/wire.md). The environment
variable ``BSS_URL`` sets the default URL.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable
from types import TracebackType

import numpy as np

from bss_host import _core
from bss_host.config import WRITE_ORDER, Chip, ChipReadback
from bss_host.config.diff import ChangeSet, changes_against
from bss_host.errors import (
    ConfigurationError,
    ExecutionError,
    InputError,
    InstructionTimeoutError,
    LinkClosedError,
    LinkError,
    LinkRejectedError,
    MalformedProgramError,
    PeerTimeoutError,
    ReadDeniedError,
    UnmappedAddressError,
    WriteDeniedError,
)
from bss_host.program import Program
from bss_host.regmap import REGMAP, describe_address
from bss_host.result import Problem, RunResult, madc_records, spike_records
from bss_host.transports import (
    CaptureTransport,
    FaultyTransport,
    Transport,
    TransportOptions,
    open_transport,
)
from bss_host.units import FPGA_CYCLES_PER_US

log = logging.getLogger(__name__)

PROGRESS_AFTER_S = 2.0
"""A run reports progress once it has taken this long (wall time)."""
PROGRESS_EVERY_S = 1.0
"""... and then at most this often."""

ProgressCallback = Callable[[float | None, float], None]
"""``progress(done_us, total_us)``: hardware time done (None if the far end does not say)
and about how much the program takes, microseconds."""

DEFAULT_URL = "sim:"
URL_ENV = "BSS_URL"
DEFAULT_TIMEOUT = 10.0

_ERROR_TYPES: dict[str, type[ExecutionError]] = {
    "read_denied": ReadDeniedError,
    "write_denied": WriteDeniedError,
    "unmapped": UnmappedAddressError,
    "malformed": MalformedProgramError,
    "timeout": InstructionTimeoutError,
}


def _result(raw: _core.RunResult, wall: float, link: dict[str, int]) -> RunResult:
    return RunResult(
        reads=raw.reads,
        spikes=spike_records(*raw.spikes()),
        madc=madc_records(*raw.madc()),
        timeouts=[(t.instruction, t.waited) for t in raw.timeouts],
        halt_time=raw.halt_time or 0,
        wall_time=wall,
        link=link,
    )


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
        if isinstance(timeout, bool) or not isinstance(timeout, int | float) or not (
                0 < timeout < float("inf")):
            raise InputError(f"timeout={timeout!r}; allowed: a finite number of seconds > 0")
        self.url = url
        self.timeout = float(timeout)
        self.transport = transport
        self.shadow = _core.Shadow()
        nonce = (os.getpid() ^ time.monotonic_ns()) & 0xFFFF
        self._session = _core.HostSession(nonce, window, max_payload, int(rto * 1e6))
        self._closed = False
        try:
            self._pump(lambda: self._session.state.phase != "connecting",
                       "waiting for the handshake")
            state = self._session.state
            if state.phase == "rejected":
                raise LinkRejectedError(f"{url}: rejected: {state.reason}")
        except BaseException:
            self.transport.close()
            raise
        log.info("connected to %s", url)

    @property
    def model(self) -> _core.EmulatorSession | None:
        """The chip model behind this connection when it runs in this process (``sim:``,
        with or without capture and fault wrappers), else None. For introspection and
        model-only features; code that should also run on a board must not need it."""
        model: _core.EmulatorSession | None = self.transport.model
        return model

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

    def _pump(self, until: Callable[[], bool], what: str,
              tick: Callable[[], None] | None = None) -> None:
        if self._closed:
            raise LinkError(f"{self.url}: the connection is closed")
        last_heard = time.monotonic()
        while True:
            now = time.monotonic()
            out = self._session.transmit(int(now * 1e6))
            try:
                if out:
                    self.transport.write(out)
            except LinkClosedError as e:
                raise LinkError(f"{e} while {what}") from e
            if until():
                return
            if tick is not None:
                tick()
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
                raise LinkError(f"{e} while {what}") from e
            if data:
                last_heard = time.monotonic()
                self._session.receive(data, int(last_heard * 1e6))

    def run(self, program: Program, progress: ProgressCallback | None = None) -> RunResult:
        """Run a program; fills its tickets. Raises :class:`ExecutionError` (after the
        whole program ran) if the chip answered any instruction with an error.

        A run that takes longer than :data:`PROGRESS_AFTER_S` of wall time reports its
        progress every :data:`PROGRESS_EVERY_S` through ``logging`` (INFO) and through
        ``progress(done_us, total_us)``: hardware time done (None where the far end does
        not tell, i.e. anything but the in-process model) and about how much the program
        takes (:attr:`Program.duration_cycles`), both in microseconds."""
        total_us = program.duration_cycles / FPGA_CYCLES_PER_US
        built = program.build()
        t0 = time.perf_counter()
        tick = _Progress(self, total_us, progress, t0)
        self._session.start(built)
        try:
            self._pump(lambda: self._session.done, "running a program", tick)
        except BaseException:
            self._session.finish()  # abandon: late responses are dropped
            raise
        raw = self._session.finish()
        link = dict(self._session.stats())
        result = _result(raw, time.perf_counter() - t0, link)  # type: ignore[arg-type]
        program.result = result
        if raw.protocol_errors:
            raise LinkError(f"{self.url}: {'; '.join(p.message for p in raw.protocol_errors)}")
        refused = sorted({e.address for e in raw.errors if e.kind in ("write_denied", "unmapped")})
        self.shadow.apply(built, refused)
        result.problems = _problems(raw, built)
        if result.problems:
            first = result.problems[0]
            more = f" (and {len(result.problems) - 1} more)" if len(result.problems) > 1 else ""
            raise _ERROR_TYPES[first.kind](first.message + more, result.problems, result)
        return result

    # -- whole configurations ---------------------------------------------------------
    def apply(self, chip: Chip, progress: ProgressCallback | None = None) -> ChangeSet:
        """Write what ``chip`` holds and the shadow does not: only the words that differ,
        in the order that is safe on silicon (parameters and routing before neuron fire
        enables, the PPUs and the background sources; ``config.WRITE_ORDER``). Returns
        what was written. An invalid configuration is refused before anything is written.
        """
        problems = [p for p in chip.validate() if p.severity == "error"]
        if problems:
            raise ConfigurationError(
                f"{len(problems)} error(s) in the configuration; nothing written. First: "
                f"{problems[0]}", problems)
        changes = changes_against(chip, self.shadow)
        if changes:
            self.run(Program().write_words(changes.addresses(), changes.words()), progress)
        return changes

    def read_chip(self) -> ChipReadback:
        """The configuration the chip holds: registers silicon can read are read back,
        the rest come from the shadow (reset values where nothing was written).
        ``sources`` says which register came from where."""
        chip = Chip.default()
        sources: dict[str, str] = {}
        program = Program()
        tickets = {}
        for register in WRITE_ORDER:
            reg = REGMAP[register]
            if reg.readable:
                tickets[register] = program.read_array(register)
        if tickets:
            self.run(program)
        for register in WRITE_ORDER:
            if register in tickets:
                chip.image.load_words(register, tickets[register].words())
                sources[register] = "chip"
                continue
            stream = chip.image.words(register)
            held, present = self.shadow.get(stream.addresses)
            if present.any():
                chip.image.load_words(register, np.where(present, held, stream.words))
                sources[register] = "shadow" if present.all() else "shadow, reset elsewhere"
            else:
                sources[register] = "reset (never written)"
        return ChipReadback(chip, sources)


_DESCRIBE = {
    "read_denied": "silicon cannot read back",
    "write_denied": "read-only, cannot write",
    "unmapped": "nothing mapped at",
    "malformed": "malformed instruction at",
}


class _Progress:
    """Called on every turn of the link loop during a run; reports when it is time."""

    def __init__(self, conn: Connection, total_us: float,
                 callback: ProgressCallback | None, t0: float) -> None:
        self.conn, self.total_us, self.callback = conn, total_us, callback
        self.t0 = self.last = t0
        model = conn.model
        self.start = model.now_cycles if model is not None else None

    def __call__(self) -> None:
        now = time.perf_counter()
        if now - self.t0 < PROGRESS_AFTER_S or now - self.last < PROGRESS_EVERY_S:
            return
        self.last = now
        model = self.conn.model
        done = ((model.now_cycles - self.start) / FPGA_CYCLES_PER_US
                if model is not None and self.start is not None else None)
        if done is not None:
            log.info("run on %s: %.0f of about %.0f us of hardware time after %.1f s",
                     self.conn.url, done, self.total_us, now - self.t0)
        else:
            log.info("run on %s: %.1f s so far (the program takes about %.0f us of hardware "
                     "time)", self.conn.url, now - self.t0, self.total_us)
        if self.callback is not None:
            self.callback(done, self.total_us)


def _problems(raw: _core.RunResult, built: _core.Program) -> list[Problem]:
    reads = built.read_instructions()
    problems: list[Problem] = []
    for r in raw.read_errors:
        instruction = int(reads[r.ticket])
        problems.append(Problem(
            r.kind, instruction,
            f"instruction {instruction} (read ticket {r.ticket}): {_DESCRIBE[r.kind]} "
            f"{describe_address(r.address)}", address=r.address, ticket=r.ticket))
    for e in raw.errors:
        where = (f"byte {e.address} of a payload" if e.kind == "malformed"
                 else describe_address(e.address))
        problems.append(Problem(
            e.kind, e.instruction,
            f"instruction {e.instruction}: {_DESCRIBE[e.kind]} {where}", address=e.address))
    for t in raw.timeouts:
        problems.append(Problem(
            "timeout", t.instruction,
            f"instruction {t.instruction}: wait timed out after {t.waited} cycles",
            waited=t.waited))
    return problems


def default_url() -> str:
    """``$BSS_URL``, else ``sim:``."""
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
    """Open a connection (URLs: :mod:`bss_host.transports`; default ``$BSS_URL`` or
    ``sim:``).

    ``faults`` (drop, corrupt, duplicate, reorder, delay probabilities per frame, and
    delay_s) puts a seeded fault injector between the link and the transport.
    ``capture`` (a path prefix) records the bytes of both directions for
    ``bss link dissect``.

    >>> with connect("sim:?seed=3") as conn:
    ...     conn.model is not None
    True
    """
    url = url or default_url()
    transport = open_transport(
        url, TransportOptions(window=window, max_payload=max_payload, usb_backend=usb_backend))
    if faults:
        transport = FaultyTransport(transport, fault_seed, **faults)
    if capture:
        transport = CaptureTransport(transport, capture)
    return Connection(
        transport, url, timeout=timeout, window=window, max_payload=max_payload, rto=rto
    )
