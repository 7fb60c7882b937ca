"""validate(): every check finds its mistake, with the coordinates involved; clean
configurations have no problems; applying errors is refused (see test_diff)."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from bss_host.config import Chip, presets
from bss_host.coords import (
    AtomicNeuron,
    BackgroundSource,
    CapMemCell,
    CrossbarNode,
    Hemisphere,
    PadiBus,
    Quadrant,
    SynapseDriver,
    SynapseRow,
)

NEURON = st.builds(AtomicNeuron, st.integers(0, 255), st.integers(0, 1))


def problems(chip: Chip, check: str) -> list:
    return [p for p in chip.validate() if p.check == check]


def test_the_preset_and_the_default_are_clean() -> None:
    assert presets.setup_chip().validate() == []
    assert Chip.default().validate() == []


@given(st.lists(NEURON, min_size=2, max_size=5, unique=True))
def test_two_readouts_are_an_error_naming_the_neurons(neurons: list[AtomicNeuron]) -> None:
    chip = Chip.default()
    for n in neurons:
        chip.neurons[n].readout.enable_buffered = 1
    (p,) = problems(chip, "readout_conflict")
    assert p.severity == "error" and set(p.coordinates) == set(neurons)


@given(st.integers(0, 1), st.sampled_from(["connect_right", "connect_soma_right"]))
def test_switches_past_the_last_column_are_an_error(row: int, switch: str) -> None:
    chip = Chip.default()
    setattr(chip.neurons[AtomicNeuron(255, row)].multicompartment, switch, 1)
    setattr(chip.neurons[AtomicNeuron(10, row)].multicompartment, switch, 1)  # fine
    (p,) = problems(chip, "multicompartment_edge")
    assert p.coordinates == (AtomicNeuron(255, row),) and p.severity == "error"


@given(st.lists(st.tuples(st.integers(0, 1), st.integers(0, 255)), min_size=1, max_size=6,
                unique=True))
def test_weights_in_undriven_rows_name_the_rows(rows: list[tuple[int, int]]) -> None:
    chip = Chip.default()
    for h, r in rows:
        chip.synapses.weight[h, r, 17] = 5
    (p,) = problems(chip, "weights_without_driver")
    assert set(p.coordinates) == {SynapseRow(h, r) for h, r in rows}
    # Drive them and the warning goes.
    for h, r in rows:
        drv = chip.drivers[SynapseDriver(h, r // 2)]
        drv.enable_receiver = 1
        setattr(drv, "row_mode_top" if r % 2 == 0 else "row_mode_bottom", 1)
    assert problems(chip, "weights_without_driver") == []


@given(st.integers(0, 3))
def test_firing_in_a_disabled_capmem_block_is_an_error(quadrant: int) -> None:
    chip = presets.setup_chip()
    chip.capmem_blocks[Quadrant(quadrant)].enable_capmem = 0
    (p,) = problems(chip, "capmem_disabled")
    assert p.coordinates == (Quadrant(quadrant),) and p.severity == "error"


def test_refresh_disabled_names_the_cells() -> None:
    chip = Chip.default()
    chip.capmem[CapMemCell(2, 5, 7)].value = "disable_refresh"
    (p,) = problems(chip, "capmem_refresh_disabled")
    assert p.coordinates == (CapMemCell(2, 5, 7),)


@given(st.integers(0, 3), st.integers(0, 0xFF))
def test_two_sources_with_one_label_on_a_bus_collide(bus: int, address: int) -> None:
    """Background source ``bus`` and a neuron on event output ``bus`` both reach PADI bus
    ``bus`` of the top half; give them the same label."""
    chip = Chip.default()
    setattr(chip.padi[Hemisphere(0)], f"enable_spl1_{bus}", 1)
    chip.background[BackgroundSource(bus)].neuron_label = (bus << 8) | address
    chip.background[BackgroundSource(bus)].enable = 1
    neuron = AtomicNeuron(32 * bus, 0)  # its spikes: label (bus << 8) | address_out
    chip.neurons[neuron].event_output.enable_fire = 1
    chip.neurons[neuron].threshold.enable = 1
    chip.neurons[neuron].event_output.enable_spike_out = 1
    chip.neurons[neuron].event_output.address = address
    (p,) = problems(chip, "label_collision")
    assert p.coordinates[0] == PadiBus(0, bus)
    assert set(p.coordinates[1:]) == {BackgroundSource(bus), neuron}
    chip.neurons[neuron].event_output.address = (address + 1) % 256
    assert problems(chip, "label_collision") == []


def test_sources_that_reach_nothing_and_bits_that_contradict() -> None:
    chip = presets.setup_chip()
    chip.background[BackgroundSource(4)].enable = 1  # reaches PADI bus 4 (block 1) and L2
    assert problems(chip, "source_reaches_nothing") == []
    for o in (4, 8):
        node = CrossbarNode(16, o)
        chip.crossbar[node].mask = 0x3FFF
        chip.crossbar[node].target = 0x3FFF
    (p,) = problems(chip, "source_reaches_nothing")
    assert p.coordinates == (BackgroundSource(4),)
    chip.neurons.threshold.enable[[5, 6]] = 0
    (p,) = problems(chip, "fire_without_threshold")
    assert p.coordinates == (AtomicNeuron(5, 0), AtomicNeuron(6, 0))
    chip.neurons.leak.v_leak[7] = 100
    (p,) = problems(chip, "outside_usable_range")
    assert p.coordinates == (AtomicNeuron(7, 0),)
    chip.neurons.adaptation.enable[9] = 1
    chip.neurons.adaptation.v_leak[9] = 900
    (p,) = problems(chip, "adaptation_reference")
    assert p.coordinates == (AtomicNeuron(9, 0),)
    drv = chip.drivers[SynapseDriver(0, 3)]
    drv.enable_receiver, drv.row_mode_top = 1, "inhibitory"
    chip.synapses.weight[0, 6, 40] = 9
    chip.neurons.inhibitory_input.enable[40] = 0
    (p,) = problems(chip, "inh_input_off")
    assert p.coordinates == (AtomicNeuron(40, 0),)
    assert all(p.severity == "warning" for p in chip.validate())
    assert np.all([str(p).startswith("warning: ") for p in chip.validate()])
