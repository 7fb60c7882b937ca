"""Typed coordinates of every entity on the chip, and the conversions between them.

Each coordinate is a small immutable value: range-checked when made, hashable, ordered
within its type, picklable, and usable as an index (``int(c)`` and ``c.enum`` give its
position in :func:`iter_all` order). Sizes come from the register map (the dimensions of
the registers that hold each entity), never from a second copy.

>>> n = AtomicNeuron(column=130, row=1)
>>> n.enum, quadrant_of(n), capmem_column_of(n)
(386, Quadrant(3), 2)
>>> synapse_quad_of_column(SynapseColumn(7))
(SynapseQuadColumn(32), 3)
>>> len(list(iter_all(CrossbarNode)))
76
>>> AtomicNeuron(256, 0)
Traceback (most recent call last):
...
bss_host.errors.CoordinateError: AtomicNeuron column=256 is out of range; allowed 0..255

Every conversion also has a vectorised form over numpy arrays of enums, for bulk code
(:func:`quadrant_of_enums`, :func:`capmem_cells_of_enums`, ...).
"""

from __future__ import annotations

import enum
from collections.abc import Iterator
from typing import Any, ClassVar, TypeVar

import numpy as np
import numpy.typing as npt

from bss_host import _core
from bss_host.errors import CoordinateError
from bss_host.regmap import QUAD_COLUMNS
from bss_host.units import (
    CAPMEM_CELLS_PER_NEURON,
    HEMISPHERES,
    QUADRANTS,
    SYNAPSE_COLUMNS,
    SYNAPSE_ROWS,
)

_META = _core.map_metadata()
_REGISTERS = {r["name"]: r for r in _META["registers"]}


def _dim(register: str, name: str) -> int:
    for dim_name, count, _stride in _REGISTERS[register]["dims"]:
        if dim_name == name:
            return int(count)
    raise KeyError(f"{register} has no dimension {name}")  # a map change, not user input


C = TypeVar("C", bound="Coordinate")


