"""The PPU SDK with the stock Debian PowerPC toolchain (gcc-powerpc-linux-gnu).

Expected FXV words come from the encoding formula of the reference (ppu.md section 2)
with the XO table parsed from rust/ppu/src/insn/fxv.rs, not from the SDK headers.
Instruction legality is judged by an allowlist written here from the Nux decode list
(ppu.md section 1). The cross tools are required (.ci/run installs them); without them
the tests fail with ToolchainNotFoundError naming the Debian package.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bss_host import REGMAP
from bss_host.ppu.toolchain import (
    EXAMPLES_DIR,
    INCLUDE_DIR,
    CompileError,
    ToolchainNotFoundError,
    compile_c,
    compile_object,
    find_tool,
    preprocess_asm,
)
from bss_host.regmap.export.c_header import generate_registers_h, write_registers_h

ROOT = Path(__file__).resolve().parents[2]
CONFORMANCE = ROOT / "tests" / "ppu" / "conformance"
FXV_RS = ROOT / "rust" / "ppu" / "src" / "insn" / "fxv.rs"


KERNELS = ["stdp", "homeostasis", "structural"]
KERNEL_PARAMETERS = {
    "stdp": ["stdp_learning_rate", "stdp_rows", "stdp_iterations", "stdp_wait_us"],
    "homeostasis": [
        "homeostasis_target",
        "homeostasis_step",
        "homeostasis_hemisphere",
        "homeostasis_rows",
        "homeostasis_iterations",
        "homeostasis_wait_us",
    ],
    "structural": [
        "structural_threshold",
        "structural_initial_weight",
        "structural_seed",
        "structural_label_mask",
        "structural_rows",
        "structural_iterations",
        "structural_wait_us",
    ],
}


# --- the FXV table, from the Rust source ------------------------------------------------
def fxv_table() -> list[tuple[int, str, str, list[str]]]:
    """(xo, mnemonic, shape, aliases) for the 53 opcodes, parsed from fxv.rs."""
    body = FXV_RS.read_text().split("fxv_ops! {")[-1]
    rows = re.findall(r'\w+ = (\d+), "(\w+)", (\w+)((?:, "\w+")*);', body)
    return [(int(xo), mn, shape, re.findall(r'"(\w+)"', al)) for xo, mn, shape, al in rows]


def fxv_word(xo: int, vrt: int = 0, vra: int = 0, vrb: int = 0, c: int = 0) -> int:
    return (4 << 26) | (vrt << 21) | (vra << 16) | ((vrb & 31) << 11) | (xo << 2) | c


def test_fxv_table_has_53_distinct_opcodes():
    table = fxv_table()
    assert len(table) == 53
    assert len({xo for xo, *_ in table}) == 53
    assert {mn for _, mn, _, _ in table} >= {"fxvinx", "fxvoutx", "fxvlax", "fxvstax"}


# --- Nux instruction allowlist (ppu.md section 1 decode list) -----------------------------
PRIMARY_OK = {3, 7, 8, 10, 11, 12, 13, 14, 15, 16, 18, 20, 21, 23, 24, 25, 26, 27, 28, 29}
PRIMARY_OK |= set(range(32, 48))
OP19_OK = {0, 16, 33, 38, 50, 51, 129, 193, 225, 257, 289, 417, 449, 528}
OP31_X_OK = {
    0, 4, 23, 24, 26, 28, 32, 55, 60, 62, 83, 87, 119, 122, 124, 146, 151, 154, 183, 215,
    247, 279, 284, 310, 311, 316, 343, 375, 407, 412, 438, 439, 444, 476, 536, 598, 792,
    824, 922, 954, 19, 144, 339, 467,
}  # fmt: skip
OP31_XO_OK = {8, 10, 11, 40, 75, 104, 136, 138, 200, 202, 232, 234, 235, 266, 459, 491}
NUX_SPRS = {
    1, 8, 9, 13, 22, 26, 27, 54, 58, 59, 61, 62, 65, 66, 67, 68, 136, 256, 259, 260, 261,
    262, 263, 284, 285, 336, 340, 570, 571,
}  # fmt: skip
# Mnemonics objdump may print for words Nux lacks (second opinion; FXV words on
# opcode 4 are judged by their XO instead).
DENYLIST = re.compile(
    r"^(isel|lwbrx|stwbrx|mftb|lwarx|stwcx\.|isync|mbar|eieio|dcb\w*|icbi|sc|lswi|stswi|"
    r"lswx|stswx|f\w+|lf\w+|stf\w+|mfocrf|mtocrf)$"
)


def nux_violation(word: int, fxv_xos: set[int]) -> str | None:
    """Why the word is not a Nux instruction, or None."""
    op = word >> 26
    if op == 4:
        xo = (word >> 2) & 0x1FF
        return None if xo in fxv_xos else f"opcode 4 with XO {xo} is not an FXV instruction"
    if op in PRIMARY_OK:
        return None
    if op == 19:
        xo = (word >> 1) & 0x3FF
        return None if xo in OP19_OK else f"opcode 19 XO {xo}"
    if op == 31:
        x10 = (word >> 1) & 0x3FF
        if x10 in (339, 467):
            spr = ((word >> 16) & 0x1F) | (((word >> 11) & 0x1F) << 5)
            return None if spr in NUX_SPRS else f"SPR {spr} does not exist on Nux"
        if x10 in OP31_X_OK or ((word >> 1) & 0x1FF) in OP31_XO_OK:
            return None
        return f"opcode 31 XO {x10}"
    return f"primary opcode {op}"


def test_allowlist_rejects_what_nux_lacks():
    fxv = {xo for xo, *_ in fxv_table()}
    lacking = {
        0x7C0001DE: "isel",  # isel r0,0,0,7 (31/15)
        0x7C63042C: "lwbrx",
        0x7C6C42E6: "mftb",
        0x4C00012C: "isync",
        0x7C0006AC: "eieio/mbar",
        0x44000002: "sc",
        0xC0030000: "lfs",
        0xFC000090: "fmr",
        0x7C0004AA: "lswi",
        0x10000000 | (48 << 2): "opcode-4 XO 48 (old NEVER extension)",
        0x7C6C42A6: "mfspr 268",
    }
    for word, name in lacking.items():
        assert nux_violation(word, fxv) is not None, name
    present = [0x7C00007C, 0x7C0004AC, 0x7C7C42A6, 0x38600001, 0x4E800020, fxv_word(461, 1, 2, 3)]
    for word in present:
        assert nux_violation(word, fxv) is None, hex(word)


# --- objdump helpers ------------------------------------------------------------------
_LINE = re.compile(r"^\s*([0-9a-f]+):\s+((?:[0-9a-f]{2} ){4})\s*(\S*)")


def disassembly(path: Path) -> dict[str, list[tuple[int, int, str]]]:
    """Function name -> [(address, word, mnemonic)] of the executable sections."""
    out = subprocess.run(
        [str(find_tool("objdump")), "-d", "-z", str(path)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    functions: dict[str, list[tuple[int, int, str]]] = {}
    current = ""
    for line in out.splitlines():
        head = re.match(r"^[0-9a-f]+ <([^>]+)>:", line)
        if head:
            current = head.group(1)
            functions.setdefault(current, [])
            continue
        m = _LINE.match(line)
        if m:
            word = int(m.group(2).replace(" ", ""), 16)
            functions.setdefault(current, []).append((int(m.group(1), 16), word, m.group(3)))
    return functions


def symbols(path: Path) -> dict[str, int]:
    out = subprocess.run(
        [str(find_tool("nm")), str(path)], capture_output=True, text=True, check=True
    ).stdout
    table = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3:
            table[parts[2]] = int(parts[0], 16)
    return table


# --- building the kernels -------------------------------------------------------------
@pytest.fixture(scope="module")
def kernel_elves(tmp_path_factory):
    out = tmp_path_factory.mktemp("kernels")
    elves = {}
    for name in KERNELS:
        for ext in ("c", "S"):
            elves[(name, ext)] = compile_c(
                [EXAMPLES_DIR / f"{name}.{ext}"], out / f"{name}_{ext}.elf"
            )
    return elves


@pytest.mark.parametrize("name", KERNELS)
@pytest.mark.parametrize("ext", ["c", "S"])
def test_kernel_links_with_crt_and_parameters(kernel_elves, name, ext):
    elf = kernel_elves[(name, ext)]
    syms = symbols(elf)
    assert syms["_start"] == 0
    assert "main" in syms and "_start_impl" in syms and "exit" in syms
    assert syms["stack_ptr_init"] == 0x2FF0
    assert syms["__return_code"] == 0x2FFC
    assert syms["mailbox_base"] == 0x3000
    for param in KERNEL_PARAMETERS[name]:
        assert param in syms, param
        assert syms[param] < 0x2F00, f"{param} must live in SRAM"
    assert syms["__int_end"] <= 0x2F00


@pytest.mark.parametrize("name", KERNELS)
@pytest.mark.parametrize("ext", ["c", "S"])
def test_kernel_uses_only_nux_instructions(kernel_elves, name, ext):
    fxv = {xo for xo, *_ in fxv_table()}
    bad = []
    for function, insns in disassembly(kernel_elves[(name, ext)]).items():
        for address, word, mnemonic in insns:
            why = nux_violation(word, fxv)
            if why is None and (word >> 26) != 4 and DENYLIST.match(mnemonic):
                why = f"denied mnemonic {mnemonic}"
            if why:
                bad.append(f"{function}+{address:#x}: {word:#010x} {mnemonic}: {why}")
    assert not bad, "\n".join(bad)


def _fxv_signature(word: int, shapes: dict[int, str]) -> tuple[int, ...]:
    """The FXV word without the GPR fields (compiler-chosen registers)."""
    xo = (word >> 2) & 0x1FF
    if shapes[xo] in ("TrrC", "Trr", "Tr"):
        return (xo, (word >> 21) & 31, word & 3)
    return (word,)


@pytest.mark.parametrize("name", KERNELS)
def test_c_and_assembly_kernels_issue_the_same_vector_code(kernel_elves, name):
    shapes = {xo: shape for xo, _, shape, _ in fxv_table()}
    sequences = []
    for ext in ("c", "S"):
        funcs = disassembly(kernel_elves[(name, ext)])
        words = [w for _, w, _ in funcs["main"] if w >> 26 == 4]
        sequences.append([_fxv_signature(w, shapes) for w in words])
    assert sequences[0] and sequences[0] == sequences[1]


def test_crt0_vector_table_and_installable_handler(tmp_path):
    src = tmp_path / "isr.c"
    src.write_text(
        'int main(void) { return 3; }\n__asm__(".globl isr_fit\\nisr_fit:\\n rfi\\n");\n'
    )
    elf = compile_c([src], tmp_path / "isr.elf")
    syms = symbols(elf)
    start = disassembly(elf)["_start"]
    assert [a for a, _, _ in start] == list(range(0, 0x34, 4))
    targets = []
    for address, word, _ in start:
        assert word >> 26 == 18 and word & 3 == 0, f"slot {address:#x} is not a plain b"
        offset = word & 0x03FFFFFC
        offset -= (offset & 0x02000000) << 1
        targets.append(address + offset)
    assert targets[0] == syms["_start_impl"]
    assert targets[0x2C // 4] == syms["isr_fit"]
    others = [t for i, t in enumerate(targets[1:], 1) if i != 0x2C // 4]
    assert set(others) == {syms["_isr_undefined"]}
    # exit stores r3 at 0x2FFC and halts with the Nux wait encoding.
    exit_words = [w for _, w, _ in disassembly(elf)["exit"]]
    assert 0x7C00007C in exit_words
    assert 0x7C0004AC in exit_words  # sync


def test_ext_sections_go_to_external_memory(tmp_path):
    src = tmp_path / "ext.c"
    src.write_text(
        "#include <bss_ppu/chip.h>\n"
        "BSS_EXT_TEXT int far_add(int x) { return x + 1; }\n"
        "BSS_EXT_DATA int far_value = 5;\n"
        "int main(void) { return far_add(far_value); }\n"
    )
    elf = compile_c([src], tmp_path / "ext.elf")
    syms = symbols(elf)
    assert syms["far_add"] == 0x8000_0000
    assert 0x4000_0000 <= syms["far_value"] < 0x4002_0000
    assert syms["main"] < 0x2F00


def test_internal_memory_overflow_is_a_link_error(tmp_path):
    src = tmp_path / "big.c"
    src.write_text("static volatile char big[12000]; int main(void) { return big[5]; }\n")
    with pytest.raises(CompileError) as info:
        compile_c([src], tmp_path / "big.elf")
    assert "internal memory" in info.value.stderr


# --- the FXV wrappers give the formula's words ---------------------------------------------
def _operands(seed: int) -> list[tuple[int, str, str, list[str], dict[str, int]]]:
    out = []
    for i, (xo, mn, shape, aliases) in enumerate(fxv_table()):
        k = seed + 7 * i
        out.append(
            (
                xo,
                mn,
                shape,
                aliases,
                {
                    "vrt": (k * 5 + 1) % 32,
                    "vra": (k * 11 + 2) % 32,
                    "vrb": (k * 13 + 3) % 32,
                    "c": k % 4,
                    "sh": (k % 32) - 16,
                },
            )
        )
    return out


RA, RB = 9, 10  # pinned GPRs in the test program


def _expected(xo: int, shape: str, o: dict[str, int]) -> int:
    t, a, b, c, sh = o["vrt"], o["vra"], o["vrb"], o["c"], o["sh"]
    return {
        "TabC": lambda: fxv_word(xo, t, a, b, c),
        "TaC": lambda: fxv_word(xo, t, a, 0, c),
        "AbC": lambda: fxv_word(xo, 0, a, b, c),
        "AC": lambda: fxv_word(xo, 0, a, 0, c),
        "A": lambda: fxv_word(xo, 0, a, 0, 0),
        "TrrC": lambda: fxv_word(xo, t, RA, RB, c),
        "Trr": lambda: fxv_word(xo, t, RA, RB, 0),
        "Tr": lambda: fxv_word(xo, t, RA, 0, 0),
        "TaSh": lambda: fxv_word(xo, t, a, sh & 31, 0),
    }[shape]()


def _operand_text(shape: str, o: dict[str, int], gprs: tuple[str, str, str]) -> str:
    """The operand list of an FXV shape; ``gprs`` spells the GPR operands of the shapes
    TrrC, Trr and Tr (C wrapper variables, or registers in the assembler's mixed
    spellings)."""
    t, a, b, c, sh = o["vrt"], o["vra"], o["vrb"], o["c"], o["sh"]
    trrc, trr, tr = gprs
    return {
        "TabC": f"{t}, {a}, {b}, {c}",
        "TaC": f"{t}, {a}, {c}",
        "AbC": f"{a}, {b}, {c}",
        "AC": f"{a}, {c}",
        "A": f"{a}",
        "TrrC": f"{t}, {trrc}, {c}",
        "Trr": f"{t}, {trr}",
        "Tr": f"{t}, {tr}",
        "TaSh": f"{t}, {a}, {sh}",
    }[shape]


def _c_call(name: str, shape: str, o: dict[str, int]) -> str:
    return f"    {name}({_operand_text(shape, o, ('ra, rb', 'ra, rb', 'ra'))});\n"


def _asm_line(name: str, shape: str, o: dict[str, int]) -> str:
    gprs = (f"r{RA}, {RB}", f"{RA}, r{RB}", f"r{RA}")
    return f"    {name} {_operand_text(shape, o, gprs)}\n"


def _opcode4_words(obj: Path) -> list[int]:
    return [w for insns in disassembly(obj).values() for _, w, _ in insns if w >> 26 == 4]


@settings(
    max_examples=4, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(seed=st.integers(min_value=0, max_value=10_000))
@pytest.mark.parametrize("optimize", ["-O0", "-O2"])
def test_c_wrappers_emit_the_formula_words(tmp_path, seed, optimize):
    ops = _operands(seed)
    body = [
        "#include <bss_ppu/fxv.h>\n",
        "void all_fxv(uint32_t x, uint32_t y) {\n",
        f'    register uint32_t ra __asm__("r{RA}") = x;\n',
        f'    register uint32_t rb __asm__("r{RB}") = y;\n',
    ]
    expected = []
    for xo, mn, shape, aliases, o in ops:
        for name in [mn, *aliases]:
            body.append(_c_call(name, shape, o))
            expected.append(_expected(xo, shape, o))
    body.append("}\n")
    src = tmp_path / f"wrappers_{seed}.c"
    src.write_text("".join(body))
    obj = compile_object(src, tmp_path / f"wrappers_{seed}.o", optimize=optimize)
    assert [hex(w) for w in _opcode4_words(obj)] == [hex(w) for w in expected]


@settings(
    max_examples=4, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(seed=st.integers(min_value=0, max_value=10_000))
def test_gas_macros_emit_the_formula_words(tmp_path, seed):
    ops = _operands(seed)
    lines = ["#include <bss_ppu/fxv.inc>\n", "    .text\n"]
    expected = []
    for xo, mn, shape, aliases, o in ops:
        for name in [mn, *aliases]:
            lines.append(_asm_line(name, shape, o))
            expected.append(_expected(xo, shape, o))
    src = tmp_path / f"macros_{seed}.S"
    src.write_text("".join(lines))
    obj = compile_object(src, tmp_path / f"macros_{seed}.o")
    assert [hex(w) for w in _opcode4_words(obj)] == [hex(w) for w in expected]


def test_out_of_range_operands_are_rejected(tmp_path):
    c_src = tmp_path / "bad.c"
    c_src.write_text("#include <bss_ppu/fxv.h>\nvoid f(void) { fxvaddbm(1, 2, 32, 0); }\n")
    with pytest.raises(CompileError):
        compile_object(c_src, tmp_path / "bad.o")
    s_src = tmp_path / "bad.S"
    s_src.write_text("#include <bss_ppu/fxv.inc>\n    fxvshb 1, 2, 16\n")
    with pytest.raises(CompileError) as info:
        compile_object(s_src, tmp_path / "bad_s.o")
    assert "shift out of range" in info.value.stderr


def test_nux_compat_macros(tmp_path):
    src = tmp_path / "nux.S"
    src.write_text(
        "#include <bss_ppu/nux.inc>\n    .text\n    wait\n    popcb r3, r4\n"
        "    prtyw 5, 6\n    rfci\n    rfmci\n"
    )
    words = [w for insns in disassembly(compile_object(src, tmp_path / "nux.o")).values()
             for _, w, _ in insns]  # fmt: skip
    assert words == [
        0x7C00007C,
        (31 << 26) | (4 << 21) | (3 << 16) | (122 << 1),
        (31 << 26) | (6 << 21) | (5 << 16) | (154 << 1),
        0x4C000066,
        0x4C00004C,
    ]


# --- registers.h --------------------------------------------------------------------------
def test_registers_h_is_deterministic_and_unique():
    text = generate_registers_h()
    assert text == generate_registers_h()
    names = [n for n in re.findall(r"^#define (\w+)", text, flags=re.M) if n != "BSS_U32"]
    assert len(names) == len(set(names))
    assert "#define BSS_SPIKE_COUNTER_READ_BASE BSS_U32(0x00122000)" in text
    assert "#define BSS_SPIKE_COUNTER_READ_OVERFLOW_SHIFT 8" in text


def _cpp() -> str:
    """The cross preprocessor (installed with the cross compiler) or the host's."""
    cpp = shutil.which("powerpc-linux-gnu-cpp") or shutil.which("cpp")
    assert cpp is not None, "no C preprocessor: install cpp or gcc-powerpc-linux-gnu"
    return cpp


