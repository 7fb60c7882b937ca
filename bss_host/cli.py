"""The `bss` command line: `bss info`, `bss regs ...`, `bss peek/poke/dump`, `bss emulate`,
`bss link dissect`, `bss ppu asm/cc/disasm/run`."""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bss_host._core import RegmapError
from bss_host.connection import ExecutionError
from bss_host.ppu.image import PpuError
from bss_host.ppu_toolchain import ToolchainError
from bss_host.regmap import REGMAP, Register

# Register kinds whose words `info` counts separately; configuration is what a chip setup
# writes, status and trigger registers are read or fired, memories hold programs and data.
WORD_KINDS = ("config", "status", "trigger", "memory")


def inventory_summary() -> dict[str, Any]:
    """The chip inventory and per-block register statistics, from the map alone."""
    blocks = []
    for block, doc in REGMAP.blocks.items():
        regs = REGMAP.in_block(block)
        if not regs:
            continue
        blocks.append(
            {
                "name": block,
                "doc": doc,
                "registers": len(regs),
                "fields": sum(len(r.fields) for r in regs),
                "instances": sum(r.count for r in regs),
                **{
                    f"{kind}_words": sum(r.total_words for r in regs if r.kind == kind)
                    for kind in WORD_KINDS
                },
            }
        )
    totals = {
        key: sum(b[key] for b in blocks)
        for key in ("registers", "fields", "instances", *(f"{k}_words" for k in WORD_KINDS))
    }
    totals["blocks"] = len(blocks)
    return {"chip": REGMAP.chip, "inventory": REGMAP.inventory, "blocks": blocks, "totals": totals}


def _cmd_info(args: argparse.Namespace) -> int:
    s = inventory_summary()
    if args.json:
        print(json.dumps(s, indent=2))
        return 0
    chip = s["chip"]
    print(
        f"{chip['name']}: FPGA clock {chip['fpga_clock_hz'] / 1e6:g} MHz, "
        f"PPU clock {chip['ppu_clock_hz'] / 1e6:g} MHz"
    )
    print("\nInventory")
    for name, count in s["inventory"].items():
        print(f"  {name.replace('_', ' '):<22}{count:>10,}")
    header = "".join(f"{k + ' words':>15}" for k in WORD_KINDS)
    print(f"\n  {'block':<16}{'registers':>10}{'fields':>8}{'instances':>12}{header}")
    for row in [*s["blocks"], {"name": "total", **s["totals"]}]:
        words = "".join(f"{row[k + '_words']:>15,}" for k in WORD_KINDS)
        print(f"  {row['name']:<16}{row['registers']:>10}{row['fields']:>8}"
              f"{row['instances']:>12,}{words}")
    return 0


def _cmd_regs_list(args: argparse.Namespace) -> int:
    regs = REGMAP.in_block(args.block) if args.block else list(REGMAP.values())
    if args.json:
        print(json.dumps([_register_summary(r) for r in regs], indent=2))
        return 0
    for r in regs:
        print(f"{r.name:<34}{r.block:<16}{r.count:>9} x {r.words}  {r.access}  "
              f"0x{r.base:08x}  {r.doc}")
    return 0


def _register_summary(r: Register) -> dict[str, Any]:
    return {
        "name": r.name, "block": r.block, "doc": r.doc, "base": r.base, "count": r.count,
        "words": r.words, "access": r.access, "readable": r.readable, "kind": r.kind,
        "layout": r.layout,
    }


def _register_detail(r: Register) -> dict[str, Any]:
    d = _register_summary(r)
    d.update(
        word_stride=r.word_stride, word_bits=r.word_bits,
        dims=[{"name": x.name, "count": x.count, "stride": x.stride} for x in r.dims],
        valid=[list(v) for v in r.valid], quirks=list(r.quirks),
        fields=[
            {"name": f.name, "word": f.word, "msb": f.msb, "lsb": f.lsb, "reset": f.reset,
             "access": f.access, "readable": f.readable, "unit": f.unit, "allowed": f.allowed(),
             "enum": list(f.enum), "doc": f.doc}
            for f in r.fields
        ],
    )
    return d


def _cmd_regs_show(args: argparse.Namespace) -> int:
    r = REGMAP[args.name]
    if args.json:
        print(json.dumps(_register_detail(r), indent=2))
        return 0
    print(f"{r.name} ({r.block}): {r.doc}")
    dims = " x ".join(f"{d.name} {d.count} (stride 0x{d.stride:x})" for d in r.dims) or "single"
    print(f"  base 0x{r.base:08x}; {r.count} instance(s): {dims}"
          + (f"; sparse, {len(r.valid)} valid" if r.valid else ""))
    print(f"  {r.words} word(s), word stride {r.word_stride}, {r.word_bits} bits used; "
          f"access {r.access}; readable on silicon: {'yes' if r.readable else 'no'}; "
          f"kind {r.kind}; layout {r.layout}")
    if r.quirks:
        print(f"  quirks: {', '.join(r.quirks)}")
    print(f"\n  {'field':<40}{'word':>5}{'bits':>8}{'reset':>8}  {'acc':<4}allowed")
    for f in r.fields:
        bits = f"{f.msb}:{f.lsb}"
        unit = f" [{f.unit}]" if f.unit else ""
        print(f"  {f.name:<40}{f.word:>5}{bits:>8}{f.reset:>8}  {f.access:<4}{f.allowed()}{unit}")
        print(f"  {'':<40}{f.doc}")
    return 0


