"""The import graph of handbook/: no loops, and no import pointing up a layer (handbook/layers.py)."""

from __future__ import annotations

import ast
from pathlib import Path

from handbook.layers import LAYERS

PACKAGE = Path(__file__).resolve().parent.parent / "handbook"
RANK = {name: rank for rank, layer in enumerate(LAYERS.values()) for name in layer}
LAYER_OF = {name: layer for layer, names in LAYERS.items() for name in names}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported(path: Path, modules: set[str]) -> set[str]:
    """The modules of the package that a file imports, wherever the import statement stands."""
    here = module_name(path).split(".") if module_name(path) else []
    package = here if path.name == "__init__.py" else here[:-1]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[:len(package) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            elif (node.module or "").split(".")[0] == "handbook":
                target = node.module.removeprefix("handbook").removeprefix(".")
            else:
                continue
            for alias in node.names:
                submodule = f"{target}.{alias.name}".lstrip(".")
                found.add(submodule if submodule in modules else target)
        elif isinstance(node, ast.Import):
            found |= {a.name.removeprefix("handbook").removeprefix(".") for a in node.names
                      if a.name.split(".")[0] == "handbook"}
    return {name for name in found if name in modules and name != module_name(path)}


def import_graph() -> dict[str, set[str]]:
    paths = {module_name(p): p for p in PACKAGE.rglob("*.py")}
    return {name: imported(path, set(paths)) for name, path in paths.items()}


def loops(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_every_module_has_one_layer():
    graph = import_graph()
    assert len(RANK) == sum(len(names) for names in LAYERS.values()), "a module is listed in two layers"
    missing = sorted(name for name in graph if name not in RANK)
    assert not missing, f"add these modules to a layer in handbook/layers.py: {missing}"
    gone = sorted(name for name in RANK if name not in graph)
    assert not gone, f"handbook/layers.py lists modules that do not exist: {gone}"


def test_no_import_points_up_a_layer():
    graph = import_graph()
    upward = sorted(f"{name} ({LAYER_OF[name]}) imports {target} ({LAYER_OF[target]})"
                    for name, targets in graph.items() for target in targets
                    if name in RANK and target in RANK and RANK[target] > RANK[name])
    assert not upward, "\n".join(upward)


def test_no_import_loops():
    assert loops(import_graph()) == []


def test_the_checks_see_real_imports():
    """The parser must find the imports that exist, or the two tests above could never fail."""
    graph = import_graph()
    assert {"model", "numbering", "ref_syntax"} <= graph["flow"] | graph["model"]
    assert "render.plain" in graph["render.compendium"]  # a relative import from a subpackage
    assert "forms.definitions" in graph["sources"]  # an import inside a function
    assert loops({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
