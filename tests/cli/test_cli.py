"""The `bss` command line, run as a user would."""

import json
import subprocess
import sys

import pytest

from bss_host.cli import main


def run(*args):
    return subprocess.run(
        [sys.executable, "-m", "bss_host.cli", *args], capture_output=True, text=True, timeout=60
    )


def test_info_json_reports_the_chip():
    p = run("info", "--json")
    assert p.returncode == 0, p.stderr
    info = json.loads(p.stdout)
    inv = info["inventory"]
    assert (inv["neurons"], inv["synapses"], inv["capmem_cells"]) == (512, 131072, 12480)
    assert (inv["synapse_drivers"], inv["background_sources"], inv["crossbar_nodes"]) == (
        256, 8, 76)
    t = info["totals"]
    assert t["registers"] == sum(b["registers"] for b in info["blocks"])
    assert t["config_words"] > 131072 + 12480


def test_info_text(capsys):
    assert main(["info"]) == 0
    out = capsys.readouterr().out
    assert "neurons" in out and "512" in out and "total" in out


def test_regs_encode_prints_hex_pairs(capsys):
    assert main(["regs", "encode", "capmem_cell[5]", "value=0x3ff"]) == 0
    assert capsys.readouterr().out.split() == ["0x00140005", "0x000003ff"]
    assert main(["regs", "encode", "neuron_config[0]", "readout_source=adaptation",
                 "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["fields"]["readout_source"] == 3 and len(d["writes"]) == 6


def test_regs_encode_by_coordinates(capsys):
    assert main(["regs", "encode", "synapse_quad[1,2,3]", "weight_0=1"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == f"0x{0x03CF0000 + 2 * 128 + 3:08x} 0x10000000"


@pytest.mark.parametrize(
    "args,needle",
    [
        (["regs", "encode", "capmem_cell[5]", "value=1024"], "out of range"),
        (["regs", "encode", "capmem_cell[12480]", "value=1"], "0..12480"),
        (["regs", "encode", "nope[0]"], "unknown register"),
        (["regs", "encode", "capmem_cell[0]", "value"], "FIELD=VALUE"),
        (["regs", "encode", "capmem_cell[0]", "valu=1"], "no field"),
        (["regs", "show", "nope"], "unknown register"),
    ],
)
def test_bad_input_gives_a_clear_error(args, needle):
    p = run(*args)
    assert p.returncode == 2
    assert needle in p.stderr and "Traceback" not in p.stderr


def test_regs_list_and_show(capsys):
    assert main(["regs", "list", "--json"]) == 0
    regs = json.loads(capsys.readouterr().out)
    assert any(r["name"] == "neuron_config" for r in regs)
    assert main(["regs", "show", "capmem_cell"]) == 0
    assert "disable_refresh" in capsys.readouterr().out
