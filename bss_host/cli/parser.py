"""The whole ``bss`` argument tree, in one place. Each command's handler lives in the
module of its group (:mod:`.info`, :mod:`.regs`, :mod:`.bringup`, :mod:`.emulate`,
:mod:`.link`, :mod:`.ppu`) and is imported only when that command runs, so ``bss info``
does not load the emulator or pyusb."""

from __future__ import annotations

import argparse
import importlib
from collections.abc import Callable

from bss_host.connection import default_url
from bss_host.emulator.server import DEFAULT_LISTEN

Handler = Callable[[argparse.Namespace], int]


def _handler(module: str, name: str) -> Handler:
    def run(args: argparse.Namespace) -> int:
        func: Handler = getattr(importlib.import_module(f"bss_host.cli.{module}"), name)
        return func(args)

    run.__name__ = name
    return run


def _number(text: str, *, integer: bool, zero_ok: bool) -> float:
    """A finite number from an option's text (integers also in hex), > 0 or >= 0."""
    kind = "an integer" if integer else "a number"
    try:
        value = int(text, 0) if integer else float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not {kind}") from None
    if not (0 <= value if zero_ok else 0 < value) or not value < float("inf"):
        raise argparse.ArgumentTypeError(
            f"{text!r}: allowed {kind} {'>=' if zero_ok else '>'} 0 (finite)")
    return value


def _positive_float(text: str) -> float:
    return _number(text, integer=False, zero_ok=False)


def _scale(text: str) -> float:
    return _number(text, integer=False, zero_ok=True)


def _nonnegative_int(text: str) -> int:
    return int(_number(text, integer=True, zero_ok=True))


def _json(p: argparse.ArgumentParser) -> None:
    p.add_argument("--json", action="store_true", help="print JSON instead of text")


def _leaf(cmds: argparse._SubParsersAction[argparse.ArgumentParser], name: str, help: str,
          module: str, handler: str, *, json: bool = False) -> argparse.ArgumentParser:
    """A command with its handler (``bss_host.cli.<module>.<handler>``) and, if ``json``,
    the --json switch."""
    p = cmds.add_parser(name, help=help)
    if json:
        _json(p)
    p.set_defaults(func=_handler(module, handler))
    return p


