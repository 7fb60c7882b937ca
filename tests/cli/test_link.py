"""``bss link dissect`` through the CLI."""

import io
import json
import sys

import pytest

from bss_host.cli import main
from tests.wirespec.test_dissect import small_stream


def test_cli_dissect_file(tmp_path, capsys):
    path = tmp_path / "capture.bin"
    path.write_bytes(small_stream())
    assert main(["link", "dissect", str(path)]) == 0
    out = capsys.readouterr().out
    assert "WRITE  0x02a00000 <- 0x00000001" in out and "summary:" in out

    assert main(["link", "dissect", str(path), "--json"]) == 0
    assert len(json.loads(capsys.readouterr().out)) == 7


def test_cli_dissect_stdin(monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(small_stream())))
    assert main(["link", "dissect", "-"]) == 0
    assert "HALT_ECHO time=1000" in capsys.readouterr().out


def test_cli_dissect_unreadable(tmp_path, capsys):
    assert main(["link", "dissect", str(tmp_path / "missing.bin")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "missing.bin" in err and err.count("\n") == 1


def test_cli_needs_a_subcommand():
    with pytest.raises(SystemExit):
        main(["link"])
