"""Pictures of computational graphs of Values or Tensors: ``to_dot`` gives DOT text, ``draw`` renders it."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import graphviz
import numpy as np

from autograd import topological_order
from autograd._files import atomic_write_bytes
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


def _fields(node: Any) -> list[str]:
    """The rows of a node's box: its label, then its value (or shape and dtype) and its gradient."""
    fields = [node.label] if node.label else []
    if isinstance(node, Value):
        return [*fields, f"data {node.data:.4f}", f"grad {node.grad:.4f}"]
    if node.data.size == 1:
        fields.append(f"data {node.data.item():.4f}")
    shape = "×".join(map(str, node.shape)) or "scalar"
    grad = "grad —" if node.grad is None else f"|grad| {float(np.linalg.norm(node.grad)):.4g}"
    return [*fields, f"{shape} {node.dtype}", grad]


def to_dot(root: Any, rankdir: str = "LR", max_nodes: int | None = DEFAULT_MAX_NODES) -> str:
    """DOT text of everything ``root`` was computed from: a box per value, an ellipse per operation.

    Needs no graphviz binary, so it is what tests compare. Raises ValueError for a graph of more
    than ``max_nodes`` values (None: no limit): such a picture is unreadable and slow to lay out.
    """
    if rankdir not in RANKDIRS:
        raise ValueError(f"rankdir must be one of {RANKDIRS}, got {rankdir!r}")
    if max_nodes is not None and (
        isinstance(max_nodes, bool) or not isinstance(max_nodes, int) or max_nodes < 1
    ):
        raise ValueError(f"max_nodes must be a positive integer or None (no limit), got {max_nodes!r}")
    order = topological_order(root)
    if max_nodes is not None and len(order) > max_nodes:
        raise ValueError(
            f"the graph has {len(order)} nodes, more than max_nodes={max_nodes}; draw a smaller "
            "expression or pass a larger max_nodes"
        )
    ids = {node: f"n{i}" for i, node in enumerate(order)}
    lines = [
        "digraph backprop {",
        f"  graph [rankdir={rankdir}];",
        '  node [fontname="Helvetica", fontsize=11];',
    ]
    for node in order:
        name = ids[node]
        label = " | ".join(escape(field) for field in _fields(node))
        lines.append(f'  {name} [shape=record, label="{{ {label} }}"];')
        if node._parents:
            lines.append(f'  {name}_op [shape=ellipse, label="{escape(node.op)}"];')
            lines.append(f"  {name}_op -> {name};")
            lines.extend(f"  {ids[parent]} -> {name}_op;" for parent in node._parents)
    lines.append("}")
    return "\n".join(lines) + "\n"


def draw(
    root: Any,
    filename: str | os.PathLike[str] | None = None,
    format: str | None = None,
    rankdir: str = "LR",
    max_nodes: int | None = DEFAULT_MAX_NODES,
) -> graphviz.Source:
    """A graphviz object of the graph (shown inline by Jupyter); also rendered to ``filename`` if given.

    ``format`` is png, svg or pdf; by default it is taken from the file's suffix, else svg.
    """
    if format is None:
        suffix = Path(filename).suffix.lstrip(".").lower() if filename is not None else ""
        if suffix and suffix not in FORMATS:
            raise ValueError(f"cannot draw to {filename}: the suffix .{suffix} is not one of {FORMATS}")
        format = suffix or "svg"
    if format not in FORMATS:
        raise ValueError(f"format must be one of {FORMATS}, got {format!r}")
    source = graphviz.Source(to_dot(root, rankdir=rankdir, max_nodes=max_nodes), format=format)
    if filename is not None:
        render(source, filename)
    return source


def render(source: graphviz.Source, filename: str | os.PathLike[str]) -> Path:
    """Render with ``dot`` in the source's format and write the image atomically to ``filename``."""
    return atomic_write_bytes(filename, _pipe(source))


def dot_available() -> bool:
    """Whether graphviz's ``dot`` program is on PATH."""
    return shutil.which("dot") is not None


def _pipe(source: graphviz.Source) -> bytes:
    message = (
        "rendering a graph needs graphviz's 'dot' program, which was not found on PATH: install "
        "Graphviz (Debian/Ubuntu: apt-get install graphviz; macOS: brew install graphviz; conda: "
        "conda install graphviz). viz.to_dot() works without it."
    )
    if not dot_available():
        raise GraphvizNotFoundError(message)
    try:
        return source.pipe()
    except graphviz.ExecutableNotFound as error:
        raise GraphvizNotFoundError(message) from error
