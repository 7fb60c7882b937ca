"""Host-side helpers for the shipped plasticity kernels (``bss_host/ppu/sdk/examples``)."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from bss_host.config import Chip, presets
from bss_host.connection import Connection
from bss_host.coords import CrossbarNode, SynapseDriver
from bss_host.errors import InputError
from bss_host.program import Program
from bss_host.regmap import REGMAP, quads_by_column


def correlation_offsets(conn: Connection, synram: int = 0, row: int = 0,
                        repeats: int = 16) -> npt.NDArray[np.int8]:
    """The STDP kernel's ``stdp_offset``: per column, the mean of ``(a >> 1) - (c >> 1)``
    over ``repeats`` CADC reads of freshly reset correlation sensors of ``row`` (c, a:
    causal and acausal readings). It is the difference of the two CADC channels' offsets,
    which the kernel subtracts so that no correlation means no weight change. Shape
    (2, 128): [half][j] is column 2 j + half, as the kernel's vectors hold them.

    Resets the sensors of ``row`` first (its accumulated correlation is lost)."""
    if synram not in (0, 1) or not 0 <= row < 256 or repeats < 1:
        raise InputError(f"synram {synram} (0..1), row {row} (0..255), repeats {repeats} "
                         "(>= 1)")
    reset = REGMAP["correlation_reset"]
    sample = REGMAP["cadc_sample_quad"]
    p = Program()
    p.write_array("correlation_reset", indices=[reset.index_of(synram, row, q)
                                                for q in range(64)], trigger=1)
    p.wait(us=1)
    tickets = {ch: [p.read_array("cadc_sample_quad",
                                 [sample.index_of(synram, ch, row, q) for q in range(64)])
                    for _ in range(repeats)] for ch in (0, 1)}
    conn.run(p)
    half_codes: dict[int, npt.NDArray[np.float64]] = {}
    for ch, ts in tickets.items():
        codes = np.concatenate([quads_by_column(t.array(), "sample") for t in ts])
        half_codes[ch] = (codes.astype(np.int64) >> 1).mean(axis=0)
    diff = np.rint(half_codes[1] - half_codes[0]).clip(-128, 127).astype(np.int8)
    return np.stack([diff[0::2], diff[1::2]])


def pairing_chip(driver: int, firing: npt.ArrayLike) -> Chip:
    """The configuration the STDP examples and tests pair spikes on: the presets, with
    the neurons in ``firing`` made to spike on every excitatory input (bypass; the
    threshold out of reach), L2 input 0 routed to the PADI bus of ``driver`` on the top
    half only, the driver listening to row select 0 with its top row (``2 driver``, the
    plastic one) inhibitory so that presynaptic events alone cause no spike, and its
    bottom row (``2 driver + 1``, the teacher) excitatory; synapse labels 63 (unused) and
    the correlation sensors of every column switched on. Synapse weights and labels of
    the two rows are the caller's."""
    fire = np.zeros(512, np.int64)
    fire[np.asarray(firing)] = 1
    chip = presets.setup_chip(presets.neuron_cells(v_threshold=1022),
                              config={"enable_synaptic_input_inh": 0,
                                      "enable_bypass_excitatory": fire})
    for out in range(9):  # L2 input 0 -> the driver's PADI bus of the top half only
        blocked = out != driver % 4
        chip.crossbar[CrossbarNode(8, out)].mask = 0x3FFF if blocked else 0
        chip.crossbar[CrossbarNode(8, out)].target = 0x3FFF if blocked else 0
    drv = chip.drivers[SynapseDriver(0, driver)]
    drv.enable_receiver, drv.row_address_compare_mask = 1, 0x1F
    drv.row_mode_top, drv.row_mode_bottom = "inhibitory", "excitatory"
    chip.synapses.label[:] = 63
    for kind in ("causal", "acausal"):
        for e in range(4):
            setattr(chip.correlation_switches, f"enable_internal_{kind}_{e}", 1)
    return chip
