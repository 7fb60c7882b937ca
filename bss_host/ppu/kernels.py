"""Host-side helpers for the shipped plasticity kernels (``bss_host/ppu/sdk/examples``)."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from bss_host.connection import Connection
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
