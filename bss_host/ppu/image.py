"""PPU program images: what an ELF or an assembly source puts into which memory, and the
symbols by which the host reads and writes a program's variables."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from difflib import get_close_matches
from pathlib import Path

import numpy as np
import numpy.typing as npt

from bss_host import _core
from bss_host.errors import InputError, UnknownSymbolError

log = logging.getLogger(__name__)

SRAM_BYTES = 16 * 1024
"""Internal memory of one PPU."""
EXIT_CODE_ADDRESS = 0x2FFC
"""Where the runtime leaves ``main``'s return value (memory word 3071)."""
MAILBOX_BASE = 0x3000
MAILBOX_END = 0x4000
EXTMEM_DATA_BASE = 0x4000_0000
"""FPGA external memory as the PPU addresses data in it (code: 0x8000_0000)."""
DRAM_DATA_BASE = 0x5000_0000


@dataclass(frozen=True)
class Symbol:
    """A program symbol: its address as the PPU sees it, size in bytes and ELF type."""

    name: str
    address: int
    size: int
    kind: str

    @property
    def memory(self) -> str:
        """``internal``, ``extmem``, ``dram`` or ``absolute`` (not in any memory)."""
        a = self.address
        if a < SRAM_BYTES:
            return "internal"
        if EXTMEM_DATA_BASE <= a < EXTMEM_DATA_BASE + 128 * 1024 or 0x8000_0000 <= a < 0x8002_0000:
            return "extmem"
        if DRAM_DATA_BASE <= a < DRAM_DATA_BASE + (256 << 20) or 0x9000_0000 <= a < 0xA000_0000:
            return "dram"
        return "absolute"


@dataclass
class PpuImage:
    """Memory images of one PPU program.

    ``internal`` is the 16 KiB SRAM image as big-endian words from address 0 (only as
    long as the program needs); ``extmem`` and ``dram`` are (byte offset, bytes) segments
    of the FPGA memories.
    """

    internal: npt.NDArray[np.uint32]
    extmem: list[tuple[int, bytes]] = field(default_factory=list)
    dram: list[tuple[int, bytes]] = field(default_factory=list)
    symbols: dict[str, Symbol] = field(default_factory=dict)
    name: str = "<image>"
    elf: bytes = b""
    """The ELF the image came from (empty for raw word images)."""

    @classmethod
    def from_elf(cls, elf: bytes | str | Path, name: str | None = None) -> PpuImage:
        """Load an ELF32 big-endian PowerPC executable (ours or GNU binutils'/gcc's)."""
        if isinstance(elf, (str, Path)):
            name = name or str(elf)
            data = Path(elf).read_bytes()
        else:
            data = bytes(elf)
        raw = _core.ppu_read_elf(data)
        # The loader pads the internal image to whole words.
        internal = np.frombuffer(raw["internal"], dtype=">u4").astype(np.uint32)
        symbols = {
            n: Symbol(n, int(v), int(s), str(k)) for n, v, s, k in raw["symbols"]
        }
        img = cls(internal, list(raw["extmem"]), list(raw["dram"]), symbols, name or "<elf>",
                  data)
        log.debug("%s: %d internal words, %d extmem and %d DRAM segments, %d symbols",
                  img.name, len(internal), len(img.extmem), len(img.dram), len(symbols))
        return img

    @classmethod
    def assemble(cls, source: str, file_name: str = "<asm>") -> PpuImage:
        """Assemble GNU-as syntax (see ``docs/ppu.md``) into an image."""
        return cls.from_elf(_core.ppu_assemble(source, file_name), name=file_name)

    @classmethod
    def from_words(cls, words: npt.ArrayLike, name: str = "<words>") -> PpuImage:
        """A raw internal-memory image (instruction and data words from address 0)."""
        w = np.asarray(words, dtype=np.int64)
        if w.ndim != 1 or len(w) > SRAM_BYTES // 4:
            raise InputError(f"{name}: {w.shape} words; a PPU memory image holds at most "
                             f"{SRAM_BYTES // 4} words")
        if len(w) and (w.min() < 0 or w.max() > 0xFFFF_FFFF):
            raise InputError(f"{name}: words must be 0..0xFFFFFFFF")
        return cls(w.astype(np.uint32), name=name)

    def symbol(self, name: str) -> Symbol:
        try:
            return self.symbols[name]
        except KeyError:
            close = get_close_matches(name, self.symbols, n=3)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            raise UnknownSymbolError(
                f"{self.name} has no symbol {name!r}{hint}") from None

    def disassemble(self) -> str:
        """objdump-like listing of the internal image, with labels."""
        labels = {s.address: s.name for s in self.symbols.values()
                  if s.memory == "internal" and s.kind in ("func", "notype", "label")}
        data = self.internal.astype(">u4").tobytes()
        return "\n".join(_core.ppu_disassemble(data, 0, labels))
