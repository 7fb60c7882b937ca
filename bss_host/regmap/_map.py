"""The register map from Python: metadata and one-register encode/decode.

Everything here reads the map compiled into the extension (generated from ``registers/``);
nothing is duplicated: field lookup, indices, coordinates, addresses and legal values are
answered by the Rust descriptors (``rust/regmap``), so both halves give the same answers
and the same error texts. Addresses are Omnibus word addresses.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from bss_host import _core
from bss_host._core_types import ChipInfo, MapMetadata, RegisterInfo
from bss_host.errors import (
    IndexOutOfRangeError,
    RegmapError,
    ShapeError,
    UnknownNameError,
    ValueOutOfRangeError,
)


class WordStream(NamedTuple):
    """A stream of (address, word) pairs as two uint32 arrays of equal length."""

    addresses: npt.NDArray[np.uint32]
    words: npt.NDArray[np.uint32]

    def pairs(self) -> list[tuple[int, int]]:
        return list(zip(self.addresses.tolist(), self.words.tolist(), strict=True))


@dataclass(frozen=True)
class Dim:
    name: str
    count: int
    stride: int


@dataclass(frozen=True)
class Field:
    """One field of a register, after ``repeat`` expansion."""

    register: str
    """The name of the register the field belongs to."""
    name: str
    doc: str
    unit: str
    word: int
    lsb: int
    width: int
    reset: int
    access: str
    readable: bool
    signed: bool
    min: int
    max: int
    sentinel: tuple[int, str] | None
    enum: tuple[str, ...]
    transform: str

    @property
    def msb(self) -> int:
        return self.lsb + self.width - 1

    def is_legal(self, value: int) -> bool:
        """Whether ``value`` is in the field's range or is its sentinel."""
        try:
            return _core.field_is_legal(self.register, self.name, int(value))
        except OverflowError:  # beyond 64 bits: no field is that wide
            return False

    def allowed(self) -> str:
        """The legal values as every error message shows them (the map's own text)."""
        return _core.field_allowed(self.register, self.name)

    def parse(self, text: str) -> int:
        """A value as written on a command line: an integer (0x.., 0b.. too), an enum
        name, the sentinel's name, or true/false for one-bit fields."""
        t = text.strip()
        if t in self.enum:
            return self.enum.index(t)
        if self.sentinel is not None and t == self.sentinel[1]:
            return self.sentinel[0]
        if self.width == 1 and t.lower() in ("true", "false", "on", "off"):
            return int(t.lower() in ("true", "on"))
        try:
            return int(t, 0)
        except ValueError:
            raise ValueOutOfRangeError(
                f"field {self.name}: cannot read '{text}' as a value; allowed: {self.allowed()}"
            ) from None

    def format(self, value: int) -> str:
        if self.enum and 0 <= value < len(self.enum):
            return f"{value} ({self.enum[value]})"
        if self.sentinel is not None and value == self.sentinel[0]:
            return f"{value} ({self.sentinel[1]})"
        return str(value)


@dataclass(frozen=True)
class Register:
    """One register (an array of ``count`` instances of ``words`` words each)."""

    name: str
    block: str
    doc: str
    layout: str
    kind: str
    access: str
    readable: bool
    base: int
    words: int
    word_stride: int
    word_bits: int
    count: int
    dims: tuple[Dim, ...]
    valid: tuple[tuple[int, ...], ...]
    quirks: tuple[str, ...]
    fields: tuple[Field, ...]

    @classmethod
    def _from_meta(cls, m: RegisterInfo) -> Register:
        fields = tuple(
            Field(register=m["name"], **{**f, "enum": tuple(f["enum"])})  # type: ignore[arg-type]
            for f in m["fields"]
        )
        # The plain keys carry over as they are; the nested ones become tuples.
        plain = {k: v for k, v in m.items() if k not in ("dims", "valid", "quirks", "fields")}
        return cls(
            **plain,  # type: ignore[arg-type]
            dims=tuple(Dim(*d) for d in m["dims"]),
            valid=tuple(tuple(v) for v in m["valid"]),
            quirks=tuple(m["quirks"]),
            fields=fields,
        )

    @property
    def is_fpga(self) -> bool:
        return bool(self.base & 0x8000_0000)

    @property
    def total_words(self) -> int:
        return self.count * self.words

    def field(self, name: str) -> Field:
        return self.fields[_core.field_number(self.name, name)]

    def index_of(self, *coords: int) -> int:
        """Instance index of a dim tuple (row-major; sparse registers by their list)."""
        return _core.index_of(self.name, [int(c) for c in coords])

    def coordinates(self, index: int) -> tuple[int, ...]:
        """The dim tuple of an instance (the inverse of :meth:`index_of`)."""
        return tuple(_core.coordinates(self.name, int(index)))

    def address(self, index: int = 0, word: int = 0) -> int:
        return _core.address(self.name, int(index), int(word))

    def addresses(self, indices: npt.ArrayLike | None = None) -> npt.NDArray[np.uint32]:
        """Addresses of every word of the chosen instances (all by default), instance-major."""
        return _core.addresses(self.name, _indices(indices))

    def encode(self, index: int = 0, **values: int) -> list[tuple[int, int]]:
        """Encode one instance; fields not named keep their reset value."""
        addrs, words = _core.encode(self.name, index, list(values.items()))
        return list(zip(addrs, words, strict=True))

    def decode(self, words: list[int] | tuple[int, ...]) -> dict[str, int]:
        return dict(_core.decode(self.name, [int(w) for w in words]))

    def encode_array(
        self,
        columns: Mapping[str, npt.ArrayLike | int] | None = None,
        indices: npt.ArrayLike | None = None,
        **kw: npt.ArrayLike | int,
    ) -> WordStream:
        """Encode many instances at once. Each field is an array (one value per chosen
        instance) or one int for all; missing fields keep their reset value."""
        cols: dict[str, npt.NDArray[np.int64] | int] = {}
        for k, v in {**(columns or {}), **kw}.items():
            if isinstance(v, int | np.integer):
                cols[k] = int(v)
            else:
                arr = np.asarray(v)
                if arr.ndim != 1:
                    raise ShapeError(
                        f"{self.name} field {k}: expected a 1-d array, got shape {arr.shape}"
                    )
                cols[k] = np.ascontiguousarray(arr, dtype=np.int64)
        addrs, words = _core.encode_array(self.name, cols, _indices(indices))
        return WordStream(addrs, words)

    def decode_array(self, words: npt.ArrayLike) -> dict[str, npt.NDArray[np.int64]]:
        w = np.ascontiguousarray(words, dtype=np.uint32).ravel()
        return _core.decode_array(self.name, w)


