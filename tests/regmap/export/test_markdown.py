"""The generated Markdown register reference: content, staleness detection and the
freshness of the copy kept in docs/registers/."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bss_host.regmap import REGMAP, Register, RegisterMap
from bss_host.regmap.export import markdown as regdocs

REPO = Path(__file__).resolve().parents[3]
DOCS = REPO / "docs" / "registers"


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("regdocs")
    regdocs.write_docs(out)
    return out


def section(page: str, reg: Register) -> str:
    """The part of a block page about one register."""
    head = f"\n## `{reg.name}`\n"
    assert head in page, reg.name
    return page.split(head, 1)[1].split("\n## ", 1)[0]


def row(text: str, first_cell: str) -> list[str]:
    """The cells of the table row that starts with `first_cell`."""
    for line in text.splitlines():
        if line.startswith(f"| {first_cell} |"):
            return [c.strip() for c in line.strip("|").split(" | ")]
    raise AssertionError(f"no row for {first_cell}")


def parse_ranges(text: str) -> list[int]:
    out: list[int] = []
    for part in text.split(", "):
        lo, _, hi = part.partition("-")
        out += range(int(lo), int(hi or lo) + 1)
    return out


def parse_valid(text: str, reg: Register) -> list[tuple[int, ...]]:
    """Rebuild the valid tuples from the compact list on the page."""
    names = [d.name for d in reg.dims]
    tuples: list[tuple[int, ...]] = []
    for line in text.splitlines():
        m = re.fullmatch(r"- (?:(.*): )?(\w+) ([\d, -]+) \(instances? [\d-]+\)", line)
        if not m:
            continue
        prefix = tuple(int(p.split()[1]) for p in m.group(1).split(", ")) if m.group(1) else ()
        assert m.group(2) == names[-1]
        tuples += [(*prefix, last) for last in parse_ranges(m.group(3))]
    return tuples


def test_pages_written(rendered: Path) -> None:
    names = {p.name for p in rendered.iterdir()}
    with_regs = {b for b in REGMAP.blocks if REGMAP.in_block(b)}
    assert names == {"index.md"} | {f"{b}.md" for b in with_regs}
    assert len(with_regs) < len(REGMAP.blocks)  # "chip" has none: no page, but in the index


def test_every_register_and_field_appears(rendered: Path) -> None:
    for reg in REGMAP.values():
        page = (rendered / f"{reg.block}.md").read_text()
        assert REGMAP.blocks[reg.block] in page
        text = section(page, reg)
        assert reg.doc in text
        assert f"`{regdocs.address_formula(reg)}`" in text
        assert row(text, "instances")[1].startswith(str(reg.count))
        assert row(text, "words per instance")[1] == str(reg.words)
        assert row(text, "access")[1].startswith(reg.access)
        assert row(text, "readable on silicon")[1] == ("yes" if reg.readable else "no")
        for d in reg.dims:
            assert row(text, f"`{d.name}`")[1:4] == [str(d.count), f"0..{d.count - 1}",
                                                      f"0x{d.stride:x} ({d.stride})"]
        if reg.words > 1:
            assert row(text, "word stride")[1] == f"0x{reg.word_stride:x} ({reg.word_stride})"
        for f in reg.fields:
            cells = row(text, f"`{f.name}`")
            assert cells[1:6] == [str(f.word), f"{f.msb}:{f.lsb}", f.format(f.reset), f.access,
                                  "yes" if f.readable else "no"]
            assert cells[6] == (f.unit or "-")
            for name in f.enum:
                assert f"`{name}`" in cells[7]
            if f.sentinel is not None:
                assert f"{f.sentinel[0]} = `{f.sentinel[1]}`" in cells[7]
            if not f.enum:
                assert cells[7].startswith(f"{f.min}..{f.max}")


def test_enum_names_appear(rendered: Path) -> None:
    enums = [(r, f) for r in REGMAP.values() for f in r.fields if f.enum]
    assert enums, "the map has enum fields"
    for reg, f in enums:
        text = section((rendered / f"{reg.block}.md").read_text(), reg)
        cells = row(text, f"`{f.name}`")
        assert cells[7].startswith(", ".join(f"{i} = `{n}`" for i, n in enumerate(f.enum)))


def test_layout_assumed_is_marked(rendered: Path) -> None:
    for reg in REGMAP.values():
        text = section((rendered / f"{reg.block}.md").read_text(), reg)
        layout = row(text, "layout")[1]
        if reg.layout == "assumed":
            assert layout.startswith("**assumed**")
        else:
            assert "assumed" not in layout and layout.startswith("reference")


def test_quirks_explained(rendered: Path) -> None:
    for reg in REGMAP.values():
        text = section((rendered / f"{reg.block}.md").read_text(), reg)
        for q in reg.quirks:
            assert f"- `{q}`: {regdocs.QUIRKS[q]}" in text


def test_sparse_registers_list_their_valid_tuples(rendered: Path) -> None:
    sparse = [r for r in REGMAP.values() if r.valid]
    assert sparse, "the map has sparse registers"
    for reg in sparse:
        text = section((rendered / f"{reg.block}.md").read_text(), reg)
        assert f"Sparse: only {len(reg.valid)} of the" in text
        assert parse_valid(text, reg) == list(reg.valid)


def test_index(rendered: Path) -> None:
    index = (rendered / "index.md").read_text()
    for block in REGMAP.blocks:
        regs = REGMAP.in_block(block)
        first = f"[`{block}`]({block}.md)" if regs else f"`{block}` (no registers)"
        cells = row(index, first)
        assert cells[1:3] == [str(len(regs)), str(sum(len(r.fields) for r in regs))]
    for name, count in REGMAP.inventory.items():
        assert row(index, name)[1] == str(count)
    assert row(index, "name")[1] == REGMAP.chip["name"]


def test_output_is_deterministic(tmp_path: Path) -> None:
    first = regdocs.write_docs(tmp_path / "a")
    second = regdocs.write_docs(tmp_path / "b")
    assert [p.name for p in first] == [p.name for p in second]
    for a, b in zip(first, second, strict=True):
        assert a.read_bytes() == b.read_bytes()


def test_stale_docs_detects_modified_missing_and_extra(tmp_path: Path) -> None:
    out = tmp_path / "docs"
    paths = regdocs.write_docs(out)
    assert paths[0].name == "index.md"
    assert regdocs.stale_docs(out) == []

    page = next(p for p in paths if p.name != "index.md")
    page.write_text(page.read_text().replace("|", "!", 1))
    missing = paths[-1]
    missing.unlink()
    (out / "extra.md").write_text("# old page\n")
    (out / "notes.txt").write_text("not a page\n")
    assert regdocs.stale_docs(out) == sorted([page.name, missing.name, "extra.md"])

    regdocs.write_docs(out)  # regenerates and prunes pages that are no longer generated
    assert regdocs.stale_docs(out) == []
    assert not (out / "extra.md").exists() and (out / "notes.txt").exists()
    assert regdocs.stale_docs(tmp_path / "nowhere") == sorted(p.name for p in paths)


def test_small_map_with_awkward_text(tmp_path: Path) -> None:
    field = {
        "name": "offset", "doc": "A | B.", "unit": "LSB", "word": 0, "lsb": 0, "width": 8,
        "reset": -3, "access": "rw", "readable": True, "signed": True, "min": -128,
        "max": 127, "sentinel": None, "enum": [], "transform": "",
    }
    reg = {
        "name": "sparse_thing", "block": "b", "doc": "Doc.", "layout": "reference",
        "kind": "config", "access": "rw", "readable": True, "base": 0x8000_0010, "words": 1,
        "word_stride": 1, "word_bits": 32, "count": 4, "dims": [("slot", 8, 2)],
        "valid": [[0], [1], [2], [6]], "quirks": [], "fields": [field],
    }
    rm = RegisterMap({"chip": {"name": "x"}, "blocks": [("b", "Block b."), ("e", "Empty.")],
                      "inventory": [], "registers": [reg]})
    written = regdocs.write_docs(tmp_path, rm)
    assert [p.name for p in written] == ["index.md", "b.md"]
    page = (tmp_path / "b.md").read_text()
    assert "| `offset` | 0 | 7:0 | -3 | rw | yes | LSB | -128..127 (signed) | A \\| B. |" in page
    assert "- slot 0-2, 6 (instances 0-3)" in page
    assert "FPGA" in page
    assert "`e` (no registers)" in (tmp_path / "index.md").read_text()


def test_docs_in_repo_are_fresh() -> None:
    stale = regdocs.stale_docs(DOCS)
    assert stale == [], (
        f"docs/registers/ is out of date ({', '.join(stale)}); run `bss regs docs` to "
        "regenerate it from the register map"
    )
