"""``bss info``: the chip inventory and per-block register statistics, from the map alone."""

from __future__ import annotations

import argparse
import json
from typing import Any

from bss_host.regmap import REGMAP

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


def cmd_info(args: argparse.Namespace) -> int:
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
