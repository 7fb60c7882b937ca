"""A small recurrent E/I network driven by Poisson background sources, on the chip model.

64 excitatory and 16 inhibitory LIF neurons in the top hemisphere (synram 0), spread over
its eight event outputs (10 neurons in columns 32 j .. 32 j + 9 for output j), with random
sparse recurrent synapses. The event path is configured entirely through registers:

- neuron n (output o, address_out k) sends label ``(o << 8) | k``; the crossbar passes
  event output o to PADI bus o % 4 of block 0 (crossbar output o % 4) and to L2 output
  8 + o % 4 for recording;
- on a PADI bus a label carries a 5-bit row select (bits 10-6) and a 6-bit synapse address
  (bits 5-0); the four synapse drivers j = 4 o .. 4 o + 3 of bus o % 4 compare only the
  upper three row-select bits (row_address_compare_mask 0b11100), so every spike of
  output o reaches their 8 rows: 6 excitatory rows (3 drivers, row_mode 1) for the 8
  excitatory neurons of that output, 2 inhibitory rows (1 driver, row_mode 2) for its 2
  inhibitory ones; a synapse listens to the presynaptic neuron whose address_out equals
  its 6-bit label, so each row holds, per column, at most one presynaptic partner;
- background sources 0..3 (crossbar inputs 12..15) feed PADI buses 0..3 (sources 4..7
  reach only block 1, the bottom hemisphere); their labels carry 8 random low bits (mask
  0xFF), so each event hits the 4 background drivers (8 excitatory rows) of its bus with
  a random 6-bit synapse address; each row holds a random address per column, so every
  network neuron sees 32 Poisson background synapses of rate/64 each.

The L2 recording is mapped back to neurons through the labels and checked against the
neurons' spike counters. Plot: raster (neuron vs time) and population rate.

    python tools/examples/network.py [--seed N] [--out PATH] [--duration US]

Needs matplotlib. Hardware time runs 1000 times faster than biology: 1 us of hardware
time is 1 ms biological, and 1 kHz of hardware rate is 1 Hz biological.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from bss_host import Program, connect, presets
from bss_host.config import Chip
from bss_host.coords import CrossbarNode, SynapseDriver
from bss_host.units import FPGA_CYCLES_PER_US, NEURONS, SYNAPSE_SHAPE

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUT = ROOT / "docs" / "img" / "network_raster.png"


SETTLE_US = 2100.0
L2_STAMP_CYCLES = 5  # a neuron spike enters the crossbar 1 cycle later, is stamped 4 after

N_EXC, N_INH = 64, 16
PER_OUTPUT_EXC, PER_OUTPUT_INH = 8, 2
OUTPUTS = 8
P_CONNECT = 0.25
W_EXC = 30            # recurrent excitatory weight (6-bit)
W_INH = 63            # recurrent inhibitory weight
W_BACKGROUND = 20     # background synapses (excitatory)
BG_SOURCES = 4        # sources 0..3 reach block 0
BG_PERIOD = 4         # cycles between spike opportunities
BG_RATE = 12          # probability rate/256 per opportunity: ~1.5 MHz per source
BG_ROW_GROUP = {0: 1, 1: 0, 2: 3, 3: 2}  # bus -> upper row-select bits of its background
REFRACTORY_TICKS = 32  # ticks of the fast clock (8 cycles each): 2.05 us
NEURON_CELLS: dict[str, int] = {
    "i_bias_synin_exc_tau": 60,  # tau_syn ~ 5 us
    "i_bias_synin_inh_tau": 60,
}

SYN_SHAPE = SYNAPSE_SHAPE
UNUSED_LABEL = 63  # no presynaptic neuron or background event uses it on these rows


def layout() -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Per network neuron (0..63 excitatory, 64..79 inhibitory): chip neuron (= column of
    the top hemisphere), event output and address_out."""
    column, output, address = [], [], []
    for i in range(N_EXC + N_INH):
        if i < N_EXC:
            o, k = divmod(i, PER_OUTPUT_EXC)
        else:
            o, k = divmod(i - N_EXC, PER_OUTPUT_INH)
            k += PER_OUTPUT_EXC
        column.append(32 * o + k)
        output.append(o)
        address.append(k)
    return np.array(column), np.array(output), np.array(address)


