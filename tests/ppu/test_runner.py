"""bss_host.ppu against the in-process model: loading, running, exit codes, the mailbox,
symbols, faults, runaway programs, both cores, the CLI."""

from __future__ import annotations

import json
import textwrap

import numpy as np
import pytest

from bss_host import Program, connect
from bss_host.cli import main as bss
from bss_host.errors import PpuAsmError, PpuElfError
from bss_host.ppu import (
    Ppu,
    PpuAlignmentError,
    PpuBusError,
    PpuIllegalInstructionError,
    PpuImage,
    PpuRunawayError,
    UnknownSymbolError,
)

COUNTER = """
        .text
        .globl _start
_start:
        lis r4, counter@ha
        lwz r5, counter@l(r4)
        addi r5, r5, 1
        stw r5, counter@l(r4)
        stw r5, 0x3000(0)          # mailbox word 0
        li r3, 7
        stw r3, 0x2ffc(0)          # exit code
        wait
        .data
        .align 2
        .globl counter
counter: .long 41
        .size counter, 4
"""


def image(src: str, name: str = "<test>") -> PpuImage:
    return PpuImage.assemble(textwrap.dedent(src), name)


def test_assemble_load_run_exit_code_mailbox_and_symbols() -> None:
    img = image(COUNTER)
    assert img.symbol("counter").size == 4
    with connect("sim:") as conn:
        ppu = Ppu(conn, "top")
        ppu.load(img)
        r = ppu.run(timeout_us=100)
        assert r.exit_code == 7
        assert r.mailbox_words()[0] == 42
        assert int(ppu.read_symbol("counter")[0]) == 42
        assert r.stats is not None and r.stats.instructions == 8
        assert r.stats.cycles >= 8
        # A variable written by name is what the next run sees.
        ppu.write_symbol("counter", 99)
        r = ppu.run(timeout_us=100)
        assert r.mailbox_words()[0] == 100


def test_a_trace_lists_the_executed_instructions() -> None:
    with connect("sim:") as conn:
        ppu = Ppu(conn, "bottom")
        ppu.load(image(COUNTER))
        r = ppu.run(trace=100)
    assert r.trace is not None
    assert [e.pc for e in r.trace] == [4 * i for i in range(8)]
    assert r.trace[-1].text == "wait"
    assert (np.diff([e.cycle for e in r.trace]) > 0).all()


def test_both_cores_run_independently() -> None:
    prog = """
        li r3, {code}
        stw r3, 0x2ffc(0)
        wait
    """
    with connect("sim:") as conn:
        top, bottom = Ppu(conn, "top"), Ppu(conn, "bottom")
        top.load(image(prog.format(code=1)))
        bottom.load(image(prog.format(code=2)))
        assert bottom.run().exit_code == 2
        assert top.run().exit_code == 1


def test_the_exit_code_is_signed() -> None:
    with connect("sim:") as conn:
        ppu = Ppu(conn)
        ppu.load(image("li r3, -5\nstw r3, 0x2ffc(0)\nwait\n"))
        assert ppu.run().exit_code == -5


@pytest.mark.parametrize(
    ("src", "error", "pc", "detail"),
    [
        ("li r3, 1\n.long 0x00000000\n", PpuIllegalInstructionError, 4, 0),
        ("li r3, 1\n.long 0x7c64202c\n", PpuIllegalInstructionError, 4, 0x7C64202C),  # lwbrx
        ("li r4, 2\nlwz r3, 0(r4)\n", PpuAlignmentError, 4, 2),
        ("lis r4, 0x6000\nlwz r3, 0(r4)\n", PpuBusError, 4, 0x6000_0000),
    ],
)
def test_faults_are_typed_errors_with_the_pc(src: str, error: type, pc: int, detail: int) -> None:
    with connect("sim:") as conn:
        ppu = Ppu(conn)
        ppu.load(image(src))
        with pytest.raises(error) as e:
            ppu.run(timeout_us=50)
    assert e.value.pc == pc
    assert e.value.detail == detail
    assert f"{pc:#06x}" in str(e.value)


def test_a_runaway_program_times_out_with_its_pc() -> None:
    with connect("sim:") as conn:
        ppu = Ppu(conn)
        ppu.load(image("li r3, 0\nloop: addi r3, r3, 1\nb loop\n"))
        with pytest.raises(PpuRunawayError) as e:
            ppu.run(timeout_us=30, poll_us=10)
        assert e.value.pc in (4, 8)
        # The core is held in reset afterwards.
        assert ppu.status()["sleep"] == 0


def test_a_program_reconfigures_the_chip_and_the_host_sees_it() -> None:
    # Write weight 21 to synapse (row 0, column 0) through the vector unit: splat, then
    # fxvoutx with a byte enable from a compare so only byte 0 (column 0) is written.
    src = """
        li r4, 21
        fxvsplatb 1, r4
        li r5, 1
        fxvsplatb 2, r5            # 1 everywhere ...
        li r6, 0
        stb r6, 0x100(0)
        li r7, 0x100
        fxvlax 3, 0, r7            # ... and memory whose byte 0 is 0 (rest whatever)
        sync
        fxvcmpb 3                  # EQ where the byte is 0
        li r8, 0
        fxvoutx 1, 0, r8, 3        # weights base, index 0 = row 0 even columns, C = EQ
        sync
        wait
    """
    with connect("sim:") as conn:
        ppu = Ppu(conn)
        # Memory at 0x100 after the store: byte 0 = 0, the other bytes nonzero.
        ppu.load(image(src))
        ppu.write_memory(0x100, bytes([0]) + bytes(range(1, 128)))
        ppu.run()
        p = Program()
        t = p.read_array("synapse_weight_quad", [0, 1])
        conn.run(p)
    w = t.array()
    assert w["weight_0"][0] == 21
    assert w["weight_1"][0] == 0 and w["weight_0"][1] == 0


