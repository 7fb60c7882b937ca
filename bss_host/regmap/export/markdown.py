"""Markdown reference pages of the register map, generated from :data:`bss_host.REGMAP`.

One page per block (``<block>.md``) and an index (``index.md``); the repository keeps them
in ``docs/registers/`` and a test checks they are fresh. ``bss regs docs`` regenerates them.
The output depends on the map only (no timestamps), so regenerating is idempotent.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

from bss_host.regmap import REGMAP, Field, Register, RegisterMap

INDEX = "index.md"

GENERATED_NOTE = "Generated from `registers/*.toml` by `bss regs docs`. Do not edit by hand."

#: One sentence per quirk name of ``registers/README.md``.
QUIRKS: dict[str, str] = {
    "weight_permutation": (
        "A synapse weight is stored with bit 5 kept and bits 0-4 reversed; the host "
        "software applies this permutation when it encodes and decodes weights."
    ),
    "synapse_column_interleave": (
        "Quad column q, entry e holds synapse column 2*(4*(q mod 32) + e) + q/32, with entry 0 "
        "in the most significant byte, so even and odd columns sit in different quad halves."
    ),
    "capmem_disable_refresh": (
        "Code 1023 is not a value: writing it stops the cell's refresh."
    ),
    "first_read_broken": (
        "The first CADC quad read after a trigger returns garbage and must be discarded."
    ),
}

_ACCESS = {"rw": "read-write", "ro": "read-only", "wo": "write-only"}
_KINDS = {
    "config": "configuration",
    "memory": "memory (plain storage words)",
    "trigger": "trigger (the write itself acts)",
    "status": "status (set by the hardware)",
}


def quirk_text(name: str) -> str:
    """The one-sentence explanation of a quirk (a pointer to the schema for unknown ones)."""
    return QUIRKS.get(name, "See the quirk table in registers/README.md.")


def layout_text(reg: Register) -> str:
    if reg.layout == "reference":
        return "reference (address and layout from the chip reference)"
    return f"**{reg.layout}** (not given by the chip reference; chosen for this model)"


def hex_addr(value: int) -> str:
    return f"0x{value:08x}"


def address_formula(reg: Register) -> str:
    """The word address of an instance as ``base + dim*stride + ... + word*word_stride``."""
    terms = [hex_addr(reg.base)]
    for d in reg.dims:
        terms.append(d.name if d.stride == 1 else f"{d.name}*0x{d.stride:x}")
    if reg.words > 1:
        terms.append("word" if reg.word_stride == 1 else f"word*0x{reg.word_stride:x}")
    return " + ".join(terms)


def legal_values(f: Field) -> str:
    """Legal values of a field: range, enum names and sentinel."""
    text = f"{f.min}..{f.max}"
    if f.signed:
        text += " (signed)"
    if f.enum:
        names = ", ".join(f"{i} = `{n}`" for i, n in enumerate(f.enum))
        named_all = len(f.enum) == f.max - f.min + 1 and f.min == 0
        text = names if named_all else f"{text}: {names}"
    if f.sentinel is not None:
        text += f"; {f.sentinel[0]} = `{f.sentinel[1]}` (sentinel)"
    return text


def _ranges(values: Sequence[int]) -> str:
    """``0, 1, 2, 5, 7, 8`` as ``0-2, 5, 7-8`` (runs of consecutive values collapsed)."""
    parts: list[str] = []
    start = prev = values[0]
    for v in [*values[1:], None]:
        if v is not None and v == prev + 1:
            prev = v
            continue
        parts.append(str(start) if start == prev else f"{start}-{prev}")
        if v is not None:
            start = prev = v
    return ", ".join(parts)


def valid_tuples_text(reg: Register) -> list[str]:
    """The valid tuples of a sparse register, one line per run of tuples that share all but
    their last coordinate, with the instance indices they get."""
    lines: list[str] = []
    names = [d.name for d in reg.dims]
    groups: list[tuple[tuple[int, ...], list[int], int]] = []
    for index, t in enumerate(reg.valid):
        if groups and groups[-1][0] == t[:-1]:
            groups[-1][1].append(t[-1])
        else:
            groups.append((t[:-1], [t[-1]], index))
    for prefix, last, first in groups:
        head = ", ".join(f"{n} {c}" for n, c in zip(names, prefix, strict=False))
        lead = f"{head}: " if head else ""
        end = first + len(last) - 1
        span = f"instance {first}" if end == first else f"instances {first}-{end}"
        lines.append(f"- {lead}{names[-1]} {_ranges(last)} ({span})")
    return lines


def _cell(text: str) -> str:
    """Text safe inside a Markdown table cell."""
    return " ".join(text.split()).replace("|", "\\|")


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    out = ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
    out += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return out


def _instances_text(reg: Register) -> str:
    if not reg.dims:
        return "1"
    shape = " x ".join(f"{d.name} {d.count}" for d in reg.dims)
    if reg.valid:
        full = math.prod(d.count for d in reg.dims)
        return f"{reg.count} (sparse: {reg.count} of the {full} tuples of {shape})"
    return f"{reg.count} ({shape})" if len(reg.dims) > 1 else str(reg.count)


def _field_doc(f: Field) -> str:
    doc = f.doc
    if f.transform:
        doc += f" Stored through `{f.transform}`: {quirk_text(f.transform)}"
    return doc


def _register_section(reg: Register) -> list[str]:
    out = [f"## `{reg.name}`", "", reg.doc, ""]
    props: list[tuple[str, str]] = [
        ("address (word)", f"`{address_formula(reg)}`"),
        ("instances", _instances_text(reg)),
        ("words per instance", str(reg.words)),
    ]
    if reg.words > 1:
        props.append(("word stride", f"0x{reg.word_stride:x} ({reg.word_stride})"))
    if reg.word_bits != 32:
        props.append(("bits used per word", str(reg.word_bits)))
    props += [
        ("access", f"{reg.access} ({_ACCESS.get(reg.access, reg.access)})"),
        ("readable on silicon", _yes(reg.readable)),
        ("kind", _KINDS.get(reg.kind, reg.kind)),
        ("layout", layout_text(reg)),
    ]
    if reg.is_fpga:
        props.append(("side", "FPGA (address bit 31 set)"))
    out += _table(["property", "value"], [list(p) for p in props])
    out.append("")
    if reg.dims or reg.words > 1:
        rows = [
            [f"`{d.name}`", str(d.count), f"0..{d.count - 1}", f"0x{d.stride:x} ({d.stride})"]
            for d in reg.dims
        ]
        if reg.words > 1:
            rows.append(
                ["`word`", str(reg.words), f"0..{reg.words - 1}",
                 f"0x{reg.word_stride:x} ({reg.word_stride})"]
            )
        out += ["Address terms (row-major instance index over the dims, first slowest):", ""]
        out += _table(["index", "count", "range", "stride (words)"], rows)
        out.append("")
    if reg.valid:
        full = math.prod(d.count for d in reg.dims)
        out += [
            f"Sparse: only {len(reg.valid)} of the {full} index tuples exist; an instance's "
            "index is its position in this list:",
            "",
            *valid_tuples_text(reg),
            "",
        ]
    if reg.quirks:
        out += ["Quirks:", ""]
        out += [f"- `{q}`: {quirk_text(q)}" for q in reg.quirks]
        out.append("")
    out += ["Fields:", ""]
    rows = [
        [
            f"`{f.name}`",
            str(f.word),
            f"{f.msb}:{f.lsb}",
            f.format(f.reset),
            f.access,
            _yes(f.readable),
            f.unit or "-",
            legal_values(f),
            _field_doc(f),
        ]
        for f in reg.fields
    ]
    out += _table(
        ["field", "word", "bits", "reset", "access", "readable", "unit", "legal values", "doc"],
        rows,
    )
    out.append("")
    return out


def render_block(block: str, regmap: RegisterMap | None = None) -> str:
    """The Markdown page of one block: its doc, a summary and one section per register."""
    rm = REGMAP if regmap is None else regmap
    regs = rm.in_block(block)
    out = [f"# Block `{block}`", "", rm.blocks[block], "", GENERATED_NOTE, ""]
    out += [
        "Addresses are 32-bit Omnibus word addresses. "
        "Layout *assumed* means the chip reference gives no address or layout for the "
        "register and this model chose one.",
        "",
    ]
    if regs:
        rows = [
            [
                f"[`{r.name}`](#{r.name})",
                hex_addr(r.base),
                str(r.count),
                str(r.words),
                r.access,
                r.kind,
                r.layout,
            ]
            for r in regs
        ]
        out += _table(["register", "base", "instances", "words", "access", "kind", "layout"], rows)
        out.append("")
    for r in regs:
        out += _register_section(r)
    return "\n".join(out).rstrip("\n") + "\n"


def render_index(regmap: RegisterMap | None = None) -> str:
    """The index page: chip facts, a table of blocks linking to their pages, the inventory."""
    rm = REGMAP if regmap is None else regmap
    out = ["# Register map", "", GENERATED_NOTE, ""]
    out += _table(["chip", "value"], [[k, str(v)] for k, v in rm.chip.items()])
    out += ["", "## Blocks", ""]
    rows = []
    for block, doc in rm.blocks.items():
        regs = rm.in_block(block)
        link = f"[`{block}`]({block}.md)" if regs else f"`{block}` (no registers)"
        rows.append([link, str(len(regs)), str(sum(len(r.fields) for r in regs)), doc])
    out += _table(["block", "registers", "fields", "description"], rows)
    out += ["", "## Inventory", "", "Entity counts derived from register instance counts.", ""]
    sources = rm.inventory_sources
    rows = [
        [name, str(count), f"`{sources[name][0]}` x {sources[name][1]}"]
        for name, count in rm.inventory.items()
    ]
    out += _table(["entity", "count", "from"], rows)
    return "\n".join(out) + "\n"


def render_all(regmap: RegisterMap | None = None) -> dict[str, str]:
    """Every page by file name: ``index.md`` first, then one per block with registers."""
    rm = REGMAP if regmap is None else regmap
    pages = {INDEX: render_index(rm)}
    for block in rm.blocks:
        if rm.in_block(block):
            pages[f"{block}.md"] = render_block(block, rm)
    return pages


def write_docs(out_dir: Path, regmap: RegisterMap | None = None) -> list[Path]:
    """Write every page into ``out_dir`` (created if needed) and remove ``.md`` files there
    that are no longer generated. Unchanged files are not rewritten. Returns the paths of
    the generated pages."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    pages = render_all(regmap)
    paths = []
    for name, text in pages.items():
        path = out_dir / name
        data = text.encode("utf-8")
        if not path.is_file() or path.read_bytes() != data:
            path.write_bytes(data)
        paths.append(path)
    for extra in sorted(out_dir.glob("*.md")):
        if extra.name not in pages:
            extra.unlink()
    return paths


def stale_docs(out_dir: Path, regmap: RegisterMap | None = None) -> list[str]:
    """Names of the files in ``out_dir`` that are missing, differ from what would be
    generated, or are ``.md`` files that would not be generated. Empty when fresh."""
    out_dir = Path(out_dir)
    pages = render_all(regmap)
    stale = []
    for name, text in pages.items():
        path = out_dir / name
        if not path.is_file() or path.read_bytes() != text.encode("utf-8"):
            stale.append(name)
    if out_dir.is_dir():
        stale += [p.name for p in out_dir.glob("*.md") if p.name not in pages]
    return sorted(stale)
