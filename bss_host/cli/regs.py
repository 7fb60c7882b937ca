"""``bss info`` and ``bss regs list|show|encode|docs|rdl|header``: the register map."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from bss_host.cli.common import parse_assignments
from bss_host.regmap import REGMAP, Register, parse_target


def cmd_regs_list(args: argparse.Namespace) -> int:
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


def cmd_regs_show(args: argparse.Namespace) -> int:
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


def cmd_regs_encode(args: argparse.Namespace) -> int:
    reg, index = parse_target(args.target)
    values = parse_assignments(reg, args.values)
    pairs = reg.encode(index, **values)
    if args.json:
        print(json.dumps({"register": reg.name, "index": index, "fields": reg.decode(
            [w for _, w in pairs]), "writes": [{"address": f"0x{a:08x}", "word": f"0x{w:08x}"}
                                              for a, w in pairs]}, indent=2))
        return 0
    for a, w in pairs:
        print(f"0x{a:08x} 0x{w:08x}")
    return 0


def cmd_regs_docs(args: argparse.Namespace) -> int:
    from bss_host.regmap.export import markdown

    out = Path(args.out)
    if args.check:
        stale = markdown.stale_docs(out)
        if stale:
            print(f"stale register docs in {out}: {', '.join(stale)}; run `bss regs docs`",
                  file=sys.stderr)
            return 1
        print(f"{out} is up to date")
        return 0
    written = markdown.write_docs(out)
    print(f"wrote {len(written)} files to {out}")
    return 0


def cmd_regs_rdl(args: argparse.Namespace) -> int:
    from bss_host.regmap.export import systemrdl

    text = systemrdl.export_rdl()
    if args.out == "-":
        sys.stdout.write(text)
    else:
        Path(args.out).write_text(text)
        print(f"wrote {args.out}")
    return 0


def cmd_regs_header(args: argparse.Namespace) -> int:
    from bss_host.regmap.export import c_header

    print(f"wrote {c_header.write_registers_h(Path(args.out))}")
    return 0
