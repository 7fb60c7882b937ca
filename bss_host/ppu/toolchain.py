"""Building PPU programs with the stock Debian PowerPC cross toolchain (no compiler fork).

The PPU SDK shipped in ``bss_host/ppu/sdk`` (headers, ``crt0.S``, ``runtime.c``,
``link.ld``, example kernels) is compiled with ``powerpc-linux-gnu-gcc`` (Debian package
``gcc-powerpc-linux-gnu``) using flags that keep gcc inside the Nux instruction set
(reference ``ppu.md`` section 6). The FXV vector instructions come from the SDK's
headers as ``.long`` words, so no patched assembler is needed.

    from bss_host.ppu.toolchain import compile_c, EXAMPLES_DIR
    elf = compile_c([EXAMPLES_DIR / "stdp.c"], "stdp.elf")

The tool prefix can be changed with the environment variable ``BSS_PPU_TOOL_PREFIX``
(default ``powerpc-linux-gnu-``).
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from bss_host.errors import CompileError, InputError, ToolchainNotFoundError
from bss_host.regmap.export.c_header import write_registers_h

log = logging.getLogger(__name__)

SDK_DIR = Path(__file__).resolve().parent / "sdk"
INCLUDE_DIR = SDK_DIR / "include"
CRT0 = SDK_DIR / "crt0.S"
RUNTIME = SDK_DIR / "runtime.c"
LINKER_SCRIPT = SDK_DIR / "link.ld"
EXAMPLES_DIR = SDK_DIR / "examples"

DEFAULT_PREFIX = "powerpc-linux-gnu-"
PREFIX_ENV = "BSS_PPU_TOOL_PREFIX"

# Which Debian package provides each cross tool.
DEBIAN_PACKAGES: dict[str, str] = {
    "gcc": "gcc-powerpc-linux-gnu",
    "cpp": "cpp-powerpc-linux-gnu",
    "as": "binutils-powerpc-linux-gnu",
    "ld": "binutils-powerpc-linux-gnu",
    "objdump": "binutils-powerpc-linux-gnu",
    "objcopy": "binutils-powerpc-linux-gnu",
    "nm": "binutils-powerpc-linux-gnu",
    "readelf": "binutils-powerpc-linux-gnu",
}

# Code generation restricted to what Nux implements (ppu.md section 6), freestanding.
TARGET_FLAGS: tuple[str, ...] = (
    "-mcpu=powerpc",
    "-m32",
    "-mbig-endian",
    "-msoft-float",
    "-mstrict-align",
    "-mno-isel",
    "-mno-mfcrf",
    "-mno-popcntb",
    "-mno-string",
    "-mno-relocatable",
    "-msdata=none",
    "-G0",
    "-fno-pic",
    # longcall (needed to reach ext.text at 0x8000_0000) without PLT relocations, which
    # a static PPU image cannot have.
    "-mno-pltseq",
    "-ffreestanding",
    "-nostdlib",
    "-nostartfiles",
    "-ffunction-sections",
    "-fdata-sections",
    # Keeps gcc from turning the loops of memset/memcpy (runtime.c) into calls to
    # themselves.
    "-fno-tree-loop-distribute-patterns",
    "-fno-common",
    "-fno-asynchronous-unwind-tables",
    "-std=gnu11",
    "-Wall",
    "-Wextra",
)
# The assembler accepts rN register names in the SDK's .S files.
ASM_FLAGS: tuple[str, ...] = ("-Wa,-mregnames",)
LINK_FLAGS: tuple[str, ...] = (
    "-static",
    "-Wl,--gc-sections",
    "-Wl,--build-id=none",
    # SRAM holds code and data in one segment; that is the machine, not a mistake.
    "-Wl,--no-warn-rwx-segments",
)


def _prefix() -> str:
    return os.environ.get(PREFIX_ENV, DEFAULT_PREFIX)


REQUIRED_TOOLS = ("gcc", "cpp", "as", "ld", "objdump", "objcopy", "nm")
"""The cross tools the SDK, the kernels and their tests use."""


def missing_tools() -> list[str]:
    """The required cross tools that are not on PATH."""
    missing = []
    for tool in REQUIRED_TOOLS:
        try:
            find_tool(tool)
        except ToolchainNotFoundError:
            missing.append(tool)
    return missing


def install_toolchain() -> None:
    """Install Debian's PowerPC cross compiler with apt-get (through sudo unless root) if
    any required tool is missing; tries an `apt-get update` once if the package is not
    known yet. Raises :class:`ToolchainError` if apt-get fails."""
    if not missing_tools():
        return
    packages = sorted({DEBIAN_PACKAGES.get(t, "gcc-powerpc-linux-gnu") for t in missing_tools()})
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    log.info("installing %s", " ".join(packages))
    install = [*sudo, "apt-get", "install", "-y", "-q", *packages]
    if subprocess.run(install, env=env, capture_output=True).returncode != 0:
        subprocess.run([*sudo, "apt-get", "update", "-q"], env=env, capture_output=True)
        done = subprocess.run(install, env=env, capture_output=True, text=True)
        if done.returncode != 0:
            raise CompileError(install, done.returncode, done.stderr)
    still = missing_tools()
    if still:
        raise ToolchainNotFoundError(_prefix() + still[0],
                                     DEBIAN_PACKAGES.get(still[0], "gcc-powerpc-linux-gnu"))


def find_tool(name: str) -> Path:
    """The path of a cross tool: ``find_tool("gcc")`` finds ``powerpc-linux-gnu-gcc``.

    A name that already carries the prefix, or a path, is looked up as given.
    Raises :class:`ToolchainNotFoundError` naming the Debian package to install.
    """
    prefix = _prefix()
    short = name[len(prefix) :] if name.startswith(prefix) else name
    full = name if (name.startswith(prefix) or os.sep in name) else prefix + name
    found = shutil.which(full)
    if found is None:
        package = DEBIAN_PACKAGES.get(short, "gcc-powerpc-linux-gnu")
        raise ToolchainNotFoundError(full, package)
    return Path(found)


def _run(command: Sequence[str]) -> subprocess.CompletedProcess[str]:
    log.debug("running %s", " ".join(command))
    proc = subprocess.run(list(command), capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise CompileError(command, proc.returncode, proc.stderr)
    if proc.stderr.strip():
        log.warning("%s: %s", Path(command[0]).name, proc.stderr.strip())
    return proc


def _define_flags(defines: Mapping[str, str | int | None]) -> list[str]:
    flags = []
    for key, value in defines.items():
        flags.append(f"-D{key}" if value is None else f"-D{key}={value}")
    return flags


def compile_c(
    sources: Iterable[str | os.PathLike[str]],
    output: str | os.PathLike[str],
    *,
    include_dirs: Iterable[str | os.PathLike[str]] = (),
    defines: Mapping[str, str | int | None] | None = None,
    optimize: str = "-O2",
    extra_flags: Sequence[str] = (),
    link_runtime: bool = True,
) -> Path:
    """Compiles and links C and/or assembly (``.S``) sources into a PPU ELF at ``output``.

    The SDK's ``crt0.S`` (and ``runtime.c`` unless ``link_runtime`` is false) are linked
    in with ``link.ld``; ``bss_ppu/registers.h`` is generated into a temporary build
    directory on the include path. Raises :class:`CompileError` with the compiler's
    stderr on failure and :class:`ToolchainNotFoundError` if the cross gcc is missing.
    """
    gcc = find_tool("gcc")
    srcs = [Path(s) for s in sources]
    if not srcs:
        raise InputError("compile_c needs at least one source file")
    missing = [str(s) for s in srcs if not s.is_file()]
    if missing:
        raise FileNotFoundError(f"PPU sources not found: {', '.join(missing)}")
    out = Path(output)
    out.parent.mkdir(parents=True, exist_ok=True)
    runtime = [RUNTIME] if link_runtime else []
    with tempfile.TemporaryDirectory(prefix="bss-ppu-build-") as build:
        generated = Path(build) / "include"
        write_registers_h(generated)
        command = [
            str(gcc),
            *TARGET_FLAGS,
            optimize,
            *ASM_FLAGS,
            f"-I{generated}",
            f"-I{INCLUDE_DIR}",
            *(f"-I{d}" for d in include_dirs),
            *_define_flags(defines or {}),
            *extra_flags,
            *LINK_FLAGS,
            "-T",
            str(LINKER_SCRIPT),
            "-o",
            str(out),
            str(CRT0),
            *(str(s) for s in [*runtime, *srcs]),
            "-lgcc",
        ]
        _run(command)
    log.info("linked %s from %s", out, ", ".join(s.name for s in srcs))
    return out


def compile_object(
    source: str | os.PathLike[str],
    output: str | os.PathLike[str],
    *,
    include_dirs: Iterable[str | os.PathLike[str]] = (),
    defines: Mapping[str, str | int | None] | None = None,
    optimize: str = "-O2",
    extra_flags: Sequence[str] = (),
) -> Path:
    """Compiles (or assembles) one C/``.S`` source into an object file, without linking.

    Same flags, include path and generated ``registers.h`` as :func:`compile_c`.
    """
    gcc = find_tool("gcc")
    src = Path(source)
    if not src.is_file():
        raise FileNotFoundError(f"PPU source not found: {src}")
    out = Path(output)
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="bss-ppu-build-") as build:
        generated = Path(build) / "include"
        write_registers_h(generated)
        _run(
            [
                str(gcc),
                *TARGET_FLAGS,
                optimize,
                *ASM_FLAGS,
                f"-I{generated}",
                f"-I{INCLUDE_DIR}",
                *(f"-I{d}" for d in include_dirs),
                *_define_flags(defines or {}),
                *extra_flags,
                "-c",
                "-o",
                str(out),
                str(src),
            ]
        )
    return out


def preprocess_asm(
    path: str | os.PathLike[str],
    *,
    include_dirs: Iterable[str | os.PathLike[str]] = (),
    defines: Mapping[str, str | int | None] | None = None,
    line_markers: bool = False,
) -> str:
    """Runs the C preprocessor over an assembly source for our own assembler.

    Defines ``__BSS_ASM__`` (so the sources skip ``fxv.inc``/``nux.inc``, whose
    mnemonics our assembler knows natively) and ``__ASSEMBLER__``, and puts the SDK
    headers and a freshly generated ``bss_ppu/registers.h`` on the include path. Uses
    the cross ``cpp`` if installed, else the host's ``cpp``. Line markers are dropped
    unless ``line_markers`` is true.
    """
    src = Path(path)
    if not src.is_file():
        raise FileNotFoundError(f"assembly source not found: {src}")
    try:
        cpp = find_tool("cpp")
    except ToolchainNotFoundError:
        host = shutil.which("cpp")
        if host is None:
            raise ToolchainNotFoundError("cpp", "cpp") from None
        cpp = Path(host)
    with tempfile.TemporaryDirectory(prefix="bss-ppu-cpp-") as build:
        generated = Path(build) / "include"
        write_registers_h(generated)
        command = [
            str(cpp),
            "-x",
            "assembler-with-cpp",
            "-D__BSS_ASM__",
            *([] if line_markers else ["-P"]),
            f"-I{generated}",
            f"-I{INCLUDE_DIR}",
            *(f"-I{d}" for d in include_dirs),
            *_define_flags(defines or {}),
            str(src),
        ]
        return _run(command).stdout


def disassemble(elf: str | os.PathLike[str], *sections: str) -> str:
    """``objdump -d`` of the ELF (optionally only the named sections)."""
    objdump = find_tool("objdump")
    args = [str(objdump), "-d", "--no-show-raw-insn"]
    for s in sections:
        args += ["-j", s]
    return _run([*args, str(elf)]).stdout