@settings(max_examples=10, deadline=None)
@given(data=st.data())
def test_registers_h_addresses_and_fields_match_regmap(tmp_path_factory, data):
    tmp = tmp_path_factory.mktemp("regs")
    write_registers_h(tmp)
    regs = data.draw(st.lists(st.sampled_from(sorted(REGMAP)), min_size=1, max_size=6))
    probes: list[tuple[str, int]] = []
    for name in regs:
        reg = REGMAP[name]
        index = data.draw(st.integers(0, reg.count - 1))
        coords = reg.coordinates(index)
        word = data.draw(st.integers(0, reg.words - 1))
        macro = f"BSS_{name.upper()}"
        probes.append(
            (f"{macro}_ADDR({', '.join(map(str, coords))}) + {word} * {macro}_WORD_STRIDE",
             reg.address(index, word))
        )  # fmt: skip
        field = data.draw(st.sampled_from(reg.fields))
        f = f"{macro}_{field.name.upper()}"
        probes += [
            (f"{f}_SHIFT", field.lsb),
            (f"{f}_WIDTH", field.width),
            (f"{f}_WORD", field.word),
            (f"{f}_MASK", ((1 << field.width) - 1) << field.lsb),
        ]
    src = tmp / "probe.c"
    src.write_text('#include "bss_ppu/registers.h"\n' + "".join(f"PROBE {e}\n" for e, _ in probes))
    out = subprocess.run(
        [_cpp(), "-P", f"-I{tmp}", str(src)], capture_output=True, text=True, check=True
    ).stdout
    values = [line[len("PROBE ") :] for line in out.splitlines() if line.startswith("PROBE")]
    assert len(values) == len(probes)
    for (expr, want), text in zip(probes, values, strict=True):
        python_expr = re.sub(r"(0x[0-9A-Fa-f]+|\d+)u\b", r"\1", text)
        assert eval(python_expr, {"__builtins__": {}}) == want, expr  # noqa: S307


