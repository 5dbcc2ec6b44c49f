"""The house's rules, read from the source with ``ast``: no import circle anywhere; the engine
(``autograd``) imports neither ``nn`` nor ``viz``; no package imports another's private module or name;
and every module can be the first one imported."""

from __future__ import annotations

import ast
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("autograd", "nn", "viz", "chainrule")


@cache
def modules() -> dict[str, Path]:
    """Every module of the four packages by dotted name (a package by its own name)."""
    found = {}
    for package in PACKAGES:
        for file in sorted((ROOT / package).rglob("*.py")):
            parts = file.relative_to(ROOT).with_suffix("").parts
            found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = file
    return found


def _type_checking_only(tree: ast.AST) -> set[int]:
    """The ids of nodes under ``if TYPE_CHECKING:``, which never run."""
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skipped.update(id(inner) for branch in node.body for inner in ast.walk(branch))
    return skipped


def _owner(name: str) -> str | None:
    """The module of ours that a dotted import name loads last (``autograd.tensor.core.Tensor`` is
    ``autograd.tensor.core``), or None for another library."""
    known = modules()
    while name and name not in known:
        name = name.rpartition(".")[0]
    return name or None


@cache
def imports() -> dict[str, set[tuple[str, str]]]:
    """Per module, what it imports at run time, anywhere in the file: (module, name) pairs, name "" for
    a whole module. Late imports inside functions count: they are circles that wait for a call."""
    found: dict[str, set[tuple[str, str]]] = {}
    for module, file in modules().items():
        tree = ast.parse(file.read_text())
        skipped = _type_checking_only(tree)
        package = module if file.name == "__init__.py" else module.rpartition(".")[0]
        edges: set[tuple[str, str]] = set()
        for node in ast.walk(tree):
            if id(node) in skipped:
                continue
            if isinstance(node, ast.Import):
                edges.update((target, "") for alias in node.names if (target := _owner(alias.name)))
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join([*parts, *([base] if base else [])])
                for alias in node.names:
                    target = _owner(f"{base}.{alias.name}")
                    if target == f"{base}.{alias.name}":
                        edges.add((target, ""))
                    elif target := _owner(base):
                        edges.add((target, alias.name))
        edges.discard((module, ""))
        found[module] = edges
    return found


def _circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan, iteratively)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    circles = []
    for start in graph:
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, successors = work[-1]
            for successor in successors:
                if successor not in index:
                    index[successor] = low[successor] = len(index)
                    stack.append(successor)
                    on_stack.add(successor)
                    work.append((successor, iter(sorted(graph[successor]))))
                    break
                if successor in on_stack:
                    low[node] = min(low[node], index[successor])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        circles.append(sorted(component))
    return circles


def test_the_circle_finder_finds_a_circle() -> None:
    assert _circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _circles({"a": {"b"}, "b": set()}) == []


def test_no_module_imports_itself_back() -> None:
    graph = {module: {target for target, _ in edges} for module, edges in imports().items()}
    assert _circles(graph) == []


def _package(module: str) -> str:
    return module.partition(".")[0]


def test_the_engine_knows_neither_nn_nor_viz() -> None:
    upward = [
        (module, target)
        for module, edges in imports().items()
        if _package(module) == "autograd"
        for target, _ in edges
        if _package(target) in ("nn", "viz", "chainrule")
    ]
    assert upward == []


def test_no_package_imports_another_packages_private_names() -> None:
    """Across package lines only public seams: no ``_module``, no ``_name``."""
    private = [
        (module, target, name)
        for module, edges in imports().items()
        for target, name in edges
        if _package(target) != _package(module)
        and (name.startswith("_") or any(part.startswith("_") for part in target.split(".")))
    ]
    assert private == []


@pytest.mark.parametrize("module", sorted(modules()))
def test_every_module_can_be_imported_first(module: str) -> None:
    done = subprocess.run(
        [sys.executable, "-c", f"import {module}"], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr


ENGINE_INTERNALS = {
    "_parents",
    "_op",
    "_ctx",
    "_da",
    "_db",
    "_versions",
    "_vc",
    "_view",
    "_epoch",
    "_rebases",
}
NN_INTERNALS = {"_owner", "_modules", "_parameters", "_buffers"}


@pytest.mark.parametrize(
    ("packages", "internals"),
    [
        (("nn", "viz", "chainrule"), ENGINE_INTERNALS | {"_grad", "_version"}),
        (("viz", "chainrule"), NN_INTERNALS),
    ],
)
def test_no_package_reads_anothers_node_internals(packages: tuple[str, ...], internals: set[str]) -> None:
    """Graphs are read through ``parents``, ``rule``, ``input_grads``, ``Parameter.module``; writes of a
    tensor's memory are counted through ``increment_version`` (``self._x`` in a package's own classes is
    its own business)."""
    reads = [
        f"{file.relative_to(ROOT)}:{node.lineno} .{node.attr}"
        for module, file in modules().items()
        if _package(module) in packages
        for node in ast.walk(ast.parse(file.read_text()))
        if isinstance(node, ast.Attribute)
        and node.attr in internals
        and not (isinstance(node.value, ast.Name) and node.value.id == "self")
    ]
    assert reads == []
