"""Benchmark: encode a full-chip configuration from numpy arrays into the (address, word)
stream and decode it back. Release build, pinned to one core. Prints medians.

    python tools/bench/encode.py [--repeats 50] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from bss_host import REGMAP
from bss_host.regmap import decode_synapses, encode_synapses

# Whole-array registers of a full-chip configuration besides the synapses.
ARRAY_REGISTERS = [
    "capmem_cell",
    "neuron_config",
    "neuron_backend_config",
    "synapse_driver_config",
    "crossbar_node",
    "background_spike_source",
]


def random_columns(name: str, rng: np.random.Generator) -> dict[str, np.ndarray]:
    reg = REGMAP[name]
    return {
        f.name: rng.integers(f.min, f.max + 1, reg.count, dtype=np.int64)
        for f in reg.fields
        if f.access != "ro"
    }


def median_seconds(fn: Callable[[], Any], repeats: int) -> float:
    fn()  # warm up
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter_ns()
        fn()
        times.append(time.perf_counter_ns() - t0)
    return statistics.median(times) / 1e9


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--repeats", type=int, default=50)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})

    rng = np.random.default_rng(0)
    syn = [rng.integers(0, m, (2, 256, 256), dtype=np.uint8) for m in (64, 64, 4, 4)]
    cols = {name: random_columns(name, rng) for name in ARRAY_REGISTERS}
    syn_stream = encode_synapses(*syn)
    streams = {name: REGMAP[name].encode_array(c) for name, c in cols.items()}

    results: dict[str, dict[str, float]] = {}

    def record(label: str, words: int, enc: Callable[[], Any], dec: Callable[[], Any]) -> None:
        te, td = median_seconds(enc, args.repeats), median_seconds(dec, args.repeats)
        results[label] = {
            "words": words,
            "encode_s": te,
            "decode_s": td,
            "encode_words_per_s": words / te,
            "decode_words_per_s": words / td,
        }

    record("synapse arrays (2x256x256, 4 fields)", len(syn_stream.words),
           lambda: encode_synapses(*syn), lambda: decode_synapses(syn_stream.words))
    for name in ARRAY_REGISTERS:
        reg = REGMAP[name]
        record(name, len(streams[name].words),
               lambda reg=reg, c=cols[name]: reg.encode_array(c),
               lambda reg=reg, s=streams[name]: reg.decode_array(s.words))

    def full_encode() -> None:
        encode_synapses(*syn)
        for name in ARRAY_REGISTERS:
            REGMAP[name].encode_array(cols[name])

    def full_decode() -> None:
        decode_synapses(syn_stream.words)
        for name in ARRAY_REGISTERS:
            REGMAP[name].decode_array(streams[name].words)

    total = len(syn_stream.words) + sum(len(s.words) for s in streams.values())
    record("full chip (all of the above)", total, full_encode, full_decode)

    machine = {"cpu": platform.processor() or platform.machine(), "cores": os.cpu_count(),
               "pinned_cores": 1, "python": platform.python_version()}
    if args.json:
        print(json.dumps({"machine": machine, "results": results}, indent=2))
        return
    print(f"machine: {machine}")
    print(f"{'what':<40}{'words':>9}{'encode':>12}{'M words/s':>11}{'decode':>12}{'M words/s':>11}")
    for label, r in results.items():
        print(f"{label:<40}{r['words']:>9}{r['encode_s'] * 1e6:>10.1f}us"
              f"{r['encode_words_per_s'] / 1e6:>11.1f}{r['decode_s'] * 1e6:>10.1f}us"
              f"{r['decode_words_per_s'] / 1e6:>11.1f}")


if __name__ == "__main__":
    main()
