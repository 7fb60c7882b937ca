"""``bss config show|validate|diff|apply|graph|preset``: chip configurations saved as files
(:func:`bss_host.config.save`)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from bss_host.cli.progress import ProgressBar
from bss_host.config import diff, load, presets, save
from bss_host.connection import connect
from bss_host.coords import AtomicNeuron
from bss_host.errors import InputError
from bss_host.shadow import load_shadow, save_shadow


def _neurons(texts: list[str]) -> list[AtomicNeuron] | None:
    if not texts:
        return None
    out = []
    for text in texts:
        try:
            column, row = (int(p) for p in text.split(","))
        except ValueError:
            raise InputError(f"--neuron {text!r}: expected COLUMN,ROW (e.g. 3,0)") from None
        out.append(AtomicNeuron(column, row))
    return out


def cmd_config_preset(args: argparse.Namespace) -> int:
    chip = presets.setup_chip()
    print(f"wrote {save(chip, args.out)}: {chip!r}")
    return 0


def cmd_config_show(args: argparse.Namespace) -> int:
    chip = load(args.file)
    summary = chip.summary()
    if args.json:
        print(json.dumps(summary, indent=2))
        return 0
    print(repr(chip))
    for key, value in summary.items():
        print(f"  {key.replace('_', ' '):<28} {value}")
    return 0


def cmd_config_validate(args: argparse.Namespace) -> int:
    problems = load(args.file).validate()
    if args.json:
        print(json.dumps([{"severity": p.severity, "check": p.check, "message": p.message,
                           "coordinates": [repr(c) for c in p.coordinates]}
                          for p in problems], indent=2))
    else:
        for p in problems:
            print(p)
        errors = sum(p.severity == "error" for p in problems)
        print(f"{args.file}: {errors} error(s), {len(problems) - errors} warning(s)")
    return 1 if any(p.severity == "error" for p in problems) else 0


def cmd_config_diff(args: argparse.Namespace) -> int:
    changes = diff(load(args.a), load(args.b))
    rows = [{"register": c.register, "instances": len(c.instances), "words": len(c.words)}
            for c in changes]
    if args.json:
        print(json.dumps(rows, indent=2))
    else:
        for r in rows:
            print(f"{r['register']:<32} {r['instances']:>7} instance(s) {r['words']:>7} word(s)")
        print(f"{len(changes)} word(s) differ")
    return 0


def cmd_config_apply(args: argparse.Namespace) -> int:
    chip = load(args.file)
    with connect(args.url, timeout=args.timeout) as conn:
        load_shadow(conn)
        with ProgressBar("writing the configuration") as bar:
            changes = conn.apply(chip, progress=bar)
        save_shadow(conn)
    print(f"wrote {len(changes)} word(s) to {conn.url}: "
          + (", ".join(f"{c.register} ({len(c.words)})" for c in changes) or "nothing changed"))
    return 0


def cmd_config_graph(args: argparse.Namespace) -> int:
    graph = load(args.file).graph()
    neurons = _neurons(args.neuron)
    if args.png:
        import matplotlib

        matplotlib.use("Agg")
        ax = graph.draw(neurons)
        ax.figure.savefig(args.png, dpi=120, bbox_inches="tight")
        print(f"wrote {args.png}")
        return 0
    dot = graph.to_dot(neurons)
    if args.dot and args.dot != "-":
        Path(args.dot).write_text(dot)
        print(f"wrote {args.dot}")
    elif args.dot == "-":
        sys.stdout.write(dot)
    else:
        for neuron in neurons or []:
            table = graph.inputs_of(neuron)
            print(f"{neuron!r}: {len(table)} input path(s)")
            for r in table:
                print(f"  {r['source']:<14} label {r['label']:#06x}  in {r['input']:>2} -> "
                      f"PADI {r['output']}  driver {r['driver']:>3}  row {r['row']:>3}  "
                      f"weight {r['weight']:>2} {r['sign']}")
        if not neurons:
            print(f"{len(graph.sources)} running source(s); logical neurons of more than one "
                  f"compartment: {sum(len(g) > 1 for g in graph.logical_neurons())}")
    return 0



