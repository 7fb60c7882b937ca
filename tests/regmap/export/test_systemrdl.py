"""The SystemRDL export: it compiles and elaborates with systemrdl-compiler, and the
elaborated tree holds every register instance of the map at 4 x its word address, with
the map's fields, bit positions, access and reset values."""

from __future__ import annotations

import math
import re
from collections import defaultdict
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from systemrdl import RDLCompiler
from systemrdl.node import AddressableNode, AddrmapNode, RegNode
from systemrdl.rdltypes import AccessType

from bss_host.regmap import REGMAP, Register, RegisterMap
from bss_host.regmap.export import systemrdl as rdl

SW = {"rw": AccessType.rw, "ro": AccessType.r, "wo": AccessType.w}
HW = {"rw": AccessType.r, "ro": AccessType.w, "wo": AccessType.r}

# Registers with more word instances than this are checked by count and address range
# only (the PPU DRAM has 2**26 instances).
EXHAUSTIVE_LIMIT = 2_000_000


def compile_rdl(text: str, directory: Path) -> AddrmapNode:
    path = directory / "map.rdl"
    path.write_text(text)
    compiler = RDLCompiler()
    compiler.compile_file(str(path))
    return compiler.elaborate(top_def_name=rdl.TOP_NAME).top


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, AddrmapNode]:
    text = rdl.export_rdl()
    return text, compile_rdl(text, tmp_path_factory.mktemp("rdl"))


# -- walking the elaborated tree ------------------------------------------------------------


def register_of(node: RegNode) -> tuple[str, int]:
    """(register, word) a reg node stands for, from its `name` property."""
    name, _, word = node.get_property("name").partition(" word ")
    return name, int(word) if word else 0


def lineage(node: AddressableNode) -> list[AddressableNode]:
    """The node and its ancestors below the top addrmap."""
    out = []
    n: Any = node
    while not isinstance(n, AddrmapNode):
        out.append(n)
        n = n.parent
    return out


def element_count(node: RegNode) -> int:
    return math.prod(n.n_elements for n in lineage(node))


def element_addresses(node: RegNode) -> np.ndarray:
    """Absolute byte address of every element (arrays of the node and its ancestors)."""
    addrs = np.array([node.raw_absolute_address], dtype=np.int64)
    for n in lineage(node):
        if n.is_array:
            offsets = np.arange(n.n_elements, dtype=np.int64) * n.array_stride
            addrs = (addrs[:, None] + offsets[None, :]).ravel()
    return addrs


def address_range(node: RegNode) -> tuple[int, int]:
    last = sum((n.n_elements - 1) * n.array_stride for n in lineage(node) if n.is_array)
    return node.raw_absolute_address, node.raw_absolute_address + last


def map_word_addresses(reg: Register, word: int) -> np.ndarray:
    """Word addresses of `word` of every instance, computed from dims/valid directly."""
    strides = np.array([d.stride for d in reg.dims], dtype=np.int64)
    if reg.valid:
        coords = np.array(reg.valid, dtype=np.int64).reshape(len(reg.valid), len(reg.dims))
        offsets = coords @ strides
    else:
        offsets = np.zeros(1, dtype=np.int64)
        for d in reg.dims:
            step = np.arange(d.count, dtype=np.int64) * d.stride
            offsets = (offsets[:, None] + step[None, :]).ravel()
    return reg.base + word * reg.word_stride + offsets


def field_words(reg: Register) -> list[int]:
    return sorted({f.word for f in reg.fields})