# --- errors -------------------------------------------------------------------------------
def test_missing_tool_names_the_debian_package(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(ToolchainNotFoundError) as info:
        find_tool("gcc")
    assert info.value.package == "gcc-powerpc-linux-gnu"
    assert "gcc-powerpc-linux-gnu" in str(info.value)
    with pytest.raises(ToolchainNotFoundError) as info:
        find_tool("objdump")
    assert "binutils-powerpc-linux-gnu" in str(info.value)
    with pytest.raises(ToolchainNotFoundError):
        compile_c([EXAMPLES_DIR / "stdp.c"], tmp_path / "x.elf")


def test_syntax_error_is_a_compile_error_with_the_message(tmp_path):
    src = tmp_path / "broken.c"
    src.write_text("int main(void) { return 0 }\n")
    with pytest.raises(CompileError) as info:
        compile_c([src], tmp_path / "broken.elf")
    assert "broken.c" in info.value.stderr
    assert "expected" in info.value.stderr
    assert info.value.returncode != 0
    assert not (tmp_path / "broken.elf").exists()


def test_missing_source_is_reported(tmp_path):
    with pytest.raises(FileNotFoundError):
        preprocess_asm(tmp_path / "nope.S")


# --- assembly for our own assembler --------------------------------------------------------
@pytest.mark.parametrize("name", KERNELS)
def test_preprocess_asm_leaves_plain_mnemonics(name):
    text = preprocess_asm(EXAMPLES_DIR / f"{name}.S")
    assert ".macro" not in text
    assert "#include" not in text
    assert "fxvinx" in text and "fxvoutx" in text
    assert "main:" in text


# --- the conformance suite -----------------------------------------------------------------
CONFORMANCE_FILES = sorted(CONFORMANCE.glob("*.S"))


def test_conformance_suite_is_present():
    names = {p.stem for p in CONFORMANCE_FILES}
    assert {"arith", "logic", "rotate", "compare", "branch", "loadstore", "cr", "spr"} <= names
    assert {"trap", "fxv_arith", "fxv_acc", "fxv_select", "fxv_permute"} <= names


def _test_numbers(text: str) -> list[int]:
    return [int(n) for n in re.findall(r"\bTEST_\w+\((\d+),", text)] + [
        int(n) for n in re.findall(r"\bTEST_SET\((\d+)\)", text)
    ]


@pytest.mark.parametrize("path", CONFORMANCE_FILES, ids=lambda p: p.stem)
def test_conformance_test_numbers_are_unique(path):
    numbers = _test_numbers(path.read_text())
    assert numbers, "no test cases"
    assert len(numbers) == len(set(numbers))
    assert sorted(numbers) == list(range(1, len(numbers) + 1))


@pytest.mark.parametrize("path", CONFORMANCE_FILES, ids=lambda p: p.stem)
def test_conformance_file_assembles_with_gnu_as(path, tmp_path):
    obj = compile_object(path, tmp_path / f"{path.stem}.o", extra_flags=[f"-I{CONFORMANCE}"])
    ld = find_tool("ld")
    elf = tmp_path / f"{path.stem}.elf"
    subprocess.run([str(ld), "-Ttext=0", "-e", "0", "-o", str(elf), str(obj)], check=True)
    funcs = disassembly(elf)
    fxv = {xo for xo, *_ in fxv_table()}
    code = [
        (a, w)
        for name, insns in funcs.items()
        if not name.startswith(("test_vbuf", "ls_", "trap_data", "sel_", "perm_"))
        for a, w, _ in insns
    ]
    assert code[0] == (0, code[0][1]) and code[0][1] >> 26 == 18
    uses_fxv = any(w >> 26 == 4 for _, w in code)
    assert uses_fxv == path.stem.startswith("fxv_")
    bad = [f"{a:#x}: {w:#010x}" for a, w in code if nux_violation(w, fxv) is not None]
    assert not bad, "\n".join(bad)


@pytest.mark.parametrize("path", CONFORMANCE_FILES, ids=lambda p: p.stem)
def test_conformance_file_preprocesses_for_our_assembler(path):
    text = preprocess_asm(path, include_dirs=[CONFORMANCE])
    assert ".macro" not in text
    assert "test_pass:" in text and "test_fail:" in text


def test_sdk_files_are_inside_the_package():
    for rel in ["fxv.h", "fxv.inc", "nux.inc", "chip.h"]:
        assert (INCLUDE_DIR / "bss_ppu" / rel).is_file()
    for rel in ["crt0.S", "link.ld", "runtime.c"]:
        assert (INCLUDE_DIR.parent / rel).is_file()
