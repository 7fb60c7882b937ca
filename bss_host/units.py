"""Clock rates, sizes and time conversions, each defined once and derived from the register
map (``registers/chip.toml`` and the registers' dimensions) wherever the map knows it.

Two kinds of time appear in this package, and names say which:

- **hardware time**: what the chip (or its model) experiences; FPGA cycles at
  :data:`FPGA_CLOCK_HZ`, PPU cycles at :data:`PPU_CLOCK_HZ`, or microseconds (``*_us``).
- **biological time**: what a network of the accelerated chip models; it runs
  :data:`SPEEDUP` times slower than hardware time (``*_bio_ms``, ``*_bio_s``).

>>> FPGA_CYCLES_PER_US
125
>>> us_to_cycles(2.0)
250
>>> hw_us_to_bio_ms(1000.0)
1000.0
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import numpy.typing as npt

from bss_host import _core
from bss_host.errors import InputError

_META: Mapping[str, Any] = _core.map_metadata()
_DIMS: dict[str, dict[str, int]] = {
    r["name"]: {name: count for name, count, _stride in r["dims"]} for r in _META["registers"]
}

FPGA_CLOCK_HZ: int = _META["chip"]["fpga_clock_hz"]
"""The FPGA clock: programs, timers and recorded events count its cycles (125 MHz)."""
PPU_CLOCK_HZ: int = _META["chip"]["ppu_clock_hz"]
"""The PPU clock (250 MHz)."""
PLAYBACK_MEMORY_BYTES: int = _META["chip"]["playback_memory_bytes"]
"""The FPGA's playback memory: the largest program it holds."""
FPGA_CYCLES_PER_US: int = FPGA_CLOCK_HZ // 1_000_000
"""FPGA clock cycles per microsecond of hardware time (125)."""
PPU_CYCLES_PER_FPGA_CYCLE: int = PPU_CLOCK_HZ // FPGA_CLOCK_HZ
"""PPU cycles per FPGA cycle (2)."""

SPEEDUP = 1000
"""How much faster than biology the chip runs: 1 us of hardware time models 1 ms."""

HEMISPHERES: int = _DIMS["synapse_quad"]["synram"]
SYNAPSE_ROWS: int = _DIMS["synapse_quad"]["row"]
SYNAPSE_COLUMNS: int = _DIMS["synapse_quad"]["quad"] * 4
SYNAPSE_SHAPE: tuple[int, int, int] = (HEMISPHERES, SYNAPSE_ROWS, SYNAPSE_COLUMNS)
"""Shape of the synapse arrays: (hemisphere, row, column) = (2, 256, 256)."""
QUADRANTS: int = _DIMS["neuron_config"]["quadrant"]
NEURONS: int = QUADRANTS * _DIMS["neuron_config"]["neuron"]
"""Neuron compartments (512)."""
CAPMEM_CELLS_PER_NEURON: int = _DIMS["capmem_cell"]["row"]
"""Analog parameters (CapMem cells) of each compartment (24)."""


def _finite_nonnegative(value: float, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
        raise InputError(f"{what}={value!r}; allowed: a number of microseconds >= 0")
    if not np.isfinite(value) or value < 0:
        raise InputError(f"{what}={value!r}; allowed: a finite number of microseconds >= 0")
    return float(value)


def us_to_cycles(us: float, what: str = "us") -> int:
    """Microseconds of hardware time as whole FPGA cycles (rounded to the nearest)."""
    return round(_finite_nonnegative(us, what) * FPGA_CYCLES_PER_US)


def cycles_to_us(cycles: npt.ArrayLike) -> npt.NDArray[np.float64]:
    """FPGA cycles as microseconds of hardware time (element-wise)."""
    return np.asarray(cycles, dtype=np.float64) / FPGA_CYCLES_PER_US


def ppu_cycles_to_us(cycles: npt.ArrayLike) -> npt.NDArray[np.float64]:
    """PPU cycles as microseconds of hardware time (element-wise)."""
    return np.asarray(cycles, dtype=np.float64) / (PPU_CLOCK_HZ / 1e6)


def hw_us_to_bio_ms(us: npt.ArrayLike) -> Any:  # noqa: ANN401 - float or array, as given
    """Hardware microseconds as the biological milliseconds they model. The number stays
    the same: the speed-up (1000) and the unit step from us to ms (1000) cancel."""
    bio = np.asarray(us, dtype=np.float64) * (SPEEDUP / 1000.0)
    return float(bio) if bio.ndim == 0 else bio


def bio_ms_to_hw_us(ms: npt.ArrayLike) -> Any:  # noqa: ANN401 - float or array, as given
    """Biological milliseconds as the hardware microseconds that model them."""
    hw = np.asarray(ms, dtype=np.float64) * (1000.0 / SPEEDUP)
    return float(hw) if hw.ndim == 0 else hw


__all__ = [
    "CAPMEM_CELLS_PER_NEURON",
    "FPGA_CLOCK_HZ",
    "FPGA_CYCLES_PER_US",
    "HEMISPHERES",
    "NEURONS",
    "PLAYBACK_MEMORY_BYTES",
    "PPU_CLOCK_HZ",
    "PPU_CYCLES_PER_FPGA_CYCLE",
    "QUADRANTS",
    "SPEEDUP",
    "SYNAPSE_COLUMNS",
    "SYNAPSE_ROWS",
    "SYNAPSE_SHAPE",
    "bio_ms_to_hw_us",
    "cycles_to_us",
    "hw_us_to_bio_ms",
    "ppu_cycles_to_us",
    "us_to_cycles",
]
