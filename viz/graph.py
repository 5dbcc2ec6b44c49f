"""Pictures of computational graphs of Values or Tensors: ``to_dot`` gives DOT text, ``draw`` renders it."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import graphviz
import numpy as np

from autograd import topological_order
from autograd.files import atomic_write_bytes
from autograd.value import Value

FORMATS = ("png", "svg", "pdf")
RANKDIRS = ("LR", "TB")
DEFAULT_MAX_NODES = 1000
_RECORD_SPECIALS = str.maketrans({c: "\\" + c for c in '\\{}|<>"'} | {"\n": " ", "\r": " "})


class GraphvizNotFoundError(RuntimeError):
    """Rendering needs graphviz's ``dot`` program, which is not installed."""


def escape(text: str) -> str:
    """Text made safe inside a DOT record label: ``{ } | < > " \\`` are backslash-escaped."""
    return text.translate(_RECORD_SPECIALS)


COMMUTATIVE = frozenset({"add", "mul"})  # ops whose inputs need no a/b marks
DEEP = 4  # graphs with longer chains of ops than this are laid out top to bottom (rankdir "auto")


def _number(x: float) -> str:
    return f"{x + 0.0:.4g}"  # + 0.0 turns -0.0 into 0


@dataclass(frozen=True)
class Highlight:
    """How one frame of an animation marks the graph: each box's gradient row (``grad_text``), extra
    DOT attributes per node, and per edge (the child node, the input's position among its parents)."""

    grad_text: Callable[[Any], str]
    node_attributes: dict[Any, str] = field(default_factory=dict)
    edge_attributes: dict[tuple[Any, int | None], str] = field(default_factory=dict)


def _title(node: Any) -> str:
    """What a box is called: its label, else its module path (``0.weight``), else "const" for a number
    lifted into a Tensor graph."""
    if node.label:
        return str(node.label)
    path = getattr(node, "module_path", "")
    if path:
        return str(path)
    if not isinstance(node, Value) and not node.parents and not node.requires_grad and node.numel() == 1:
        return "const"
    return ""


SHOWN_ELEMENTS = 16  # up to a 4×4 matrix a Tensor shows its numbers; a larger one its shape and norm


def _numbers(values: Any) -> str:
    """A small array as nested brackets of 3 significant digits: ``[[0.5, -1], [2, 0.333]]``."""
    array = np.asarray(values, dtype=float)
    if array.ndim == 0:
        return f"{array + 0.0:.3g}"
    return "[" + ", ".join(_numbers(row) for row in array) + "]"


def grad_text(node: Any, grad: Any) -> str:
    """A box's gradient row: ``grad 6`` for a Value, the numbers of a small Tensor's gradient, or
    ``|grad| 1.414`` (the norm) for a larger one."""
    if isinstance(node, Value):
        return f"grad {_number(grad.data if isinstance(grad, Value) else grad)}"
    if grad is None:
        return "grad —"
    array = np.asarray(grad.numpy() if hasattr(grad, "numpy") else grad)
    if 1 < array.size <= SHOWN_ELEMENTS:
        return f"grad {_numbers(array)}"
    return f"|grad| {float(np.linalg.norm(array)):.4g}"


def _fields(node: Any, highlight: Highlight | None) -> list[str]:
    """The rows of a node's box: its name, then its value (or shape and dtype) and its gradient."""
    title = _title(node)
    fields = [title] if title else []
    grad = highlight.grad_text(node) if highlight else grad_text(node, node.grad)
    if isinstance(node, Value):
        return [*fields, f"data {_number(node.data)}", grad]
    if node.numel() == 1:
        fields.append(f"data {_number(node.item())}")
    elif node.numel() <= SHOWN_ELEMENTS:
        fields.append(f"data {_numbers(node.numpy())}")
    shape = "×".join(map(str, node.shape)) or "scalar"
    return [*fields, f"{shape} {node.dtype}", grad]


def _constant(node: Any) -> tuple[int, float] | None:
    """(side, number) of a Value op with a number fixed on one side (``b - 1.0``, ``3.0 * a``)."""
    if not isinstance(node, Value) or node.rule is None:
        return None
    side, number = node.rule.constant_side, node.constant
    return None if side is None or number is None else (side, number)


def _op_text(node: Any) -> str:
    if _constant(node) is not None:
        return str(node.rule.label).replace("{0:g}", "")  # the constant has its own box
    return str(node.op)


