"""Benchmark the chip model on a full-chip network against Brian2 on the same network.

The chip (``sim:``, the model in this process, one core): all 512 compartments as AdEx
neurons (exponential term, adaptation, enable_pause), all 131,072 synapses with random
nonzero 6-bit weights, 8 Poisson background sources feeding all 8 PADI buses and
recurrent all-to-all connectivity within each hemisphere through the crossbar:

- neuron n (hemisphere h, column c, block B = c // 128, bus q = (c % 128) // 32, r = c % 32)
  sends label (o << 8) | address with o = 4 B + q and address = h << 7 | X << 6 | B << 5 | r,
  X = r // 16; crossbar node (o, q + 4 h) passes it (mask 0x80 on the hemisphere bit) to
  PADI bus q of synram h only, node (o, 8 + o % 4) to the FPGA (recorded);
- the drivers compare row-select bits 4 and 0 (B and X) only: an event reaches the 8
  drivers (16 rows) of its class on its bus, and the one row whose 256 synapses all carry
  the label B << 5 | r is the row of n: every neuron drives one full row of its own
  synram (excitatory; inhibitory for the 20 % of neurons in block 1 with c % 128 % 5 < 2);
- background source i (crossbar input 12 + i) feeds PADI bus i % 4 of synram i // 4 with
  labels whose 4 low bits are random, so each event hits one of the 16 rows of class
  (B, X) = (0, 0) of its bus: all 256 neurons of the synram get it, through that row's
  weights.

1 ms of hardware time (1 s biological, 125,000 steps of 8 ns) per run, timed from
``conn.run`` to its return, spikes recorded.

Brian2 (C++ standalone, one thread, compiled with Brian's defaults): the same 512 neurons
(each with the chip's true parameters from the introspection API), the same equations
(CUBA exponential synapses with the chip's per-compartment scale, time constants and
OTA offsets), the same 2 x 256 x 256 all-to-all weights (presynaptic neuron j of a
hemisphere uses the weights of its chip row), 8 Poisson sources of the same rates
(2,048 more synapses, with the mean weight of the rows they reach on the chip), dt = 8 ns
for 1 ms of hardware time: the same 125,000 steps. Its time is the one the generated
binary reports for its run loop (``device._last_run_time``); compilation is excluded and
so is the process start. Brian2 runs twice: without the membrane noise term (no random
number per step: a lower bound on the ratio) and with the chip's noise (the same
equations).

    pip install -e '.[brian2]'
    python tools/bench/model.py [--repeats 3] [--seed 1] [--no-brian] [--keep DIR]

Medians over the repeats. Hardware time runs 1000 times faster than biology.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from bss_host import REGMAP, Program, connect, introspection, presets
from bss_host.connection import Connection

# The Brian2 reference equations are shared with the test suite.
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from tests.support import brian2_reference  # noqa: E402

DT = 8e-9
STEPS_PER_MS = 125_000
NEURONS = presets.NEURONS
SETTLE_US = presets.SETTLE_US + 600  # CapMem stops moving 10 tau after the last write
DURATION_US = 1000.0
NOISE_SIGMA = brian2_reference.NOISE_SIGMA  # the model's membrane noise, V / sqrt(s)

NEURON_CELLS: dict[str, int] = {
    "i_bias_synin_exc_gm": 40,   # ~0.04 nA per weight LSB
    "i_bias_synin_inh_gm": 160,
    "i_bias_exp": 120, "v_exp": 880,
    "i_bias_adapt_a": 30, "i_bias_adapt_b": 40, "i_bias_adapt_tau": 10,
}
NEURON_CONFIG: dict[str, int] = {
    "enable_exponential": 1, "enable_adaptation": 1, "enable_pause": 1,
}
BG_PERIOD = 4   # cycles between spike opportunities
BG_RATE = 8     # probability rate / 256 per opportunity: 0.98 MHz hardware per source,
                # 3.9 MHz into every neuron (3.9 kHz biological)
BG_MASK = 0xF   # random low label bits
COMPARE_MASK = 0b10001


@dataclass(frozen=True)
class Layout:
    """Per neuron: event output, address_out, chip row (in its hemisphere's synram) and
    whether its row is inhibitory."""

    output: npt.NDArray[np.int64]
    address: npt.NDArray[np.int64]
    row: npt.NDArray[np.int64]
    inhibitory: npt.NDArray[np.bool_]


def layout() -> Layout:
    n = np.arange(NEURONS)
    h, c = n // 256, n % 256
    block, bus, r = c // 128, (c % 128) // 32, c % 32
    x = r // 16
    output = 4 * block + bus
    address = (h << 7) | (x << 6) | (block << 5) | r
    k = (block << 4) | (((r & 15) >> 1) << 1) | x  # driver's row select, 0..31
    row = 2 * (4 * k + bus) + (r & 1)
    # 20 % inhibitory, all in block 1, so that the background rows (block 0) excite.
    return Layout(output, address, row, (block == 1) & (c % 128 % 5 < 2))


def backend_index(n: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """neuron_backend_config instance of neuron n (block = column // 128, row-major)."""
    row, column = n // 256, n % 256
    return (column // 128) * 256 + row * 128 + column % 128


def neuron_of_label(label: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    out, addr = (label >> 8) & 7, label & 0xFF
    return (addr >> 7) * 256 + (out // 4) * 128 + (out % 4) * 32 + (addr & 31)


def network(seed: int) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], Layout]:
    """Synapse weights (random 1..63) and labels (2, 256, 256); every row belongs to one
    presynaptic neuron of its synram's hemisphere."""
    lay = layout()
    rng = np.random.default_rng(seed)
    weights = rng.integers(1, 64, (2, 256, 256))
    labels = np.zeros((2, 256, 256), np.int64)
    for n in range(NEURONS):
        labels[n // 256, lay.row[n], :] = lay.address[n] & 63
    return weights, labels, lay


def background_rows(lay: Layout, synram: int, bus: int) -> npt.NDArray[np.int64]:
    """Rows a background event of `bus` can reach: class (B, X) = (0, 0), r < 16."""
    n = np.arange(NEURONS)
    c = n % 256
    hit = (n // 256 == synram) & (c < 128) & ((c % 128) // 32 == bus) & (c % 32 < 16)
    return lay.row[hit]


def setup_program(weights: npt.NDArray[np.int64], labels: npt.NDArray[np.int64],
                  lay: Layout) -> Program:
    p = Program()
    presets.chip_setup(p)
    address = np.zeros(NEURONS, np.int64)
    address[backend_index(np.arange(NEURONS))] = lay.address
    presets.neuron_setup(p, presets.neuron_cells(**NEURON_CELLS), config=NEURON_CONFIG,
                         backend={"address_out": address})
    node = REGMAP["crossbar_node"]
    for o in range(8):
        for h in range(2):  # PADI bus o % 4 of synram h, neurons of hemisphere h only
            p.write("crossbar_node", node.index_of(o, o % 4 + 4 * h), mask=0x80,
                    target=h << 7)
        p.write("crossbar_node", node.index_of(o, 8 + o % 4), mask=0, target=0)
    for i in range(8):
        p.write("crossbar_node", node.index_of(12 + i, i), mask=0, target=0)
        p.write("crossbar_node", node.index_of(12 + i, 8 + i % 4), mask=0x3FFF,
                target=0x3FFF)  # background labels are < 0x10: not recorded
    # Row modes follow the presynaptic neuron of each row: 1 excitatory, 2 inhibitory.
    mode = np.ones((2, 256), np.int64)
    for n in np.flatnonzero(lay.inhibitory):
        mode[n // 256, lay.row[n]] = 2
    drivers = np.arange(256)
    synram, d = drivers // 128, drivers % 128
    p.write_array("synapse_driver_config", indices=drivers, enable_receiver=1,
                  row_address_compare_mask=COMPARE_MASK,
                  row_mode_top=mode[synram, 2 * d], row_mode_bottom=mode[synram, 2 * d + 1])
    p.write_synapses(weights=weights, labels=labels)
    for i in range(8):
        p.write("background_spike_source", i, period=BG_PERIOD, rate=BG_RATE,
                seed=1000 + i, mask=BG_MASK, neuron_label=0, enable=1, enable_random=1)
    p.wait(us=SETTLE_US)
    return p


def run_chip(conn: Connection, repeats: int, duration_us: float = DURATION_US
             ) -> tuple[list[float], list[int], int]:
    """Wall times and recorded spikes per run of ``duration_us`` of hardware time, and how
    many neurons fired at all."""
    walls, spikes, fired = [], [], set()
    for _ in range(repeats):
        p = Program().record_events().timer_reset().wait_until(us=duration_us)
        p.record_events(False)
        p.build()
        t0 = time.perf_counter()
        res = conn.run(p)
        walls.append(time.perf_counter() - t0)
        spikes.append(len(res.spikes))
        fired.update(neuron_of_label(res.spikes["label"].astype(np.int64)).tolist())
    return walls, spikes, len(fired)




PARAMS = brian2_reference.PARAMETERS | brian2_reference.SYNAPTIC_PARAMETERS


@dataclass
class BrianResult:
    compile_s: float
    run_s: list[float]
    """The binary's own run-loop time per run (device._last_run_time)."""
    process_s: list[float]
    """Wall time of the binary's process per run."""
    spikes: int
    synapses: int


def run_brian(params: dict[str, Any], state: dict[str, Any], weights: npt.NDArray[np.int64],
              lay: Layout, noise: float, repeats: int, directory: str) -> BrianResult:
    import brian2 as b2

    b2.set_device("cpp_standalone", build_on_run=False)
    b2.device.reinit()
    b2.device.activate(build_on_run=False)
    b2.prefs.devices.cpp_standalone.openmp_threads = 0  # one thread
    b2.defaultclock.dt = DT * b2.second
    # Without noise the term goes: Brian2 would draw a normal number per step anyway.
    # The model's compartment with enable_pause and CUBA inputs (neuron.rs).
    eqs = brian2_reference.equations(synaptic_inputs=True, noise=bool(noise), flags=False)
    g = b2.NeuronGroup(NEURONS, eqs, method="euler",
                       threshold="v >= v_th and t > t_end - dt",
                       reset="t_end = t + t_ref + 0.5*dt\nw += b")
    g.run_regularly("v = clip(v, 0*volt, 1.8*volt)", when="groups", order=1)
    for name, (key, unit) in PARAMS.items():
        setattr(g, name, params[key] * getattr(b2, unit))
    if noise:
        g.sigma = noise * b2.volt / b2.second**0.5
    g.v = state["v"] * b2.volt
    g.w = state["w"] * b2.amp
    g.t_end = -DT * b2.second

    # All-to-all within each hemisphere: presynaptic j uses the weights of its chip row.
    pre, post = np.meshgrid(np.arange(256), np.arange(256), indexing="ij")
    syn = []
    for inhibitory, target in ((False, "e"), (True, "i")):
        s = b2.Synapses(g, g, "weight : 1",
                        on_pre=f"i_{target}_post += weight*scale_{target}_post")
        i_all, j_all, w_all = [], [], []
        for h in range(2):
            members = np.flatnonzero((np.arange(NEURONS) // 256 == h)
                                     & (lay.inhibitory == inhibitory))
            sel = np.isin(pre + 256 * h, members)
            i_all.append(pre[sel] + 256 * h)
            j_all.append(post[sel] + 256 * h)
            w_all.append(weights[h, lay.row[pre[sel] + 256 * h], post[sel]])
        s.connect(i=np.concatenate(i_all), j=np.concatenate(j_all))
        s.weight = np.concatenate(w_all).astype(float)
        syn.append(s)
    # Background: 8 Poisson sources, source i to the 256 neurons of synram i // 4 with
    # the mean weight of the rows its events reach on the chip.
    rate = 1 / (BG_PERIOD * DT) * BG_RATE / 256
    bg = b2.PoissonGroup(8, rates=rate * b2.Hz)
    sb = b2.Synapses(bg, g, "weight : 1", on_pre="i_e_post += weight*scale_e_post")
    src = np.repeat(np.arange(8), 256)
    tgt = (src // 4) * 256 + np.tile(np.arange(256), 8)
    sb.connect(i=src, j=tgt)
    sb.weight = np.concatenate([
        weights[i // 4][background_rows(lay, i // 4, i % 4)].mean(axis=0) for i in range(8)])
    mon = b2.SpikeMonitor(g, record=False)
    net = b2.Network(g, *syn, bg, sb, mon)
    net.run(DURATION_US * 1e-6 * b2.second)
    t0 = time.perf_counter()
    b2.device.build(directory=directory, compile=True, run=False)
    compile_s = time.perf_counter() - t0
    run_s, process_s = [], []
    for _ in range(repeats):
        b2.device.run(directory=directory, with_output=False)
        run_s.append(float(b2.device._last_run_time))
        process_s.append(float(b2.device.timers["run_binary"]))
    spikes = int(mon.num_spikes)
    n_syn = sum(len(s) for s in syn)
    return BrianResult(compile_s, run_s, process_s, spikes, n_syn)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--no-brian", action="store_true", help="time the chip model only")
    ap.add_argument("--keep", metavar="DIR", help="keep Brian2's generated projects here")
    args = ap.parse_args()

    weights, labels, lay = network(args.seed)
    conn = connect(f"sim:?seed={args.seed}")
    t0 = time.perf_counter()
    conn.run(setup_program(weights, labels, lay))
    setup_s = time.perf_counter() - t0
    params = introspection.neuron_parameters(conn)
    state = introspection.neuron_state(conn)
    walls, spikes, active = run_chip(conn, args.repeats)
    chip_s = statistics.median(walls)
    updates = STEPS_PER_MS * NEURONS / chip_s
    print(f"chip model: setup (CapMem settling, {SETTLE_US / 1000:.1f} ms) {setup_s:.2f} s; "
          f"per 1 ms of hardware time {', '.join(f'{w:.3f}' for w in walls)} s; "
          f"spikes {spikes} (mean rate {np.mean(spikes) / NEURONS:.1f} per neuron and "
          f"ms = {np.mean(spikes) / NEURONS:.1f} Hz biological; {active} neurons fired)")
    rows = [("chip model (sim:, in process)", chip_s, updates, float(np.mean(spikes)))]
    if not args.no_brian:
        base = args.keep or tempfile.mkdtemp(prefix="bench_model_brian2_")
        try:
            for label, noise in (("without noise", 0.0), ("with the chip's noise", NOISE_SIGMA)):
                d = os.path.join(base, "noise" if noise else "plain")
                r = run_brian(params, state, weights, lay, noise, args.repeats, d)
                print(f"Brian2 {label}: compile {r.compile_s:.1f} s; run loop "
                      f"{', '.join(f'{x:.3f}' for x in r.run_s)} s; process "
                      f"{', '.join(f'{x:.3f}' for x in r.process_s)} s; "
                      f"{r.synapses} recurrent synapses; spikes {r.spikes}")
                s = statistics.median(r.run_s)
                rows.append((f"Brian2 cpp_standalone, 1 thread, {label}", s,
                             STEPS_PER_MS * NEURONS / s, float(r.spikes)))
        finally:
            if not args.keep:
                shutil.rmtree(base, ignore_errors=True)
    print()
    print("| simulator | wall s per biological s (median) | neuron updates/s | spikes "
          "| chip speed-up |")
    print("| --- | --- | --- | --- | --- |")
    for name, s, u, n in rows:
        print(f"| {name} | {s:.3f} | {u / 1e6:.1f} M | {n:.0f} | {s / chip_s:.2f}x |")


if __name__ == "__main__":
    main()
