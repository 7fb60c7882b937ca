"""The STDP window of the shipped kernel on the chip model: weight change against the
timing of post- relative to presynaptic spikes.

One plastic row (inhibitory row mode, so it never drives the neurons) sends presynaptic
events to 48 columns at t_k; a teacher row makes column i's neuron fire at t_k + dt_i
through its own label (bypass: every teacher event is a spike), dt from -6 to +6 us. After
40 pairings the STDP kernel (``stdp.S``) runs once on the top PPU; the plot shows the
correlation sensors (how far the causal and acausal CADC readings fell below those of reset
sensors) and the weight change per column.

    pip install -e '.[examples]' && python tools/examples/stdp.py [--out docs/img/stdp_window.png]
"""

from __future__ import annotations

import argparse

import numpy as np

from bss_host import REGMAP, Program, connect, presets
from bss_host.ppu import Ppu
from bss_host.ppu.build import build_image, example
from bss_host.ppu.kernels import correlation_offsets, pairing_chip
from bss_host.regmap import quads_by_column

DRIVER = 2
PLASTIC_ROW, TEACHER_ROW = 2 * DRIVER, 2 * DRIVER + 1
N = 48
COLUMNS = np.arange(N) * 5  # spread over the row
DT_US = np.linspace(-6.0, 6.0, N)
PRE = 1
W0 = 32
PERIOD_US = 40.0
PAIRINGS = 40


def teacher_label(i: int) -> int:
    return 2 + i  # 2..49, all distinct from PRE


def setup(conn) -> None:  # noqa: ANN001
    chip = pairing_chip(DRIVER, COLUMNS)
    chip.synapses.weight[0, PLASTIC_ROW, COLUMNS] = W0
    chip.synapses.label[0, PLASTIC_ROW, COLUMNS] = PRE
    chip.synapses.weight[0, TEACHER_ROW, COLUMNS] = 30
    chip.synapses.label[0, TEACHER_ROW, COLUMNS] = [teacher_label(i) for i in range(N)]
    conn.apply(chip)
    p = Program().write_array("correlation_reset", trigger=1)
    p.wait(us=presets.SETTLE_US)
    conn.run(p)


def pair(conn) -> None:  # noqa: ANN001
    t = 10.0 + PERIOD_US * np.arange(PAIRINGS)
    times = [t] + [t + dt for dt in DT_US]
    labels = [np.full(PAIRINGS, PRE)] + [np.full(PAIRINGS, teacher_label(i)) for i in range(N)]
    tt, ll = np.concatenate(times), np.concatenate(labels)
    order = np.argsort(tt, kind="stable")
    p = Program().timer_reset().inject(ll[order], us=tt[order])
    p.wait_until(us=float(tt.max()) + 20.0)
    conn.run(p)


def read_row(conn, name: str, field: str, channel: int | None = None,  # noqa: ANN001
             row: int = PLASTIC_ROW) -> np.ndarray:
    reg = REGMAP[name]
    idx = [reg.index_of(0, row, q) if channel is None
           else reg.index_of(0, channel, row, q) for q in range(64)]
    p = Program()
    t = p.read_array(name, idx)
    conn.run(p)
    return quads_by_column(t.array(), field)[0].astype(np.float64)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default="docs/img/stdp_window.png")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    with connect(f"sim:?seed={args.seed}") as conn:
        setup(conn)
        offsets = correlation_offsets(conn, row=200)
        # Readings of reset sensors (row 200 shares each column's CADC channels): the
        # baselines from which accumulated correlation pulls the readings down.
        base = [np.mean([read_row(conn, "cadc_sample_quad", "sample", ch, 200)[COLUMNS]
                         for _ in range(8)], axis=0) for ch in (0, 1)]
        pair(conn)
        causal = base[0] - read_row(conn, "cadc_sample_quad", "sample", 0)[COLUMNS]
        acausal = base[1] - read_row(conn, "cadc_sample_quad", "sample", 1)[COLUMNS]
        ppu = Ppu(conn, "top")
        ppu.load(build_image(example("stdp.S")))
        ppu.write_symbol("stdp_offset", offsets.ravel(), dtype=np.int8)
        ppu.write_symbol("stdp_learning_rate", 64)
        ppu.write_symbol("stdp_rows", PLASTIC_ROW + 1)
        r = ppu.run(timeout_us=5000)
        dw = read_row(conn, "synapse_weight_quad", "weight")[COLUMNS] - W0
    print(f"kernel: exit {r.exit_code}, {r.stats.cycles if r.stats else '?'} cycles")
    for dt, c, a, d in zip(DT_US, causal, acausal, dw, strict=True):
        print(f"dt {dt:+5.2f} us  causal {c:5.1f}  acausal {a:5.1f}  dw {d:+3.0f}")

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (ax1, ax2) = plt.subplots(2, 1, figsize=(6.4, 5.6), sharex=True)
    ax1.plot(DT_US, causal, "o-", ms=3, label="causal")
    ax1.plot(DT_US, acausal, "s-", ms=3, label="acausal")
    ax1.set_ylabel("correlation (LSB below reset)")
    ax1.legend(frameon=False)
    ax1.set_title(f"STDP on the chip model: {PAIRINGS} pairings, one kernel sweep")
    ax2.axhline(0, color="0.7", lw=0.8)
    ax2.axvline(0, color="0.7", lw=0.8)
    ax2.plot(DT_US, dw, "o-", ms=3, color="k")
    ax2.set_xlabel("t_post - t_pre (us hardware; x1000 biological)")
    ax2.set_ylabel("weight change (LSB)")
    fig.tight_layout()
    fig.savefig(args.out, dpi=120)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
