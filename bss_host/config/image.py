"""The chip's configuration as data: every configuration register on the chip side as
decoded field columns (numpy), and the synapse arrays as four (2, 256, 256) arrays.

A :class:`ConfigImage` knows nothing of meaning (that is :mod:`.chip`); it holds values,
checks them against the register map, and turns itself into (address, word) streams with
the bulk encoders. Everything is vectorised; nothing loops over instances in Python.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from bss_host.errors import CoordinateError, InputError, ShapeError, ValueOutOfRangeError
from bss_host.regmap import REGMAP, Field, Register, WordStream, encode_synapses
from bss_host.units import SYNAPSE_SHAPE

SYNAPSE_REGISTER = "synapse_quad"
SYNAPSE_FIELDS = {"weight": 63, "label": 63, "time_calib": 3, "amp_calib": 3}
"""The synapse arrays and their largest values (6-bit weight and label, 2-bit calibrations)."""

# Chip-side configuration registers the image leaves out: the link and clock
# infrastructure (a configuration must not be able to cut its own connection), the label
# table of the PLL block, and the synapse-array aliases (the image writes synapse_quad).
LEFT_OUT = {"phy_config_chip", "pll_clock_output_block", "adpll_config", "neuron_label_lut",
            "synapse_weight_quad", "synapse_label_quad"}

REGISTERS: tuple[str, ...] = tuple(
    r.name for r in REGMAP.values()
    if r.kind == "config" and not r.is_fpga and r.name not in LEFT_OUT
    and r.name != SYNAPSE_REGISTER)
"""The registers an image holds as field columns, in map order."""

WRITE_ORDER: tuple[str, ...] = (
    # Parameter values first: CapMem needs time to settle, and nothing fires on it yet.
    "capmem_cell", "synapse_bias_selection",
    # The event path, from the synapses back to the sources' entry point.
    SYNAPSE_REGISTER, "synapse_driver_config", "common_stp_config", "common_padi_bus_config",
    "crossbar_node", "crossbar_output_config",
    "neuron_backend_config", "common_neuron_backend_config",
    # Observation.
    "cadc_config", "cadc_channel_offset", "common_correlation_config",
    "column_correlation_quad", "column_current_quad", "readout_source_selection",
    "pad_multiplexer_config", "madc_config",
    # The CapMem blocks (their cells were written above; a block starts driving them when
    # enabled, and on the model the analog core starts running then, so the bulk of the
    # writes before it costs no model time). Then what makes events: neuron fire enables
    # (in neuron_config), the PPUs, and last the background sources.
    "capmem_block_config", "neuron_config", "ppu_control", "background_spike_source",
)
"""The order in which :func:`~bss_host.config.diff` lists changes and ``apply`` writes
them, safe on silicon: parameters and routing before anything that emits events."""

assert set(WRITE_ORDER) == {*REGISTERS, SYNAPSE_REGISTER}, "WRITE_ORDER misses a register"


def check_values(field: Field, values: npt.ArrayLike, where: str) -> npt.NDArray[np.int64]:
    """``values`` as int64 if every one is legal for ``field``, else a typed error naming
    ``where`` (the path the user wrote, e.g. ``neurons.leak.v_leak``), the first bad
    value, its position among the values, and the allowed range. Enum and sentinel
    names are accepted; floats (even whole ones), NaN and out-of-range numbers are not."""
    arr = np.asarray(values)
    if arr.dtype.kind in "UO":
        names = {name: i for i, name in enumerate(field.enum)}
        if field.sentinel is not None:
            names[field.sentinel[1]] = field.sentinel[0]
        flat = arr.ravel().tolist()
        for v in flat:
            legal_int = (isinstance(v, int | np.integer) and not isinstance(v, bool)
                         and (field.min <= v <= field.max
                              or (field.sentinel is not None and v == field.sentinel[0])))
            if not (isinstance(v, str) and v in names) and not legal_int:
                raise ValueOutOfRangeError(
                    f"{where} = {v!r}; allowed: {field.allowed()}")
        arr = np.array([names[v] if isinstance(v, str) else v for v in flat],
                       dtype=np.int64).reshape(arr.shape)
    elif arr.dtype.kind == "b":
        if field.width != 1:
            raise ValueOutOfRangeError(
                f"{where}: booleans only for one-bit fields; allowed: "
                f"{field.allowed()}")
        arr = arr.astype(np.int64)
    elif arr.dtype.kind not in "iu":
        first = arr.ravel()[0] if arr.size else arr
        raise ValueOutOfRangeError(
            f"{where} = {first!r} ({arr.dtype}); allowed integers: "
            f"{field.allowed()}")
    arr = arr.astype(np.int64, copy=False)
    if arr.size:
        legal = (arr >= field.min) & (arr <= field.max)
        if field.sentinel is not None:
            legal |= arr == field.sentinel[0]
        if not legal.all():
            bad = int(np.flatnonzero(~legal.ravel())[0])
            at = f" (value #{bad} of {arr.size})" if arr.size > 1 else ""
            raise ValueOutOfRangeError(
                f"{where} = {int(arr.ravel()[bad])}{at}; allowed: {field.allowed()}")
    return arr


@dataclass
class ConfigImage:
    """Field columns of every register in :data:`REGISTERS` plus the synapse arrays."""

    columns: dict[str, dict[str, npt.NDArray[np.int64]]]
    synapses: dict[str, npt.NDArray[np.uint8]]

    @classmethod
    def reset(cls) -> ConfigImage:
        """The register map's reset values: the power-on state."""
        columns = {
            name: {f.name: np.full(REGMAP[name].count, f.reset, dtype=np.int64)
                   for f in REGMAP[name].fields}
            for name in REGISTERS}
        synapses = {k: np.zeros(SYNAPSE_SHAPE, dtype=np.uint8) for k in SYNAPSE_FIELDS}
        return cls(columns, synapses)

    def copy(self) -> ConfigImage:
        return ConfigImage({r: {f: a.copy() for f, a in cols.items()}
                            for r, cols in self.columns.items()},
                           {k: a.copy() for k, a in self.synapses.items()})

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ConfigImage):
            return NotImplemented
        return all(np.array_equal(a, other.synapses[k]) for k, a in self.synapses.items()) and \
            all(np.array_equal(a, other.columns[r][f])
                for r, cols in self.columns.items() for f, a in cols.items())

    def register(self, name: str) -> Register:
        if name not in self.columns and name != SYNAPSE_REGISTER:
            raise InputError(f"{name} is not part of a chip configuration; registers: "
                             f"{', '.join(WRITE_ORDER)}")
        return REGMAP[name]

    def set(self, register: str, field: str, index: npt.ArrayLike | slice,
            values: npt.ArrayLike, where: str | None = None) -> None:
        """Assign ``values`` to ``field`` of the instances ``index``: all checked first,
        so a bad value changes nothing."""
        reg = self.register(register)
        f = reg.field(field)
        column = self.columns[register][field]
        target = column[index]
        label = where or f"{register}.{field}"
        checked = check_values(f, values, label)
        try:
            checked = np.broadcast_to(checked, np.shape(target))
        except ValueError:
            raise ShapeError(f"{label}: {np.shape(values)} values for "
                             f"{np.shape(target)} places") from None
        column[index] = checked

    def set_synapses(self, field: str, index: object, values: npt.ArrayLike) -> None:
        """Assign to one synapse array, checked first (0..63 or 0..3)."""
        if field not in SYNAPSE_FIELDS:
            raise InputError(f"synapse field {field!r}; allowed: {', '.join(SYNAPSE_FIELDS)}")
        arr = np.asarray(values)
        top = SYNAPSE_FIELDS[field]
        if arr.dtype.kind == "b" or arr.dtype.kind not in "iu":
            raise ValueOutOfRangeError(
                f"synapses.{field}: values of dtype {arr.dtype}; allowed integers 0..{top}")
        if arr.size and (arr.min() < 0 or arr.max() > top):
            bad = int(arr.min()) if arr.min() < 0 else int(arr.max())
            raise ValueOutOfRangeError(f"synapses.{field} = {bad}; allowed 0..{top}")
        target = self.synapses[field]
        try:
            place = target[index]  # type: ignore[index]
        except IndexError:
            raise CoordinateError(f"synapses.{field}[{index!r}]: allowed indices (hemisphere "
                                  "0..1, row 0..255, column 0..255), slices or masks") from None
        try:
            target[index] = np.broadcast_to(arr, np.shape(place))  # type: ignore[index]
        except ValueError:
            raise ShapeError(f"synapses.{field}: {arr.shape} values for "
                             f"{np.shape(target[index])} places") from None  # type: ignore[index]

    # -- words ------------------------------------------------------------------------
    def words(self, register: str) -> WordStream:
        """Every instance of a register as (address, word) pairs, instance-major."""
        if register == SYNAPSE_REGISTER:
            s = self.synapses
            return encode_synapses(s["weight"], s["label"], s["time_calib"], s["amp_calib"])
        return REGMAP[register].encode_array(self.columns[register])

    def streams(self) -> Iterator[tuple[str, WordStream]]:
        """(register, words) for every register, in :data:`WRITE_ORDER`."""
        for name in WRITE_ORDER:
            yield name, self.words(name)

    def load_words(self, register: str, words: npt.ArrayLike) -> None:
        """Replace a register's values by decoding ``words`` (all instances)."""
        reg = self.register(register)
        arr = np.asarray(words, dtype=np.uint32).ravel()
        if arr.size != reg.count * reg.words:
            raise ShapeError(f"{register}: {arr.size} words; needs {reg.count * reg.words}")
        if register == SYNAPSE_REGISTER:
            from bss_host.regmap import decode_synapses

            d = decode_synapses(arr)
            self.synapses = {"weight": d.weights, "label": d.labels,
                             "time_calib": d.time_calib, "amp_calib": d.amp_calib}
            return
        self.columns[register] = {k: np.asarray(v, dtype=np.int64)
                                  for k, v in reg.decode_array(arr).items()}
