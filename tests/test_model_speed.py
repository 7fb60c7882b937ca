"""The fast path of the chip model against its fine-step reference (``sim:?exact=1``),
issue 12: the same spikes within the model's own temporal noise, and the same bits on
every run."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pytest

from bss_host import Program, connect, presets
from bss_host.transports.sim import parse_sim_url
from bss_host.errors import InputError
from bss_host.units import FPGA_CYCLES_PER_US, NEURONS

SETTLE_US = presets.SETTLE_US + 600
RUN_US = 300.0
REGIMES = {
    "tonic": ({"i_mem_offset": 400}, {"enable_membrane_offset": 1}),
    "adapting": ({"i_mem_offset": 400, "i_bias_exp": 120, "v_exp": 880, "i_bias_adapt_a": 30,
                  "i_bias_adapt_b": 40, "i_bias_adapt_tau": 10},
                 {"enable_membrane_offset": 1, "enable_exponential": 1,
                  "enable_adaptation": 1}),
}


def neuron_of(label: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """Neuron of a recorded label under the presets' address_out (backend index % 256)."""
    out, addr = (label >> 8) & 7, label & 0xFF
    return (addr >> 7) * 256 + (out // 4) * 128 + (addr & 127)


def spikes(url: str, regime: str) -> list[npt.NDArray[np.float64]]:
    cells, config = REGIMES[regime]
    conn = connect(url)
    conn.apply(presets.setup_chip(presets.neuron_cells(**cells), config=config))
    conn.run(Program().wait(us=SETTLE_US))
    res = conn.run(Program().record_events().timer_reset().wait_until(us=RUN_US))
    conn.close()
    n = neuron_of(res.spikes["label"].astype(np.int64))
    t = res.spikes["time"] / FPGA_CYCLES_PER_US
    return [np.sort(t[n == i]) for i in range(NEURONS)]


@pytest.mark.parametrize("regime", sorted(REGIMES))
def test_fast_path_matches_reference(regime: str) -> None:
    fast = spikes("sim:?seed=1", regime)
    exact = spikes("sim:?seed=1&exact=1", regime)
    counts_f = np.array([len(s) for s in fast])
    counts_e = np.array([len(s) for s in exact])
    assert counts_e.sum() > 5 * NEURONS, "the regime must fire"
    assert np.mean(counts_f == counts_e) >= 0.97
    diffs, isis = [], []
    for f, e in zip(fast, exact):
        if len(f) == len(e) and len(e) > 1:
            diffs.append(np.abs(f - e))
            isis.append(np.full(len(e), np.median(np.diff(e))))
    rel = np.concatenate(diffs) / np.concatenate(isis)
    assert np.median(rel) < 0.01


def test_fast_path_is_reproducible() -> None:
    a = spikes("sim:?seed=3", "adapting")
    b = spikes("sim:?seed=3", "adapting")
    assert all(np.array_equal(x, y) for x, y in zip(a, b))


def test_exact_option() -> None:
    assert parse_sim_url("sim:?seed=2&exact=1") == (2, "report", True)
    assert parse_sim_url("sim:")[2] is False
    with pytest.raises(InputError, match="exact"):
        parse_sim_url("sim:?exact=yes")