def check_export(top: AddrmapNode, regmap: RegisterMap) -> dict[tuple[str, int], list[RegNode]]:
    """Every (register, word) of the map is in the tree, with the right instance count,
    addresses, fields, bit positions, access and reset values. Returns the nodes."""
    nodes: dict[tuple[str, int], list[RegNode]] = defaultdict(list)
    for node in top.descendants():
        if isinstance(node, RegNode):
            nodes[register_of(node)].append(node)
    assert set(nodes) == {(r.name, w) for r in regmap.values() for w in field_words(r)}

    for (name, word), regs in nodes.items():
        reg = regmap[name]
        assert sum(element_count(n) for n in regs) == reg.count, name
        if reg.count <= EXHAUSTIVE_LIMIT:
            got = np.sort(np.concatenate([element_addresses(n) for n in regs]))
            want = np.sort(map_word_addresses(reg, word)) * 4
            np.testing.assert_array_equal(got, want, err_msg=f"{name} word {word}")
        else:
            lo = min(address_range(n)[0] for n in regs)
            hi = max(address_range(n)[1] for n in regs)
            assert lo == 4 * (reg.base + word * reg.word_stride)
            last = reg.base + word * reg.word_stride + sum((d.count - 1) * d.stride
                                                           for d in reg.dims)
            assert hi == 4 * last

        want_fields = {f.name: f for f in reg.fields if f.word == word}
        for n in regs:
            got_fields = {f.inst_name: f for f in n.fields()}
            assert set(got_fields) == set(want_fields), name
            for fname, f in want_fields.items():
                g = got_fields[fname]
                assert (g.msb, g.lsb) == (f.msb, f.lsb), (name, fname)
                assert g.get_property("sw") == SW[f.access], (name, fname)
                assert g.get_property("hw") == HW[f.access], (name, fname)
                assert g.get_property("reset") == rdl.raw_reset(f), (name, fname)
                encode = g.get_property("encode")
                if f.enum:
                    assert [(m.name, m.value) for m in encode] == [
                        (e, i) for i, e in enumerate(f.enum)
                    ]
                else:
                    assert encode is None
    return nodes


def top_level_addresses(text: str) -> list[int]:
    """Addresses of the top-level instances in the order the text lists them."""
    pattern = re.compile(r"^    [\\\w]+ [\\\w]+(?:\[\d+\])? @ 0x([0-9a-f]+)(?: \+= 0x[0-9a-f]+)?;$")
    return [int(m.group(1), 16) for line in text.splitlines() if (m := pattern.match(line))]


# -- the real map ---------------------------------------------------------------------------


def test_export_elaborates_and_holds_the_whole_map(exported: tuple[str, AddrmapNode]) -> None:
    text, top = exported
    assert top.inst_name == rdl.TOP_NAME
    assert text.count("addrmap ") == 1
    assert "default regwidth = 32;" in text
    check_export(top, REGMAP)


def test_every_register_is_counted_with_its_instances(exported: tuple[str, AddrmapNode]) -> None:
    _, top = exported
    counts: dict[str, int] = defaultdict(int)
    for node in top.descendants():
        if isinstance(node, RegNode):
            name, word = register_of(node)
            if word == field_words(REGMAP[name])[0]:
                counts[name] += element_count(node)
    assert counts == {r.name: r.count for r in REGMAP.values()}


def test_capmem_cells_first_and_last(exported: tuple[str, AddrmapNode]) -> None:
    _, top = exported
    cell = REGMAP["capmem_cell"]
    first = top.find_by_path("capmem_cell_block0[0].row[0]")
    last = top.find_by_path("capmem_cell_block3[129].row[23]")
    assert first is not None and last is not None
    assert first.absolute_address == 4 * cell.address(0)
    assert last.absolute_address == 4 * cell.address(cell.count - 1)
    value = first.get_child_by_name("value")
    assert (value.msb, value.lsb) == (9, 0)
    assert value.get_property("sw") == AccessType.rw
    # The block config sits between the blocks of cells: the outer dim was unrolled.
    config = top.find_by_path("capmem_block_config_block1.word0")
    assert config.absolute_address == 4 * REGMAP["capmem_block_config"].address(1, 0)
    assert top.get_child_by_name("capmem_cell") is None


def test_synapse_quad_second_word_is_interleaved(exported: tuple[str, AddrmapNode]) -> None:
    _, top = exported
    quad = REGMAP["synapse_quad"]
    index = quad.index_of(1, 200, 37)
    w0 = top.find_by_path("synapse_quad_synram1[200].quad_word0[37]")
    w1 = top.find_by_path("synapse_quad_synram1[200].quad_word1[37]")
    assert w0.absolute_address == 4 * quad.address(index, 0)
    assert w1.absolute_address == 4 * quad.address(index, 1)
    assert w1.absolute_address - w0.absolute_address == 4 * quad.word_stride
    weight = w0.get_child_by_name("weight_0")
    assert (weight.msb, weight.lsb) == (29, 24)
    label = w1.get_child_by_name("label_3")
    assert (label.msb, label.lsb) == (5, 0)


def test_sparse_register_has_one_instance_per_valid_tuple(
    exported: tuple[str, AddrmapNode],
) -> None:
    _, top = exported
    node = REGMAP["crossbar_node"]
    found = [c for c in top.children() if c.inst_name.startswith("crossbar_node_")]
    assert len(found) == len(node.valid) == node.count
    assert not any(c.is_array for c in found)
    index = node.index_of(9, 9)
    assert top.get_child_by_name("crossbar_node_input9_output9").absolute_address == (
        4 * node.address(index)
    )
    assert top.get_child_by_name("crossbar_node_input9_output8") is None


