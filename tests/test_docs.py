"""Docs that run: every code block of the README and every doctest in the package.

A snippet that stops working fails here. Python blocks run as written, each in a fresh
namespace. Shell blocks run line by line in a scratch directory, with three exceptions
that are named in :data:`NOT_RUN`: installing (``pip install``), apt (``--install``) and
``bss emulate`` itself, which the ``emulator`` fixture runs instead on a free port (the
lines that talk to it get that port in place of 7411).
"""

from __future__ import annotations

import doctest
import importlib
import os
import pkgutil
import re
import shlex
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

import bss_host
from tests.support.emulator import emulator_process

REPO = Path(__file__).resolve().parents[1]
README = (REPO / "README.md").read_text()

NOT_RUN = {
    "pip install": "installing is what the test run itself did",
    "bss ppu toolchain --install": "apt needs root; the suite checks the toolchain without it",
    "bss emulate": "served by the emulator fixture on a free port",
}


def code_blocks(language: str) -> list[tuple[int, str]]:
    """(line number, text) of every fenced block in the README of that language."""
    blocks = []
    for m in re.finditer(rf"^```{language}\n(.*?)^```", README, re.S | re.M):
        blocks.append((README.count("\n", 0, m.start()) + 1, m.group(1)))
    return blocks


def test_the_readme_has_code_to_run() -> None:
    assert len(code_blocks("python")) >= 4 and len(code_blocks("sh")) >= 4


@pytest.mark.parametrize(("line", "code"), code_blocks("python"),
                         ids=lambda v: f"line{v}" if isinstance(v, int) else "")
def test_readme_python_block(line: int, code: str, tmp_path: Path,
                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("BSS_URL", raising=False)
    exec(compile(code, f"README.md:{line}", "exec"), {"__name__": "__readme__"})


def shell_commands() -> Iterator[tuple[int, str]]:
    for line, block in code_blocks("sh"):
        for offset, text in enumerate(block.splitlines()):
            command = text.split(" #", 1)[0].strip()
            if command and not any(command.startswith(p) for p in NOT_RUN):
                yield line + 1 + offset, command


@pytest.fixture(scope="module")
def emulator() -> Iterator[str]:
    with emulator_process() as (_, port):
        yield str(port)


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One scratch directory for all shell lines, so a line can use what an earlier line
    made (`bss ppu disasm my.elf` after `bss ppu asm my.S -o my.elf`)."""
    path = tmp_path_factory.mktemp("readme")
    # The files the README's commands take as input.
    (path / "my.S").write_text("    li r3, 0\n    stw r3, 0x2ffc(0)\n    wait\n")
    (path / "kernel.c").write_text("int main(void) { return 0; }\n")
    return path


@pytest.mark.parametrize(("line", "command"), list(shell_commands()),
                         ids=[f"line{n}" for n, _ in shell_commands()])
def test_readme_shell_command(line: int, command: str, emulator: str, workdir: Path) -> None:
    command = command.replace("127.0.0.1:7411", f"127.0.0.1:{emulator}")
    argv = [a.replace("/tmp/", f"{workdir}/") for a in shlex.split(command)]
    assert argv[0] == "bss", command
    env = {**os.environ, "BSS_STATE_DIR": str(workdir / "state")}
    env.pop("BSS_URL", None)
    done = subprocess.run([sys.executable, "-m", "bss_host.cli", *argv[1:]], cwd=workdir,
                          env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, f"README.md:{line}: {command}\n{done.stderr}"
    assert done.stdout.strip(), f"README.md:{line}: {command} printed nothing"


def package_modules() -> list[str]:
    names = [bss_host.__name__]
    for info in pkgutil.walk_packages(bss_host.__path__, prefix="bss_host."):
        if not info.name.endswith("__main__"):
            names.append(info.name)
    return names


@pytest.mark.parametrize("name", package_modules())
def test_doctests(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0, f"{result.failed} of {result.attempted} doctests failed in {name}"


def test_some_modules_carry_doctests() -> None:
    attempted = 0
    for name in package_modules():
        finder = doctest.DocTestFinder()
        attempted += sum(len(t.examples) for t in finder.find(importlib.import_module(name)))
    assert attempted >= 10
