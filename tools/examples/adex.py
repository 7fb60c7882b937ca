"""An adapting AdEx neuron under a current step, recorded with the MADC on the chip model.

One neuron gets the exponential term and spike-triggered plus subthreshold adaptation; a
constant membrane offset current (``i_mem_offset``, written and settled beforehand) is
switched on at t = 20 us and off at t = 220 us of hardware time by toggling
``neuron_config.enable_membrane_offset``. The MADC records the membrane, the crossbar's L2
output records the neuron's spikes. The plot shows the trace with the spikes marked and
the inter-spike intervals, which grow as the adaptation current builds up.

    python tools/examples/adex.py [--seed N] [--neuron N] [--out PATH]

Needs matplotlib (``pip install matplotlib``). Times are hardware time; the chip runs 1000
times faster than biology, so 1 us of hardware time is 1 ms of biological time.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from bss_host import REGMAP, Program, connect, presets
from bss_host.config import Chip
from bss_host.coords import AtomicNeuron, CrossbarNode, event_output_of
from bss_host.units import FPGA_CYCLES_PER_US, NEURONS

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUT = ROOT / "docs" / "img" / "adex_adapting.png"


MADC_FULL_SCALE_V = 1.2
MADC_SAMPLE_RATE = 500e6 / 17  # default sample_duration_adjust: 500 MHz / (12 + 5)

STEP_ON_US = 20.0
STEP_OFF_US = 220.0
RECORD_US = 260.0
SETTLE_US = 2100.0
"""Hardware time after the CapMem writes. presets.SETTLE_US (1.5 ms) leaves the cells
within 1 LSB; after 10 settling constants (2 ms) the model also stops re-deriving its
parameters on an 8 us grid and applies a configuration write at once, so the step starts
exactly at 20 us (with 1.5 ms it started up to 8 us late)."""
REFRACTORY_TICKS = 8
"""Refractory time in ticks of the fast backend clock (clock_scale_fast 3: 8 FPGA cycles
per tick), 0.512 us."""

# CapMem codes of the recorded neuron (uncalibrated; see the module docstring of presets).
ADEX_CELLS: dict[str, int] = {
    "v_leak": 700,            # E_L ~ 0.42 V
    "v_reset": 680,           # V_reset ~ E_L
    "v_threshold": 580,       # spike detection ~ 0.68 V, a few Delta_T above V_T
    "v_exp": 880,             # V_T ~ 0.63 V (Delta_T is fixed, ~15 mV)
    "i_bias_exp": 170,        # I_exp0 ~ 3 nA ~ g_L * Delta_T
    "i_mem_offset": 700,      # the step: ~140 nA while enable_membrane_offset is set
    "v_adapt_leak": 700,      # subthreshold adaptation relative to E_L
    "i_bias_adapt_a": 50,     # a ~ 25 nS
    "i_bias_adapt_b": 100,    # b ~ 10 nA per spike
    "i_bias_adapt_tau": 10,   # tau_w ~ 100 us
}


def neuron_config(on: bool) -> dict[str, int]:
    """The full neuron_config of the recorded neuron (a write resets fields not named).

    enable_reset_multiplication: at the default range even a full reset bias gives
    C / g_reset ~ 2 us, four times the 0.5 us refractory time, so the membrane would only
    fall a quarter of the way to V_reset; x8 makes the reset complete."""
    return {
        "membrane_capacitor_size": 63, "enable_threshold_comparator": 1, "enable_fire": 1,
        "enable_exponential": 1, "enable_adaptation": 1, "enable_reset_multiplication": 1,
        "enable_readout": 1, "enable_readout_amplifier": 1, "readout_source": 0,
        "enable_membrane_offset": int(on),
    }


def offset_word(neuron: int, on: bool) -> tuple[npt.NDArray[np.uint32], npt.NDArray[np.uint32]]:
    """The one neuron_config word that holds enable_membrane_offset: (address, word).

    neuron_config spans six 8-bit words; writing only the word that changes switches the
    current in one cycle (a six-word write takes six, and the model applies the words
    after the first only at its next parameter update, up to 8 us later)."""
    reg = REGMAP["neuron_config"]
    before = reg.encode_array(neuron_config(on=not on), [neuron])
    after = reg.encode_array(neuron_config(on=on), [neuron])
    changed = before.words != after.words
    return after.addresses[changed], after.words[changed]


def backend_index(neuron: int) -> int:
    """neuron_backend_config instance of a neuron (block = column // 128, row-major)."""
    row, column = divmod(neuron, 256)
    return (column // 128) * 256 + row * 128 + column % 128


def setup_chip(neuron: int) -> Chip:
    """All neurons quiet and without synaptic input; this one an AdEx whose spikes go to
    the FPGA only."""
    fire = np.zeros(NEURONS, np.int64)
    fire[neuron] = 1
    chip = presets.setup_chip(config={
        "enable_synaptic_input_exc": 0, "enable_synaptic_input_inh": 0, "enable_fire": fire,
    })
    me = chip.neurons[AtomicNeuron.from_enum(neuron)]
    for name, code in ADEX_CELLS.items():
        chip.neurons.cell(name)[neuron] = code
    for field, value in neuron_config(on=False).items():
        chip.image.set("neuron_config", field, neuron, value)
    me.event_output.address = 0
    me.refractory.refractory_time = REFRACTORY_TICKS
    # Spikes of this neuron (label output << 8) to its L2 output only, not to the PADI buses.
    out = event_output_of(me.neuron).enum
    for o in (out % 4, out % 4 + 4):
        chip.crossbar[CrossbarNode(out, o)].mask = 0x3FFF
        chip.crossbar[CrossbarNode(out, o)].target = 0x3FFF
    return chip


def experiment_program(neuron: int) -> Program:
    samples = int(np.ceil((RECORD_US + 1) * 1e-6 * MADC_SAMPLE_RATE))
    p = Program()
    p.write("madc_config", number_of_samples=min(samples, 65535))
    p.record_events()
    p.timer_reset()
    p.write("madc_control", wake_up=1, start_recording=1)
    p.wait_until(us=STEP_ON_US)
    p.write_words(*offset_word(neuron, on=True))
    p.wait_until(us=STEP_OFF_US)
    p.write_words(*offset_word(neuron, on=False))
    p.wait_until(us=RECORD_US)
    return p


def plot(t_us: npt.NDArray[Any], v: npt.NDArray[Any], spikes_us: npt.NDArray[Any],
         out: Path, seed: int, neuron: int) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (ax, ax_isi) = plt.subplots(
        2, 1, figsize=(9, 6.5), height_ratios=(2.2, 1), constrained_layout=True)
    ax.axvspan(STEP_ON_US, STEP_OFF_US, color="tab:orange", alpha=0.10,
               label="current step (enable_membrane_offset)")
    ax.plot(t_us, v, lw=0.6, color="tab:blue", label="membrane (MADC)")
    top = v.max() + 0.03
    ax.plot(spikes_us, np.full(len(spikes_us), top), "|", color="k", ms=12, mew=1.5,
            label="spikes (L2 recording)")
    ax.set_xlim(0, RECORD_US)
    ax.set_ylim(v.min() - 0.03, top + 0.04)
    ax.set_xlabel("hardware time (µs)")
    ax.set_ylabel("membrane potential (V)")
    ax.set_title(f"Adapting AdEx neuron {neuron} under a current step "
                 f"(chip model, seed {seed}, uncalibrated)")
    ax.legend(loc="lower left", fontsize=8)
    bio = ax.secondary_xaxis("top", functions=(lambda x: x, lambda x: x))
    bio.set_xlabel("biological-equivalent time (ms) = hardware time × 1000")

    isi = np.diff(spikes_us)
    ax_isi.plot(spikes_us[1:], isi, "o-", color="tab:red")
    ax_isi.set_xlim(0, RECORD_US)
    ax_isi.set_ylim(0, max(isi.max() * 1.15, 1.0) if len(isi) else 1.0)
    ax_isi.set_xlabel("hardware time of the spike ending the interval (µs)")
    ax_isi.set_ylabel("ISI (µs hw = ms bio)")
    ax_isi.grid(alpha=0.3)
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, dpi=130)
    plt.close(fig)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=0, help="chip seed of the model (default 0)")
    ap.add_argument("--neuron", type=int, default=0, help="neuron 0..511 (default 0)")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"PNG (default {DEFAULT_OUT})")
    args = ap.parse_args(argv)
    if not 0 <= args.neuron < NEURONS:
        ap.error("--neuron must lie in 0..511")

    conn = connect(f"sim:?seed={args.seed}")
    t0 = time.perf_counter()
    conn.apply(setup_chip(args.neuron))
    conn.run(Program().wait(us=SETTLE_US))
    t1 = time.perf_counter()
    res = conn.run(experiment_program(args.neuron))
    t2 = time.perf_counter()

    t_us = res.madc["time"] / FPGA_CYCLES_PER_US
    v = res.madc["value"] / 1023 * MADC_FULL_SCALE_V
    out = event_output_of(AtomicNeuron.from_enum(args.neuron)).enum
    mine = (res.spikes["label"] & 0x3FFF) == (out << 8)
    spikes_us = res.spikes["time"][mine] / FPGA_CYCLES_PER_US
    isi = np.diff(spikes_us)

    print(f"setup (CapMem settling, {SETTLE_US:.0f} us): {t1 - t0:.2f} s wall; "
          f"experiment ({RECORD_US:.0f} us): {t2 - t1:.2f} s wall")
    print(f"{len(t_us)} MADC samples, {len(spikes_us)} spikes at (us): "
          + " ".join(f"{s:.1f}" for s in spikes_us))
    print("ISIs (us hardware = ms biological): " + " ".join(f"{x:.1f}" for x in isi))
    if len(isi) >= 2:
        print(f"first/last ISI: {isi[0]:.1f} / {isi[-1]:.1f} us "
              f"(adaptation ratio {isi[-1] / isi[0]:.2f})")
    refractory_us = REFRACTORY_TICKS * 8 / FPGA_CYCLES_PER_US
    if len(isi) and np.median(isi) < 2 * refractory_us:
        print("warning: the neuron fires every refractory period: the exponential term "
              "has latched the membrane at the rail (threshold too far above V_T for this "
              "neuron; lower v_threshold or raise v_exp)")
    plot(t_us, v, spikes_us, args.out, args.seed, args.neuron)
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