def test_access_and_enums(exported: tuple[str, AddrmapNode]) -> None:
    _, top = exported
    by_reg: dict[str, RegNode] = {}
    for node in top.descendants():
        if isinstance(node, RegNode):
            by_reg.setdefault(node.get_property("name"), node)
    config = by_reg["capmem_block_config word 0"].get_child_by_name("debug_v_ref_select")
    assert (config.msb, config.lsb) == (16, 15)
    assert [m.name for m in config.get_property("encode")] == [
        "disabled", "v_ref_v", "v_ref_i", "invalid",
    ]
    for reg in REGMAP.values():  # register-level access shows on every field that keeps it
        node = by_reg[f"{reg.name} word {field_words(reg)[0]}" if reg.words > 1 else reg.name]
        for f in node.fields():
            if REGMAP[reg.name].field(f.inst_name).access == reg.access:
                assert f.get_property("sw") == SW[reg.access]


def test_top_level_is_sorted_and_does_not_overlap(exported: tuple[str, AddrmapNode]) -> None:
    text, top = exported
    listed = top_level_addresses(text)
    assert len(listed) == len(list(top.children()))
    assert listed == sorted(listed)
    spans = sorted((c.raw_absolute_address, c.total_size) for c in top.children())
    for (a, size), (b, _) in zip(spans, spans[1:], strict=False):
        assert a + size <= b


def test_export_is_deterministic() -> None:
    assert rdl.export_rdl() == rdl.export_rdl()


def test_raw_reset_matches_the_extension_encoder() -> None:
    quad = REGMAP["synapse_quad"]
    f = quad.field("weight_0")
    for value in range(64):
        _, words = zip(*quad.encode(0, weight_0=value), strict=True)
        stored = (words[0] >> f.lsb) & 0x3F
        assert rdl.stored_form(f.transform, value) == stored


def test_identifiers_and_strings() -> None:
    assert rdl.ident("reg") == "\\reg"
    assert rdl.ident("signal") == "\\signal"
    assert rdl.ident("value") == "value"
    assert rdl.string('a "b" \\ c') == '"a \\"b\\" \\\\ c"'
    assert "<%" not in rdl.string("x <% y %>")


# -- a synthetic map with every awkward case ------------------------------------------------


def field(name: str, bits: tuple[int, int], **kw: Any) -> dict[str, Any]:
    msb, lsb = bits
    width = msb - lsb + 1
    signed = kw.get("signed", False)
    meta = {
        "name": name, "doc": f"Field {name}.", "unit": "", "word": 0, "lsb": lsb,
        "width": width, "reset": 0, "access": "rw", "readable": True, "signed": signed,
        "min": -(1 << (width - 1)) if signed else 0,
        "max": (1 << (width - 1)) - 1 if signed else (1 << width) - 1,
        "sentinel": None, "enum": [], "transform": "",
    }
    meta.update(kw)
    return meta


def register(name: str, base: int, fields: list[dict[str, Any]],
             dims: tuple[tuple[str, int, int], ...] = (), **kw: Any) -> dict[str, Any]:
    valid = kw.pop("valid", [])
    meta = {
        "name": name, "block": "test", "doc": f"Register {name}.", "layout": "assumed",
        "kind": "config", "access": "rw", "readable": True, "base": base, "words": 1,
        "word_stride": 1, "word_bits": 32,
        "count": len(valid) if valid else math.prod(d[1] for d in dims),
        "dims": list(dims), "valid": valid, "quirks": [], "fields": fields,
    }
    meta.update(kw)
    return meta