def drivers_of_output(o: int) -> list[int]:
    """The four drivers (block 0) whose rows carry output o's spikes: j = 4 o + m on bus
    o % 4, driver index 4 j + bus."""
    return [4 * (4 * o + m) + o % 4 for m in range(4)]


def drivers_of_background(bus: int) -> list[int]:
    g = BG_ROW_GROUP[bus]
    return [4 * (4 * g + m) + bus for m in range(4)]


def synapses(rng: np.random.Generator) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64],
                                                npt.NDArray[np.bool_], int]:
    """Weights and labels (2, 256, 256), the intended connectivity (pre, post) and the
    number of connections that found no free row."""
    column, output, address = layout()
    n = len(column)
    w = np.zeros(SYN_SHAPE, np.int64)
    lab = np.full(SYN_SHAPE, UNUSED_LABEL, np.int64)
    conn = rng.random((n, n)) < P_CONNECT
    np.fill_diagonal(conn, False)
    dropped = 0
    for post in range(n):
        c = column[post]
        for o in range(OUTPUTS):
            drivers = drivers_of_output(o)
            rows = {True: [r for d in drivers[:3] for r in (2 * d, 2 * d + 1)],
                    False: [2 * drivers[3], 2 * drivers[3] + 1]}
            for pre in np.flatnonzero(conn[:, post] & (output == o)):
                exc = bool(pre < N_EXC)
                free = rows[exc]
                if not free:
                    conn[pre, post] = False
                    dropped += 1
                    continue
                r = free.pop(0)
                w[0, r, c] = W_EXC if exc else W_INH
                lab[0, r, c] = address[pre]
    # Background rows: a random 6-bit address per (row, network column).
    for bus in range(BG_SOURCES):
        for d in drivers_of_background(bus):
            for r in (2 * d, 2 * d + 1):
                w[0, r, column] = W_BACKGROUND
                lab[0, r, column] = rng.integers(0, 64, n)
    return w, lab, conn, dropped


def setup_chip(w: npt.NDArray[np.int64], lab: npt.NDArray[np.int64]) -> Chip:
    """The network as one configuration: neurons, backends, crossbar, drivers, synapses."""
    column, output, address = layout()
    member = np.zeros(NEURONS, np.int64)
    member[column] = 1
    chip = presets.setup_chip(
        presets.neuron_cells(**NEURON_CELLS),
        config={"enable_fire": member, "enable_synaptic_input_exc": member,
                "enable_synaptic_input_inh": member},
        backend={"enable_spike_out": 0, "address_out": 0,
                 "refractory_time": REFRACTORY_TICKS, "select_input_clock": 1})
    # Backends: the network's neurons send (o << 8) | address_out; the others stay silent.
    chip.neurons.event_output.address[column] = address
    chip.neurons.event_output.enable_spike_out[column] = 1
    # Crossbar: nodes pass everything by default; block the paths not wanted (labels
    # here are < 0x800, so mask = target = 0x3FFF passes nothing).
    def route(node: CrossbarNode, allow: bool) -> None:
        chip.crossbar[node].mask = 0 if allow else 0x3FFF
        chip.crossbar[node].target = 0 if allow else 0x3FFF

    for o in range(OUTPUTS):
        route(CrossbarNode(o, o % 4), True)         # PADI, block 0
        route(CrossbarNode(o, o % 4 + 4), False)    # block 1: unused
        route(CrossbarNode(o, 8 + o % 4), True)     # L2 recording
    for i in range(8):
        route(CrossbarNode(12 + i, i), i < BG_SOURCES)
        route(CrossbarNode(12 + i, 8 + i % 4), False)  # not recorded
    for k in range(12):
        setattr(chip.crossbar_output, f"enable_event_counter_{k}", 1)
    # Synapse drivers of block 0: 3 excitatory and 1 inhibitory per output, and the
    # background drivers.
    for o in range(OUTPUTS):
        for m, d in enumerate(drivers_of_output(o)):
            _driver(chip, d, mode=1 if m < 3 else 2)
    for bus in range(BG_SOURCES):
        for d in drivers_of_background(bus):
            _driver(chip, d, mode=1)
    chip.synapses.weight[:] = w
    chip.synapses.label[:] = lab
    return chip