def _indices(indices: npt.ArrayLike | None) -> npt.NDArray[np.uint32] | None:
    if indices is None:
        return None
    arr = np.asarray(indices)
    if arr.size and (arr.min() < 0 or arr.max() > np.iinfo(np.uint32).max):
        raise IndexOutOfRangeError("instance indices must be non-negative 32-bit integers")
    return np.ascontiguousarray(arr.ravel(), dtype=np.uint32)


class RegisterMap(Mapping[str, Register]):
    """Every register of the chip and the FPGA, by name, in map order."""

    def __init__(self, meta: MapMetadata) -> None:
        self.chip: ChipInfo = meta["chip"]
        self.blocks: dict[str, str] = dict(meta["blocks"])
        self._registers = {r["name"]: Register._from_meta(r) for r in meta["registers"]}
        self._in_order = list(self._registers.values())
        self._inventory = list(meta["inventory"])

    def __getitem__(self, name: str) -> Register:
        reg = self._registers.get(name)
        if reg is None:  # the map's lookup raises UnknownNameError, naming near names
            reg = self._in_order[_core.register_number(name)]
        return reg

    def __iter__(self) -> Iterator[str]:
        return iter(self._registers)

    def __len__(self) -> int:
        return len(self._registers)

    def in_block(self, block: str) -> list[Register]:
        if block not in self.blocks:
            raise UnknownNameError(
                f"unknown block '{block}'; blocks are: {', '.join(self.blocks)}"
            )
        return [r for r in self._registers.values() if r.block == block]

    @property
    def inventory(self) -> dict[str, int]:
        """Entity counts (neurons, synapses, ...) derived from register instance counts."""
        return {name: self[reg].count * per for name, reg, per in self._inventory}

    @property
    def inventory_sources(self) -> dict[str, tuple[str, int]]:
        return {name: (reg, per) for name, reg, per in self._inventory}


REGMAP = RegisterMap(_core.map_metadata())


_TARGET = re.compile(r"^(?P<name>[a-z][a-z0-9_]*)(\[(?P<index>[0-9a-fA-Fx_, ]+)\])?$")


def parse_target(text: str) -> tuple[Register, int]:
    """A register instance from ``NAME``, ``NAME[INDEX]`` or ``NAME[C0,C1,...]`` (one
    coordinate per dimension), as (register, flat index).

    >>> reg, index = parse_target("synapse_quad[1,2,3]")
    >>> reg.name, index, reg.coordinates(index)
    ('synapse_quad', 16515, (1, 2, 3))
    """
    m = _TARGET.match(text.strip())
    if not m:
        raise RegmapError(f"cannot read '{text}': expected NAME, NAME[INDEX] or NAME[C0,C1,...]")
    reg = REGMAP[m["name"]]
    if m["index"] is None:
        return reg, 0
    try:
        parts = [int(p, 0) for p in m["index"].split(",")]
    except ValueError:
        raise RegmapError(f"cannot read '{text}': indices must be integers") from None
    if len(parts) == 1 and len(reg.dims) != 1:
        return reg, parts[0]
    return reg, reg.index_of(*parts)


def describe_address(address: int) -> str:
    """``name[index] (coordinates) word w at 0x...`` for a mapped address, else the bare
    address marked unmapped.

    >>> describe_address(REGMAP["synapse_quad"].address(16515))
    'synapse_quad[16515] (synram=1, row=2, quad=3) word 0 at 0x03cf0103'
    """
    loc = _core.locate_address(address)
    if loc is None:
        return f"0x{address:08x} (unmapped)"
    name, index, word = loc
    reg = REGMAP[name]
    where = f"{name}[{index}]" if reg.count > 1 else name
    if reg.dims:
        coords = ", ".join(f"{d.name}={c}" for d, c in
                           zip(reg.dims, reg.coordinates(index), strict=True))
        where += f" ({coords})"
    if reg.words > 1:
        where += f" word {word}"
    return f"{where} at 0x{address:08x}"
