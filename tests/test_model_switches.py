"""``sim:?noise=S&mismatch=S``: model switches for studies (issue 12 item 5)."""

from __future__ import annotations

import numpy as np
import pytest

from bss_host import Program, connect, introspection, presets
from bss_host.errors import InputError
from tests.test_model import cadc_membranes


def resting(url: str, reads: int = 6) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """CADC reads of all resting membranes (reads x 512) and the true parameters, after
    CapMem has settled completely (5 ms: 25 settling constants; with SETTLE_US the
    cells still creep by fractions of an LSB, written one cycle apart)."""
    with connect(url) as conn:
        conn.apply(presets.setup_chip(config={"enable_fire": 0}))
        conn.run(Program().wait(us=5000))
        out = []
        for _ in range(reads):
            conn.run(Program().wait(us=20))
            out.append(cadc_membranes(conn)[0])
        truth = introspection.neuron_parameters(conn)
    return np.array(out), truth


def test_noise_zero_makes_repeated_reads_identical_and_noise_scales_the_spread() -> None:
    quiet, _ = resting("sim:?seed=3&noise=0")
    assert (quiet == quiet[0]).all(), "no temporal noise: every read the same"
    normal, _ = resting("sim:?seed=3")
    loud, _ = resting("sim:?seed=3&noise=3")
    spread = normal.std(axis=0).mean()
    assert spread > 0.3
    assert 2.0 < loud.std(axis=0).mean() / spread < 4.0


def test_mismatch_scales_the_fixed_pattern() -> None:
    _, ideal = resting("sim:?seed=5&mismatch=0", reads=1)
    _, made = resting("sim:?seed=5", reads=1)
    _, double = resting("sim:?seed=5&mismatch=2", reads=1)
    # The presets give every neuron the same codes: an ideal chip makes them equal.
    # (up to the last creep of CapMem cells written a cycle apart: microvolts)
    assert np.ptp(ideal["e_leak"]) < 1e-5
    assert np.ptp(ideal["g_leak"]) / np.mean(ideal["g_leak"]) < 1e-5
    assert np.std(made["e_leak"]) > 0.005
    ratio = np.std(double["e_leak"]) / np.std(made["e_leak"])
    assert 1.6 < ratio < 2.4
    # The seed decides the pattern; the scale only stretches it.
    d = (double["e_leak"] - ideal["e_leak"]) / (made["e_leak"] - ideal["e_leak"])
    assert np.median(d) == pytest.approx(2.0, rel=0.1)


@pytest.mark.parametrize("bad", ["noise=-1", "noise=nan", "mismatch=inf", "noise=lots"])
def test_bad_scales_are_refused(bad: str) -> None:
    with pytest.raises(InputError, match=bad.split("=")[0]):
        connect(f"sim:?{bad}")
