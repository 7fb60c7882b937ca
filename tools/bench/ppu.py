"""Benchmark the STDP kernel over a whole hemisphere on the chip model: modelled PPU
cycles (hardware time) against wall-clock time.

    python tools/bench/ppu.py [--repeats 5] [--kernel stdp.S]

Two settings: the PPU alone (analog core off: the model only runs the PPU and answers its
I/O) and the PPU while the network runs (the standard chip setup: CapMem on, 512 AdEx
compartments integrated every 8 ns alongside). The wall time is the whole ``Ppu.run``
(release, polls, exit code, mailbox), median over the repeats; the machine is noisy.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

from bss_host import Program, connect, presets
from bss_host.ppu import Ppu
from bss_host.ppu.build import build_image, example
from bss_host.units import PPU_CLOCK_HZ


def one(kernel: str, network: bool) -> tuple[int, int, float]:
    with connect("sim:?seed=1") as conn:
        if network:
            conn.apply(presets.setup_chip())
            conn.run(Program().wait(us=presets.SETTLE_US))
        ppu = Ppu(conn, "top")
        ppu.load(build_image(example(kernel)))
        t0 = time.perf_counter()
        r = ppu.run(timeout_us=100_000, poll_us=100)
        wall = time.perf_counter() - t0
        assert r.exit_code == 0 and r.stats is not None
        return r.stats.cycles, r.stats.instructions, wall


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--kernel", default="stdp.S")
    args = ap.parse_args()
    print(f"machine: {os.cpu_count()} cores; kernel {args.kernel}, 256 rows x 2 halves")
    for network in (False, True):
        runs = [one(args.kernel, network) for _ in range(args.repeats)]
        cycles, insns = runs[0][0], runs[0][1]
        wall = statistics.median(r[2] for r in runs)
        hw = cycles / PPU_CLOCK_HZ
        label = "with the network running" if network else "PPU alone"
        print(f"{label:26s}: {cycles} cycles = {hw * 1e3:.3f} ms hardware, {insns} "
              f"instructions; wall {wall * 1e3:.1f} ms (median of {args.repeats}), "
              f"{wall / hw:.2f} s wall per s hardware")


if __name__ == "__main__":
    main()
