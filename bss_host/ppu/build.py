"""Building PPU programs: assembly through the C preprocessor and our assembler (linked
with the SDK's start code when the source provides ``main``), C through the Debian cross
compiler and the SDK, and ready ELFs."""

from __future__ import annotations

import re
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path

from bss_host.ppu.image import PpuImage

SDK = Path(__file__).resolve().parent / "sdk"
"""The SDK shipped in the package: headers, start code, linker script, examples."""
EXAMPLES = SDK / "examples"
C_SUFFIXES = (".c",)
ASM_SUFFIXES = (".s", ".S", ".asm")

_DEFINES_MAIN = re.compile(r"^\s*main\s*:", re.MULTILINE)


def _preprocess(path: Path, includes: Iterable[str | Path],
                defines: Mapping[str, str]) -> str:
    from bss_host.ppu import toolchain

    return toolchain.preprocess_asm(path, include_dirs=[path.parent, *includes],
                                        defines=dict(defines), line_markers=True)


def assemble_file(path: str | Path, *, includes: Iterable[str | Path] = (),
                  defines: Mapping[str, str] | None = None, cpp: bool | None = None,
                  crt: bool | None = None) -> PpuImage:
    """Assemble one source file. ``.S`` (or ``cpp=True``) is preprocessed with the SDK
    headers on the include path. A source that defines ``main`` is linked with the SDK's
    start code (``crt0.S``: vectors, stack, .bss clearing, exit code) unless
    ``crt=False``; one that does not is taken as a whole program from address 0."""
    path = Path(path)
    defines = defines or {}
    use_cpp = path.suffix == ".S" if cpp is None else cpp
    text = _preprocess(path, includes, defines) if use_cpp else path.read_text()
    if crt is None:
        crt = bool(_DEFINES_MAIN.search(text))
    if crt:
        start = _preprocess(SDK / "crt0.S", includes, defines)
        # Our assembler provides what link.ld gives crt0 (__bss_start/__bss_end,
        # __return_code, __crash_srr0), so linking is putting the start code first.
        text = start + "\n" + text
    return PpuImage.assemble(text, str(path))


def compile_file(paths: Iterable[str | Path], *, includes: Iterable[str | Path] = (),
                 defines: Mapping[str, str] | None = None,
                 optimize: str = "-O2") -> PpuImage:
    """Compile and link C sources with the Debian cross compiler and the SDK."""
    from bss_host.ppu import toolchain

    sources = [Path(p) for p in paths]
    with tempfile.TemporaryDirectory(prefix="bss-ppu-cc-") as d:
        elf = toolchain.compile_c(sources, Path(d) / (sources[0].stem + ".elf"),
                                      include_dirs=list(includes),
                                      defines=dict(defines or {}), optimize=optimize)
        return PpuImage.from_elf(elf.read_bytes(), name=str(sources[0]))


def build_image(path: str | Path, *, includes: Iterable[str | Path] = (),
                defines: Mapping[str, str] | None = None,
                cpp: bool | None = None) -> PpuImage:
    """An image from an ELF, an assembly source or a C source."""
    path = Path(path)
    if path.suffix in ASM_SUFFIXES:
        return assemble_file(path, includes=includes, defines=defines, cpp=cpp)
    if path.suffix in C_SUFFIXES:
        return compile_file([path], includes=includes, defines=defines)
    return PpuImage.from_elf(path)


def example(name: str) -> Path:
    """Path of a shipped example kernel, e.g. ``example("stdp.S")``."""
    p = EXAMPLES / name
    if not p.is_file():
        have = sorted(x.name for x in EXAMPLES.iterdir() if x.suffix in (".c", ".S"))
        raise FileNotFoundError(f"no example {name!r}; shipped: {', '.join(have)}")
    return p