def synthetic_map() -> RegisterMap:
    regs = [
        # SystemRDL keywords as register, dim, field and enum member names.
        register("field", 0x10, [field("reg", (3, 0)),
                                 field("sw", (5, 4), enum=["rw", "na", "signal"])],
                 (("type", 2, 4), ("signal", 3, 1))),
        # Cells with a per-block config between the blocks (both get unrolled).
        register("cells", 0x1000, [field("value", (9, 0), max=1022,
                                         sentinel=(1023, "off"))],
                 (("block", 2, 0x100), ("row", 8, 1))),
        register("block_cfg", 0x1080, [field("a", (0, 0)), field("b", (7, 0), word=1)],
                 (("block", 2, 0x100),), words=2),
        # Two registers interleaved word by word: unrolled down to single regs.
        register("even", 0x2000, [field("x", (31, 0))], (("slot", 4, 2),)),
        register("odd", 0x2001, [field("x", (31, 0))], (("slot", 4, 2),)),
        # Sparse and multi-word: one regfile of words per tuple ...
        register("pair", 0x3800, [field("lo", (7, 0)), field("hi", (7, 0), word=1)],
                 (("a", 3, 0x10),), words=2, valid=[[2], [0]]),
        # ... unless the words of different tuples interleave: then one reg per word.
        register("node", 0x3000, [field("lo", (7, 0)), field("hi", (7, 0), word=1)],
                 (("a", 3, 0x10), ("b", 4, 1)), words=2, word_stride=0x40,
                 valid=[[0, 1], [2, 3], [1, 0]]),
        # The first dim has the smaller stride: nested in stride order instead.
        register("swapped", 0x5000, [field("v", (15, 0))], (("lo", 2, 1), ("hi", 3, 2))),
        # A word without fields.
        register("gappy", 0x6000, [field("p", (3, 0)), field("q", (3, 0), word=2)],
                 (("i", 2, 4),), words=3),
        # Stored-form resets: permuted weight, negative signed value.
        register("weights", 0x7000, [
            field("w", (5, 0), reset=1, transform="weight_permutation"),
            field("off", (11, 8), signed=True, reset=-3),
        ], doc='Quote " backslash \\ perl <% x %> pipe | done.'),
        register("status", 0x7001, [field("count", (15, 0), access="ro")], access="ro",
                 kind="status"),
        register("kick", 0x7002, [field("go", (0, 0), access="wo", readable=False)],
                 access="wo", readable=False, kind="trigger"),
        # Two-word quads with the second word interleaved one row further.
        register("quads", 0x8000, [field("w", (7, 0)), field("l", (7, 0), word=1)],
                 (("row", 4, 8), ("quad", 4, 1)), words=2, word_stride=4),
        # A huge memory at an FPGA address.
        register("dram", 0x8400_0000, [field("value", (31, 0))], (("word", 1 << 26, 1),),
                 kind="memory"),
    ]
    return RegisterMap({
        "chip": {"name": "test chip"},
        "blocks": [("test", "Test block."), ("empty", "No registers.")],
        "inventory": [],
        "registers": regs,
    })


def test_synthetic_map(tmp_path: Path) -> None:
    rm = synthetic_map()
    text = rdl.export_rdl(rm)
    top = compile_rdl(text, tmp_path)
    nodes = check_export(top, rm)

    assert "\\reg[3:0]" in text and "\\field" in text and "\\rw = 2'd0;" in text
    names = {c.inst_name for c in top.children()}
    assert {"field", "cells_block0", "cells_block1", "block_cfg_block0", "block_cfg_block1",
            "pair_a2", "pair_a0", "swapped", "gappy", "dram"} <= names
    assert {f"node_{t}_word{w}" for t in ("a0_b1", "a2_b3", "a1_b0") for w in (0, 1)} <= names
    assert {f"even_slot{i}" for i in range(4)} | {f"odd_slot{i}" for i in range(4)} <= names

    (weights,) = nodes[("weights", 0)]
    assert weights.get_child_by_name("w").get_property("reset") == 0b010000
    assert weights.get_child_by_name("off").get_property("reset") == 0xD
    desc = weights.get_property("desc")
    assert 'Quote " backslash \\ perl < % x %> pipe | done.' in desc
    assert ("gappy", 1) not in nodes
    assert top.find_by_path("pair_a2.word1").absolute_address == 4 * (0x3800 + 0x20 + 1)
    assert top.find_by_path("node_a2_b3_word1").absolute_address == 4 * (0x3000 + 0x23 + 0x40)
    assert top.find_by_path("quads[2].quad_word1[3]").absolute_address == 4 * (0x8000 + 16 + 3 + 4)
    swapped = top.find_by_path("swapped[2].lo[1]")
    assert swapped.absolute_address == 4 * (0x5000 + 1 + 2 * 2)
    (dram,) = nodes[("dram", 0)]
    assert dram.array_dimensions == [1 << 26]
    assert dram.raw_absolute_address == 4 * 0x8400_0000


def test_colliding_registers_are_refused() -> None:
    rm = RegisterMap({
        "chip": {}, "blocks": [("test", "")], "inventory": [],
        "registers": [register("a", 0x10, [field("x", (0, 0))]),
                      register("b", 0x10, [field("y", (0, 0))])],
    })
    with pytest.raises(ValueError, match="share addresses"):
        rdl.export_rdl(rm)
