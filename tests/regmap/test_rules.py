"""The map's rules have one implementation: the Python half asks the Rust descriptors, so
field lookup, indices, coordinates and legal values agree, error texts included."""

import pytest

from bss_host import Program
from bss_host.errors import IndexOutOfRangeError, UnknownNameError, ValueOutOfRangeError
from bss_host.regmap import REGMAP


def _enum_field():
    for reg in REGMAP.values():
        for f in reg.fields:
            if f.enum and reg.access != "ro" and f.access != "ro":
                return reg, f
    raise AssertionError("the map has no writable enum field")


@pytest.mark.parametrize("case", ["sentinel", "enum"])
def test_python_and_rust_errors_carry_the_same_allowed_text(case):
    if case == "sentinel":
        reg, f = REGMAP["capmem_cell"], REGMAP["capmem_cell"].field("value")
        assert f.allowed() == "0..=1022 or 1023 (disable_refresh)"
    else:
        reg, f = _enum_field()
        assert f.allowed().endswith(" or one of " + ", ".join(f.enum))
    bad = f.max + 1 if f.sentinel is None or f.sentinel[0] != f.max + 1 else f.max + 2
    assert not f.is_legal(bad)

    # Raised in Rust: the encoder refuses the value.
    with pytest.raises(ValueOutOfRangeError) as rust_side:
        reg.encode(0, **{f.name: bad})
    assert rust_side.value.allowed == f.allowed()
    assert str(rust_side.value).endswith(f"allowed: {f.allowed()}")

    # Raised in Python: a command-line value that is no value at all, and a wait target.
    with pytest.raises(ValueOutOfRangeError) as parsed:
        f.parse("not-a-value")
    assert str(parsed.value).endswith(f"allowed: {f.allowed()}")
    with pytest.raises(ValueOutOfRangeError) as waited:
        Program().wait_for(reg.name, field=f.name, value=bad)
    assert str(waited.value).endswith(f"allowed {f.allowed()}")


def test_legality_is_the_maps():
    f = REGMAP["capmem_cell"].field("value")
    assert [f.is_legal(v) for v in (-1, 0, 1022, 1023, 1024, 2**70)] == [
        False, True, True, True, False, False]


def test_indices_and_coordinates_come_from_the_map():
    quad = REGMAP["synapse_quad"]
    assert quad.index_of(1, 2, 3) == 16515
    assert quad.coordinates(16515) == (1, 2, 3)
    assert quad.address(16515) == int(quad.addresses([16515])[0])
    with pytest.raises(IndexOutOfRangeError, match=r"has 3 dims \(synram, row, quad\); got 2"):
        quad.index_of(1, 2)
    with pytest.raises(IndexOutOfRangeError, match="row -2 is out of range 0..256"):
        quad.index_of(1, -2, 3)
    with pytest.raises(IndexOutOfRangeError, match=r"synapse_quad\[-1\] does not exist"):
        quad.coordinates(-1)
    with pytest.raises(IndexOutOfRangeError, match="word 9 does not exist"):
        quad.address(0, 9)
    node = REGMAP["crossbar_node"]
    assert node.coordinates(node.index_of(8, 0)) == (8, 0)
    with pytest.raises(IndexOutOfRangeError, match=r"crossbar_node\[0, 99\] does not exist"):
        node.index_of(0, 99)


def test_names_are_looked_up_by_the_map():
    with pytest.raises(UnknownNameError, match="its fields are: value"):
        REGMAP["capmem_cell"].field("valu")
    with pytest.raises(UnknownNameError, match="did you mean: .*capmem_cell"):
        REGMAP["capmem"]
