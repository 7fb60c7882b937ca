"""The package's layers (docs/architecture.md): lower layers never import higher ones, and
no two modules import each other, directly or around a loop. Imports inside functions
count; imports only for type checking (``if TYPE_CHECKING:``) do not."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "bss_host"

# Lowest first. A module may import its own layer and the ones before it.
LAYERS = [
    {"_core", "_core_types", "errors", "units", "result"},
    {"regmap", "coords"},
    {"config"},
    {"program", "transports", "connection", "shadow"},
    {"emulator", "wirespec"},
    {"ppu"},
    {"introspection"},
    {"cli"},
]
RANK = {name: i for i, layer in enumerate(LAYERS) for name in layer}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports(path: Path) -> set[str]:
    """bss_host modules imported by a file, outside ``if TYPE_CHECKING:`` blocks."""
    tree = ast.parse(path.read_text())
    skip: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skip.update(id(n) for child in node.body for n in ast.walk(child))
    found = set()
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("bss_host"))
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "bss_host":
                found.update(f"bss_host.{a.name}" for a in node.names)
            elif node.module.startswith("bss_host."):
                found.add(node.module)
    return found


def top(module: str) -> str:
    return module.split(".")[1] if "." in module else ""


GRAPH = {module_name(p): imports(p) for p in PACKAGE.rglob("*.py")}


def test_every_subpackage_has_a_layer() -> None:
    tops = {top(m) for m in GRAPH} - {""}
    assert tops <= set(RANK), tops - set(RANK)


def test_lower_layers_never_import_higher_ones() -> None:
    wrong = []
    for module, deps in GRAPH.items():
        if not top(module):
            continue  # bss_host/__init__.py gathers the public names of every layer
        for dep in deps:
            if top(dep) in RANK and RANK[top(dep)] > RANK[top(module)]:
                wrong.append(f"{module} -> {dep}")
    assert not wrong, wrong


def test_no_import_cycles_between_modules() -> None:
    def resolve(dep: str) -> str | None:
        # `from bss_host.x import y` may name a module y or a name in x.
        return dep if dep in GRAPH else (dep.rsplit(".", 1)[0] if dep.rsplit(".", 1)[0]
                                         in GRAPH else None)

    edges = {m: {d for d in map(resolve, deps) if d and d != m and d != "bss_host"}
             for m, deps in GRAPH.items()}
    # A package's __init__ re-exporting its own modules is not a cycle of those modules.
    for m in edges:
        edges[m] = {d for d in edges[m] if not m.startswith(d + ".")}
    state: dict[str, int] = {}
    cycles: list[list[str]] = []

    def visit(m: str, path: list[str]) -> None:
        state[m] = 1
        for d in sorted(edges.get(m, ())):
            if state.get(d) == 1:
                cycles.append([*path[path.index(d):], d] if d in path else [m, d])
            elif d not in state:
                visit(d, [*path, d])
        state[m] = 2

    for m in sorted(edges):
        if m not in state:
            visit(m, [m])
    assert not cycles, cycles
