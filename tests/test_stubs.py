"""The extension's type stubs name exactly what the extension exports, and say it right."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import bss_host._core as core


def test_stubs_cover_the_extension() -> None:
    tree = ast.parse((Path(core.__file__).parent / "_core.pyi").read_text())
    stubbed = {n.name for n in tree.body if isinstance(n, ast.ClassDef | ast.FunctionDef)}
    exported = {n for n in dir(core) if not n.startswith("_")}
    assert exported == stubbed


def test_stub_passes_stubtest(tmp_path: Path) -> None:
    """``mypy.stubtest`` finds the stub faithful to the extension: every name, signature,
    default and property, with no allowlist."""
    # mypy comes with the `test` extra; without it this fails, it does not skip.
    import mypy.stubtest  # noqa: F401
    root = str(Path(core.__file__).parent.parent)
    env = {**os.environ, "MYPYPATH": root,
           "PYTHONPATH": os.pathsep.join(p for p in (root, os.environ.get("PYTHONPATH")) if p)}
    run = subprocess.run([sys.executable, "-m", "mypy.stubtest", "bss_host._core"],
                         cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stdout + run.stderr
