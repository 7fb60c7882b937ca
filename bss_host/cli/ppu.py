"""``bss ppu asm|cc|disasm|run|toolchain``: build, inspect and run PPU programs."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from bss_host.cli.common import parse_int
from bss_host.cli.progress import ProgressBar
from bss_host.connection import PROGRESS_AFTER_S
from bss_host.errors import InputError
from bss_host.ppu.image import PpuImage
from bss_host.units import PPU_CLOCK_HZ


def _define(text: str) -> tuple[str, str]:
    name, _, value = text.partition("=")
    return name, value or "1"


def _image(args: argparse.Namespace, path: str) -> PpuImage:
    from bss_host.ppu.build import build_image

    return build_image(_resolve(path), includes=args.include,
                       defines=dict(_define(d) for d in args.define))


def _resolve(path: str) -> Path:
    """A path, or the name of a shipped example (``stdp.S``)."""
    p = Path(path)
    if p.exists():
        return p
    from bss_host.ppu.build import EXAMPLES

    if (EXAMPLES / path).is_file():
        return EXAMPLES / path
    raise InputError(f"{path}: no such file (nor a shipped example in {EXAMPLES})")


class _PpuProgress:
    """The PPU's hardware time on a progress bar (of the timeout), once a run has taken
    two seconds of wall time."""

    def __init__(self, bar: ProgressBar, timeout_us: float) -> None:
        self.bar, self.timeout_us = bar, timeout_us
        self.t0 = time.perf_counter()

    def __call__(self, hardware_us: float) -> None:
        if time.perf_counter() - self.t0 >= PROGRESS_AFTER_S:
            self.bar(hardware_us, self.timeout_us)


def cmd_asm(args: argparse.Namespace) -> int:
    from bss_host.ppu.build import assemble_file

    src = _resolve(args.source)
    img = assemble_file(src, includes=args.include, cpp=args.cpp,
                        defines=dict(_define(d) for d in args.define))
    out = Path(args.output) if args.output else Path(src.with_suffix(".elf").name)
    out.write_bytes(img.elf)
    print(f"{out}: {len(img.internal) * 4} bytes internal, "
          f"{sum(len(d) for _, d in img.extmem)} bytes extmem, {len(img.symbols)} symbols")
    return 0


def cmd_cc(args: argparse.Namespace) -> int:
    from bss_host.ppu import toolchain

    sources = [Path(s) for s in args.sources]
    out = Path(args.output) if args.output else sources[0].with_suffix(".elf")
    toolchain.compile_c(sources, out, include_dirs=args.include,
                            defines=dict(_define(d) for d in args.define),
                            optimize=f"-O{args.optimize}")
    img = PpuImage.from_elf(out)
    print(f"{out}: {len(img.internal) * 4} bytes internal, {len(img.symbols)} symbols")
    return 0


def cmd_disasm(args: argparse.Namespace) -> int:
    print(_image(args, args.file).disassemble())
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    from bss_host.connection import connect
    from bss_host.ppu.runner import Ppu

    img = _image(args, args.file)
    with connect(args.url) as conn:
        if args.setup:
            from bss_host.config import presets
            from bss_host.program import Program

            conn.apply(presets.setup_chip())
            conn.run(Program().wait(us=presets.SETTLE_US))
        ppu = Ppu(conn, args.ppu)
        ppu.load(img)
        for assignment in args.set:
            name, _, value = assignment.partition("=")
            if not value:
                raise InputError(f"--set {assignment!r}: expected NAME=VALUE")
            ppu.write_symbol(name, parse_int(value, f"--set {name}"))
        with ProgressBar(f"PPU {ppu.name} (of the timeout)") as bar:
            r = ppu.run(timeout_us=args.timeout_us, trace=args.trace,
                        progress=_PpuProgress(bar, args.timeout_us))
    summary = {
        "ppu": r.ppu, "exit_code": r.exit_code, "mailbox_text": r.mailbox_text,
        "mailbox_words": [int(x) for x in r.mailbox_words()[:args.words]],
        "hardware_us": r.hardware_us,
    }
    if r.stats is not None:
        summary.update(cycles=r.stats.cycles, instructions=r.stats.instructions,
                       vector_instructions=r.stats.vector_instructions,
                       stall_cycles=r.stats.stall_cycles, sleep_cycles=r.stats.sleep_cycles)
    if args.json:
        if r.trace:
            summary["trace"] = [e.__dict__ for e in r.trace]
        print(json.dumps(summary, indent=2))
    else:
        if r.trace:
            for e in r.trace:
                print(f"{e.cycle:>10}  {e.pc:08x}: {e.word:08x}  {e.text}")
        print(f"PPU {r.ppu}: exit code {r.exit_code}")
        if r.stats is not None:
            s = r.stats
            print(f"cycles {s.cycles} ({s.cycles / (PPU_CLOCK_HZ / 1e6):.1f} us at "
                  f"{PPU_CLOCK_HZ / 1e6:g} MHz), instructions "
                  f"{s.instructions} ({s.vector_instructions} vector), IPC {s.ipc:.2f}, "
                  f"stall cycles {s.stall_cycles}")
        print(f"mailbox text: {r.mailbox_text!r}")
        words = " ".join(f"{int(w) & 0xFFFFFFFF:08x}" for w in summary["mailbox_words"])
        print(f"mailbox words 0..{args.words - 1}: {words}")
    return 0 if r.exit_code == 0 else 1


def cmd_toolchain(args: argparse.Namespace) -> int:
    from bss_host.ppu import toolchain

    if args.install:
        toolchain.install_toolchain()
    missing = toolchain.missing_tools()
    for tool in toolchain.REQUIRED_TOOLS:
        where = "missing" if tool in missing else toolchain.find_tool(tool)
        print(f"{tool:8s} {where}")
    if missing:
        print("install with: bss ppu toolchain --install  (apt-get install "
              "gcc-powerpc-linux-gnu)", file=sys.stderr)
    return 1 if missing else 0
