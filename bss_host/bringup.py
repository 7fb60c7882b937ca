"""Bring-up commands: ``bss peek``, ``bss poke``, ``bss dump``, all with ``--url``.

Silicon cannot read many registers back (chip.md §4.5), so the host's shadow copy is the
record for those. Each command loads the shadow kept for its URL from the state directory
(``$BSS_STATE_DIR``, default ``~/.local/state/bss``), and ``poke`` saves it back, so a
sequence of commands in separate shells shares it. ``sim:`` starts a fresh model per
process and keeps no shadow between commands.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from pathlib import Path
from typing import Any

import numpy as np

from bss_host import _core
from bss_host.connection import Connection, ExecutionError, connect, default_url
from bss_host.program import Program
from bss_host.regmap import REGMAP, Register

STATE_ENV = "BSS_STATE_DIR"


def state_dir() -> Path:
    return Path(os.environ.get(STATE_ENV) or Path.home() / ".local" / "state" / "bss")


def shadow_path(url: str) -> Path | None:
    """Where the shadow of a URL is kept; None for ``sim:`` (a fresh model each time)."""
    if url.startswith("sim:"):
        return None
    return state_dir() / f"shadow-{re.sub(r'[^A-Za-z0-9._-]+', '_', url)}.npz"


def load_shadow(conn: Connection) -> None:
    path = shadow_path(conn.url)
    if path is not None and path.exists():
        with np.load(path) as data:
            conn.shadow.update(data["addresses"], data["words"])


def save_shadow(conn: Connection) -> None:
    path = shadow_path(conn.url)
    if path is None:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    addresses, words = conn.shadow.entries()
    tmp = path.with_suffix(".tmp.npz")
    np.savez(tmp, addresses=addresses, words=words)
    tmp.replace(path)


def _open(args: argparse.Namespace) -> Connection:
    conn = connect(args.url, timeout=args.timeout, capture=args.capture)
    load_shadow(conn)
    return conn


def _reset_words(reg: Register) -> list[int]:
    return [w for _, w in reg.encode(0)] if reg.access != "ro" else [0] * reg.words


def instance_words(conn: Connection, reg: Register, indices: np.ndarray) -> tuple[np.ndarray, str]:
    """Words of instances as the host knows them: read from the chip where silicon can,
    else from the shadow (reset values where nothing was written). Returns (words, source)
    with words shaped (instances, words)."""
    if reg.readable:
        p = Program()
        t = p.read_array(reg.name, indices)
        conn.run(p)
        return t.words().reshape(len(indices), reg.words), "chip"
    addrs = reg.addresses(indices)
    words, present = conn.shadow.get(addrs)
    reset = np.tile(np.asarray(_reset_words(reg), np.uint32), len(indices))
    words = np.where(present, words, reset)
    source = "shadow" if present.any() else "reset (never written)"
    return words.reshape(len(indices), reg.words), source


def _fields_text(reg: Register, values: dict[str, Any]) -> str:
    return "  ".join(f"{f.name}={reg.field(f.name).format(int(values[f.name]))}"
                     for f in reg.fields)


def _label(reg: Register, index: int) -> str:
    if reg.count == 1:
        return reg.name
    coords = ",".join(str(c) for c in reg.coordinates(index))
    return f"{reg.name}[{index}]" + (f" ({coords})" if len(reg.dims) > 1 else "")


def cmd_peek(args: argparse.Namespace) -> int:
    from bss_host.cli import parse_target

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
    from bss_host.cli import parse_target

    reg, index = parse_target(args.target)
    if reg.access == "ro":
        raise _core.AccessError(f"{reg.name} is read-only; it cannot be poked")
    updates: dict[str, int] = {}
    for item in args.values:
        if "=" not in item:
            raise _core.RegmapError(f"'{item}': expected FIELD=VALUE")
        key, text = item.split("=", 1)
        updates[key.strip()] = reg.field(key.strip()).parse(text)
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
        raise _core.UnknownNameError(
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


def add_cli(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    def common(p: argparse.ArgumentParser) -> None:
        p.add_argument("--url", default=None,
                       help=f"connection URL (default ${'BSS_URL'} or sim:; now {default_url()})")
        p.add_argument("--timeout", type=float, default=5.0,
                       help="seconds without an answer before giving up (default 5)")
        p.add_argument("--json", action="store_true")
        p.add_argument("--capture", metavar="PREFIX", default=None,
                       help="append the bytes of both directions to PREFIX.to_chip.bin and "
                       "PREFIX.from_chip.bin (read them with `bss link dissect`)")

    peek = subparsers.add_parser("peek", help="read one register instance (shadow if unreadable)")
    peek.add_argument("target", help="NAME, NAME[INDEX] or NAME[C0,C1,...]")
    common(peek)
    peek.set_defaults(func=cmd_peek)

    poke = subparsers.add_parser(
        "poke", help="write fields of one register instance; other fields keep their values")
    poke.add_argument("target", help="NAME, NAME[INDEX] or NAME[C0,C1,...]")
    poke.add_argument("values", nargs="+", help="FIELD=VALUE (ints, hex, enum or sentinel names)")
    common(poke)
    poke.set_defaults(func=cmd_poke)

    dump = subparsers.add_parser(
        "dump", help="every register of a block: read back where silicon can, else the shadow")
    dump.add_argument("block")
    dump.add_argument("--limit", type=int, default=8, help="instances per register (default 8)")
    dump.add_argument("--all", action="store_true", help="every instance")
    common(dump)
    dump.set_defaults(func=cmd_dump)
