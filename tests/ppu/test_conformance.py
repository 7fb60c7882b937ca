"""The PPU conformance suite (tests/ppu/conformance, riscv-tests style) through the host
path: each file is preprocessed, assembled by our assembler, loaded over the wire into
the model and run. Pass = the program reaches `wait` with "PASS" in the mailbox; a failed
check hangs, and the mailbox names the failing test."""

from __future__ import annotations

from pathlib import Path

import pytest

from bss_host import connect
from bss_host.ppu import Ppu, PpuImage, PpuRunawayError
from bss_host.ppu import toolchain as ppu_toolchain

SUITE = Path(__file__).parent / "conformance"
PASS_MAGIC = 0x50415353


def build(path: Path, text: str | None = None) -> PpuImage:
    if text is not None:
        path.write_text(text)
    source = ppu_toolchain.preprocess_asm(path, include_dirs=[SUITE], line_markers=True)
    return PpuImage.assemble(source, str(path))


def run_suite_file(img: PpuImage) -> tuple[int, int, int]:
    """(failing test or 0, tests run, status word); a hang raises PpuRunawayError."""
    with connect("sim:?ppu_traps=vector") as conn:
        ppu = Ppu(conn, "top")
        ppu.load(img)
        r = ppu.run(timeout_us=2000, poll_us=250)
    w = [int(x) for x in r.mailbox_words(">u4")[:3]]
    return w[0], w[1], w[2]


@pytest.mark.parametrize("path", sorted(SUITE.glob("*.S")), ids=lambda p: p.stem)
def test_conformance_file_passes(path: Path) -> None:
    failed, ran, status = run_suite_file(build(path))
    assert failed == 0
    assert status == PASS_MAGIC
    assert ran >= 10, "the file ran its tests"


def test_the_suite_covers_scalar_groups_and_the_vector_unit() -> None:
    names = {p.stem for p in SUITE.glob("*.S")}
    assert {"arith", "logic", "rotate", "compare", "branch", "loadstore", "cr", "spr",
            "trap"} <= names
    assert sum(n.startswith("fxv") for n in names) >= 4


def test_a_wrong_expectation_hangs_and_names_the_test(tmp_path: Path) -> None:
    # 2 + 3 is not 6: test 2 must fail, after test 1 passed.
    src = (
        '#include "test_macros.h"\n'
        "    TEST_CASE(1, r3, 5, li r4, 2 ; li r5, 3 ; add r3, r4, r5)\n"
        "    TEST_CASE(2, r3, 6, li r4, 2 ; li r5, 3 ; add r3, r4, r5)\n"
        "TEST_END\n"
    )
    img = build(tmp_path / "wrong.S", src)
    with connect("sim:?ppu_traps=vector") as conn:
        ppu = Ppu(conn)
        ppu.load(img)
        with pytest.raises(PpuRunawayError) as e:
            ppu.run(timeout_us=200, poll_us=50)
    assert int.from_bytes(e.value.mailbox[0:4], "big") == 2
