"""Coordinates: range checks, enumeration round trips, value semantics, and conversions
that agree with the register map and the model's wiring."""

from __future__ import annotations

import pickle

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from bss_host import _core, coords
from bss_host.coords import (
    AtomicNeuron,
    CapMemCell,
    Coordinate,
    CrossbarNode,
    NeuronBackend,
    NeuronCell,
    Synapse,
    SynapseColumn,
    SynapseDriver,
    iter_all,
)
from bss_host.errors import BssError, CoordinateError

TYPES = [getattr(coords, n) for n in coords.__all__
         if isinstance(getattr(coords, n), type) and issubclass(getattr(coords, n), Coordinate)
         and getattr(coords, n) is not Coordinate]

SIZES = {"AtomicNeuron": 512, "Synapse": 131072, "SynapseQuad": 32768, "SynapseDriver": 256,
         "PadiBus": 8, "CrossbarInput": 20, "CrossbarOutput": 12, "CrossbarNode": 76,
         "BackgroundSource": 8, "CapMemCell": 12480, "Hemisphere": 2, "Quadrant": 4,
         "SynapseRow": 512, "CadcChannel": 1024, "NeuronBackend": 512, "Ppu": 2}


def test_sizes_match_the_chip() -> None:
    for cls in TYPES:
        if cls.__name__ in SIZES:
            assert cls.SIZE == SIZES[cls.__name__], cls


@pytest.mark.parametrize("cls", TYPES, ids=lambda c: c.__name__)
@given(data=st.data())
def test_enum_round_trip_pickle_hash_order(cls: type[Coordinate], data: st.DataObject) -> None:
    a, b = (data.draw(st.integers(0, cls.SIZE - 1)) for _ in range(2))
    ca, cb = cls.from_enum(a), cls.from_enum(b)
    assert ca.enum == a and int(ca) == a and list(range(cls.SIZE))[ca] == a
    assert pickle.loads(pickle.dumps(ca)) == ca
    assert (ca == cb) == (a == b) and (hash(ca) == hash(cb)) >= (a == b)
    assert (ca < cb) == (a < b) and (ca >= cb) == (a >= b)
    assert eval(repr(ca), vars(coords)) == ca


# Synapse (131,072 values) is left to the enum round trip: listing it takes seconds.
@pytest.mark.parametrize("cls", [t for t in TYPES if t.SIZE <= 20000], ids=lambda c: c.__name__)
def test_iter_all_is_every_value_once_in_order(cls: type[Coordinate]) -> None:
    values = list(iter_all(cls))
    assert [v.enum for v in values] == list(range(cls.SIZE)) and len(set(values)) == cls.SIZE


@given(st.one_of(st.integers(max_value=-1), st.integers(min_value=256),
                 st.floats(allow_nan=True), st.booleans(), st.text()))
def test_out_of_range_or_not_an_integer_is_a_typed_error(bad: object) -> None:
    with pytest.raises(CoordinateError, match="AtomicNeuron column") as e:
        AtomicNeuron(bad, 0)
    assert isinstance(e.value, BssError) and isinstance(e.value, ValueError)


def test_errors_name_type_value_and_range() -> None:
    with pytest.raises(CoordinateError, match=r"SynapseDriver index=128 .* allowed 0\.\.127"):
        SynapseDriver(0, 128)
    with pytest.raises(CoordinateError, match="does not exist"):
        CrossbarNode(12, 11)  # background sources never reach an L2 output
    with pytest.raises(CoordinateError, match="takes 2 values"):
        AtomicNeuron(1, 0, 0)
    with pytest.raises(AttributeError, match="immutable"):
        AtomicNeuron(1, 0).column = 3  # type: ignore[misc]
    assert AtomicNeuron(1, 0) != coords.NeuronColumn(1) and AtomicNeuron(1, 0) != 1