def _depth(order: list[Any]) -> int:
    """The longest chain of ops from a leaf to the root."""
    level: dict[Any, int] = {}
    for node in order:
        level[node] = 1 + max((level.get(p, 0) for p in node.parents), default=-1) if node.parents else 0
    return max(level.values(), default=0)


def _within(root: Any, max_depth: int) -> set[Any]:
    """The nodes at most ``max_depth`` ops below ``root``."""
    kept, frontier = {root}, [root]
    for _ in range(max_depth):
        frontier = [p for node in frontier for p in node.parents if p not in kept]
        kept.update(frontier)
    return kept


def _module_of(node: Any) -> Any:
    """(path, module) of the module a Parameter belongs to, else None."""
    module = getattr(node, "module", None)
    if module is None:
        return None
    path = str(node.module_path)
    return (path.rpartition(".")[0], module)


def _clusters(order: list[Any]) -> dict[Any, tuple[str, Any]]:
    """Each parameter, and each op output computed from a module's parameters, mapped to that module."""
    found: dict[Any, tuple[str, Any]] = {}
    for node in order:
        module = _module_of(node)
        if module is not None:
            found[node] = module
        elif node.parents:
            owners = {found[p][0]: found[p] for p in node.parents if p in found and not p.parents}
            if len(owners) == 1:
                found[node] = next(iter(owners.values()))
    return found


def to_dot(
    root: Any,
    rankdir: str = "auto",
    max_nodes: int | None = DEFAULT_MAX_NODES,
    max_depth: int | None = None,
    group_modules: bool = False,
    highlight: Highlight | None = None,
    title: str = "",
) -> str:
    """DOT text of everything ``root`` was computed from: a box per value (its name, value or shape and
    dtype, and gradient), an ellipse per operation, a dashed box per constant mixed into a Value op, and
    a/b marks on the inputs of ops whose order matters (``-``, ``/``, ``**``, ``@``...).

    Parameters of a Module are named by their path (``0.weight``); ``group_modules`` draws each module's
    parameters and the ops that use them inside one labelled cluster. ``rankdir`` "auto" lays deep
    graphs top to bottom and shallow ones left to right; ``max_depth`` keeps only the nodes that many
    ops below ``root``; ``highlight`` marks one frame of an animation; ``title`` is printed above the
    picture. Needs no graphviz binary.
    Raises ValueError for a graph of more than ``max_nodes`` values (None: no limit): such a picture
    is unreadable and slow to lay out.
    """
    if rankdir not in (*RANKDIRS, "auto"):
        raise ValueError(f"rankdir must be one of {(*RANKDIRS, 'auto')}, got {rankdir!r}")
    for name, limit in (("max_nodes", max_nodes), ("max_depth", max_depth)):
        if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or limit < 1):
            raise ValueError(f"{name} must be a positive integer or None (no limit), got {limit!r}")
    order = topological_order(root)
    if max_nodes is not None and len(order) > max_nodes:
        raise ValueError(
            f"the graph has {len(order)} nodes, more than max_nodes={max_nodes}; draw a smaller "
            "expression, pass max_depth, or pass a larger max_nodes (None: no limit)"
        )
    if max_depth is not None:
        kept = _within(root, max_depth)
        order = [node for node in order if node in kept]
    if rankdir == "auto":
        rankdir = "TB" if _depth(order) > DEEP else "LR"
    ids = {node: f"n{i}" for i, node in enumerate(order)}
    lines = [
        "digraph backprop {",
        f"  graph [rankdir={rankdir}, forcelabels=true];",
        '  node [fontname="Helvetica", fontsize=11];',
        '  edge [fontname="Helvetica", fontsize=9];',
    ]
    if title:
        lines.append(f'  label="{escape(title)}"; labelloc=t; fontname="Helvetica"; fontsize=14;')
    clusters = _clusters(order) if group_modules else {}
    grouped: dict[str, list[str]] = {}
    for node in order:
        name = ids[node]
        body = " | ".join(escape(text) for text in _fields(node, highlight))
        extra = (
            f", {highlight.node_attributes[node]}" if highlight and node in highlight.node_attributes else ""
        )
        statements = [f'  {name} [shape=record, label="{{ {body} }}"{extra}];']
        if node.parents:
            statements += _op_statements(node, name, ids, highlight.edge_attributes if highlight else {})
        if node in clusters:
            grouped.setdefault(clusters[node][0], []).extend(statements)
        else:
            lines.extend(statements)
    for number, (path, members) in enumerate(grouped.items()):
        module = next(m for key, m in clusters.values() if key == path)
        title = f"{path}: {type(module).__name__}" if path else type(module).__name__
        lines += [
            f"  subgraph cluster_{number} {{",
            f'    label="{escape(title)}"; style=rounded;',
            *members,
            "  }",
        ]
    lines.append("}")
    return "\n".join(lines) + "\n"


