"""Progress of long runs: the program's expected duration, reports through logging and a
callback, and the CLI's progress bar."""

from __future__ import annotations

import logging

import pytest

from bss_host import Program, connect, connection, presets
from bss_host.cli.progress import ProgressBar


def test_duration_counts_waits_spike_times_and_instructions() -> None:
    p = Program()
    assert p.duration_cycles == 0
    p.write("timer", value=0)                     # one instruction
    p.wait(cycles=1000)                           # closes the segment, waits 1000
    assert p.duration_cycles == 1 + 2 + 1000      # write; wait = timer reset + wait
    p.timer_reset().wait_until(cycles=500)        # a new segment
    p.inject([1, 2], cycles=[100, 4000])          # spikes up to 4000 after the reset
    assert 1003 + 4000 <= p.duration_cycles <= 1003 + 4000 + 10
    p.wait(us=10)
    assert p.duration_cycles >= 1003 + 4000 + 1250


def test_a_long_run_reports_progress(monkeypatch: pytest.MonkeyPatch,
                                     caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setattr(connection, "PROGRESS_AFTER_S", 0.0)
    monkeypatch.setattr(connection, "PROGRESS_EVERY_S", 0.0)
    reports: list[tuple[float | None, float]] = []
    with connect("sim:") as conn:
        conn.apply(presets.setup_chip())           # the analog core runs: waits take time
        p = Program().wait(us=600)
        with caplog.at_level(logging.INFO, logger="bss_host.connection"):
            conn.run(p, progress=lambda done, total: reports.append((done, total)))
    assert len(reports) >= 2
    done = [d for d, _ in reports]
    assert all(d is not None for d in done) and done == sorted(done)
    assert all(abs(t - 600) < 5 for _, t in reports) and done[-1] <= 610
    assert any("of about 600 us of hardware time" in r.message for r in caplog.records)


def test_the_progress_bar_draws_on_stderr(capsys: pytest.CaptureFixture[str]) -> None:
    with ProgressBar("hardware time") as bar:
        bar(100.0, 400.0)
        bar(None, 400.0)   # a far end that does not say: the bar stays, no crash
        bar(300.0, 400.0)
    err = capsys.readouterr().err
    assert "hardware time" in err and "300/400" in err
