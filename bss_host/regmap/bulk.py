"""Bulk encoders over whole arrays: both synapse arrays, all neurons' CapMem cells, and
the column order of quad-organised registers. The work happens in the extension."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt

from bss_host import _core
from bss_host.errors import ShapeError, ValueOutOfRangeError
from bss_host.regmap._map import REGMAP, WordStream
from bss_host.units import CAPMEM_CELLS_PER_NEURON, NEURONS, SYNAPSE_SHAPE


class SynapseArrays(NamedTuple):
    """Per-synapse values, each of shape (2, 256, 256): [synram, row, column]."""

    weights: npt.NDArray[np.uint8]
    labels: npt.NDArray[np.uint8]
    time_calib: npt.NDArray[np.uint8]
    amp_calib: npt.NDArray[np.uint8]


def _synapse_array(name: str, a: npt.ArrayLike | None) -> npt.NDArray[np.uint8]:
    if a is None:
        return np.zeros(math.prod(SYNAPSE_SHAPE), dtype=np.uint8)
    arr = np.asarray(a)
    if arr.shape != SYNAPSE_SHAPE:
        raise ShapeError(f"{name} must have shape {SYNAPSE_SHAPE}, got {arr.shape}")
    if arr.size and (arr.min() < 0 or arr.max() > 255):
        bad = int(arr.min()) if arr.min() < 0 else int(arr.max())
        raise ValueOutOfRangeError(f"synapse_quad {name}: value {bad} is out of range")
    return np.ascontiguousarray(arr, dtype=np.uint8).ravel()


def encode_synapses(
    weights: npt.ArrayLike | None = None,
    labels: npt.ArrayLike | None = None,
    time_calib: npt.ArrayLike | None = None,
    amp_calib: npt.ArrayLike | None = None,
) -> WordStream:
    """Encode both synapse arrays (each (2, 256, 256), missing ones zero) into the
    synapse-quad stream, applying the weight permutation and the column interleave."""
    a, w = _core.encode_synapses(
        _synapse_array("weights", weights),
        _synapse_array("labels", labels),
        _synapse_array("time_calib", time_calib),
        _synapse_array("amp_calib", amp_calib),
    )
    return WordStream(a, w)


def decode_synapses(words: npt.ArrayLike) -> SynapseArrays:
    w = np.ascontiguousarray(words, dtype=np.uint32).ravel()
    parts = _core.decode_synapses(w)
    return SynapseArrays(*(p.reshape(SYNAPSE_SHAPE) for p in parts))


_NEURON_CAPMEM = _core.neuron_capmem_indices()

QUAD_COLUMNS = _core.quad_columns().reshape(64, 4).astype(np.intp)
"""Column of (quad, entry) in the quad-organised registers (synapse quads, CADC samples,
correlation switches): quads 0-31 hold the even columns, 32-63 the odd ones."""


def quads_by_column(decoded: Mapping[str, npt.NDArray[Any]], field: str) -> npt.NDArray[Any]:
    """A field of decoded quad registers (``field_0`` .. ``field_3`` of 64 k consecutive
    quads, e.g. one row) as values by column, shape (k, 256)."""
    entries = np.stack([np.asarray(decoded[f"{field}_{e}"]) for e in range(4)], axis=-1)
    entries = entries.reshape(-1, 64, 4)
    out = np.empty((entries.shape[0], 256), dtype=entries.dtype)
    out[:, QUAD_COLUMNS] = entries
    return out


def encode_neuron_capmem(values: npt.ArrayLike) -> WordStream:
    """Encode the 24 CapMem parameters of all 512 neurons, shape (512, 24)."""
    arr = np.asarray(values)
    if arr.shape != (NEURONS, CAPMEM_CELLS_PER_NEURON):
        raise ShapeError(f"neuron CapMem values must have shape (512, 24), got {arr.shape}")
    return REGMAP["capmem_cell"].encode_array({"value": arr.ravel()}, indices=_NEURON_CAPMEM)


def decode_neuron_capmem(words: npt.ArrayLike) -> npt.NDArray[np.int64]:
    values = REGMAP["capmem_cell"].decode_array(words)["value"]
    return values.reshape(NEURONS, CAPMEM_CELLS_PER_NEURON)
