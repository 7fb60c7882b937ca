"""Loading, running and talking to a PPU program over any connection.

Everything goes through the wire protocol, exactly as on a board (ppu.md §3): hold the
core in reset, write its memory words (and the FPGA memory segments), release it, poll
``ppu_status.sleep``, read the exit code (word 3071) and the mailbox (words 3072-4095).
On the in-process model (``sim:``) the run also reports the core's cycle, instruction and
stall counts and can record an instruction trace (introspection, not a silicon path).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from bss_host.connection import Connection
from bss_host.errors import (
    InputError,
    InstructionTimeoutError,
    PpuAlignmentError,
    PpuBusError,
    PpuError,
    PpuFaultError,
    PpuIllegalInstructionError,
    PpuRunawayError,
    PpuTrapError,
)
from bss_host.ppu.image import (
    EXIT_CODE_ADDRESS,
    MAILBOX_BASE,
    MAILBOX_END,
    SRAM_BYTES,
    PpuImage,
    Symbol,
)
from bss_host.program import Program
from bss_host.regmap import REGMAP
from bss_host.units import FPGA_CYCLES_PER_US

log = logging.getLogger(__name__)

PPUS = {"top": 0, "bottom": 1}
"""PPU names: the top PPU serves synram/hemisphere 0."""
POLL_US = 1000.0
"""Hardware time per status poll while a program runs."""


_FAULTS: dict[int, type[PpuFaultError]] = {
    1: PpuIllegalInstructionError,
    2: PpuAlignmentError,
    3: PpuTrapError,
    4: PpuBusError,
}


@dataclass(frozen=True)
class PpuStats:
    """Counters of one run on the model (introspection)."""

    cycles: int
    instructions: int
    vector_instructions: int
    stall_cycles: int
    sleep_cycles: int

    @property
    def ipc(self) -> float:
        return self.instructions / self.cycles if self.cycles else 0.0


@dataclass(frozen=True)
class TraceEntry:
    pc: int
    word: int
    cycle: int
    text: str


@dataclass
class PpuRunResult:
    ppu: str
    exit_code: int
    mailbox: bytes
    hardware_us: float
    """Hardware time from release until the sleep was seen (poll granularity)."""
    stats: PpuStats | None
    trace: list[TraceEntry] | None

    @property
    def mailbox_text(self) -> str:
        """The mailbox as NUL-terminated text."""
        return self.mailbox.split(b"\0", 1)[0].decode("utf-8", "replace")

    def mailbox_words(self, dtype: npt.DTypeLike = ">i4") -> npt.NDArray[Any]:
        return np.frombuffer(self.mailbox, dtype=dtype)


def _ppu_index(ppu: str | int) -> tuple[str, int]:
    if isinstance(ppu, str) and ppu in PPUS:
        return ppu, PPUS[ppu]
    if ppu in (0, 1):
        name = "top" if ppu == 0 else "bottom"
        return name, int(ppu)
    raise InputError(f"PPU {ppu!r}; allowed: 'top', 'bottom' (or 0, 1)")


def _memory_word_address(ppu: int, word: int) -> int:
    return REGMAP["ppu_memory_word"].address(ppu * (SRAM_BYTES // 4) + word)


def add_load(program: Program, image: PpuImage, ppu: str | int = "top") -> Program:
    """Append to ``program``: hold the core in reset and write the image."""
    _, k = _ppu_index(ppu)
    program.write("ppu_control", k, inhibit_reset=0)
    if len(image.internal):
        program.write_words(_memory_word_address(k, 0) + np.arange(len(image.internal)),
                            image.internal)
    for name, segs in (("external_ppu_memory", image.extmem), ("external_ppu_dram", image.dram)):
        base = REGMAP[name].address(0)
        for offset, data in segs:
            if offset % 4:
                raise PpuError(f"{image.name}: {name} segment at byte {offset} is not "
                               "word-aligned")
            words = np.frombuffer(data + b"\0" * (-len(data) % 4), dtype=">u4")
            program.write_words(base + offset // 4 + np.arange(len(words)), words)
    return program


def add_release(program: Program, ppu: str | int = "top") -> Program:
    """Append: release the core from reset (it starts at PC 0 at that moment)."""
    _, k = _ppu_index(ppu)
    return program.write("ppu_control", k, inhibit_reset=1)


class Ppu:
    """One PPU behind a connection.

    >>> ppu = Ppu(conn, "top")                                     # doctest: +SKIP
    >>> ppu.load(PpuImage.from_elf("stdp.elf"))                    # doctest: +SKIP
    >>> ppu.write_symbol("learning_rate", 3)                       # doctest: +SKIP
    >>> r = ppu.run(timeout_us=5000); r.exit_code, r.mailbox_text  # doctest: +SKIP
    """

    def __init__(self, conn: Connection, ppu: str | int = "top") -> None:
        self.conn = conn
        self.name, self.index = _ppu_index(ppu)
        self.image: PpuImage | None = None

    # -- loading and symbols --------------------------------------------------------------
    def load(self, image: PpuImage) -> None:
        """Hold the core in reset and write the image (and clear the exit code/mailbox)."""
        p = add_load(Program(), image, self.index)
        tail = (MAILBOX_END - EXIT_CODE_ADDRESS) // 4
        if len(image.internal) * 4 <= EXIT_CODE_ADDRESS:
            p.write_words(_memory_word_address(self.index, EXIT_CODE_ADDRESS // 4)
                          + np.arange(tail), np.zeros(tail, dtype=np.uint32))
        self.conn.run(p)
        self.image = image
        log.info("PPU %s: loaded %s (%d words)", self.name, image.name, len(image.internal))

    def _symbol(self, name: str | Symbol) -> Symbol:
        if isinstance(name, Symbol):
            return name
        if self.image is None:
            raise PpuError(f"PPU {self.name}: no image loaded; symbols come from the image")
        return self.image.symbol(name)

    def _word_range(self, sym: Symbol, nbytes: int) -> tuple[str, int, int, int]:
        """(register, first index, word count, byte offset in the first word)."""
        a = sym.address
        if sym.memory == "internal":
            reg, first = "ppu_memory_word", self.index * (SRAM_BYTES // 4) + a // 4
            if a + nbytes > SRAM_BYTES:
                raise PpuError(f"{sym.name}: {nbytes} bytes at {a:#x} overrun the SRAM")
        elif sym.memory == "extmem":
            reg, first = "external_ppu_memory", (a & 0x1FFFF) // 4
        elif sym.memory == "dram":
            reg, first = "external_ppu_dram", (a & 0x0FFF_FFFF) // 4
        else:
            raise PpuError(f"{sym.name} at {a:#x} is not in a memory the host can reach")
        count = (a % 4 + nbytes + 3) // 4
        return reg, first, count, a % 4

    def read_memory(self, address: int, nbytes: int) -> bytes:
        """Raw bytes of the PPU's view of memory at ``address`` (SRAM or FPGA memory)."""
        sym = Symbol("<address>", address, nbytes, "object")
        reg, first, count, off = self._word_range(sym, nbytes)
        p = Program()
        t = p.read_array(reg, np.arange(first, first + count))
        self.conn.run(p)
        raw = t.words().astype(">u4").tobytes()
        return raw[off:off + nbytes]

    def write_memory(self, address: int, data: bytes) -> None:
        """Write bytes at ``address``; partial words are read, merged and written back."""
        sym = Symbol("<address>", address, len(data), "object")
        reg, first, count, off = self._word_range(sym, len(data))
        buf = bytearray(self.read_memory(address - off, count * 4)) if (
            off or len(data) % 4) else bytearray(count * 4)
        buf[off:off + len(data)] = data
        words = np.frombuffer(bytes(buf), dtype=">u4")
        base = REGMAP[reg].address(first)
        self.conn.run(Program().write_words(base + np.arange(count), words))

    def read_symbol(self, name: str | Symbol, dtype: npt.DTypeLike = ">i4",
                    count: int | None = None) -> npt.NDArray[Any]:
        """A variable's value(s) as numpy (big-endian by default, as the PPU stores it)."""
        sym = self._symbol(name)
        dt = np.dtype(dtype)
        n = count if count is not None else max(1, sym.size // dt.itemsize)
        return np.frombuffer(self.read_memory(sym.address, n * dt.itemsize), dtype=dt).copy()

    def write_symbol(self, name: str | Symbol, values: npt.ArrayLike,
                     dtype: npt.DTypeLike = ">i4") -> None:
        """Write a variable (numbers are range-checked against ``dtype``)."""
        sym = self._symbol(name)
        dt = np.dtype(dtype)
        arr = np.atleast_1d(np.asarray(values))
        if np.issubdtype(dt, np.integer):
            info = np.iinfo(dt)
            if arr.size and (arr.min() < info.min or arr.max() > info.max):
                raise InputError(f"{sym.name}: values {arr.min()}..{arr.max()} do not fit "
                                 f"{dt} ({info.min}..{info.max})")
        data = arr.astype(dt).tobytes()
        if sym.size and len(data) > sym.size:
            raise InputError(f"{sym.name} is {sym.size} bytes; got {len(data)}")
        self.write_memory(sym.address, data)

    # -- running --------------------------------------------------------------------------
    def run(self, timeout_us: float = 10_000.0, *, trace: int = 0,
            poll_us: float = POLL_US,
            progress: Callable[[float], None] | None = None) -> PpuRunResult:
        """Release the core and wait until it sleeps, faults or ``timeout_us`` of hardware
        time pass; then hold it in reset again. ``trace`` > 0 records up to that many
        instructions (model only). ``progress`` is called after every poll with the
        hardware time (us) the program has run so far."""
        if not (0 < timeout_us < float("inf") and 0 < poll_us < float("inf")):
            raise InputError(f"timeout_us={timeout_us!r}, poll_us={poll_us!r}; allowed: finite "
                             "numbers of microseconds > 0")
        device = self.conn.model
        if trace and device is None:
            raise PpuError(f"{self.conn.url}: instruction traces need the in-process model")
        if device is not None:
            device.ppu_trace(self.index, int(trace))
        p = Program()
        p.write("instruction_timeout_config", value=int(poll_us * FPGA_CYCLES_PER_US))
        add_release(p, self.index)
        start = p.read("timer")
        self.conn.run(p)
        t_prev = start.value["value"]
        waited = 0.0
        t_wall = time.perf_counter()
        while True:
            p = Program().wait_for("ppu_status", self.index, field="sleep", value=1)
            status = p.read("ppu_status", self.index)
            fault = p.read("ppu_fault", self.index)
            timer = p.read("timer")
            try:
                self.conn.run(p)
            except InstructionTimeoutError:
                pass  # polled for poll_us without seeing sleep
            # The 32-bit timer wraps every 34 s of hardware time: add up the steps.
            t_now = timer.value["value"]
            waited += ((t_now - t_prev) & 0xFFFF_FFFF) / FPGA_CYCLES_PER_US
            t_prev = t_now
            if progress is not None:
                progress(waited)
            if fault.value["kind"]:
                self._stop()
                raise _FAULTS.get(fault.value["kind"], PpuBusError)(
                    self.name, fault.value["pc"], fault.value["detail"], self.mailbox())
            if status.value["sleep"]:
                break
            if waited >= timeout_us:
                pc = device.introspect_ppu(self.index)["pc"] if device is not None else None
                self._stop()
                raise PpuRunawayError(self.name, timeout_us, pc, self.mailbox())
        stats, entries = self._introspect(device)
        exit_code, mailbox = self._results()
        self._stop()
        log.info("PPU %s: exit %d after %.1f us hardware (%.3f s wall)", self.name, exit_code,
                 waited, time.perf_counter() - t_wall)
        return PpuRunResult(self.name, exit_code, mailbox, waited, stats, entries)

    def _introspect(self, device: Any) -> tuple[PpuStats | None, list[TraceEntry] | None]:  # noqa: ANN401
        if device is None:
            return None, None
        s = device.introspect_ppu(self.index)
        stats = PpuStats(int(s["cycles"]), int(s["instructions"]),
                         int(s["vector_instructions"]), int(s["stall_cycles"]),
                         int(s["sleep_cycles"]))
        raw = device.ppu_trace_entries(self.index)
        entries = [TraceEntry(int(pc), int(w), int(c), str(t)) for pc, w, c, t in raw] or None
        return stats, entries

    def _results(self) -> tuple[int, bytes]:
        p = Program()
        words = p.read_array("ppu_memory_word", np.arange(
            self.index * 4096 + EXIT_CODE_ADDRESS // 4, self.index * 4096 + MAILBOX_END // 4))
        self.conn.run(p)
        w = words.words()
        exit_code = int(np.asarray(w[:1], dtype=np.uint32).view(np.int32)[0])
        return exit_code, w[1:].astype(">u4").tobytes()

    def mailbox(self) -> bytes:
        """The 4 KiB mailbox (0x3000-0x3FFF) as bytes in PPU order."""
        return self.read_memory(MAILBOX_BASE, MAILBOX_END - MAILBOX_BASE)

    def _stop(self) -> None:
        self.conn.run(Program().write("ppu_control", self.index, inhibit_reset=0))

    def status(self) -> dict[str, int]:
        p = Program()
        s, f = p.read("ppu_status", self.index), p.read("ppu_fault", self.index)
        self.conn.run(p)
        return {**s.value, **{f"fault_{k}": v for k, v in f.value.items()}}
