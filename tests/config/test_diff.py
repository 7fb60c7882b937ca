"""diff, apply and read_chip: minimal change sets, only what differs is written, and what
was applied comes back."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bss_host import connect
from bss_host.config import WRITE_ORDER, Chip, diff
from bss_host.coords import AtomicNeuron
from bss_host.errors import ConfigurationError


@st.composite
def chips(draw: st.DrawFn) -> Chip:
    """Small random configurations: a few neuron parameters, synapses, driver bits and
    background settings away from reset."""
    chip = Chip.default()
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    for _ in range(draw(st.integers(0, 4))):
        n = rng.integers(0, 512, draw(st.integers(1, 20)))
        chip.neurons.leak.v_leak[n] = rng.integers(0, 1023, len(n))
    if draw(st.booleans()):
        chip.neurons.membrane_capacitance.capacitance[:] = rng.integers(0, 64, 512)
    for _ in range(draw(st.integers(0, 3))):
        h, r = rng.integers(0, 2), rng.integers(0, 256)
        chip.synapses.weight[h, r, :] = rng.integers(0, 64, 256)
        chip.synapses.label[h, r, :] = rng.integers(0, 64, 256)
    if draw(st.booleans()):
        chip.drivers.enable_receiver[rng.integers(0, 256, 10)] = 1
    if draw(st.booleans()):
        chip.background.period[:] = rng.integers(0, 1 << 16, 8)
    return chip


@given(chips())
def test_diff_of_a_chip_with_itself_is_empty(a: Chip) -> None:
    d = diff(a, a.copy())
    assert not d and len(d) == 0 and d.registers == []


@given(chips(), chips())
def test_diff_lists_exactly_the_changed_words_in_write_order(a: Chip, b: Chip) -> None:
    d = diff(a, b)
    assert d.registers == [r for r in WRITE_ORDER if r in d.registers]
    for change in d:
        old, new = a.image.words(change.register), b.image.words(change.register)
        differs = old.words != new.words
        assert (change.addresses == new.addresses[differs]).all()
        assert (change.words == new.words[differs]).all() and len(change.words) > 0


@settings(max_examples=8, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(chips(), chips())
def test_applying_b_over_a_leaves_the_chip_holding_b(a: Chip, b: Chip) -> None:
    with connect("sim:") as conn:
        conn.apply(a)
        written = conn.apply(b)
        assert len(written) == len(diff(a, b))
        assert not conn.apply(b)  # nothing left to write
        back = conn.read_chip()
    assert back.chip == b
    assert back.sources["synapse_quad"] == "chip" and back.sources["crossbar_node"] != "chip"


def test_apply_writes_only_what_differs_from_the_shadow() -> None:
    chip = Chip.default()
    with connect("sim:") as conn:
        first = conn.apply(chip)
        assert len(first) > 10_000  # nothing in the shadow yet: everything goes out
        chip.neurons[AtomicNeuron(5, 1)].leak.v_leak = 321
        second = conn.apply(chip)
    assert second.registers == ["capmem_cell"] and len(second) == 1


def test_apply_refuses_a_configuration_with_errors_and_writes_nothing() -> None:
    chip = Chip.default()
    chip.neurons.readout.enable_buffered[[3, 4]] = 1  # two neurons on one readout line
    with connect("sim:") as conn:
        with pytest.raises(ConfigurationError, match="nothing written") as e:
            conn.apply(chip)
        assert e.value.problems and e.value.problems[0].check == "readout_conflict"
        assert conn.read_chip().sources["crossbar_node"] == "reset (never written)"