def test_symbol_errors_are_clear() -> None:
    img = image(COUNTER)
    with pytest.raises(UnknownSymbolError, match="did you mean counter"):
        img.symbol("countr")
    with connect("sim:") as conn:
        ppu = Ppu(conn)
        ppu.load(img)
        with pytest.raises(ValueError, match="do not fit"):
            ppu.write_symbol("counter", 2**40)
        with pytest.raises(ValueError, match="4 bytes"):
            ppu.write_symbol("counter", [1, 2])


def test_assembler_and_loader_errors() -> None:
    with pytest.raises(PpuAsmError) as e:
        PpuImage.assemble("addi r3, r3, 99999\nfoo r1\n", "x.s")
    assert [(f, line) for f, line, _c, _m in e.value.errors] == [("x.s", 1), ("x.s", 2)]
    with pytest.raises(PpuElfError):
        PpuImage.from_elf(b"\x7fELF garbage")
    with pytest.raises(ValueError, match="at most 4096"):
        PpuImage.from_words(np.zeros(5000))


def test_run_over_a_raw_word_image() -> None:
    # li r3,3 ; stw r3,0x2ffc(0) ; wait
    img = PpuImage.from_words([0x38600003, 0x90602FFC, 0x7C00007C])
    with connect("sim:") as conn:
        ppu = Ppu(conn)
        ppu.load(img)
        assert ppu.run().exit_code == 3


def test_cli_run_prints_exit_code_mailbox_and_cycles(tmp_path, capsys) -> None:  # noqa: ANN001
    src = tmp_path / "counter.s"
    src.write_text(COUNTER)
    assert bss(["ppu", "run", str(src), "--set", "counter=9", "--json"]) == 1  # exit code 7
    out = json.loads(capsys.readouterr().out)
    assert out["exit_code"] == 7
    assert out["mailbox_words"][0] == 10
    assert out["instructions"] == 8 and out["cycles"] >= 8
    elf = tmp_path / "counter.elf"
    assert bss(["ppu", "asm", str(src), "-o", str(elf)]) == 0
    capsys.readouterr()
    assert bss(["ppu", "disasm", str(elf)]) == 0
    listing = capsys.readouterr().out
    assert "<_start>:" in listing and "wait" in listing
    assert bss(["ppu", "run", str(elf), "--ppu", "bottom", "--trace", "3"]) == 1
    text = capsys.readouterr().out
    assert "exit code 7" in text and "lis r4,0" in text


def test_cli_reports_faults_in_one_line(tmp_path, capsys) -> None:  # noqa: ANN001
    src = tmp_path / "bad.s"
    src.write_text("li r3, 1\n.long 0\n")
    assert bss(["ppu", "run", str(src)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: PPU top: illegal instruction 0x00000000 at pc 0x0004")


def test_cli_build_errors_are_reported_without_a_traceback(tmp_path, capsys) -> None:  # noqa: ANN001
    assert bss(["ppu", "run", str(tmp_path / "missing.S")]) == 2
    assert "no such file" in capsys.readouterr().err
    bad = tmp_path / "bad.c"
    bad.write_text("int main(void) { return undefined_name; }\n")
    assert bss(["ppu", "run", str(bad)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "undefined_name" in err and "Traceback" not in err


def test_cli_setup_runs_the_kernel_alongside_a_configured_chip(capsys) -> None:  # noqa: ANN001
    assert bss(["ppu", "run", "stdp.S", "--setup", "--set", "stdp_rows=2", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["exit_code"] == 0 and out["mailbox_text"] == "STDP"
    assert out["mailbox_words"][4] == 2, "rows per sweep"


@pytest.mark.parametrize("level", [None, "0", "s"])
def test_cli_cc_builds_c_that_runs(tmp_path, capsys, level) -> None:  # noqa: ANN001
    src = tmp_path / "k.c"
    src.write_text("#include <bss_ppu/chip.h>\n"
                   "int main(void) { mailbox_write_u32(0, 77); return 5; }\n")
    elf = tmp_path / "k.elf"
    args = ["ppu", "cc", str(src), "-o", str(elf)] + (["-O", level] if level else [])
    assert bss(args) == 0
    assert bss(["ppu", "run", str(elf), "--json"]) == 1  # exit code 5
    out = json.loads(capsys.readouterr().out.split("\n", 1)[1])
    assert out["exit_code"] == 5 and out["mailbox_words"][0] == 77


def test_cli_toolchain_reports_missing_tools(monkeypatch, capsys) -> None:  # noqa: ANN001
    assert bss(["ppu", "toolchain"]) == 0
    assert "powerpc-linux-gnu-gcc" in capsys.readouterr().out
    monkeypatch.setenv("BSS_PPU_TOOL_PREFIX", "no-such-target-")
    assert bss(["ppu", "toolchain"]) == 1
    out = capsys.readouterr()
    assert out.out.splitlines()[0].split() == ["gcc", "missing"]
    assert "--install" in out.err
