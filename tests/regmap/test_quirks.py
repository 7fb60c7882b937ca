"""The reference's rules (shared/reference/chip.md sections 3-4), checked through the
public API: addresses, permutations, interleaving, sentinels, sizes."""

import numpy as np
import pytest

from bss_host import REGMAP, ShapeError, UnknownNameError, ValueOutOfRangeError
from bss_host.regmap import (
    QUAD_COLUMNS,
    decode_neuron_capmem,
    decode_synapses,
    encode_neuron_capmem,
    encode_synapses,
)


def reversed_low5(w: int) -> int:
    """The reference's rule, written independently: keep bit 5, reverse bits 0..4."""
    low = w & 0x1F
    rev = int(f"{low:05b}"[::-1], 2)
    return (w & 0x20) | rev


def test_weight_permutation_follows_the_rule():
    reg = REGMAP["synapse_quad"]
    for w in range(64):
        (_, word0), _ = reg.encode(0, weight_0=w)
        f = reg.field("weight_0")
        assert (word0 >> f.lsb) & 0x3F == reversed_low5(w)


@pytest.mark.parametrize("synram,row", [(0, 0), (1, 255), (0, 77)])
def test_column_interleave_and_byte_order(synram, row):
    reg = REGMAP["synapse_quad"]
    for column in range(256):
        w = np.zeros((2, 256, 256), dtype=np.uint8)
        w[synram, row, column] = 0x21  # asymmetric under the permutation
        s = encode_synapses(weights=w)
        nz = np.flatnonzero(s.words)
        assert len(nz) == 1
        quad_index, word = divmod(int(nz[0]), 2)
        assert word == 0
        s_, r_, q = reg.coordinates(quad_index)
        assert (s_, r_) == (synram, row)
        byte = next(b for b in range(4) if (int(s.words[nz[0]]) >> (8 * b)) & 0xFF)
        entry = 3 - byte  # entry 0 sits in the most significant byte
        assert column == 2 * (4 * (q % 32) + entry) + q // 32
        assert QUAD_COLUMNS[q, entry] == column
        assert int(s.addresses[nz[0]]) == reg.address(quad_index, 0)


def test_synapse_round_trip_and_errors():
    rng = np.random.default_rng(5)
    arrays = [rng.integers(0, m, (2, 256, 256)) for m in (64, 64, 4, 4)]
    s = encode_synapses(*arrays)
    assert len(s.words) == 65536
    back = decode_synapses(s.words)
    for a, b in zip(arrays, back, strict=True):
        np.testing.assert_array_equal(a, b)
    bad = arrays[1].copy()
    bad[1, 2, 3] = 64
    with pytest.raises(ValueOutOfRangeError) as e:
        encode_synapses(arrays[0], bad)
    assert e.value.location == "synram 1, row 2, column 3"
    with pytest.raises(ShapeError):
        encode_synapses(np.zeros((256, 256)))


def test_synapse_quad_addresses_follow_the_reference():
    reg = REGMAP["synapse_quad"]
    for synram, row, q in [(0, 0, 0), (0, 5, 9), (1, 255, 63)]:
        i = reg.index_of(synram, row, q)
        base = 0x02C0_0000 + synram * 0x0100_0000 + 0xF_0000
        assert reg.address(i, 0) == base + row * 128 + q
        assert reg.address(i, 1) == base + row * 128 + q + 64


def test_capmem_sentinel():
    reg = REGMAP["capmem_cell"]
    assert reg.decode([1023]) == {"value": 1023}
    assert reg.field("value").format(1023) == "1023 (disable_refresh)"
    assert reg.field("value").parse("disable_refresh") == 1023
    with pytest.raises(ValueOutOfRangeError):
        reg.encode(0, value=1024)
    assert reg.count == 4 * 130 * 24


def test_neuron_capmem_maps_quadrants_to_blocks():
    values = np.arange(512 * 24, dtype=np.int64).reshape(512, 24) % 1023
    s = encode_neuron_capmem(values)
    reg = REGMAP["capmem_cell"]
    for n, row in [(0, 0), (127, 23), (128, 5), (300, 8), (511, 23)]:
        k = n * 24 + row
        block, column = n // 128, n % 128
        assert int(s.addresses[k]) == reg.address(reg.index_of(block, column, row))
        assert int(s.words[k]) == values[n, row]
    np.testing.assert_array_equal(decode_neuron_capmem(s.words), values)


def test_neuron_config_addresses_follow_the_reference():
    reg = REGMAP["neuron_config"]
    assert reg.count == 512 and reg.words == 6 and reg.word_bits == 8
    for neuron in [0, 1, 127, 128, 300, 511]:
        quadrant, n = divmod(neuron, 128)
        for i in range(6):
            assert reg.address(neuron, i) == 0x0016_0000 + quadrant * 0x8000 + 2 + 8 * n + i


def test_ppu_registers_follow_the_reference():
    mem, ctrl, status = REGMAP["ppu_memory_word"], REGMAP["ppu_control"], REGMAP["ppu_status"]
    assert mem.count == 2 * 4096
    assert mem.address(mem.index_of(0, 3071)) == 0x0280_0000 + 3071
    assert mem.address(mem.index_of(1, 0)) == 0x0380_0000
    assert [ctrl.address(i) for i in range(2)] == [0x02A0_0000, 0x03A0_0000]
    assert [status.address(i) for i in range(2)] == [0x02A0_0001, 0x03A0_0001]
    assert ctrl.field("inhibit_reset").lsb == 0 and ctrl.field("cache_controller_enable").lsb == 3
    assert status.access == "ro" and status.field("sleep").lsb == 0


def test_crossbar_has_the_76_nodes_of_the_reference():
    reg = REGMAP["crossbar_node"]
    assert reg.count == 76
    dims = [d.name for d in reg.dims]
    nodes = {dict(zip(dims, v, strict=True))["input"] * 100 + dict(zip(dims, v, strict=True))[
        "output"] for v in reg.valid}
    expected = set()
    for i in range(8):  # neuron event outputs reach three PADI/L2 outputs
        expected |= {i * 100 + i % 4, i * 100 + i % 4 + 4, i * 100 + i % 4 + 8}
    for i in range(8, 12):  # L2 inputs reach all PADI buses and their own L2 output
        expected |= {i * 100 + o for o in range(8)} | {i * 100 + 8 + (i - 8)}
    for i in range(12, 20):  # background sources
        expected |= {i * 100 + (i - 12), i * 100 + 8 + (i - 12) % 4}
    assert nodes == expected
    with pytest.raises(Exception, match="does not exist"):
        reg.index_of(*[0 if d == "input" else 1 for d in dims])


def test_inventory_matches_the_chip():
    inv = REGMAP.inventory
    assert inv["neurons"] == 512
    assert inv["synapses"] == 131_072
    assert inv["capmem_cells"] == 12_480
    assert inv["synapse_drivers"] == 256
    assert inv["background_sources"] == 8
    assert inv["crossbar_nodes"] == 76


def test_unknown_names():
    with pytest.raises(UnknownNameError, match="did you mean"):
        REGMAP["capmem"]
    with pytest.raises(UnknownNameError, match="fields are"):
        REGMAP["capmem_cell"].field("vale")
