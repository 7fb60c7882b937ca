"""Starting configurations written through programs: what a bring-up or calibration
script writes first. Raw register values, no calibration (that is `calib`'s job).

- :func:`chip_setup`: CapMem on, the shared per-quadrant cells at the defaults calix uses
  (chip.md §3.4), backend clocks running, CADCs on, PADI buses taking crossbar events;
- :func:`neuron_cells`: a (512, 24) array of per-neuron CapMem codes, a usable leaky
  integrate-and-fire start point that the keyword arguments override by row name;
- :func:`neuron_setup`: writes those cells, the neuron configuration bits and the backend.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from bss_host import _core
from bss_host.config.chip import Chip
from bss_host.coords import NeuronCell
from bss_host.errors import InputError, ShapeError
from bss_host.regmap import REGMAP
from bss_host.units import CAPMEM_CELLS_PER_NEURON as CAPMEM_ROWS
from bss_host.units import NEURONS

if TYPE_CHECKING:
    from bss_host.program import Program

CELL_ROWS = tuple(cell.name for cell in NeuronCell)
"""The 24 per-neuron CapMem rows in order (chip.md §3.3)."""

DEFAULT_CELLS: dict[str, int] = {
    "v_leak": 700, "v_reset": 620, "v_threshold": 560, "e_synin_exc_rev": 1000,
    "e_synin_inh_rev": 200, "v_adapt_leak": 700, "v_exp": 900, "v_adapt_ref": 512,
    "i_bias_leak": 200, "i_bias_reset": 1012, "i_bias_synin_exc_tau": 30,
    "i_bias_synin_exc_coba": 0, "i_bias_synin_exc_shift": 310, "i_bias_synin_exc_gm": 500,
    "i_bias_synin_inh_tau": 30, "i_bias_synin_inh_coba": 0, "i_bias_synin_inh_shift": 310,
    "i_bias_synin_inh_gm": 500, "i_bias_adapt_tau": 100, "i_bias_adapt_a": 0,
    "i_bias_adapt_b": 0, "i_bias_exp": 0, "i_mem_offset": 0, "i_bias_nmda": 0,
}
"""Start point: E_L ~0.42 V, threshold ~0.66 V, tau_mem ~11 us, tau_syn ~10 us."""

SHARED_CELLS: dict[tuple[int, int], int] = {
    (128, 0): 70,     # stp_v_charge_0 (the CADC reference)
    (128, 4): 200,    # cadc_v_ramp_offset
    (128, 5): 400,    # cadc_v_bias_ramp_buf
    (128, 7): 250,    # neuron_v_bias_casc_n
    (128, 8): 1022,   # syn_i_bias_dac
    (128, 15): 511,   # cadc_i_ramp_slope
    (128, 16): 1022,  # cadc_i_bias_comp
    (128, 17): 1022,  # cadc_i_bias_vreset_buf
    (128, 18): 110,   # neuron_i_bias_readout_amp
    (128, 19): 100,   # neuron_i_bias_leak_source_follower
    (128, 20): 200,   # neuron_i_bias_spike_comparator
    (129, 23): 300,   # neuron_i_bias_synin_drop
}

# The capmem_cell instances of all neurons' 24 cells, neuron-major: the bulk encoder's.
_NEURON_CELLS = _core.neuron_capmem_indices()

SETTLE_US = 1500.0
"""Hardware time to wait after CapMem writes before measuring (7.5 settling constants of
the model's CapMem)."""


def neuron_cells(**rows: int | npt.ArrayLike) -> npt.NDArray[np.int64]:
    """(512, 24) CapMem codes: :data:`DEFAULT_CELLS`, with rows overridden by name (a
    scalar for all neurons or a 512-array)."""
    unknown = set(rows) - set(CELL_ROWS)
    if unknown:
        raise InputError(f"unknown CapMem rows {sorted(unknown)}; allowed: {', '.join(CELL_ROWS)}")
    cells = np.empty((NEURONS, CAPMEM_ROWS), np.int64)
    for i, name in enumerate(CELL_ROWS):
        cells[:, i] = np.broadcast_to(np.asarray(rows.get(name, DEFAULT_CELLS[name])), NEURONS)
    return cells


def chip_setup(p: Program, *, syn_dac_bias: int = 1022, clock_scale_fast: int = 3,
               clock_scale_slow: int = 9) -> Program:
    """Power the analog core up: CapMem, shared cells, backend clocks, CADCs, PADI buses."""
    p.write_array("capmem_block_config", enable_capmem=1)
    capmem = REGMAP["capmem_cell"]
    idx, val = [], []
    for block in range(4):
        for (col, row), v in SHARED_CELLS.items():
            idx.append(capmem.index_of(block, col, row))
            val.append(syn_dac_bias if (col, row) == (128, 8) else v)
    p.write_array("capmem_cell", value=np.array(val), indices=np.array(idx))
    p.write_array("common_neuron_backend_config", enable_clocks=1, enable_event_registers=1,
                  clock_scale_fast=clock_scale_fast, clock_scale_slow=clock_scale_slow)
    p.write_array("cadc_config", enable=1)
    p.write_array("common_padi_bus_config", enable_spl1_0=1, enable_spl1_1=1, enable_spl1_2=1,
                  enable_spl1_3=1)
    return p


def neuron_setup(
    p: Program,
    cells: npt.ArrayLike | None = None,
    config: Mapping[str, int | npt.ArrayLike] | None = None,
    backend: Mapping[str, int | npt.ArrayLike] | None = None,
) -> Program:
    """Write all 512 neurons: CapMem cells (default :func:`neuron_cells`), NeuronConfig
    (default: full capacitor, comparator and fire on, synaptic inputs on, reset
    conductance x8) and backend (default: refractory 32 ticks of the fast clock = 2 us,
    calix's default; spikes out; address_out = backend index % 256, i.e.
    row * 128 + column % 128)."""
    values = np.asarray(neuron_cells() if cells is None else cells)
    if values.shape != (NEURONS, CAPMEM_ROWS):
        raise ShapeError(f"cells must have shape ({NEURONS}, {CAPMEM_ROWS}), got {values.shape}")
    p.write_array("capmem_cell", value=values.ravel(), indices=_NEURON_CELLS)
    cfg: dict[str, int | npt.ArrayLike] = {
        "membrane_capacitor_size": 63, "enable_threshold_comparator": 1, "enable_fire": 1,
        "enable_synaptic_input_exc": 1, "enable_synaptic_input_inh": 1,
        "enable_reset_multiplication": 1,  # calix runs the reset at ~1012 LSB with x8
    }
    cfg.update(config or {})
    p.write_array("neuron_config", cfg)
    be: dict[str, int | npt.ArrayLike] = {
        "refractory_time": 32, "enable_spike_out": 1, "address_out": np.arange(NEURONS) % 256,
        "enable_adaptation_pulse": 1, "select_input_clock": 1,
    }
    be.update(backend or {})
    p.write_array("neuron_backend_config", be)
    return p


class ChipWriter:
    """Takes the writes a preset makes to a program and applies them to a :class:`Chip`
    instead, so each preset is written once for both."""

    def __init__(self, chip: Chip) -> None:
        self.chip = chip

    def write_array(self, name: str, columns: Mapping[str, npt.ArrayLike | int] | None = None,
                    indices: npt.ArrayLike | None = None,
                    **kw: npt.ArrayLike | int) -> ChipWriter:
        index = slice(None) if indices is None else np.asarray(indices, dtype=np.intp)
        for field, values in {**(columns or {}), **kw}.items():
            self.chip.image.set(name, field, index, values, where=f"presets: {name}")
        return self


def setup_chip(
    cells: npt.ArrayLike | None = None,
    config: Mapping[str, int | npt.ArrayLike] | None = None,
    backend: Mapping[str, int | npt.ArrayLike] | None = None,
    *,
    syn_dac_bias: int = 1022,
    clock_scale_fast: int = 3,
    clock_scale_slow: int = 9,
) -> Chip:
    """The configuration :func:`chip_setup` and :func:`neuron_setup` write, as a
    :class:`Chip`: CapMem and clocks on, all 512 neurons set up. Change it, then
    ``conn.apply(chip)`` and wait :data:`SETTLE_US` for CapMem to settle.

    >>> chip = setup_chip(config={"enable_fire": 0})
    >>> chip.summary()["capmem_blocks_enabled"], chip.neurons.leak.v_leak[0]
    (4, 700)
    """
    chip = Chip.default()
    writer = ChipWriter(chip)
    chip_setup(writer, syn_dac_bias=syn_dac_bias,  # type: ignore[arg-type]
               clock_scale_fast=clock_scale_fast, clock_scale_slow=clock_scale_slow)
    neuron_setup(writer, cells, config, backend)  # type: ignore[arg-type]
    return chip