def _check_int(cls_name: str, field: str, value: object, size: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        raise CoordinateError(
            f"{cls_name} {field}={value!r} is not an integer; allowed 0..{size - 1}")
    v = int(value)
    if not 0 <= v < size:
        raise CoordinateError(f"{cls_name} {field}={v} is out of range; allowed 0..{size - 1}")
    return v


class Coordinate:
    """Base of every coordinate: one or more ranged integer fields and a flat ``enum``."""

    FIELDS: ClassVar[tuple[tuple[str, int], ...]]
    """(name, size) of each field, in constructor order."""
    MAJOR: ClassVar[tuple[str, ...] | None] = None
    """Field order of the flat enumeration, most significant first (default FIELDS)."""
    SIZE: ClassVar[int]
    __slots__ = ("_values",)

    def __init_subclass__(cls, **kwargs: Any) -> None:  # noqa: ANN401 - passed through
        super().__init_subclass__(**kwargs)
        if "FIELDS" in cls.__dict__ and "SIZE" not in cls.__dict__:
            cls.SIZE = int(np.prod([size for _, size in cls.FIELDS]))

    def __init__(self, *values: object, **named: object) -> None:
        names = [name for name, _ in self.FIELDS]
        if len(values) > len(names):
            raise CoordinateError(
                f"{type(self).__name__} takes {len(names)} values ({', '.join(names)}); "
                f"got {len(values)}")
        given = dict(zip(names, values, strict=False))
        for key, value in named.items():
            if key not in names or key in given:
                raise CoordinateError(
                    f"{type(self).__name__}: unexpected or repeated field {key!r}; "
                    f"fields are {', '.join(names)}")
            given[key] = value
        missing = [n for n in names if n not in given]
        if missing:
            raise CoordinateError(f"{type(self).__name__}: missing {', '.join(missing)}")
        self._values = tuple(_check_int(type(self).__name__, name, given[name], size)
                             for name, size in self.FIELDS)
        self._check()

    def _check(self) -> None:
        """Extra validity rule of a sparse coordinate (none by default)."""

    # -- enumeration ------------------------------------------------------------------
    @property
    def enum(self) -> int:
        """Position in :func:`iter_all` order, 0 .. SIZE-1."""
        sizes = dict(self.FIELDS)
        values = dict(zip(sizes, self._values, strict=True))
        e = 0
        for name in self.MAJOR or tuple(sizes):
            e = e * sizes[name] + values[name]
        return e

    @classmethod
    def from_enum(cls: type[C], e: object) -> C:
        """The coordinate at position ``e`` of :func:`iter_all` order."""
        e = _check_int(cls.__name__, "enum", e, cls.SIZE)
        sizes = dict(cls.FIELDS)
        values: dict[str, int] = {}
        for name in reversed(cls.MAJOR or tuple(sizes)):
            e, values[name] = divmod(e, sizes[name])
        return cls(**values)

    # -- value semantics --------------------------------------------------------------
    def __getattr__(self, name: str) -> int:
        for i, (field, _) in enumerate(type(self).FIELDS):
            if field == name:
                return self._values[i]
        raise AttributeError(f"{type(self).__name__} has no attribute {name!r}")

    def __setattr__(self, name: str, value: object) -> None:
        if name != "_values" or hasattr(self, "_values"):
            raise AttributeError(f"{type(self).__name__} is immutable")
        object.__setattr__(self, name, value)

    def __int__(self) -> int:
        return self.enum

    def __index__(self) -> int:
        return self.enum

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and other._values == self._values  # type: ignore[attr-defined]

    def __lt__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return self.enum < other.enum  # type: ignore[attr-defined]

    def __le__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return self.enum <= other.enum  # type: ignore[attr-defined]

    def __gt__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return self.enum > other.enum  # type: ignore[attr-defined]

    def __ge__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return self.enum >= other.enum  # type: ignore[attr-defined]

    def __hash__(self) -> int:
        # The type name takes part, so equal numbers of different types rarely collide
        # in mixed sets and dicts.
        return hash((type(self).__name__, self._values))

    def __reduce__(self) -> tuple[Any, tuple[int, ...]]:
        return (type(self), self._values)

    def __repr__(self) -> str:
        if len(self.FIELDS) == 1:
            return f"{type(self).__name__}({self._values[0]})"
        inner = ", ".join(f"{n}={v}" for (n, _), v in zip(self.FIELDS, self._values,
                                                          strict=True))
        return f"{type(self).__name__}({inner})"


def iter_all(cls: type[C]) -> Iterator[C]:
    """Every value of a coordinate type, in enum order."""
    return (cls.from_enum(e) for e in range(cls.SIZE))


# ---------------------------------------------------------------------- sizes, from the map

QUADS_PER_ROW = _dim("synapse_quad", "quad")
NEURONS_PER_QUADRANT = _dim("neuron_config", "neuron")
NEURON_COLUMNS = SYNAPSE_COLUMNS
NEURON_ROWS = QUADRANTS * NEURONS_PER_QUADRANT // NEURON_COLUMNS
BACKEND_BLOCKS = _dim("neuron_backend_config", "block")
DRIVER_BLOCKS = _dim("synapse_driver_config", "block")
DRIVERS_PER_BLOCK = _dim("synapse_driver_config", "driver")
PADI_BUSES_PER_BLOCK = len([f for f in _REGISTERS["common_padi_bus_config"]["fields"]
                            if f["name"].startswith("enable_spl1_")])
DRIVERS_PER_BUS = DRIVERS_PER_BLOCK // PADI_BUSES_PER_BLOCK
CROSSBAR_INPUTS = _dim("crossbar_node", "input")
CROSSBAR_OUTPUTS = _dim("crossbar_node", "output")
BACKGROUND_SOURCES = _dim("background_spike_source", "source")
CAPMEM_BLOCKS = _dim("capmem_cell", "block")
CAPMEM_COLUMNS = _dim("capmem_cell", "column")
CAPMEM_ROWS = CAPMEM_CELLS_PER_NEURON
CADC_CHANNEL_KINDS = _dim("cadc_channel_offset", "channel")
PPUS = _dim("ppu_control", "ppu")

# The crossbar's inputs in order (chip.md 3.1, the crossbar block's doc in registers/):
# the neuron event outputs, the L2 inputs from the FPGA, then the background sources.
L2_LINKS = CROSSBAR_OUTPUTS - PADI_BUSES_PER_BLOCK * HEMISPHERES
NEURON_EVENT_OUTPUTS = CROSSBAR_INPUTS - L2_LINKS - BACKGROUND_SOURCES
FIRST_L2_INPUT = NEURON_EVENT_OUTPUTS
FIRST_BACKGROUND_INPUT = NEURON_EVENT_OUTPUTS + L2_LINKS
FIRST_L2_OUTPUT = PADI_BUSES_PER_BLOCK * HEMISPHERES


# ---------------------------------------------------------------------- the coordinates


class Hemisphere(Coordinate):
    """Top (0) or bottom (1) half: one synapse array, one PPU, one CADC, 256 neurons."""

    FIELDS = (("value", HEMISPHERES),)


class Quadrant(Coordinate):
    """One of 4 quadrants of 128 neurons, each with its own CapMem block (0 nw, 1 ne,
    2 sw, 3 se)."""

    FIELDS = (("value", QUADRANTS),)


class NeuronColumn(Coordinate):
    FIELDS = (("value", NEURON_COLUMNS),)


class NeuronRow(Coordinate):
    FIELDS = (("value", NEURON_ROWS),)


class AtomicNeuron(Coordinate):
    """One of the 512 neuron compartments: column 0..255, row (hemisphere) 0..1; enum
    row-major, as the neuron registers count them."""

    FIELDS = (("column", NEURON_COLUMNS), ("row", NEURON_ROWS))
    MAJOR = ("row", "column")


class SynapseRow(Coordinate):
    FIELDS = (("hemisphere", HEMISPHERES), ("row", SYNAPSE_ROWS))


class SynapseColumn(Coordinate):
    """A synapse column; it feeds the neuron of the same column in its hemisphere."""

    FIELDS = (("value", SYNAPSE_COLUMNS),)


class SynapseQuadColumn(Coordinate):
    """A quad column of the synapse array's registers (4 synapses; see
    :func:`synapse_quad_of_column` for the interleave)."""

    FIELDS = (("value", QUADS_PER_ROW),)


class Synapse(Coordinate):
    FIELDS = (("hemisphere", HEMISPHERES), ("row", SYNAPSE_ROWS), ("column", SYNAPSE_COLUMNS))


class SynapseQuad(Coordinate):
    """Four synapses in one register instance of ``synapse_quad``."""

    FIELDS = (("hemisphere", HEMISPHERES), ("row", SYNAPSE_ROWS), ("quad", QUADS_PER_ROW))


class SynapseDriver(Coordinate):
    """One of 256 synapse drivers: block (= hemisphere) and index on the block; driver
    ``index`` drives rows 2 index and 2 index + 1 and listens to PADI bus index mod 4."""

    FIELDS = (("block", DRIVER_BLOCKS), ("index", DRIVERS_PER_BLOCK))


class PadiBus(Coordinate):
    FIELDS = (("block", HEMISPHERES), ("index", PADI_BUSES_PER_BLOCK))


class CrossbarInput(Coordinate):
    """0-7 neuron event outputs, 8-11 L2 inputs from the FPGA, 12-19 background sources."""

    FIELDS = (("value", CROSSBAR_INPUTS),)


class CrossbarOutput(Coordinate):
    """0-7 PADI buses (block-major), 8-11 L2 outputs to the FPGA."""

    FIELDS = (("value", CROSSBAR_OUTPUTS),)


_NODES: tuple[tuple[int, int], ...] = tuple(
    (int(v[0]), int(v[1])) for v in _REGISTERS["crossbar_node"]["valid"])
_NODE_ENUM = {node: i for i, node in enumerate(_NODES)}


class CrossbarNode(Coordinate):
    """One of the crossbar's 76 nodes (a sparse grid of inputs x outputs); enum is the
    ``crossbar_node`` register instance."""

    FIELDS = (("input", CROSSBAR_INPUTS), ("output", CROSSBAR_OUTPUTS))
    SIZE = len(_NODES)

    def _check(self) -> None:
        if self._values not in _NODE_ENUM:
            raise CoordinateError(
                f"CrossbarNode(input={self._values[0]}, output={self._values[1]}) does not "
                f"exist; input {self._values[0]} reaches outputs "
                f"{sorted(o for i, o in _NODES if i == self._values[0])}")

    @property
    def enum(self) -> int:
        return _NODE_ENUM[self._values]

    @classmethod
    def from_enum(cls, e: object) -> CrossbarNode:
        i, o = _NODES[_check_int(cls.__name__, "enum", e, cls.SIZE)]
        return cls(i, o)


class BackgroundSource(Coordinate):
    FIELDS = (("value", BACKGROUND_SOURCES),)


class CapMemCell(Coordinate):
    """A CapMem cell: block (= quadrant), column (0-127 neurons, 128-129 shared), row."""

    FIELDS = (("block", CAPMEM_BLOCKS), ("column", CAPMEM_COLUMNS), ("row", CAPMEM_ROWS))


class NeuronCell(enum.IntEnum):
    """The 24 per-neuron CapMem cells, by row (chip.md 3.3): 8 voltages, then 16 biases."""

    v_leak = 0
    v_reset = 1
    v_threshold = 2
    e_synin_exc_rev = 3
    e_synin_inh_rev = 4
    v_adapt_leak = 5
    v_exp = 6
    v_adapt_ref = 7
    i_bias_leak = 8
    i_bias_reset = 9
    i_bias_synin_exc_tau = 10
    i_bias_synin_exc_coba = 11
    i_bias_synin_exc_shift = 12
    i_bias_synin_exc_gm = 13
    i_bias_synin_inh_tau = 14
    i_bias_synin_inh_coba = 15
    i_bias_synin_inh_shift = 16
    i_bias_synin_inh_gm = 17
    i_bias_adapt_tau = 18
    i_bias_adapt_a = 19
    i_bias_adapt_b = 20
    i_bias_exp = 21
    i_mem_offset = 22
    i_bias_nmda = 23

    @property
    def is_voltage(self) -> bool:
        return self < NeuronCell.i_bias_leak


assert len(NeuronCell) == CAPMEM_ROWS, "the map's CapMem rows and NeuronCell disagree"


class CadcChannel(Coordinate):
    """One CADC channel: hemisphere, kind (0 causal, 1 acausal) and column."""

    FIELDS = (("hemisphere", HEMISPHERES), ("kind", CADC_CHANNEL_KINDS),
              ("column", SYNAPSE_COLUMNS))


class NeuronBackend(Coordinate):
    """A neuron's digital backend: block (west/east half of the columns) and index on it
    (row-major over the block's 2 x 128 neurons), as ``neuron_backend_config`` counts."""

    FIELDS = (("block", BACKEND_BLOCKS), ("index", NEURON_ROWS * NEURON_COLUMNS
                                          // BACKEND_BLOCKS))


class Ppu(Coordinate):
    """The top (0, hemisphere 0) or bottom (1) plasticity processor."""

    FIELDS = (("value", PPUS),)


# ---------------------------------------------------------------------- conversions

_COLUMNS_PER_QUADRANT = NEURON_COLUMNS * NEURON_ROWS // QUADRANTS
_COLUMNS_PER_BACKEND = NEURON_COLUMNS // BACKEND_BLOCKS


def hemisphere_of(neuron: AtomicNeuron) -> Hemisphere:
    return Hemisphere(neuron.row)


def quadrant_of(neuron: AtomicNeuron) -> Quadrant:
    return Quadrant(neuron.enum // _COLUMNS_PER_QUADRANT)


def capmem_column_of(neuron: AtomicNeuron) -> int:
    """The neuron's column in its quadrant's CapMem block (0..127)."""
    return neuron.column % NEURONS_PER_QUADRANT


def capmem_cell_of(neuron: AtomicNeuron, cell: NeuronCell) -> CapMemCell:
    return CapMemCell(quadrant_of(neuron).enum, capmem_column_of(neuron), int(cell))


def cadc_channels_of(neuron: AtomicNeuron) -> tuple[CadcChannel, CadcChannel]:
    """The causal and acausal CADC channels of the neuron's column."""
    return (CadcChannel(neuron.row, 0, neuron.column), CadcChannel(neuron.row, 1, neuron.column))


def synapse_column_of(neuron: AtomicNeuron) -> SynapseColumn:
    return SynapseColumn(neuron.column)


def synapse_quad_of_column(column: SynapseColumn) -> tuple[SynapseQuadColumn, int]:
    """(quad column, entry 0..3) holding a synapse column: even columns sit in quads
    0-31, odd ones in 32-63 (the map's ``column_interleave`` quirk)."""
    quad, entry = _QUAD_OF_COLUMN[column.enum]
    return SynapseQuadColumn(int(quad)), int(entry)


def column_of_synapse_quad(quad: SynapseQuadColumn, entry: int) -> SynapseColumn:
    return SynapseColumn(int(_COLUMN_OF_QUAD[quad.enum, _check_int("entry", "entry", entry, 4)]))


def backend_of(neuron: AtomicNeuron) -> NeuronBackend:
    block, on_block = divmod(neuron.column, _COLUMNS_PER_BACKEND)
    return NeuronBackend(block, neuron.row * _COLUMNS_PER_BACKEND + on_block)


def neuron_of_backend(backend: NeuronBackend) -> AtomicNeuron:
    row, on_block = divmod(backend.index, _COLUMNS_PER_BACKEND)
    return AtomicNeuron(backend.block * _COLUMNS_PER_BACKEND + on_block, row)


def event_output_of(neuron: AtomicNeuron) -> CrossbarInput:
    """The crossbar input that carries the neuron's spikes: one of 4 event outputs per
    backend block, each serving 32 consecutive columns."""
    block, on_block = divmod(neuron.column, _COLUMNS_PER_BACKEND)
    per_block = NEURON_EVENT_OUTPUTS // BACKEND_BLOCKS
    return CrossbarInput(block * per_block + on_block // (_COLUMNS_PER_BACKEND // per_block))


def padi_bus_of(driver: SynapseDriver) -> PadiBus:
    return PadiBus(driver.block, driver.index % PADI_BUSES_PER_BLOCK)


def rows_of(driver: SynapseDriver) -> tuple[SynapseRow, SynapseRow]:
    """The two synapse rows a driver drives (top, bottom)."""
    return (SynapseRow(driver.block, 2 * driver.index), SynapseRow(driver.block,
                                                                    2 * driver.index + 1))


def driver_of(row: SynapseRow) -> SynapseDriver:
    return SynapseDriver(row.hemisphere, row.row // 2)


def drivers_reaching(neuron: AtomicNeuron) -> list[SynapseDriver]:
    """Every driver whose rows cross the neuron's column: the 128 of its hemisphere."""
    return [SynapseDriver(neuron.row, i) for i in range(DRIVERS_PER_BLOCK)]


def padi_buses_reaching(neuron: AtomicNeuron) -> list[PadiBus]:
    """The PADI buses whose drivers can reach the neuron: the 4 of its hemisphere."""
    return [PadiBus(neuron.row, i) for i in range(PADI_BUSES_PER_BLOCK)]


def crossbar_output_of(bus: PadiBus) -> CrossbarOutput:
    return CrossbarOutput(bus.enum)


def padi_bus_of_output(output: CrossbarOutput) -> PadiBus | None:
    """The PADI bus a crossbar output feeds; None for the L2 outputs to the FPGA."""
    return PadiBus.from_enum(output.enum) if output.enum < FIRST_L2_OUTPUT else None


def crossbar_input_of(source: BackgroundSource) -> CrossbarInput:
    return CrossbarInput(FIRST_BACKGROUND_INPUT + source.enum)


def ppu_of(hemisphere: Hemisphere) -> Ppu:
    return Ppu(hemisphere.enum)


# ---------------------------------------------------------------------- vectorised forms

_COLUMN_OF_QUAD = QUAD_COLUMNS
_QUAD_OF_COLUMN = np.empty((SYNAPSE_COLUMNS, 2), dtype=np.intp)
_QUAD_OF_COLUMN[QUAD_COLUMNS.ravel()] = np.stack(
    np.divmod(np.arange(SYNAPSE_COLUMNS), 4), axis=1)


def _enums(a: npt.ArrayLike, cls: type[Coordinate]) -> npt.NDArray[np.intp]:
    arr = np.asarray(a)
    if arr.size and not np.issubdtype(arr.dtype, np.integer):
        raise CoordinateError(f"{cls.__name__} enums must be integers; got dtype {arr.dtype}")
    if arr.size and (arr.min() < 0 or arr.max() >= cls.SIZE):
        bad = int(arr.min()) if arr.min() < 0 else int(arr.max())
        raise CoordinateError(f"{cls.__name__} enum {bad} is out of range; "
                              f"allowed 0..{cls.SIZE - 1}")
    return arr.astype(np.intp, copy=False)


def quadrant_of_enums(neurons: npt.ArrayLike) -> npt.NDArray[np.intp]:
    """Quadrant enums of atomic-neuron enums."""
    return _enums(neurons, AtomicNeuron) // _COLUMNS_PER_QUADRANT


def capmem_cells_of_enums(neurons: npt.ArrayLike, cells: npt.ArrayLike
                          ) -> npt.NDArray[np.intp]:
    """CapMem cell enums (``capmem_cell`` register instances) of (neuron, NeuronCell)
    pairs, broadcast."""
    n = _enums(neurons, AtomicNeuron)
    c = np.asarray(cells, dtype=np.intp)
    if c.size and (c.min() < 0 or c.max() >= CAPMEM_ROWS):
        raise CoordinateError(f"NeuronCell values must lie in 0..{CAPMEM_ROWS - 1}")
    quadrant, column = n // _COLUMNS_PER_QUADRANT, (n % NEURON_COLUMNS) % NEURONS_PER_QUADRANT
    return np.asarray((quadrant * CAPMEM_COLUMNS + column) * CAPMEM_ROWS + c)


def backend_of_enums(neurons: npt.ArrayLike) -> npt.NDArray[np.intp]:
    """``neuron_backend_config`` instance of each atomic-neuron enum."""
    n = _enums(neurons, AtomicNeuron)
    row, column = np.divmod(n, NEURON_COLUMNS)
    block, on_block = np.divmod(column, _COLUMNS_PER_BACKEND)
    return np.asarray(block * (NEURON_ROWS * _COLUMNS_PER_BACKEND)
                      + row * _COLUMNS_PER_BACKEND + on_block)


def event_outputs_of_enums(neurons: npt.ArrayLike) -> npt.NDArray[np.intp]:
    """The crossbar input carrying each neuron's spikes (see :func:`event_output_of`)."""
    column = _enums(neurons, AtomicNeuron) % NEURON_COLUMNS
    per_block = NEURON_EVENT_OUTPUTS // BACKEND_BLOCKS
    block, on_block = np.divmod(column, _COLUMNS_PER_BACKEND)
    return np.asarray(block * per_block + on_block // (_COLUMNS_PER_BACKEND // per_block))


def synapse_quads_of_columns(columns: npt.ArrayLike) -> tuple[npt.NDArray[np.intp],
                                                               npt.NDArray[np.intp]]:
    """(quad column, entry) of each synapse column, vectorised."""
    q = _QUAD_OF_COLUMN[_enums(columns, SynapseColumn)]
    return q[..., 0], q[..., 1]


__all__ = [
    "AtomicNeuron",
    "BackgroundSource",
    "CadcChannel",
    "CapMemCell",
    "Coordinate",
    "CrossbarInput",
    "CrossbarNode",
    "CrossbarOutput",
    "Hemisphere",
    "NeuronBackend",
    "NeuronCell",
    "NeuronColumn",
    "NeuronRow",
    "PadiBus",
    "Ppu",
    "Quadrant",
    "Synapse",
    "SynapseColumn",
    "SynapseDriver",
    "SynapseQuad",
    "SynapseQuadColumn",
    "SynapseRow",
    "backend_of",
    "backend_of_enums",
    "cadc_channels_of",
    "capmem_cell_of",
    "capmem_cells_of_enums",
    "capmem_column_of",
    "column_of_synapse_quad",
    "crossbar_input_of",
    "crossbar_output_of",
    "driver_of",
    "drivers_reaching",
    "event_output_of",
    "event_outputs_of_enums",
    "hemisphere_of",
    "iter_all",
    "neuron_of_backend",
    "padi_bus_of",
    "padi_bus_of_output",
    "padi_buses_reaching",
    "ppu_of",
    "quadrant_of",
    "quadrant_of_enums",
    "rows_of",
    "synapse_column_of",
    "synapse_quad_of_column",
    "synapse_quads_of_columns",
]
