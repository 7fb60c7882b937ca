"""The routing graph: what it says about small hand-made configurations, and that events
injected on the model reach exactly the neurons it names."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bss_host import Program, connect, presets
from bss_host.config import Chip
from bss_host.coords import (
    AtomicNeuron,
    BackgroundSource,
    CrossbarNode,
    Hemisphere,
    SynapseDriver,
)


def small_network() -> Chip:
    chip = Chip.default()
    chip.background[BackgroundSource(1)].neuron_label = 0x45
    chip.background[BackgroundSource(1)].enable = 1
    chip.padi[Hemisphere(0)].enable_spl1_1 = 1
    chip.drivers[SynapseDriver(0, 5)].enable_receiver = 1
    chip.drivers[SynapseDriver(0, 5)].row_address_compare_mask = 0x1F  # row select 1 only
    chip.drivers[SynapseDriver(0, 5)].row_mode_top = "excitatory"
    chip.drivers[SynapseDriver(0, 5)].row_mode_bottom = "inhibitory"
    chip.synapses.label[0, 10:12, 3:6] = 5
    chip.synapses.weight[0, 10:12, 3:6] = 20
    return chip


def test_inputs_targets_and_signs() -> None:
    g = small_network().graph()
    assert g.neurons_reached(BackgroundSource(1)) == [AtomicNeuron(c, 0) for c in (3, 4, 5)]
    t = g.targets_of(BackgroundSource(1))
    assert sorted(set(zip(t["row"].tolist(), t["sign"].tolist(), strict=True))) == [
        (10, "exc"), (11, "inh")]
    assert g.neurons_reached(BackgroundSource(2)) == []  # not running
    # The FPGA reaches them too (the crossbar's reset passes everything), with the label
    # whose row select and synapse label match: row select 1, label 5 -> 0x45.
    assert g.neurons_reached(0x45) == [AtomicNeuron(c, 0) for c in (3, 4, 5)]
    assert g.neurons_reached(0x46) == [] and g.neurons_reached(0x85) == []


def test_crossbar_masks_and_disabled_parts_cut_paths() -> None:
    chip = small_network()
    for node in (CrossbarNode(13, 1), CrossbarNode(13, 9)):  # to PADI bus 1, to the FPGA
        chip.crossbar[node].mask = 0x3FFF
        chip.crossbar[node].target = 0x46
        if node.output == 1:
            assert chip.graph().neurons_reached(BackgroundSource(1)) == []
            assert not any(p.check == "source_reaches_nothing" for p in chip.validate())
    assert any(p.check == "source_reaches_nothing" for p in chip.validate())
    chip = small_network()
    chip.padi[Hemisphere(0)].enable_spl1_1 = 0
    assert chip.graph().inputs_of(AtomicNeuron(3, 0)).size == 0


def test_logical_neurons_follow_the_switches() -> None:
    chip = Chip.default()
    chip.neurons.multicompartment.connect_right[[0, 1]] = 1  # 0-1-2 shorted
    chip.neurons.multicompartment.connect_soma[[10, 12]] = 1
    chip.neurons.multicompartment.connect_soma_right[[10, 11]] = 1  # 10 and 12 on one soma
    chip.neurons.multicompartment.connect_bottom[[20]] = 1  # 20 and 276
    groups = {tuple(n.enum for n in g) for g in chip.graph().logical_neurons() if len(g) > 1}
    assert groups == {(0, 1, 2), (10, 12), (20, 276)}
    assert sum(len(g) for g in chip.graph().logical_neurons()) == 512


def test_exports() -> None:
    g = small_network().graph()
    nxg = g.to_networkx([AtomicNeuron(3, 0)])
    assert ("background 1", "crossbar in 13") in nxg.edges
    assert nxg.edges["row 0.10", repr(AtomicNeuron(3, 0))]["weight"] == 20
    dot = g.to_dot([AtomicNeuron(3, 0)])
    assert dot.startswith("digraph routing {") and '"background 1" -> "crossbar in 13"' in dot


def test_draw(tmp_path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    ax = small_network().graph().draw([AtomicNeuron(3, 0)])
    ax.figure.savefig(tmp_path / "g.png")
    assert (tmp_path / "g.png").stat().st_size > 5000


@st.composite
def routings(draw: st.DrawFn) -> tuple[Chip, list[int]]:
    """A configuration with bypass neurons (one input event = one spike) and random
    drivers, compare masks, synapse labels and crossbar nodes from L2 input 0; and the
    FPGA labels to inject."""
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    chip = presets.setup_chip(
        cells=presets.neuron_cells(v_threshold=1022),
        config={"enable_synaptic_input_inh": 0, "enable_bypass_excitatory": 1,
                "enable_reset_multiplication": 1},
        backend={"enable_spike_out": 0})  # no recurrent events: only what is injected
    for d in rng.choice(256, 6, replace=False):
        drv = chip.drivers[SynapseDriver.from_enum(int(d))]
        drv.enable_receiver = 1
        drv.row_address_compare_mask = int(rng.integers(0, 32))
        drv.row_mode_top = int(rng.choice([0, 1]))
        drv.row_mode_bottom = int(rng.choice([0, 1]))
    rows = rng.integers(0, 256, 12)
    hemis = rng.integers(0, 2, 12)
    for h, r in zip(hemis, rows, strict=True):
        cols = rng.choice(256, 8, replace=False)
        chip.synapses.weight[h, r, cols] = rng.integers(1, 64, 8)
        chip.synapses.label[h, r, cols] = rng.integers(0, 4, 8)
    for out in range(8):
        node = CrossbarNode(8, out)
        if rng.random() < 0.3:
            chip.crossbar[node].mask = 1 << 6
            chip.crossbar[node].target = int(rng.integers(0, 2)) << 6
    labels = [int(rng.integers(0, 4)) | (int(rng.integers(0, 32)) << 6) for _ in range(4)]
    return chip, labels


@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(routings())
def test_injected_events_reach_exactly_the_neurons_the_graph_names(
        case: tuple[Chip, list[int]]) -> None:
    chip, labels = case
    graph = chip.graph()
    with connect("sim:?seed=5") as conn:
        conn.apply(chip)
        conn.run(Program().wait(us=presets.SETTLE_US))
        for label in labels:
            p = Program().write_array("spike_counter_reset", trigger=1).wait(us=5)
            p.timer_reset().inject([label], us=[1.0]).wait_until(us=20)
            counts = p.read_array("spike_counter_read")
            conn.run(p)
            fired = set(np.flatnonzero(counts.array()["count"]).tolist())
            exc = graph.targets_of(label)
            expected = {AtomicNeuron(int(c), int(o) // 4).enum
                        for c, o, s in zip(exc["column"], exc["output"], exc["sign"],
                                           strict=True) if s == "exc"}
            assert fired == expected, f"label {label:#x}"


def test_a_known_network_on_the_model_fires_what_the_graph_names() -> None:
    """A deterministic case that surely reaches neurons (the random ones above may reach
    none for some labels)."""
    chip = presets.setup_chip(
        cells=presets.neuron_cells(v_threshold=1022),
        config={"enable_synaptic_input_inh": 0, "enable_bypass_excitatory": 1},
        backend={"enable_spike_out": 0})
    drv = chip.drivers[SynapseDriver(1, 6)]  # bus 2 of block 1, row select 1
    drv.enable_receiver, drv.row_mode_top, drv.row_mode_bottom = 1, 1, 1
    chip.synapses.weight[1, 12:14, [7, 100, 200]] = 30
    chip.synapses.label[1, 12:14, [7, 100, 200]] = 9
    label = (1 << 6) | 9
    expected = [AtomicNeuron(c, 1) for c in (7, 100, 200)]
    assert chip.graph().neurons_reached(label) == expected
    with connect("sim:?seed=6") as conn:
        conn.apply(chip)
        p = Program().wait(us=presets.SETTLE_US)
        p.write_array("spike_counter_reset", trigger=1).wait(us=5)
        p.timer_reset().inject([label], us=[1.0]).wait_until(us=20)
        counts = p.read_array("spike_counter_read")
        conn.run(p)
    assert np.flatnonzero(counts.array()["count"]).tolist() == [n.enum for n in expected]
