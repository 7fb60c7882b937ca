"""Playback programs: what a user asks the chip to do, built on the host and run through a
connection. Writes by register name and index or as whole numpy arrays, waits in FPGA
cycles or microseconds of hardware time, reads that come back through tickets, spike
injection and event recording. Encoding and the size check happen in Rust.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from bss_host import _core
from bss_host.errors import InputError, ShapeError, TicketNotReadyError, ValueOutOfRangeError
from bss_host.regmap import REGMAP, Register, encode_synapses
from bss_host.units import FPGA_CYCLES_PER_US

if TYPE_CHECKING:
    from bss_host.result import RunResult

MAX_WAIT_CYCLES = 0xFFFF_FFFF
"""The timer is 32 bits wide: a wait reaches at most about 34 s after a timer reset."""

BARRIER_FLAGS = {"bus": 1, "jtag": 2, "systime": 4, "multi_fpga": 8, "systime_correction": 16}

def to_cycles(cycles: int | None, us: float | None, what: str) -> int:
    """Exactly one of a cycle count or microseconds of hardware time, as cycles."""
    if (cycles is None) == (us is None):
        raise InputError(f"{what}: give exactly one of cycles= or us=")
    if us is not None:
        if not np.isfinite(us) or us < 0:
            raise InputError(f"{what}: us={us}; allowed a finite time >= 0")
        c = round(us * FPGA_CYCLES_PER_US)
    else:
        c = int(cycles)  # type: ignore[arg-type]
    if not 0 <= c <= MAX_WAIT_CYCLES:
        raise InputError(
            f"{what}: {c} cycles; allowed 0..{MAX_WAIT_CYCLES} (the 32-bit timer at "
            f"{FPGA_CYCLES_PER_US} MHz, about {MAX_WAIT_CYCLES / FPGA_CYCLES_PER_US / 1e6:.1f} s)"
        )
    return c


class Ticket:
    """The answer to reads, available once the program has run."""

    def __init__(self, program: Program, first: int, count: int) -> None:
        self._program = program
        self.first = first
        self.count = count

    def words(self) -> npt.NDArray[np.uint32]:
        """The raw words read, in the order they were asked for."""
        result = self._program.result
        if result is None:
            raise TicketNotReadyError("this ticket's program has not been run yet")
        return result.reads[self.first : self.first + self.count]


class RegisterTicket(Ticket):
    """Reads of whole register instances; decodes into field values."""

    def __init__(
        self, program: Program, first: int, register: Register, indices: npt.NDArray[np.uint32]
    ) -> None:
        super().__init__(program, first, len(indices) * register.words)
        self.register = register
        self.indices = indices

    @property
    def value(self) -> dict[str, int]:
        """Field values of a single-instance read."""
        if len(self.indices) != 1:
            raise InputError(
                f"this ticket holds {len(self.indices)} instances of {self.register.name}; "
                "use .array()"
            )
        return self.register.decode(self.words().tolist())

    def array(self) -> dict[str, npt.NDArray[np.int64]]:
        """Field values of every instance read, one array per field."""
        return self.register.decode_array(self.words())


class Program:
    """A program under construction; run it with ``connection.run(program)``.

    Every method checks its input and the 32 MiB playback-memory limit before it adds
    anything, so a call that raises leaves the program as it was.
    """

    def __init__(self, limit: int | None = None) -> None:
        self._builder = _core.ProgramBuilder(limit)
        self._built: _core.Program | None = None
        self.result: RunResult | None = None
        # Hardware time the program should take, for progress reports: cycles of the timer
        # segments already closed, cycles into the current one, and the instruction count
        # up to which instructions (one cycle each on the model) are counted.
        self._closed_cycles = 0
        self._segment_cycles = 0
        self._counted = 0

    def _count_instructions(self) -> None:
        n = self.instructions
        self._segment_cycles += n - self._counted
        self._counted = n

    @property
    def duration_cycles(self) -> int:
        """About how much hardware time (FPGA cycles) the program takes: its waits, its
        spike times and one cycle per instruction (the model's cost; silicon differs by
        bus latencies). For progress reports, not for timing."""
        self._count_instructions()
        return self._closed_cycles + self._segment_cycles

    # -- size ---------------------------------------------------------------------------
    @property
    def size(self) -> int:
        """Encoded instruction bytes so far (the FPGA's playback memory holds ``limit``)."""
        return self._built.size if self._built is not None else self._builder.size

    @property
    def limit(self) -> int:
        return self._builder.limit

    @property
    def instructions(self) -> int:
        return self._built.instructions if self._built is not None else self._builder.instructions

    def _open(self) -> _core.ProgramBuilder:
        if self._built is not None:
            raise RuntimeError("this program has been built (run); start a new Program")
        return self._builder

    # -- writes -------------------------------------------------------------------------
    def write(self, name: str, index: int = 0, **fields: int) -> Program:
        """Write one instance; fields not named get their reset values."""
        pairs = REGMAP[name].encode(index, **fields)
        a = np.fromiter((p[0] for p in pairs), np.uint32, len(pairs))
        w = np.fromiter((p[1] for p in pairs), np.uint32, len(pairs))
        self._open().write_words(a, w)
        return self

    def write_array(
        self,
        name: str,
        columns: Mapping[str, npt.ArrayLike | int] | None = None,
        indices: npt.ArrayLike | None = None,
        **kw: npt.ArrayLike | int,
    ) -> Program:
        """Write many instances from arrays, one per field (or one int for all)."""
        stream = REGMAP[name].encode_array(columns, indices, **kw)
        self._open().write_words(stream.addresses, stream.words)
        return self

    def write_words(self, addresses: npt.ArrayLike, words: npt.ArrayLike) -> Program:
        """Raw (address, word) writes, for bring-up."""
        a = _u32(addresses, "addresses")
        w = _u32(words, "words")
        self._open().write_words(a, w)
        return self

    def write_synapses(
        self,
        weights: npt.ArrayLike | None = None,
        labels: npt.ArrayLike | None = None,
        time_calib: npt.ArrayLike | None = None,
        amp_calib: npt.ArrayLike | None = None,
    ) -> Program:
        """Both synapse arrays from (2, 256, 256) arrays (see :func:`encode_synapses`)."""
        s = encode_synapses(weights, labels, time_calib, amp_calib)
        self._open().write_words(s.addresses, s.words)
        return self

    # -- reads --------------------------------------------------------------------------
    def read(self, name: str, index: int = 0) -> RegisterTicket:
        """Read one instance; ``ticket.value`` holds its fields after the run."""
        return self.read_array(name, [index])

    def read_array(self, name: str, indices: npt.ArrayLike | None = None) -> RegisterTicket:
        """Read many instances (all by default); ``ticket.array()`` after the run."""
        reg = REGMAP[name]
        idx = (
            np.arange(reg.count, dtype=np.uint32)
            if indices is None
            else _u32(np.atleast_1d(np.asarray(indices)), "indices")
        )
        addrs = reg.addresses(idx)
        first = self._open().read_words(addrs)
        return RegisterTicket(self, first, reg, idx)

    def read_words(self, addresses: npt.ArrayLike) -> Ticket:
        """Raw word reads by address."""
        a = _u32(np.atleast_1d(np.asarray(addresses)), "addresses")
        first = self._open().read_words(a)
        return Ticket(self, first, len(a))

    # -- time ---------------------------------------------------------------------------
    def timer_reset(self) -> Program:
        """Set the FPGA timer to 0; ``wait_until`` and spike times count from here."""
        self._open().timer_reset()
        self._count_instructions()
        self._closed_cycles += self._segment_cycles
        self._segment_cycles = 0
        return self

    def wait_until(self, cycles: int | None = None, *, us: float | None = None) -> Program:
        """Block until the timer reaches a time (cycles or microseconds of hardware time)."""
        target = to_cycles(cycles, us, "wait_until")
        self._open().wait_until(target)
        self._count_instructions()
        self._segment_cycles = max(self._segment_cycles, target)
        return self

    def wait(self, cycles: int | None = None, *, us: float | None = None) -> Program:
        """Block for a duration of hardware time: resets the timer, then waits."""
        duration = to_cycles(cycles, us, "wait")
        self._open().wait(duration)
        self._count_instructions()
        self._closed_cycles += self._segment_cycles
        self._segment_cycles = duration
        return self

    def barrier(self, *flags: str) -> Program:
        """Wait until outstanding traffic has drained (default: the register bus)."""
        names = flags or ("bus",)
        bad = [f for f in names if f not in BARRIER_FLAGS]
        if bad:
            raise InputError(f"barrier flags {bad}; allowed {sorted(BARRIER_FLAGS)}")
        self._open().barrier(sum(BARRIER_FLAGS[f] for f in set(names)))
        return self

    def wait_for(
        self, name: str, index: int = 0, *, field: str, value: int, equal: bool = True
    ) -> Program:
        """Block until a register field equals (or differs from) a value, or the FPGA's
        instruction timeout passes (then the run reports a timeout)."""
        reg = REGMAP[name]
        f = reg.field(field)
        if not f.is_legal(value):
            raise ValueOutOfRangeError(f"{name}.{field} = {value}; allowed {f.allowed()}")
        mask = ((1 << f.width) - 1) << f.lsb
        target = (int(_core.apply_transform(f.transform, value)) if f.transform else value)
        target = (target & ((1 << f.width) - 1)) << f.lsb
        self._open().wait_register(reg.address(index, f.word), mask, target, not equal)
        return self

    # -- events -------------------------------------------------------------------------
    def inject(
        self,
        labels: npt.ArrayLike,
        *,
        cycles: npt.ArrayLike | None = None,
        us: npt.ArrayLike | None = None,
    ) -> Program:
        """Inject spikes at times after the last timer reset (cycles or microseconds of
        hardware time); times need not be sorted."""
        lab = np.atleast_1d(np.asarray(labels))
        if (cycles is None) == (us is None):
            raise InputError("inject: give exactly one of cycles= or us=")
        if cycles is not None:
            t = np.atleast_1d(np.asarray(cycles))
        else:
            t = np.atleast_1d(np.rint(np.asarray(us) * FPGA_CYCLES_PER_US))
        if t.shape != lab.shape or t.ndim != 1:
            raise ShapeError(f"inject: {t.shape} times for {lab.shape} labels; need equal 1-d")
        if t.size and (t.min() < 0 or t.max() > MAX_WAIT_CYCLES):
            raise InputError(f"inject: times must lie in 0..{MAX_WAIT_CYCLES} cycles")
        if lab.size and (lab.min() < 0 or lab.max() > 0xFFFF):
            raise InputError("inject: labels are 16-bit (0..65535)")
        self._open().spike_train(
            np.ascontiguousarray(t, dtype=np.uint32), np.ascontiguousarray(lab, dtype=np.uint16)
        )
        self._count_instructions()
        if t.size:
            self._segment_cycles = max(self._segment_cycles, int(t.max()))
        return self

    def record_events(self, enable: bool = True) -> Program:
        """Switch the upload of recorded spikes and MADC samples to the host."""
        self._open().event_recording(bool(enable))
        return self

    # -- building -----------------------------------------------------------------------
    def build(self) -> _core.Program:
        """Finish the program (appends HALT); further edits are refused."""
        if self._built is None:
            self._built = self._builder.finish()
        return self._built


def _u32(a: npt.ArrayLike, what: str) -> npt.NDArray[np.uint32]:
    arr = np.asarray(a)
    if arr.ndim != 1:
        raise ShapeError(f"{what} must be 1-d, got shape {arr.shape}")
    if arr.size and (
        not np.issubdtype(arr.dtype, np.integer) or arr.min() < 0 or arr.max() > 0xFFFF_FFFF
    ):
        raise InputError(f"{what} must be 32-bit unsigned integers")
    return np.ascontiguousarray(arr, dtype=np.uint32)
