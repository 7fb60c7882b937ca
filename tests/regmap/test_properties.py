"""Hypothesis properties for every register of the map."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from bss_host import REGMAP, AccessError, Field, Register, ShapeError, ValueOutOfRangeError

NAMES = list(REGMAP)
WRITABLE = [n for n in NAMES if REGMAP[n].access != "ro"]


def legal_values(f: Field) -> st.SearchStrategy[int]:
    if f.access == "ro":
        return st.just(f.reset)
    s = st.integers(f.min, f.max)
    if f.sentinel is not None:
        s = s | st.just(f.sentinel[0])
    return s


def field_values(reg: Register) -> st.SearchStrategy[dict[str, int]]:
    return st.fixed_dictionaries({f.name: legal_values(f) for f in reg.fields})


@pytest.mark.parametrize("name", WRITABLE)
@given(data=st.data())
def test_decode_encode_round_trip(name, data):
    reg = REGMAP[name]
    values = data.draw(field_values(reg))
    index = data.draw(st.integers(0, reg.count - 1))
    pairs = reg.encode(index, **values)
    assert [a for a, _ in pairs] == [reg.address(index, w) for w in range(reg.words)]
    assert reg.decode([w for _, w in pairs]) == values


@pytest.mark.parametrize("name", NAMES)
@given(data=st.data())
def test_out_of_range_values_are_rejected(name, data):
    reg = REGMAP[name]
    f = data.draw(st.sampled_from(reg.fields))
    above = st.integers(f.max + 1, f.max + 2**40)
    if f.sentinel is not None:
        above = above.filter(lambda v: v != f.sentinel[0])
    bad = data.draw(above | st.integers(f.min - 2**40, f.min - 1))
    if reg.access == "ro":
        with pytest.raises(AccessError):
            reg.encode(0)
        return
    with pytest.raises(ValueOutOfRangeError) as exc:
        reg.encode(0, **{f.name: bad})
    e = exc.value
    assert (e.register, e.field, e.value, e.index) == (reg.name, f.name, bad, 0)
    assert str(f.min) in e.allowed and str(bad) in str(e)
    # The bulk path validates before it produces anything.
    with pytest.raises(ValueOutOfRangeError):
        reg.encode_array({f.name: np.array([f.reset, bad], dtype=np.int64)}, indices=[0, 0])


@pytest.mark.parametrize("name", WRITABLE)
@given(data=st.data())
def test_bulk_equals_single(name, data):
    reg = REGMAP[name]
    n = data.draw(st.integers(1, 8))
    idx = data.draw(st.lists(st.integers(0, reg.count - 1), min_size=n, max_size=n))
    rows = [data.draw(field_values(reg)) for _ in range(n)]
    cols = {f.name: np.array([r[f.name] for r in rows], dtype=np.int64) for f in reg.fields}
    stream = reg.encode_array(cols, indices=idx)
    nw = reg.words
    for k, (i, row) in enumerate(zip(idx, rows, strict=True)):
        pairs = reg.encode(i, **row)
        assert stream.pairs()[k * nw : (k + 1) * nw] == pairs
    back = reg.decode_array(stream.words)
    for f in reg.fields:
        np.testing.assert_array_equal(back[f.name], cols[f.name])


@pytest.mark.parametrize("name", NAMES)
def test_access_flags_hold(name):
    reg = REGMAP[name]
    assert reg.access in ("rw", "ro", "wo")
    if reg.access == "wo":
        assert not reg.readable and not any(f.readable for f in reg.fields)
    if reg.access == "ro":
        assert all(f.access == "ro" for f in reg.fields)
        with pytest.raises(AccessError):
            reg.encode(0)
        with pytest.raises(AccessError):
            reg.encode_array({})
    if reg.kind == "trigger":
        assert reg.access == "wo"
    assert reg.layout in ("reference", "assumed")
    for f in reg.fields:
        assert f.is_legal(f.reset)
        assert 0 <= f.lsb and f.msb < reg.word_bits and f.word < reg.words
        if f.enum:
            assert len(f.enum) <= 2**f.width


def test_no_two_registers_overlap():
    spans = []
    for reg in REGMAP.values():
        if reg.total_words > 4_000_000:
            spans.append((reg.base, reg.base + reg.total_words, reg.name))
            continue
        addrs = np.sort(reg.addresses().astype(np.int64))
        assert len(np.unique(addrs)) == len(addrs), f"{reg.name} overlaps itself"
        breaks = np.flatnonzero(np.diff(addrs) != 1)
        starts = np.concatenate([[addrs[0]], addrs[breaks + 1]])
        ends = np.concatenate([addrs[breaks] + 1, [addrs[-1] + 1]])
        spans.extend((int(s), int(e), reg.name) for s, e in zip(starts, ends, strict=True))
    spans.sort()
    for (_, end, a), (start, _, b) in zip(spans, spans[1:], strict=False):
        assert end <= start, f"{a} and {b} overlap at 0x{start:08x}"


def test_every_block_file_has_registers_and_names_are_unique():
    names = [r.name for r in REGMAP.values()]
    assert len(names) == len(set(names))
    assert {r.block for r in REGMAP.values()} == set(REGMAP.blocks) - {"chip"}


@pytest.mark.parametrize("name", NAMES)
@given(data=st.data())
def test_decoding_arbitrary_words_gives_legal_values_or_a_typed_error(name, data):
    reg = REGMAP[name]
    words = data.draw(st.lists(st.integers(0, 2**32 - 1), min_size=reg.words, max_size=reg.words))
    try:
        values = reg.decode(words)
    except ValueOutOfRangeError as e:
        assert e.register == reg.name and not reg.field(e.field).is_legal(e.value)
        return
    assert list(values) == [f.name for f in reg.fields]
    assert all(reg.field(k).is_legal(v) for k, v in values.items())
    # Words that decode re-encode to the same field bits (bits outside fields are dropped).
    if reg.access != "ro" and all(f.access != "ro" or values[f.name] == f.reset
                                  for f in reg.fields):
        again = [w for _, w in reg.encode(0, **values)]
        assert reg.decode(again) == values


@pytest.mark.parametrize("name", NAMES)
def test_wrong_word_counts_are_rejected(name):
    reg = REGMAP[name]
    with pytest.raises(ShapeError):
        reg.decode([0] * (reg.words + 1))
    if reg.words > 1:
        with pytest.raises(ShapeError):
            reg.decode_array(np.zeros(reg.words + 1, dtype=np.uint32))
