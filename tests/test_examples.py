"""Every script in tools/examples/ runs, at a small size, with matplotlib's non-interactive
backend, and writes its plot."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((REPO / "tools" / "examples").glob("*.py"))

# Extra arguments that make an example small enough for the suite (the defaults make the
# figures in docs/img/).
SMALL = {"network.py": ["--duration", "200"]}


def test_every_example_is_covered() -> None:
    assert {p.name for p in EXAMPLES} >= {"adex.py", "network.py", "stdp.py"}


@pytest.mark.parametrize("script", EXAMPLES, ids=lambda p: p.name)
def test_example_runs_and_plots(script: Path, tmp_path: Path) -> None:
    out = tmp_path / f"{script.stem}.png"
    env = {**os.environ, "MPLBACKEND": "Agg"}
    env.pop("BSS_URL", None)
    done = subprocess.run(
        [sys.executable, str(script), "--out", str(out), *SMALL.get(script.name, [])],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert out.stat().st_size > 10_000, "the plot is missing or empty"
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
