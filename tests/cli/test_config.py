"""``bss config``: preset, show, validate, diff, apply and graph on files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bss_host.cli import main
from bss_host.config import load, save
from tests.config.test_graph import small_network


def test_preset_show_validate_apply(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BSS_STATE_DIR", str(tmp_path / "state"))
    f = str(tmp_path / "p.bsschip")
    assert main(["config", "preset", f]) == 0
    assert main(["config", "show", f, "--json"]) == 0
    out = capsys.readouterr().out
    assert json.loads(out[out.index("{"):])["neurons_firing"] == 512
    assert main(["config", "validate", f]) == 0
    assert "0 error(s)" in capsys.readouterr().out
    assert main(["config", "apply", f]) == 0
    assert "capmem_cell (12480)" in capsys.readouterr().out


def test_validate_exits_1_on_errors_and_diff_lists_registers(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    chip = small_network()
    a = save(chip, tmp_path / "a.bsschip")
    chip.neurons.readout.enable_buffered[[1, 2]] = 1
    b = save(chip, tmp_path / "b.bsschip")
    assert main(["config", "validate", str(b)]) == 1
    assert "readout line" in capsys.readouterr().out
    assert main(["config", "diff", str(a), str(b), "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == [
        {"register": "neuron_config", "instances": 2, "words": 2}]
    assert load(a) != load(b)


def test_graph_table_dot_and_png(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = str(save(small_network(), tmp_path / "n.bsschip"))
    assert main(["config", "graph", f, "--neuron", "3,0"]) == 0
    assert "background 1" in capsys.readouterr().out
    assert main(["config", "graph", f, "--neuron", "3,0", "--dot", "-"]) == 0
    assert capsys.readouterr().out.startswith("digraph")
    assert main(["config", "graph", f, "--neuron", "3,0", "--png", str(tmp_path / "g.png")]) == 0
    assert (tmp_path / "g.png").stat().st_size > 5000
    assert main(["config", "graph", f, "--neuron", "3"]) == 2
    assert "COLUMN,ROW" in capsys.readouterr().err


def test_a_damaged_file_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.bsschip"
    bad.write_text("not a configuration")
    assert main(["config", "show", str(bad)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1