def test_crossbar_nodes_are_the_map_instances() -> None:
    meta = {r["name"]: r for r in _core.map_metadata()["registers"]}["crossbar_node"]
    assert [(n.input, n.output) for n in iter_all(CrossbarNode)] == [tuple(v) for v in
                                                                   meta["valid"]]


def test_capmem_cells_agree_with_the_bulk_encoder() -> None:
    expected = _core.neuron_capmem_indices().reshape(512, 24)
    n = np.arange(512)[:, None]
    assert (coords.capmem_cells_of_enums(n, np.arange(24)[None, :]) == expected).all()
    for e in (0, 127, 128, 300, 511):
        neuron = AtomicNeuron.from_enum(e)
        for cell in (NeuronCell.v_leak, NeuronCell.i_bias_nmda):
            assert coords.capmem_cell_of(neuron, cell).enum == expected[e, cell]
    assert coords.capmem_cell_of(AtomicNeuron(130, 1), NeuronCell.v_threshold) == CapMemCell(
        3, 2, 2)


def test_synapse_interleave_agrees_with_the_map() -> None:
    quad_columns = _core.quad_columns().reshape(64, 4)
    q, e = coords.synapse_quads_of_columns(np.arange(256))
    assert (quad_columns[q, e] == np.arange(256)).all()
    for column in (0, 1, 6, 7, 255):
        quad, entry = coords.synapse_quad_of_column(SynapseColumn(column))
        assert coords.column_of_synapse_quad(quad, entry) == SynapseColumn(column)


def test_backend_mapping_is_a_bijection_and_matches_the_vector_form() -> None:
    seen = set()
    for neuron in iter_all(AtomicNeuron):
        b = coords.backend_of(neuron)
        assert coords.neuron_of_backend(b) == neuron
        seen.add(b)
    assert len(seen) == 512
    vec = coords.backend_of_enums(np.arange(512))
    assert [NeuronBackend.from_enum(int(i)) for i in vec] == [
        coords.backend_of(n) for n in iter_all(AtomicNeuron)]


def test_routing_conversions() -> None:
    driver = SynapseDriver(1, 37)
    assert coords.padi_bus_of(driver) == coords.PadiBus(1, 1)
    top, bottom = coords.rows_of(driver)
    assert (top.row, bottom.row, top.hemisphere) == (74, 75, 1)
    assert coords.driver_of(bottom) == driver
    assert coords.event_output_of(AtomicNeuron(0, 0)) == coords.CrossbarInput(0)
    assert coords.event_output_of(AtomicNeuron(255, 1)) == coords.CrossbarInput(7)
    assert coords.crossbar_input_of(coords.BackgroundSource(3)) == coords.CrossbarInput(15)
    assert coords.padi_bus_of_output(coords.CrossbarOutput(5)) == coords.PadiBus(1, 1)
    assert coords.padi_bus_of_output(coords.CrossbarOutput(9)) is None
    neuron = AtomicNeuron(10, 1)
    assert {d.block for d in coords.drivers_reaching(neuron)} == {1}
    assert coords.padi_buses_reaching(neuron) == [coords.PadiBus(1, i) for i in range(4)]
    causal, acausal = coords.cadc_channels_of(neuron)
    assert (causal.kind, acausal.kind, causal.column, causal.hemisphere) == (0, 1, 10, 1)


def test_vector_forms_reject_bad_input() -> None:
    with pytest.raises(CoordinateError, match="AtomicNeuron enum 512"):
        coords.quadrant_of_enums([0, 512])
    with pytest.raises(CoordinateError, match="integers"):
        coords.quadrant_of_enums([0.5])
    assert list(coords.quadrant_of_enums([0, 128, 256, 511])) == [0, 1, 2, 3]


def test_synapse_coordinates_hash_apart_from_equal_numbers() -> None:
    s = {Synapse(0, 0, 1), SynapseColumn(1), AtomicNeuron(1, 0)}
    assert len(s) == 3