_TARGET = re.compile(r"^(?P<name>[a-z][a-z0-9_]*)(\[(?P<index>[0-9x_, ]+)\])?$")


def parse_target(text: str) -> tuple[Register, int]:
    """`NAME`, `NAME[INDEX]` or `NAME[C0,C1,...]` (one coordinate per dim)."""
    m = _TARGET.match(text.strip())
    if not m:
        raise RegmapError(f"cannot read '{text}': expected NAME[INDEX] or NAME[C0,C1,...]")
    reg = REGMAP[m["name"]]
    if m["index"] is None:
        return reg, 0
    parts = [int(p, 0) for p in m["index"].split(",")]
    if len(parts) == 1 and len(reg.dims) != 1:
        return reg, parts[0]
    return reg, reg.index_of(*parts)


def _cmd_regs_encode(args: argparse.Namespace) -> int:
    reg, index = parse_target(args.target)
    values: dict[str, int] = {}
    for item in args.values:
        if "=" not in item:
            raise RegmapError(f"'{item}': expected FIELD=VALUE")
        key, text = item.split("=", 1)
        values[key.strip()] = reg.field(key.strip()).parse(text)
    pairs = reg.encode(index, **values)
    if args.json:
        print(json.dumps({"register": reg.name, "index": index, "fields": reg.decode(
            [w for _, w in pairs]), "writes": [{"address": f"0x{a:08x}", "word": f"0x{w:08x}"}
                                              for a, w in pairs]}, indent=2))
        return 0
    for a, w in pairs:
        print(f"0x{a:08x} 0x{w:08x}")
    return 0


def _cmd_regs_docs(args: argparse.Namespace) -> int:
    from bss_host import regdocs

    out = Path(args.out)
    if args.check:
        stale = regdocs.stale_docs(out)
        if stale:
            print(f"stale register docs in {out}: {', '.join(stale)}; run `bss regs docs`",
                  file=sys.stderr)
            return 1
        print(f"{out} is up to date")
        return 0
    written = regdocs.write_docs(out)
    print(f"wrote {len(written)} files to {out}")
    return 0


def _cmd_regs_rdl(args: argparse.Namespace) -> int:
    from bss_host import rdl

    text = rdl.export_rdl()
    if args.out == "-":
        sys.stdout.write(text)
    else:
        Path(args.out).write_text(text)
        print(f"wrote {args.out}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="bss", description="Host software for the bss chip.")
    sub = p.add_subparsers(dest="command", required=True)

    info = sub.add_parser("info", help="chip inventory from the register map")
    info.add_argument("--json", action="store_true")
    info.set_defaults(func=_cmd_info)

    regs_parser = sub.add_parser("regs", help="the register map")
    regs = regs_parser.add_subparsers(dest="regs", required=True)
    ls = regs.add_parser("list", help="list registers")
    ls.add_argument("--block")
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(func=_cmd_regs_list)
    show = regs.add_parser("show", help="one register with its fields")
    show.add_argument("name")
    show.add_argument("--json", action="store_true")
    show.set_defaults(func=_cmd_regs_show)
    enc = regs.add_parser("encode", help="encode NAME[INDEX] FIELD=VALUE ... to (address, word)")
    enc.add_argument("target")
    enc.add_argument("values", nargs="*")
    enc.add_argument("--json", action="store_true")
    enc.set_defaults(func=_cmd_regs_encode)
    docs = regs.add_parser("docs", help="generate the Markdown register reference")
    docs.add_argument("--out", default="docs/registers")
    docs.add_argument("--check", action="store_true", help="fail if the pages are stale")
    docs.set_defaults(func=_cmd_regs_docs)
    rdl = regs.add_parser("rdl", help="export the map as SystemRDL")
    rdl.add_argument("--out", default="-")
    rdl.set_defaults(func=_cmd_regs_rdl)

    from bss_host import bringup, emulator, linkdissect
    from bss_host.ppu import cli as ppu_cli

    bringup.add_cli(sub)
    emulator.add_cli(sub)
    linkdissect.add_cli(sub)
    ppu_cli.add_cli(sub)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except (RegmapError, ExecutionError, ConnectionError, ValueError, PpuError,
            ToolchainError, FileNotFoundError) as e:
        # Bad input, a refused instruction, a lost link, a program that failed to build
        # or run: the message (one line, or the compiler's own), no traceback.
        print(f"error: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
