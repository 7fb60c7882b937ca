"""The extension's type stubs name exactly what the extension exports."""

from __future__ import annotations

import ast
from pathlib import Path

import bss_host._core as core


def test_stubs_cover_the_extension() -> None:
    tree = ast.parse((Path(core.__file__).parent / "_core.pyi").read_text())
    stubbed = {n.name for n in tree.body if isinstance(n, ast.ClassDef | ast.FunctionDef)}
    exported = {n for n in dir(core) if not n.startswith("_")}
    assert exported == stubbed
