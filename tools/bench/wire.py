"""Benchmark the path from a program to the chip model and back.

Write throughput (register words per second, a program of N writes to FPGA DRAM) and the
single-read round trip (a program with one READ), over ``sim:`` (in-process) and over the
TCP emulator on loopback (``bss emulate`` in a separate process, through pyserial).

    python tools/bench/wire.py [--writes 1000000] [--repeats 7] [--reads 2000]

Medians over the repeats; the machine is noisy.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time

import numpy as np

from bss_host.connection import Connection, connect
from bss_host.program import Program

DRAM = 0x8400_0000


def write_rate(conn: Connection, n: int, repeats: int) -> list[float]:
    addrs = DRAM + np.arange(n, dtype=np.uint32)
    words = np.arange(n, dtype=np.uint32)
    rates = []
    for _ in range(repeats):
        p = Program().write_words(addrs, words)
        p.build()
        t0 = time.perf_counter()
        conn.run(p)
        rates.append(n / (time.perf_counter() - t0))
    return rates


def read_latency(conn: Connection, n: int) -> list[float]:
    out = []
    for _ in range(n):
        p = Program()
        p.read("timer")
        p.build()
        t0 = time.perf_counter()
        conn.run(p)
        out.append(time.perf_counter() - t0)
    return out


def measure(conn: Connection, args: argparse.Namespace) -> tuple[float, float, float]:
    write_rate(conn, args.writes // 10, 1)  # warm up
    rates = write_rate(conn, args.writes, args.repeats)
    lat = read_latency(conn, args.reads)
    return statistics.median(rates), statistics.median(lat), float(np.percentile(lat, 99))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--writes", type=int, default=1_000_000)
    ap.add_argument("--repeats", type=int, default=7)
    ap.add_argument("--reads", type=int, default=2000)
    args = ap.parse_args()
    print(f"machine: {os.cpu_count()} cores; {args.writes:,} writes per program, "
          f"{args.repeats} repeats; {args.reads} single-read programs")
    rows = []
    with connect("sim:") as conn:
        rows.append(("sim: (in-process)", *measure(conn, args)))
    server = subprocess.Popen(
        [sys.executable, "-m", "bss_host.cli", "emulate", "--listen", "127.0.0.1:0"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )
    try:
        port = int(server.stdout.readline().rsplit(":", 1)[1])  # type: ignore[union-attr]
        with connect(f"socket://127.0.0.1:{port}") as conn:
            rows.append(("socket:// (TCP loopback)", *measure(conn, args)))
    finally:
        server.terminate()
        server.wait()
    print("\n| connection | writes (M words/s, median) | single read round trip "
          "(median) | p99 |")
    print("| --- | --- | --- | --- |")
    for name, rate, med, p99 in rows:
        print(f"| {name} | {rate / 1e6:.1f} | {med * 1e6:.0f} us | {p99 * 1e6:.0f} us |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
