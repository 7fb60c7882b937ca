"""Bring-up commands: ``bss peek``, ``bss poke``, ``bss dump``, all with ``--url``.

Each command loads the shadow kept for its URL (:mod:`bss_host.shadow`) and ``poke``
saves it back, so a sequence of commands in separate shells shares it.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

import numpy as np

from bss_host.cli.common import parse_assignments
from bss_host.connection import Connection, connect
from bss_host.errors import AccessError, ExecutionError, UnknownNameError
from bss_host.program import Program
from bss_host.regmap import REGMAP, Register, parse_target
from bss_host.shadow import instance_words, load_shadow, save_shadow


def _open(args: argparse.Namespace) -> Connection:
    conn = connect(args.url, timeout=args.timeout, capture=args.capture)
    load_shadow(conn)
    return conn

def _fields_text(reg: Register, values: dict[str, Any]) -> str:
    return "  ".join(f"{f.name}={reg.field(f.name).format(int(values[f.name]))}"
                     for f in reg.fields)


def _label(reg: Register, index: int) -> str:
    if reg.count == 1:
        return reg.name
    coords = ",".join(str(c) for c in reg.coordinates(index))
    return f"{reg.name}[{index}]" + (f" ({coords})" if len(reg.dims) > 1 else "")


def cmd_peek(args: argparse.Namespace) -> int:
    reg, index = parse_target(args.target)
    with _open(args) as conn:
        words, source = instance_words(conn, reg, np.array([index], np.uint32))
    values = reg.decode(words[0].tolist())
    if args.json:
        print(json.dumps({"register": reg.name, "index": index, "source": source,
                          "words": [int(w) for w in words[0]], "fields": values}, indent=2))
        return 0
    note = "" if source == "chip" else f"   [{source}: silicon cannot read {reg.name}]"
    print(f"{_label(reg, index)}{note}")
    for f in reg.fields:
        unit = f" {f.unit}" if f.unit else ""
        print(f"  {f.name:<36} {f.format(values[f.name])}{unit}")
    return 0


def cmd_poke(args: argparse.Namespace) -> int:
    reg, index = parse_target(args.target)
    if reg.access == "ro":
        raise AccessError(f"{reg.name} is read-only; it cannot be poked")
    updates = parse_assignments(reg, args.values)
    with _open(args) as conn:
        words, _ = instance_words(conn, reg, np.array([index], np.uint32))
        current = reg.decode(words[0].tolist())
        current.update(updates)
        p = Program().write(reg.name, index, **current)
        conn.run(p)
        save_shadow(conn)
    print(f"{_label(reg, index)} <- {_fields_text(reg, current)}")
    return 0


def cmd_dump(args: argparse.Namespace) -> int:
    regs = REGMAP.in_block(args.block)
    if not regs:
        raise UnknownNameError(
            f"no block '{args.block}'; blocks: {', '.join(sorted(REGMAP.blocks))}"
        )
    out: list[dict[str, Any]] = []
    with _open(args) as conn:
        for reg in regs:
            n = reg.count if args.all else min(reg.count, args.limit)
            idx = np.arange(n, dtype=np.uint32)
            try:
                words, source = instance_words(conn, reg, idx)
            except ExecutionError as e:
                print(f"{reg.name}: {e}", file=sys.stderr)
                continue
            cols = reg.decode_array(words.ravel())
            out.append({"register": reg.name, "source": source, "instances": int(n),
                        "of": reg.count,
                        "fields": {k: v.tolist() for k, v in cols.items()}})
            if args.json:
                continue
            tag = "read from the chip" if source == "chip" else f"{source}, not read back"
            print(f"{reg.name}  ({tag}; {n} of {reg.count})")
            for i in range(n):
                values = {k: int(v[i]) for k, v in cols.items()}
                print(f"  {_label(reg, i):<34} {_fields_text(reg, values)}")
            if n < reg.count:
                print(f"  ... {reg.count - n} more (--all shows every instance)")
    if args.json:
        print(json.dumps(out, indent=2))
    return 0
