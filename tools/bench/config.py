"""Benchmarks of the configuration layer (issue 11): diff + encode of a full chip in which
every synapse changed, ``conn.apply`` of a full chip to ``sim:``, and ``inputs_of`` one
neuron on a fully connected chip. Medians of repeated runs, milliseconds.

    python tools/bench/config.py [--repeats 21] [--json]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Callable

import numpy as np

from bss_host import _core, connect
from bss_host.config import diff, presets
from bss_host.coords import AtomicNeuron

TARGETS_MS = {"diff_all_synapses": 5.0, "apply_full_chip": 50.0, "inputs_of": 1.0,
              "apply_full_chip_running": float("nan")}


def median_ms(run: Callable[[], object], repeats: int, setup: Callable[[], None] | None = None
              ) -> float:
    times = []
    for _ in range(repeats):
        if setup is not None:
            setup()
        t0 = time.perf_counter()
        run()
        times.append((time.perf_counter() - t0) * 1e3)
    return statistics.median(times)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=21, help="runs per figure (default 21)")
    ap.add_argument("--json", action="store_true", help="print JSON")
    args = ap.parse_args()
    rng = np.random.default_rng(0)
    a = presets.setup_chip()
    b = a.copy()
    b.synapses.weight[:] = rng.integers(0, 64, (2, 256, 256))
    b.synapses.label[:] = rng.integers(0, 64, (2, 256, 256))
    results = {"diff_all_synapses": median_ms(lambda: diff(a, b), args.repeats)}

    # A fresh model per run (made in the untimed setup): every word goes out, the model
    # idles until the writes switch CapMem on.
    fresh: list = []
    results["apply_full_chip"] = median_ms(
        lambda: fresh[-1].apply(b), args.repeats,
        setup=lambda: fresh.append(connect("sim:")))
    # The same writes again to a chip whose analog core now runs (shadow cleared so every
    # word goes out): the model integrates 512 neurons for each write's cycle, so this is
    # the model's speed, not the configuration layer's.
    conn = fresh[-1]
    results["apply_full_chip_running"] = median_ms(
        lambda: conn.apply(b), max(3, args.repeats // 4),
        setup=lambda: setattr(conn, "shadow", _core.Shadow()))
    for c in fresh:
        c.close()

    full = b.copy()
    full.synapses.weight[:] = rng.integers(1, 64, (2, 256, 256))
    full.drivers.enable_receiver[:] = 1
    full.drivers.row_mode_top[:] = 1
    full.drivers.row_mode_bottom[:] = 2
    full.background.enable[:] = 1
    graph = full.graph()
    results["inputs_of"] = median_ms(lambda: graph.inputs_of(AtomicNeuron(100, 1)),
                                     args.repeats)
    paths = len(graph.inputs_of(AtomicNeuron(100, 1)))
    if args.json:
        print(json.dumps({"ms": results, "targets_ms": TARGETS_MS, "paths": paths}, indent=2))
        return 0
    for name, ms in results.items():
        target = TARGETS_MS[name]
        note = f"(target <= {target:g} ms)" if target == target else "(no target: model time)"
        print(f"{name:<24} {ms:8.2f} ms   {note}")
    print(f"inputs_of found {paths} paths into the neuron")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