def _add_info(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    info = sub.add_parser("info", help="chip inventory from the register map")
    _json(info)
    info.set_defaults(func=_handler("info", "cmd_info"))


def _add_regs(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    regs = sub.add_parser("regs", help="the register map").add_subparsers(
        dest="regs", required=True)
    _leaf(regs, "list", "list registers", "regs", "cmd_regs_list", json=True).add_argument(
        "--block", help="only the registers of this block")
    _leaf(regs, "show", "one register with its fields", "regs", "cmd_regs_show",
          json=True).add_argument("name", help="register name, e.g. neuron_config")
    enc = regs.add_parser("encode", help="encode NAME[INDEX] FIELD=VALUE ... to (address, word)")
    enc.add_argument("target", help="NAME, NAME[INDEX] or NAME[C0,C1,...]")
    enc.add_argument("values", nargs="*", help="FIELD=VALUE (ints, hex, enum or sentinel names)")
    _json(enc)
    enc.set_defaults(func=_handler("regs", "cmd_regs_encode"))
    docs = regs.add_parser("docs", help="generate the Markdown register reference")
    docs.add_argument("--out", default="docs/registers", help="directory (default docs/registers)")
    docs.add_argument("--check", action="store_true", help="fail if the pages are stale")
    docs.set_defaults(func=_handler("regs", "cmd_regs_docs"))
    rdl = regs.add_parser("rdl", help="export the map as SystemRDL")
    rdl.add_argument("--out", default="-", help="file to write (default -: stdout)")
    rdl.set_defaults(func=_handler("regs", "cmd_regs_rdl"))
    header = regs.add_parser("header", help="write OUT/bss_ppu/registers.h for PPU programs")
    header.add_argument("out", metavar="OUT", help="include directory to write into")
    header.set_defaults(func=_handler("regs", "cmd_regs_header"))


def _add_bringup(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    def common(p: argparse.ArgumentParser) -> None:
        p.add_argument("--url", default=None,
                       help=f"connection URL (default $BSS_URL or sim:; now {default_url()})")
        p.add_argument("--timeout", type=_positive_float, default=5.0,
                       help="seconds without an answer before giving up (default 5)")
        _json(p)
        p.add_argument("--capture", metavar="PREFIX", default=None,
                       help="append the bytes of both directions to PREFIX.to_chip.bin and "
                       "PREFIX.from_chip.bin (read them with `bss link dissect`)")

    peek = sub.add_parser("peek", help="read one register instance (shadow if unreadable)")
    peek.add_argument("target", help="NAME, NAME[INDEX] or NAME[C0,C1,...]")
    common(peek)
    peek.set_defaults(func=_handler("bringup", "cmd_peek"))
    poke = sub.add_parser(
        "poke", help="write fields of one register instance; other fields keep their values")
    poke.add_argument("target", help="NAME, NAME[INDEX] or NAME[C0,C1,...]")
    poke.add_argument("values", nargs="+", help="FIELD=VALUE (ints, hex, enum or sentinel names)")
    common(poke)
    poke.set_defaults(func=_handler("bringup", "cmd_poke"))
    dump = sub.add_parser(
        "dump", help="every register of a block: read back where silicon can, else the shadow")
    dump.add_argument("block", help="block name (see `bss regs list`)")
    dump.add_argument("--limit", type=_nonnegative_int, default=8,
                      help="instances per register (default 8)")
    dump.add_argument("--all", action="store_true", help="every instance")
    common(dump)
    dump.set_defaults(func=_handler("bringup", "cmd_dump"))


def _add_emulate(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "emulate",
        help="run the chip emulator behind a TCP socket or a pty",
        description="Serve the chip emulator on TCP (default) or a pseudo-terminal. Prints one "
        "line when ready, `listening on HOST:PORT` or `pty PATH`; stops on SIGINT or SIGTERM.",
    )
    mode = p.add_mutually_exclusive_group()
    mode.add_argument(
        "--listen", metavar="HOST:PORT", default=DEFAULT_LISTEN,
        help=f"TCP address to listen on; port 0 picks a free one (default {DEFAULT_LISTEN})",
    )
    mode.add_argument("--pty", action="store_true", help="serve on a new pseudo-terminal")
    p.add_argument("--seed", type=_nonnegative_int, default=0,
                   help="seed of the chip model (default 0)")
    p.add_argument("--ppu-traps", choices=("report", "vector"), default="report",
                   help="PPU faults: stop the core and report them to the host (default), "
                        "or take the interrupt vectors as silicon does")
    p.add_argument("--noise", type=_scale, default=1.0,
                   help="scale of the model's temporal noise (0: none; default 1)")
    p.add_argument("--mismatch", type=_scale, default=1.0,
                   help="scale of the model's fixed-pattern mismatch (0: ideal; default 1)")
    p.add_argument("--exact", action="store_true",
                   help="the fine-step reference integration instead of the fast path")
    p.add_argument("-v", "--verbose", action="count", default=0,
                   help="log every transfer (debug level)")
    p.set_defaults(func=_handler("emulate", "cmd_emulate"))


def _add_link(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    link = sub.add_parser("link", help="the link layer: look at captured streams")
    dis = link.add_subparsers(dest="link", required=True).add_parser(
        "dissect", help="decode a captured byte stream: frames, instructions, responses")
    dis.add_argument("file", metavar="FILE", help="captured bytes, or - for stdin")
    dis.add_argument("--json", action="store_true", help="a JSON list of frames")
    dis.add_argument("--max-payload", type=_nonnegative_int, default=None, metavar="N",
                     help="drop frames with payloads above N bytes (the negotiated limit)")
    dis.set_defaults(func=_handler("link", "cmd_link_dissect"))


def _add_ppu(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    ppu = sub.add_parser("ppu", help="build, inspect and run PPU programs")
    cmds = ppu.add_subparsers(dest="ppu_command", required=True)

    def build_opts(p: argparse.ArgumentParser) -> None:
        p.add_argument("-I", "--include", action="append", default=[], metavar="DIR",
                       help="add DIR to the include path")
        p.add_argument("-D", "--define", action="append", default=[], metavar="NAME[=V]",
                       help="define a preprocessor macro")

    asm = cmds.add_parser("asm", help="assemble GNU-as syntax to an ELF")
    asm.add_argument("source", help="assembly source (.s, or .S through cpp)")
    asm.add_argument("-o", "--output", help="ELF to write (default SOURCE.elf here)")
    cpp = asm.add_mutually_exclusive_group()
    cpp.add_argument("--cpp", dest="cpp", action="store_true", default=None,
                     help="run the C preprocessor (default for .S)")
    cpp.add_argument("--no-cpp", dest="cpp", action="store_false",
                     help="do not run the C preprocessor")
    build_opts(asm)
    asm.set_defaults(func=_handler("ppu", "cmd_asm"))

    cc = cmds.add_parser("cc", help="compile C with the Debian cross compiler and the SDK")
    cc.add_argument("sources", nargs="+", help="C and assembly sources")
    cc.add_argument("-o", "--output", help="ELF to write (default FIRST_SOURCE.elf)")
    cc.add_argument("-O", dest="optimize", default="2", choices=("0", "1", "2", "3", "s"),
                    help="optimisation level (default 2)")
    build_opts(cc)
    cc.set_defaults(func=_handler("ppu", "cmd_cc"))

    dis = cmds.add_parser("disasm", help="disassemble an ELF (or a source, built first)")
    dis.add_argument("file", help="ELF, or a source to build first")
    build_opts(dis)
    dis.set_defaults(func=_handler("ppu", "cmd_disasm"))

    tc = cmds.add_parser("toolchain", help="check (or install) Debian's PowerPC cross tools")
    tc.add_argument("--install", action="store_true",
                    help="apt-get install gcc-powerpc-linux-gnu if anything is missing")
    tc.set_defaults(func=_handler("ppu", "cmd_toolchain"))

    run = cmds.add_parser("run", help="load and run a program; print exit code, mailbox, cycles")
    run.add_argument("file", help="ELF, assembly (.s/.S) or C (.c) source, or the name of a "
                     "shipped example (stdp.S, stdp.c, homeostasis.c, structural.S, ...)")
    run.add_argument("--ppu", choices=("top", "bottom"), default="top",
                     help="which PPU (default top, the one at hemisphere 0)")
    run.add_argument("--url", default=None, help="connection URL (default $BSS_URL or sim:)")
    run.add_argument("--timeout-us", type=_positive_float, default=100_000.0,
                     help="hardware time before the run counts as runaway (default 100000)")
    run.add_argument("--trace", type=_nonnegative_int, nargs="?", const=10_000, default=0,
                     metavar="N",
                     help="print an instruction trace (model only; first N instructions)")
    run.add_argument("--set", action="append", default=[], metavar="SYMBOL=VALUE",
                     help="write a 32-bit variable before the run")
    run.add_argument("--setup", action="store_true",
                     help="configure the chip and all neurons with the standard presets "
                          "first (and let CapMem settle), so the network runs alongside")
    run.add_argument("--words", type=_nonnegative_int, default=8,
                     help="mailbox words to print (default 8)")
    _json(run)
    build_opts(run)
    run.set_defaults(func=_handler("ppu", "cmd_run"))


def _add_config(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    cmds = sub.add_parser("config", help="chip configurations saved as files").add_subparsers(
        dest="config_command", required=True)
    _leaf(cmds, "preset", "write the standard preset configuration", "config",
          "cmd_config_preset").add_argument("out", metavar="FILE",
                                            help="file to write (e.g. chip.bsschip)")
    _leaf(cmds, "show", "what a configuration switches on", "config", "cmd_config_show",
          json=True).add_argument("file", metavar="FILE")
    _leaf(cmds, "validate", "problems of a configuration (exit 1 on errors)", "config",
          "cmd_config_validate", json=True).add_argument("file", metavar="FILE")
    dif = _leaf(cmds, "diff", "the words that differ between two configurations", "config",
                "cmd_config_diff", json=True)
    dif.add_argument("a", metavar="A")
    dif.add_argument("b", metavar="B")
    app = cmds.add_parser("apply", help="write what differs from the connection's shadow")
    app.add_argument("file", metavar="FILE")
    app.add_argument("--url", default=None,
                     help=f"connection URL (default $BSS_URL or sim:; now {default_url()})")
    app.add_argument("--timeout", type=_positive_float, default=5.0,
                     help="seconds without an answer before giving up (default 5)")
    app.set_defaults(func=_handler("config", "cmd_config_apply"))
    graph = cmds.add_parser("graph", help="event paths: a table per neuron, DOT or a picture")
    graph.add_argument("file", metavar="FILE")
    graph.add_argument("--neuron", action="append", default=[], metavar="COLUMN,ROW",
                       help="only paths into this compartment (repeatable)")
    out = graph.add_mutually_exclusive_group()
    out.add_argument("--dot", metavar="OUT", help="write Graphviz DOT (- for stdout)")
    out.add_argument("--png", metavar="OUT", help="draw the paths into a PNG (matplotlib)")
    graph.set_defaults(func=_handler("config", "cmd_config_graph"))


def build_parser() -> argparse.ArgumentParser:
    """The ``bss`` parser; each leaf command sets ``func`` to its handler."""
    p = argparse.ArgumentParser(prog="bss", description="Host software for the bss chip.")
    sub = p.add_subparsers(dest="command", required=True)
    for add in (_add_info, _add_regs, _add_bringup, _add_config, _add_emulate, _add_link,
                _add_ppu):
        add(sub)
    return p
