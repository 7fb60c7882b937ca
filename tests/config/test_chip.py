"""The Chip object: views that validate on the spot and change nothing on a bad value,
the power-on state, copies and equality, and every cell and bit reachable by name."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from bss_host import REGMAP
from bss_host.config import BLOCKS, GROUPS, Chip
from bss_host.coords import AtomicNeuron, BackgroundSource, NeuronCell, SynapseDriver
from bss_host.errors import (
    BssError,
    CoordinateError,
    ShapeError,
    UnknownNameError,
    ValueOutOfRangeError,
)


def test_default_is_the_maps_reset_state() -> None:
    chip = Chip.default()
    for register, cols in chip.image.columns.items():
        for f in REGMAP[register].fields:
            assert (cols[f.name] == f.reset).all(), (register, f.name)
    assert all(not a.any() for a in chip.image.synapses.values())
    assert chip == Chip.default() and chip.validate() == []


def test_groups_cover_every_cell_and_bit_exactly_once() -> None:
    seen = [where for attrs in GROUPS.values() for where in attrs.values()]
    assert len(seen) == len(set(seen))
    cells = {f for r, f in seen if r == "capmem_cell"}
    assert cells == {c.name for c in NeuronCell}
    for register in ("neuron_config", "neuron_backend_config"):
        fields = {f for r, f in seen if r == register}
        assert fields == {f.name for f in REGMAP[register].fields}, register


def test_one_neuron_and_the_bulk_view_are_the_same_place() -> None:
    chip = Chip.default()
    neuron = AtomicNeuron(130, 1)
    chip.neurons[neuron].leak.v_leak = 500
    chip.neurons[neuron].event_output.address = 17
    assert chip.neurons.leak.v_leak[neuron.enum] == 500
    assert np.count_nonzero(np.asarray(chip.neurons.leak.v_leak)) == 1
    assert chip.neurons.event_output.address[neuron] == 17
    codes = np.arange(512) % 1000
    chip.neurons.threshold.v_threshold[:] = codes
    assert (np.asarray(chip.neurons.threshold.v_threshold) == codes).all()
    assert chip.neurons[AtomicNeuron(7, 0)].threshold.v_threshold == 7
    chip.neurons.readout.source[3] = "adaptation"
    assert chip.neurons.readout.source[3] == 3


@given(st.one_of(st.integers(max_value=-1), st.integers(min_value=1024, max_value=2**70),
                 st.floats(allow_nan=True), st.just("nope")))
def test_a_rejected_assignment_changes_nothing(bad: object) -> None:
    chip = Chip.default()
    chip.neurons.leak.v_leak[:] = 100
    before = chip.copy()
    values = np.full(512, 200, dtype=object)
    values[300] = bad
    with pytest.raises(BssError) as e:
        chip.neurons.leak.v_leak[:] = values if not isinstance(bad, float) else np.full(512,
                                                                                        bad)
    assert isinstance(e.value, ValueError)
    assert chip == before


def test_errors_name_where_what_and_the_range() -> None:
    chip = Chip.default()
    with pytest.raises(ValueOutOfRangeError, match=r"AtomicNeuron\(column=3, row=0\)\.leak"
                       r"\.v_leak = 1024; allowed: 0\.\.=1022 or 1023"):
        chip.neurons[AtomicNeuron(3, 0)].leak.v_leak = 1024
    with pytest.raises(ValueOutOfRangeError, match="membrane_capacitance.capacitance = 64"):
        chip.neurons.membrane_capacitance.capacitance[:] = 64
    with pytest.raises(ValueOutOfRangeError, match="float64"):
        chip.neurons.leak.v_leak[:] = 3.0
    with pytest.raises(ShapeError):
        chip.neurons.leak.v_leak[:] = np.zeros(3, int)
    with pytest.raises(ValueOutOfRangeError, match=r"synapses\.weight = 64; allowed 0\.\.63"):
        chip.synapses.weight[0, 0, :] = 64
    with pytest.raises(UnknownNameError, match="groups"):
        chip.neurons.nonsense  # noqa: B018
    with pytest.raises(CoordinateError, match="SynapseDriver"):
        chip.drivers[3]
    assert chip == Chip.default()


def test_register_views_by_coordinate_and_in_bulk() -> None:
    chip = Chip.default()
    chip.drivers[SynapseDriver(1, 5)].enable_receiver = 1
    assert chip.drivers.enable_receiver[128 + 5] == 1
    chip.drivers.row_mode_top[:] = "excitatory"
    assert set(np.asarray(chip.drivers.row_mode_top).tolist()) == {1}
    chip.background[BackgroundSource(2)].period = 100
    chip.madc.number_of_samples = 1000
    assert chip.madc[0].number_of_samples == 1000
    assert set(BLOCKS) <= set(dir(chip))
    with pytest.raises(ValueOutOfRangeError):
        chip.background[BackgroundSource(2)].period = 1 << 16


def test_copy_is_deep_and_equality_follows_values() -> None:
    a = Chip.default()
    b = a.copy()
    b.synapses.label[1, 2, 3] = 9
    assert a != b and a.synapses.label[1, 2, 3] == 0
    b.synapses.label[1, 2, 3] = 0
    assert a == b


def test_summary_and_repr_say_what_is_on() -> None:
    chip = Chip.default()
    chip.neurons.event_output.enable_fire[:10] = 1
    chip.synapses.weight[0, :2, :] = 5
    chip.background[BackgroundSource(1)].enable = 1
    s = chip.summary()
    assert s["neurons_firing"] == 10 and s["synapses_nonzero"] == 512
    assert [b["source"] for b in s["background_sources_running"]] == [1]
    assert "10 neurons firing" in repr(chip)


def test_enumerated_fields_are_enums_from_the_map() -> None:
    from bss_host.config import enums

    for (register, field), cls in enums.ENUMS.items():
        assert [m.name for m in cls] == list(REGMAP[register].field(field).enum)
    chip = Chip.default()
    chip.neurons.readout.source[3] = "adaptation"
    value = chip.neurons[AtomicNeuron(3, 0)].readout.source
    assert value is enums.NeuronConfigReadoutSource.adaptation and value == 3
    chip.drivers[SynapseDriver(0, 1)].row_mode_top = enums.SynapseDriverConfigRowModeTop.inhibitory
    assert chip.drivers.row_mode_top[1] == 2
    with pytest.raises(ValueOutOfRangeError, match="row_mode_top = 'sideways'"):
        chip.drivers[SynapseDriver(0, 1)].row_mode_top = "sideways"


def test_the_docs_page_names_every_group_attribute_and_block() -> None:
    from pathlib import Path

    text = (Path(__file__).resolve().parents[2] / "docs" / "config.md").read_text()
    for group, attrs in GROUPS.items():
        assert f"| `{group}` |" in text, group
        for name in attrs:
            assert f"`{name}`" in text, (group, name)
    for name in BLOCKS:
        assert f"`chip.{name}`" in text, name
    from bss_host.config.validate import CHECKS

    assert len(CHECKS) >= 8


def test_views_compare_element_wise_like_arrays() -> None:
    chip = Chip.default()
    chip.neurons.leak.v_leak[:3] = 500
    assert (chip.neurons.leak.v_leak == 500).sum() == 3
    assert (chip.neurons.leak.v_leak != 500).sum() == 509
    assert chip.neurons.leak.v_leak.tolist()[:4] == [500, 500, 500, 0]
    chip.synapses.weight[1, 2, 3] = 4
    assert (chip.synapses.weight == 4).sum() == 1
    assert np.asarray(chip.drivers.enable_receiver).shape == (256,)


def test_indices_lists_of_coordinates_and_bad_indices() -> None:
    from bss_host.errors import CoordinateError

    chip = Chip.default()
    chip.neurons.leak.v_leak[[AtomicNeuron(1, 0), AtomicNeuron(2, 1)]] = 5
    assert chip.neurons.leak.v_leak[AtomicNeuron(2, 1)] == 5
    assert chip.neurons.leak.v_leak[258] == 5  # enum = 256 row + column
    for bad in (600, 1.5, "x"):
        with pytest.raises(CoordinateError, match="allowed integers 0..511"):
            chip.neurons.leak.v_leak[bad] = 1
        with pytest.raises(IndexError):  # also an IndexError, for code that expects one
            chip.neurons.leak.v_leak[bad]
    with pytest.raises(CoordinateError, match="hemisphere 0..1"):
        chip.synapses.weight[2, 0, 0] = 1
    assert chip == chip.copy()