def _driver(chip: Chip, index: int, mode: int) -> None:
    drv = chip.drivers[SynapseDriver(0, index)]
    drv.enable_receiver, drv.row_address_compare_mask = 1, 0b11100
    drv.row_mode_top, drv.row_mode_bottom = mode, mode


def experiment_program(seed: int, duration_us: float) -> tuple[Program, Any, Any]:
    column, _, _ = layout()
    p = Program()
    p.write_array("spike_counter_reset", indices=column, trigger=1)
    p.record_events()
    p.timer_reset()
    for i in range(BG_SOURCES):
        g = BG_ROW_GROUP[i]
        p.write("background_spike_source", i, period=BG_PERIOD, rate=BG_RATE,
                seed=(seed * 1000 + i + 1) & 0xFFFFFFFF, mask=0xFF, neuron_label=g << 8,
                enable=1, enable_random=1)
    p.wait_until(us=duration_us)
    # Read k of the counters happens at cycle duration + k; stop the sources afterwards.
    counters = p.read_array("spike_counter_read", column)
    events = p.read_array("crossbar_output_event_counter")
    for i in range(BG_SOURCES):
        p.write("background_spike_source", i, enable=0)
    return p, counters, events


def plot(times_us: npt.NDArray[Any], ids: npt.NDArray[Any], duration_us: float,
         out: Path, seed: int, title_extra: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (ax, ax_rate) = plt.subplots(
        2, 1, figsize=(10, 7), height_ratios=(2.6, 1), sharex=True, constrained_layout=True)
    exc = ids < N_EXC
    ax.plot(times_us[exc], ids[exc], "|", ms=3.5, color="tab:blue", label="excitatory")
    ax.plot(times_us[~exc], ids[~exc], "|", ms=3.5, color="tab:red", label="inhibitory")
    ax.axhline(N_EXC - 0.5, color="0.6", lw=0.6)
    ax.set_ylim(-1, N_EXC + N_INH)
    ax.set_ylabel("neuron (0-63 exc, blue; 64-79 inh, red)")
    ax.set_title(f"Recurrent E/I network, 64 exc + 16 inh, Poisson background "
                 f"(chip model, seed {seed}, uncalibrated)\n{title_extra}", fontsize=10)
    bio = ax.secondary_xaxis("top", functions=(lambda x: x, lambda x: x))
    bio.set_xlabel("biological-equivalent time (ms) = hardware time × 1000")

    bin_us = 20.0
    edges = np.arange(0.0, duration_us + bin_us, bin_us)
    for sel, name, color in ((exc, "exc", "tab:blue"), (~exc, "inh", "tab:red")):
        count, _ = np.histogram(times_us[sel], edges)
        size = N_EXC if name == "exc" else N_INH
        rate_khz = count / size / (bin_us * 1e-3)  # per neuron, kHz of hardware time
        ax_rate.step(edges[:-1], rate_khz, where="post", color=color, label=name)
    ax_rate.set_xlim(0, duration_us)
    ax_rate.set_xlabel("hardware time (µs)")
    ax_rate.set_ylabel(f"rate per neuron\n(kHz hw = Hz bio, {bin_us:.0f} µs bins)")
    ax_rate.legend(loc="upper right", fontsize=8)
    ax_rate.grid(alpha=0.3)
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, dpi=130)
    plt.close(fig)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=0,
                    help="chip seed of the model and of the connectivity (default 0)")
    ap.add_argument("--duration", type=float, default=2000.0,
                    help="recording, us of hardware time (default 2000)")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"PNG (default {DEFAULT_OUT})")
    args = ap.parse_args(argv)

    rng = np.random.default_rng(args.seed)
    w, lab, connectivity, dropped = synapses(rng)
    column, output, address = layout()
    conn = connect(f"sim:?seed={args.seed}")
    t0 = time.perf_counter()
    conn.apply(setup_chip(w, lab))
    conn.run(Program().wait(us=SETTLE_US))
    t1 = time.perf_counter()
    program, counters, events = experiment_program(args.seed, args.duration)
    res = conn.run(program)
    t2 = time.perf_counter()

    # Recorded label (14 bits) = (event output << 8) | address_out -> network neuron.
    lookup = {(int(o) << 8) | int(a): i for i, (o, a) in enumerate(zip(output, address,
                                                                          strict=True))}
    labels = res.spikes["label"] & 0x3FFF
    ids = np.array([lookup.get(int(x), -1) for x in labels], np.int64)
    times_us = res.spikes["time"] / FPGA_CYCLES_PER_US
    unknown = int((ids < 0).sum())
    # Check against the spike counters: counter k is read at cycle duration + k and holds
    # the spikes fired before; a spike fired at t is recorded at t + 5 (docs/wire.md §5).
    end = round(args.duration * FPGA_CYCLES_PER_US)
    fired = res.spikes["time"].astype(np.int64) - L2_STAMP_CYCLES
    before_read = (ids >= 0) & (fired < end + np.maximum(ids, 0))
    recorded = np.bincount(ids[before_read], minlength=N_EXC + N_INH)
    counted = counters.array()["count"]
    overflow = counters.array()["overflow"].astype(bool)
    agree = np.array_equal(recorded[~overflow], counted[~overflow])

    keep = (ids >= 0) & (times_us < args.duration)
    ids, times_us = ids[keep], times_us[keep]
    per_neuron = np.bincount(ids, minlength=N_EXC + N_INH)
    rate_khz = per_neuron / (args.duration * 1e-3)
    cv = []
    for i in range(N_EXC + N_INH):
        isi = np.diff(np.sort(times_us[ids == i]))
        if len(isi) >= 3:
            cv.append(isi.std() / isi.mean())
    ev = events.array()["value"]

    n_syn = int(connectivity.sum())
    print(f"setup (synapses, drivers, crossbar, CapMem settling {SETTLE_US:.0f} us): "
          f"{t1 - t0:.2f} s wall; run ({args.duration:.0f} us): {t2 - t1:.2f} s wall")
    print(f"recurrent synapses: {n_syn} (p = {P_CONNECT}), {dropped} dropped for want of a "
          f"free row")
    print(f"spikes recorded: {len(ids)} ({unknown} with unknown labels); "
          f"spike counters agree: {agree} ({int(overflow.sum())} overflowed)")
    print(f"rate per neuron (kHz hw = Hz bio): exc mean {rate_khz[:N_EXC].mean():.1f} "
          f"(min {rate_khz[:N_EXC].min():.1f}, max {rate_khz[:N_EXC].max():.1f}), "
          f"inh mean {rate_khz[N_EXC:].mean():.1f} "
          f"(min {rate_khz[N_EXC:].min():.1f}, max {rate_khz[N_EXC:].max():.1f}); "
          f"silent: {int((per_neuron == 0).sum())}")
    if cv:
        print(f"ISI CV: median {np.median(cv):.2f} over {len(cv)} neurons")
    print("crossbar output events (PADI 0-3, 4-7, L2 8-11): "
          + " ".join(str(int(x)) for x in ev))
    title = (f"exc {rate_khz[:N_EXC].mean():.1f} Hz, inh {rate_khz[N_EXC:].mean():.1f} Hz "
             f"(biological), p = {P_CONNECT}, w_E = {W_EXC}, w_I = {W_INH}, "
             f"background 4 × {125e6 / BG_PERIOD * BG_RATE / 256 / 1e6:.1f} MHz")
    plot(times_us, ids, args.duration, args.out, args.seed, title)
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
