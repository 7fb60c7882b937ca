"""End to end: the shipped plasticity kernels run on the PPU of the chip model while a
network runs, and move synapses the way their rules say.

STDP: one plastic row of synapses sees presynaptic events at t_k; a teacher row makes
the postsynaptic neurons of the "causal" columns fire 2 us after each event and those of
the "acausal" columns 2 us before it; "control" columns never fire. The correlation
sensors integrate the pairings, the STDP kernel (assembly or C) reads them through the
CADC, and the weights must rise in the causal columns, fall in the acausal ones and
stay (within the sensor noise) in the control ones.
"""

from __future__ import annotations

import numpy as np
import pytest

from bss_host import REGMAP, Program, connect, presets
from bss_host.connection import Connection
from bss_host.ppu import Ppu, PpuRunResult
from bss_host.ppu.build import build_image, example
from bss_host.ppu.kernels import correlation_offsets, pairing_chip
from bss_host.regmap import quads_by_column

SYN_SHAPE = (2, 256, 256)
DRIVER = 2  # rows 4 (plastic, inhibitory row mode) and 5 (teacher, excitatory)
PLASTIC_ROW, TEACHER_ROW = 2 * DRIVER, 2 * DRIVER + 1
CAUSAL = np.array([40, 41, 56, 57])
ACAUSAL = np.array([80, 81, 96, 97])
CONTROL = np.array([120, 121, 136, 137])
PRE, TEACH_CAUSAL, TEACH_ACAUSAL = 3, 5, 4  # 6-bit labels
W0 = 20


def run_kernel(conn: Connection, kernel: str, **symbols: int) -> PpuRunResult:
    """Run a shipped kernel on the top PPU with its variables set; it must exit with 0."""
    ppu = Ppu(conn, "top")
    ppu.load(build_image(example(kernel)))
    for name, value in symbols.items():
        ppu.write_symbol(name, value)
    r = ppu.run(timeout_us=5000)
    assert r.exit_code == 0
    return r


def network(conn: Connection) -> None:
    chip = pairing_chip(DRIVER, np.concatenate([CAUSAL, ACAUSAL]))
    for cols in (CAUSAL, ACAUSAL, CONTROL):
        chip.synapses.weight[0, PLASTIC_ROW, cols] = W0
        chip.synapses.label[0, PLASTIC_ROW, cols] = PRE
    chip.synapses.weight[0, TEACHER_ROW, CAUSAL] = 30
    chip.synapses.label[0, TEACHER_ROW, CAUSAL] = TEACH_CAUSAL
    chip.synapses.weight[0, TEACHER_ROW, ACAUSAL] = 30
    chip.synapses.label[0, TEACHER_ROW, ACAUSAL] = TEACH_ACAUSAL
    conn.apply(chip)
    p = Program().write_array("correlation_reset",
                              indices=np.arange(REGMAP["correlation_reset"].count), trigger=1)
    p.wait(us=presets.SETTLE_US)
    conn.run(p)


def pairings(conn: Connection, n: int = 60, period_us: float = 20.0) -> None:
    t = 5.0 + period_us * np.arange(n)
    labels = np.concatenate([np.full(n, PRE), np.full(n, TEACH_CAUSAL),
                             np.full(n, TEACH_ACAUSAL)])
    times = np.concatenate([t, t + 2.0, t - 2.0 + period_us])  # acausal: 2 us before t+1
    order = np.argsort(times, kind="stable")
    p = Program().timer_reset().inject(labels[order], us=times[order])
    p.wait_until(us=float(times.max()) + 10.0)
    conn.run(p)


def plastic_weights(conn: Connection) -> np.ndarray:
    p = Program()
    q = REGMAP["synapse_weight_quad"]
    t = p.read_array("synapse_weight_quad", [q.index_of(0, PLASTIC_ROW, k) for k in range(64)])
    conn.run(p)
    return quads_by_column(t.array(), "weight")[0]


@pytest.mark.parametrize("kernel", ["stdp.S", "stdp.c"])
def test_stdp_kernel_moves_weights_the_right_way(kernel: str) -> None:
    with connect("sim:?seed=5") as conn:
        network(conn)
        assert list(plastic_weights(conn)[CAUSAL]) == [W0] * 4
        offsets = correlation_offsets(conn, row=200)
        assert np.abs(offsets).max() > 1, "the channels' offsets differ (fixed pattern)"
        pairings(conn)
        ppu = Ppu(conn, "top")
        ppu.load(build_image(example(kernel)))
        ppu.write_symbol("stdp_offset", offsets.ravel(), dtype=np.int8)
        ppu.write_symbol("stdp_learning_rate", 64)
        ppu.write_symbol("stdp_rows", PLASTIC_ROW + 1)
        r = ppu.run(timeout_us=5000)
        assert r.exit_code == 0
        assert r.mailbox_words(">u4")[1] == 1, "one sweep"
        w = plastic_weights(conn)
    dw = {name: w[cols] - W0 for name, cols in
          (("causal", CAUSAL), ("acausal", ACAUSAL), ("control", CONTROL))}
    assert (dw["causal"] >= 3).all(), dw
    assert (dw["acausal"] <= -3).all(), dw
    assert (np.abs(dw["control"]) <= 1).all(), dw
    # Every other synapse of the row (weight 0, no events) stays at 0 or moves by noise.
    others = np.setdiff1d(np.arange(256), np.concatenate([CAUSAL, ACAUSAL, CONTROL]))
    assert np.abs(w[others]).max() <= 1


def test_homeostasis_kernel_follows_the_spike_counters() -> None:
    with connect("sim:?seed=6") as conn:
        network(conn)
        pairings(conn, n=30)  # causal and acausal columns fire 30 times, the rest never
        r = run_kernel(conn, "homeostasis.c", homeostasis_target=10, homeostasis_step=2,
                       homeostasis_rows=PLASTIC_ROW + 1)
        counts = np.frombuffer(r.mailbox[0x100:0x200], dtype=np.uint8)
        w = plastic_weights(conn)
    assert (counts[CAUSAL] == 30).all() and (counts[CONTROL] == 0).all()
    assert (w[CAUSAL] == W0 - 2).all(), "above target: weaker"
    assert (w[CONTROL] == W0 + 2).all(), "below target: stronger"


def test_structural_kernel_rewires_weak_synapses() -> None:
    with connect("sim:?seed=7") as conn:
        network(conn)
        r = run_kernel(conn, "structural.S", structural_threshold=5,
                       structural_initial_weight=9, structural_rows=PLASTIC_ROW + 1)
        rewired = int(r.mailbox_words(">u4")[4])
        p = Program()
        q = REGMAP["synapse_label_quad"]
        t = p.read_array("synapse_label_quad", [q.index_of(0, PLASTIC_ROW, k) for k in range(64)])
        conn.run(p)
        w = plastic_weights(conn)
    # Rows 0..4 have 256 synapses each; only the 12 of weight 20 stay as they were.
    assert rewired == 5 * 256 - 12
    assert (w[CAUSAL] == W0).all()
    others = np.setdiff1d(np.arange(256), np.concatenate([CAUSAL, ACAUSAL, CONTROL]))
    assert (w[others] == 9).all()
    labels = np.concatenate([t.array()[f"label_{e}"] for e in range(4)])
    assert len(np.unique(labels)) > 20, "new labels are drawn at random"