def _op_statements(
    node: Any, name: str, ids: dict[Any, str], edge_attributes: dict[tuple[Any, int | None], str]
) -> list[str]:
    """The op's ellipse and its edges: inputs (marked a, b... where their order matters), output."""
    statements = [
        f'  {name}_op [shape=ellipse, label="{escape(_op_text(node))}"];',
        f"  {name}_op -> {name};",
    ]
    sources: list[tuple[str | None, int | None]] = [(ids.get(p), i) for i, p in enumerate(node.parents)]
    constant = _constant(node)
    if constant is not None:
        side, number = constant
        box = f'label="{{ const | {_number(number)} }}"'
        statements.append(f"  {name}_c [shape=record, style=dashed, {box}];")
        sources.insert(side, (f"{name}_c", None))
    if any(source is None for source, _ in sources):
        statements.append(f'  {name}_more [shape=plaintext, label="…"];')
    marked = len(sources) > 1 and node.rule.name not in COMMUTATIVE
    for position, (source, index) in enumerate(sources):
        attributes = [f'label="{chr(ord("a") + position)}"'] if marked else []
        if (node, index) in edge_attributes:
            attributes.append(edge_attributes[node, index])
        listed = f" [{', '.join(attributes)}]" if attributes else ""
        statements.append(f"  {source or name + '_more'} -> {name}_op{listed};")
    return statements


def draw(
    root: Any,
    filename: str | os.PathLike[str] | None = None,
    format: str | None = None,
    rankdir: str = "auto",
    max_nodes: int | None = DEFAULT_MAX_NODES,
    max_depth: int | None = None,
    group_modules: bool = False,
    title: str = "",
) -> graphviz.Source:
    """A graphviz object of the graph (shown inline by Jupyter); also rendered to ``filename`` if given.

    ``format`` is png, svg or pdf; by default it is taken from the file's suffix, else svg. The other
    options are ``to_dot``'s. Without graphviz's ``dot`` it raises GraphvizNotFoundError saying what to
    install (``to_dot`` needs no binary).
    """
    if format is None:
        suffix = Path(filename).suffix.lstrip(".").lower() if filename is not None else ""
        if suffix and suffix not in FORMATS:
            raise ValueError(
                f"cannot draw to {filename}: the suffix .{suffix} is not a supported format; use one of "
                f"{', '.join('.' + f for f in FORMATS)}"
            )
        format = suffix or "svg"
    if format not in FORMATS:
        raise ValueError(f"format must be one of {FORMATS}, got {format!r}")
    if not dot_available():  # else a notebook would show graphviz's bare ExecutableNotFound on display
        raise GraphvizNotFoundError(NO_DOT)
    dot = to_dot(
        root,
        rankdir=rankdir,
        max_nodes=max_nodes,
        max_depth=max_depth,
        group_modules=group_modules,
        title=title,
    )
    source = graphviz.Source(dot, format=format)
    if filename is not None:
        render(source, filename)
    return source


def render(source: graphviz.Source, filename: str | os.PathLike[str]) -> Path:
    """Render with ``dot`` in the source's format and write the image atomically to ``filename``."""
    return atomic_write_bytes(filename, pipe(source))


def dot_available() -> bool:
    """Whether graphviz's ``dot`` program is on PATH."""
    return shutil.which("dot") is not None


NO_DOT = (
    "rendering a graph needs graphviz's 'dot' program, which was not found on PATH: install "
    "Graphviz (Debian/Ubuntu: apt-get install graphviz; macOS: brew install graphviz; conda: "
    "conda install graphviz). viz.to_dot() works without it."
)


def pipe(source: graphviz.Source) -> bytes:
    """The rendered bytes of ``source`` in its format, or GraphvizNotFoundError saying what to install."""
    if not dot_available():
        raise GraphvizNotFoundError(NO_DOT)
    try:
        return source.pipe()
    except graphviz.ExecutableNotFound as error:
        raise GraphvizNotFoundError(NO_DOT) from error
