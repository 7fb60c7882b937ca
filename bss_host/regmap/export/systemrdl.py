"""Export of the register map as SystemRDL 2.0, for hardware teams' tools.

:func:`export_rdl` turns :data:`bss_host.REGMAP` into one top-level ``addrmap`` whose byte
addresses are 4 x the map's Omnibus word addresses. ``bss regs rdl`` writes it to a file.

How registers become SystemRDL instances:

* A register with dims becomes nested arrays: ``regfile`` arrays for the outer dims
  (instances named after the dim), a ``reg`` array for the innermost one, each with the
  dim's stride (``+=``); the outermost instance is named after the register. A
  multi-word register splits into one ``reg`` array per word inside the innermost
  regfile (``<dim>_word<w>``), placed at ``word * word_stride``. Where that breaks a
  SystemRDL rule (contiguous words of instances that are far apart), the words go one
  level further in, as plain regs ``word<w>`` inside a regfile per instance. A register
  without dims is a ``reg``, or a ``regfile`` of its words.
* A sparse register (``valid``) becomes one instance per existing tuple, named
  ``<register>_<dim><index>...``.
* SystemRDL forbids sibling instances whose address spans (arrays including their
  trailing stride) overlap, and array strides smaller than the element. If nesting the
  dims in map order breaks that, they are nested in order of decreasing stride instead.
  Where registers interleave (e.g. a CapMem block's config between its cells), the
  outermost dim of the wider instance is unrolled into separately named instances
  ``<register>_<dim><index>`` until no two top-level spans overlap; an instance without
  dims left is split into its words (``..._word<w>``). Top-level instances are emitted
  sorted by address.
* Words without fields are left out (SystemRDL has no field-less registers).
* Each ``reg`` type carries ``name = "<register>"`` (``"<register> word <w>"`` for the
  words of a multi-word register), so tools can map instances back to the register map;
  each ``regfile`` type ``name = "<register> <dim>"``, what one of its elements is.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from bss_host import _core
from bss_host.errors import UnknownNameError
from bss_host.regmap import REGMAP, Dim, Field, Register, RegisterMap
from bss_host.regmap.export.markdown import address_formula, legal_values, quirk_text

TOP_NAME = "bss_hx"
WORD_BYTES = 4
#: Unrolling that would need more top-level instances than this is refused.
MAX_TOP_INSTANCES = 200_000

#: SystemRDL 2.0 keywords and reserved words (the lexer's tokens); identifiers equal to
#: one of them are escaped with a backslash.
KEYWORDS = frozenset(
    """
    abstract accesstype addressingtype addrmap alias all alternate bit boolean bothedge
    byte compact component componentwidth constraint default encode enum external false
    field fullalign hw inside int internal level longint mem na negedge nonsticky number
    onreadtype onwritetype posedge precedencetype property r rclr real ref reg regalign
    regfile rset ruser rw rw1 shortint shortreal signal signed string struct sw this true
    type unsigned w w1 wclr within with woclr woset wot wr wset wuser wzc wzs wzt
    """.split()
)

_SW = {"rw": "rw", "ro": "r", "wo": "w"}
_HW = {"rw": "r", "ro": "w", "wo": "r"}


def stored_form(transform: str, bits: int) -> int:
    """Stored bits of a logical value's bits under a map transform; the extension holds
    the one implementation of every transform."""
    return _core.apply_transform(transform, bits)


_TRANSFORM_TEXT = {"weight_permutation": "bit 5 kept, bits 0-4 reversed"}


def raw_reset(f: Field) -> int:
    """The reset value as the bits stored in the field (two's complement, transformed)."""
    bits = f.reset & ((1 << f.width) - 1)
    if f.transform:
        try:
            bits = stored_form(f.transform, bits)
        except UnknownNameError:
            raise ValueError(
                f"field {f.name}: transform '{f.transform}' is unknown to the SystemRDL export"
            ) from None
    return bits


def ident(name: str) -> str:
    """A SystemRDL identifier for ``name`` (keywords escaped)."""
    return f"\\{name}" if name in KEYWORDS else name


def string(text: str) -> str:
    """A SystemRDL string literal. ``<%`` would start an embedded Perl preprocessor
    block even inside a string, so it is broken up."""
    body = text.replace("\\", "\\\\").replace('"', '\\"').replace("<%", "< %")
    return f'"{body}"'


# -- layout -----------------------------------------------------------------------------


class _Unplaceable(Exception):
    """A candidate layout breaks a SystemRDL address rule."""


@dataclass(frozen=True)
class _Node:
    """One reg or regfile instance (maybe an array), as SystemRDL will size it."""

    kind: str  # "reg" | "regfile"
    name: str
    label: str  # what one element is (a dim name, "words"): names regfile types
    offset: int  # bytes from the parent
    count: int  # 0: not an array
    stride: int  # bytes
    word: int  # reg: which word of the register
    children: tuple[_Node, ...]
    size: int  # bytes of one element

    @property
    def total(self) -> int:
        """Bytes the instance spans, as SystemRDL counts them (stride x elements)."""
        return self.stride * self.count if self.count else self.size


def _array(count: int, stride: int, size: int) -> tuple[int, int]:
    if count == 1:
        stride = max(stride, size)  # a one-element array: the stride is free
    if count and stride < size:
        raise _Unplaceable
    return count, stride


def _reg_node(name: str, label: str, offset: int, word: int, count: int = 0, stride: int = 0
              ) -> _Node:
    count, stride = _array(count, stride, WORD_BYTES)
    return _Node("reg", name, label, offset, count, stride, word, (), WORD_BYTES)


def _regfile_node(name: str, label: str, offset: int, children: Iterable[_Node],
                  count: int = 0, stride: int = 0) -> _Node:
    kids = tuple(sorted(children, key=lambda c: c.offset))
    end = 0
    for c in kids:
        if c.offset < end:
            raise _Unplaceable
        end = c.offset + c.total
    count, stride = _array(count, stride, end)
    return _Node("regfile", name, label, offset, count, stride, -1, kids, end)


# A layout is a list of levels, outermost first: a Dim is an array level, None the point
# where the register splits into its words.
_Level = Dim | None


def _element(reg: Register, levels: Sequence[_Level], name: str, offset: int, word: int
             ) -> _Node:
    if not levels:
        return _reg_node(name, "word", offset, word)
    head, rest = levels[0], levels[1:]
    if head is None:
        return _regfile_node(name, "words", offset, _contents(reg, levels, word))
    if not rest:
        return _reg_node(name, head.name, offset, word, head.count, head.stride * WORD_BYTES)
    return _regfile_node(name, head.name, offset, _contents(reg, rest, word), head.count,
                         head.stride * WORD_BYTES)


def _contents(reg: Register, levels: Sequence[_Level], word: int) -> list[_Node]:
    head, rest = levels[0], levels[1:]
    if head is not None:
        return [_element(reg, levels, head.name, 0, word)]
    nodes = []
    for w in _words(reg):
        first = rest[0] if rest else None
        name = f"{first.name}_word{w}" if first is not None else f"word{w}"
        nodes.append(_element(reg, rest, name, w * reg.word_stride * WORD_BYTES, w))
    return nodes


def _words(reg: Register) -> list[int]:
    """The words of a register that hold fields (SystemRDL has no field-less regs; unused
    words are left out of the export)."""
    return sorted({f.word for f in reg.fields})


@dataclass(frozen=True)
class _Group:
    """What becomes one top-level instance: a register with some outer dims fixed, and
    maybe one of its words."""

    reg: Register
    name: str
    base: int  # word address of its first word
    dims: tuple[Dim, ...]
    word: int | None = None  # None: all words of the register

    @property
    def can_unroll(self) -> bool:
        return bool(self.dims) or (self.word is None and len(_words(self.reg)) > 1)


def _plan(g: _Group) -> _Node | None:
    """The first layout of the group that SystemRDL accepts, or None."""
    orders = [g.dims]
    by_stride = tuple(sorted(g.dims, key=lambda d: -d.stride))
    if by_stride != g.dims:
        orders.append(by_stride)
    for order in orders:
        k = len(order)
        splits: list[int | None]
        if g.word is not None or g.reg.words == 1:
            splits = [None]
        else:
            splits = [k - 1, k, *range(k - 2, -1, -1)] if k else [0]
        for p in splits:
            levels: list[_Level] = list(order) if p is None else [*order[:p], None, *order[p:]]
            try:
                return _element(g.reg, levels, g.name, 0, g.word or 0)
            except _Unplaceable:
                continue
    return None


def _unroll(g: _Group) -> list[_Group]:
    """The group with its outermost dim (or, without dims, its words) taken apart."""
    if g.dims:
        d, rest = g.dims[0], g.dims[1:]
        return [_Group(g.reg, f"{g.name}_{d.name}{i}", g.base + i * d.stride, rest, g.word)
                for i in range(d.count)]
    return [_Group(g.reg, f"{g.name}_word{w}", g.base + w * g.reg.word_stride, (), w)
            for w in _words(g.reg)]


def _initial_groups(rm: RegisterMap) -> list[_Group]:
    groups = []
    for reg in rm.values():
        if not reg.valid:
            groups.append(_Group(reg, reg.name, reg.base, reg.dims))
            continue
        for t in reg.valid:  # one instance per existing tuple
            suffix = "".join(f"_{d.name}{c}" for d, c in zip(reg.dims, t, strict=True))
            base = reg.base + sum(d.stride * c for d, c in zip(reg.dims, t, strict=True))
            groups.append(_Group(reg, reg.name + suffix, base, ()))
    return groups


def _planned(groups: Iterable[_Group]) -> list[tuple[_Group, _Node]]:
    out = []
    pending = list(groups)
    while pending:
        g = pending.pop()
        node = _plan(g)
        if node is not None:
            out.append((g, node))
        elif g.can_unroll:
            pending += _unroll(g)
        else:
            raise ValueError(f"register {g.reg.name}: no SystemRDL layout for {g.name}")
        if len(out) + len(pending) > MAX_TOP_INSTANCES:
            raise ValueError(f"register {g.reg.name}: too many instances after unrolling")
    return out


def _overlapping(items: Sequence[tuple[_Group, _Node]]) -> set[str]:
    """Names of the top-level instances to unroll so that spans stop overlapping."""
    order = sorted(items, key=lambda gn: (gn[0].base, -gn[1].total))
    victims: set[str] = set()
    cur: tuple[_Group, _Node] | None = None
    for g, n in order:
        if cur is not None and g.base * WORD_BYTES < cur[0].base * WORD_BYTES + cur[1].total:
            (ga, na), (gb, nb) = cur, (g, n)
            if not ga.can_unroll and not gb.can_unroll:
                raise ValueError(
                    f"{ga.name} and {gb.name} share addresses; SystemRDL cannot place both"
                )
            wide = ga if (na.total >= nb.total and ga.can_unroll) or not gb.can_unroll else gb
            victims.add(wide.name)
        if cur is None or g.base * WORD_BYTES + n.total > cur[0].base * WORD_BYTES + cur[1].total:
            cur = (g, n)
    return victims


def _layout(regmap: RegisterMap | None = None) -> list[tuple[str, str, int, _Node]]:
    """The top-level instances as (register, instance name, byte address, node), sorted by
    address."""
    rm = REGMAP if regmap is None else regmap
    items = _planned(_initial_groups(rm))
    while victims := _overlapping(items):
        keep = [gn for gn in items if gn[0].name not in victims]
        split = [u for g, _ in items if g.name in victims for u in _unroll(g)]
        items = keep + _planned(split)
        if len(items) > MAX_TOP_INSTANCES:
            raise ValueError("too many top-level instances after unrolling overlapping registers")
    names = [g.name for g, _ in items]
    if len(set(names)) != len(names):
        raise ValueError("two top-level instances got the same name")
    items.sort(key=lambda gn: (gn[0].base, gn[0].name))
    return [(g.reg.name, g.name, g.base * WORD_BYTES, n) for g, n in items]


# -- text -------------------------------------------------------------------------------


def _field_desc(f: Field) -> str:
    parts = [f.doc]
    if f.unit:
        parts.append(f"Unit: {f.unit}.")
    parts.append(f"Legal values: {legal_values(f)}.")
    if f.signed:
        parts.append("Two's complement; the reset value here is the stored bit pattern.")
    if f.transform:
        how = _TRANSFORM_TEXT.get(f.transform, "see registers/README.md")
        parts.append(
            f"Stored through {f.transform} ({how}); the reset value here is the stored pattern."
        )
    if not f.readable and f.access != "wo":
        parts.append("Cannot be read back on silicon.")
    return " ".join(parts)


def _reg_desc(reg: Register, word: int) -> str:
    parts = [reg.doc]
    if reg.words > 1:
        parts.append(f"Word {word} of {reg.words} (word stride {reg.word_stride}).")
        unused = sorted(set(range(reg.words)) - set(_words(reg)))
        if unused:
            listed = ", ".join(str(u) for u in unused)
            parts.append(f"Words {listed} hold no fields and are not exported.")
    parts.append(f"Omnibus word address: {address_formula(reg)}.")
    if reg.dims:
        dims = ", ".join(f"{d.name} {d.count} (stride {d.stride})" for d in reg.dims)
        parts.append(f"Dims, first slowest: {dims}; {reg.count} instances.")
    if reg.valid:
        parts.append(
            "Sparse: only the listed index tuples exist, one instance each, "
            "named by their coordinates."
        )
    parts.append(f"Kind: {reg.kind}.")
    if reg.layout == "reference":
        parts.append("Layout from the chip reference.")
    else:
        parts.append(f"Layout {reg.layout}: not from the chip reference.")
    if not reg.readable:
        parts.append("Not readable on silicon.")
    parts += [f"Quirk {q}: {quirk_text(q)}" for q in reg.quirks]
    return " ".join(parts)


class _Writer:
    """Collects type definitions (enums, regs, regfiles) under unique names."""

    def __init__(self) -> None:
        self.taken: set[str] = set()
        self.enums: list[str] = []
        self.regs: list[str] = []
        self.regfiles: list[str] = []
        self.enum_names: dict[tuple[str, int, tuple[str, ...]], str] = {}
        self.reg_names: dict[tuple[str, int], str] = {}
        self.regfile_names: dict[str, str] = {}

    def unique(self, base: str) -> str:
        name, n = base, 1
        while name in self.taken or name in KEYWORDS:
            n += 1
            name = f"{base}_{n}"
        self.taken.add(name)
        return name

    def enum_type(self, reg: Register, f: Field) -> str:
        key = (reg.name, f.width, f.enum)
        if key not in self.enum_names:
            name = self.unique(f"{reg.name}_{f.name}_e")
            members = "".join(
                f"        {ident(m)} = {f.width}'d{i};\n" for i, m in enumerate(f.enum)
            )
            self.enums.append(f"    enum {name} {{\n{members}    }};\n")
            self.enum_names[key] = name
        return self.enum_names[key]

    def reg_type(self, reg: Register, word: int) -> str:
        key = (reg.name, word)
        if key in self.reg_names:
            return self.reg_names[key]
        multi = reg.words > 1
        name = self.unique(f"{reg.name}_word{word}_t" if multi else f"{reg.name}_t")
        label = f"{reg.name} word {word}" if multi else reg.name
        lines = [
            f"    reg {name} {{\n",
            f"        name = {string(label)};\n",
            f"        desc = {string(_reg_desc(reg, word))};\n",
        ]
        for f in reg.fields:
            if f.word != word:
                continue
            props = [
                f"desc = {string(_field_desc(f))};",
                f"sw = {_SW[f.access]};",
                f"hw = {_HW[f.access]};",
            ]
            if f.enum:
                props.append(f"encode = {self.enum_type(reg, f)};")
            body = "".join(f"            {p}\n" for p in props)
            lines.append(
                f"        field {{\n{body}        }} {ident(f.name)}[{f.msb}:{f.lsb}]"
                f" = 0x{raw_reset(f):x};\n"
            )
        lines.append("    };\n")
        self.regs.append("".join(lines))
        self.reg_names[key] = name
        return name

    def type_of(self, reg: Register, node: _Node) -> str:
        if node.kind == "reg":
            return self.reg_type(reg, node.word)
        body = f"        name = {string(f'{reg.name} {node.label}')};\n" + "".join(
            f"        {self.instance(reg, c)}\n" for c in node.children
        )
        if body not in self.regfile_names:
            name = self.unique(f"{reg.name}_{node.label}_rf")
            self.regfiles.append(f"    regfile {name} {{\n{body}    }};\n")
            self.regfile_names[body] = name
        return self.regfile_names[body]

    def instance(self, reg: Register, node: _Node, address: int | None = None) -> str:
        at = node.offset if address is None else address
        text = f"{self.type_of(reg, node)} {ident(node.name)}"
        if node.count:
            return text + f"[{node.count}] @ 0x{at:x} += 0x{node.stride:x};"
        return text + f" @ 0x{at:x};"


def export_rdl(regmap: RegisterMap | None = None, top: str = TOP_NAME) -> str:
    """The whole register map as SystemRDL 2.0 source text (deterministic)."""
    rm = REGMAP if regmap is None else regmap
    placed = _layout(rm)
    w = _Writer()
    w.taken.add(top)
    for reg in rm.values():  # reg types (and their enums) in map order
        for word in _words(reg):
            w.reg_type(reg, word)
    instances = [
        f"    {w.instance(rm[reg], node, address)}\n" for reg, _, address, node in placed
    ]
    chip = str(rm.chip.get("name", top))
    desc = (
        f"Register map of {chip}, exported from the bss-host register map (registers/*.toml). "
        "Byte address = 4 x Omnibus word address; bit 31 of the word address marks "
        "FPGA-side registers."
    )
    out = [
        "// SystemRDL 2.0 export of the bss-host register map. Generated by `bss regs rdl`\n",
        "// from registers/*.toml; do not edit.\n",
        "\n",
        f"addrmap {ident(top)} {{\n",
        f"    name = {string(chip)};\n",
        f"    desc = {string(desc)};\n",
        "    default regwidth = 32;\n",
        "\n",
        *w.enums,
        "\n" if w.enums else "",
        *w.regs,
        "\n",
        *w.regfiles,
        "\n" if w.regfiles else "",
        *instances,
        "};\n",
    ]
    return "".join(out)
