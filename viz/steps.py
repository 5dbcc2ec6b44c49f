"""Backpropagation as a sequence of steps, one per edge, in the order the engine takes them: the node
being processed (children before parents), the gradient arriving from above (upstream), the local
derivative of the edge, and their product added to the input's gradient. ``explain`` prints them the
way the notes write the chain rule; ``viz.animate`` draws one frame per step."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from autograd import topological_order
from autograd.value import Value


@dataclass(frozen=True)
class Step:
    """One edge of the backward pass: ``parent`` (input ``index`` of ``child``) receives
    ``contribution`` = ``upstream`` (d root / d child) × ``local`` (d child / d parent); ``total`` is the
    parent's gradient after it, and ``first`` says whether this is the parent's first contribution."""

    child: Any
    parent: Any
    index: int
    upstream: Any
    local: Any  # a number for Values; None for Tensors (a vector-Jacobian product has no single number)
    contribution: Any
    total: Any
    first: bool


def seed_of(root: Any) -> Any:
    """d root / d root = 1, where backpropagation starts (a Tensor root must have one element)."""
    if isinstance(root, Value):
        return 1.0
    if root.numel() != 1:
        raise ValueError(f"backward steps start from a single-element output, got shape {root.shape}")
    return np.ones_like(root.numpy())


def backward_steps(root: Any) -> list[Step]:
    """Every edge the backward pass from ``root`` (seeded with 1) processes, in order, with its numbers.
    Computed from the recorded graph without touching any ``.grad``."""
    return _steps(root, seed_of(root), _value_edges if isinstance(root, Value) else _tensor_edges)


Edges = Callable[[Any, Any], list[tuple[Any, Any]]]


def _steps(root: Any, seed: Any, edges: Edges) -> list[Step]:
    grads: dict[Any, Any] = {root: seed}
    steps = []
    for node in reversed(topological_order(root)):
        if not node.parents or node not in grads:
            continue
        upstream = grads[node]
        for index, (parent, (local, contribution)) in enumerate(zip(node.parents, edges(node, upstream))):
            if contribution is None:
                continue
            first = parent not in grads
            grads[parent] = contribution if first else grads[parent] + contribution
            steps.append(Step(node, parent, index, upstream, local, contribution, grads[parent], first))
    return steps


def _value_edges(node: Value, upstream: float) -> list[tuple[Any, Any]]:
    return [(local, upstream * local) for local in node.local_grads]


def _tensor_edges(node: Any, upstream: np.ndarray) -> list[tuple[Any, Any]]:
    """The engine's own VJPs on arrays, reduced to each input's shape and dtype as it accumulates them."""
    return [(None, grad) for grad in node.input_grads(upstream)]


def names(root: Any) -> dict[Any, str]:
    """A short name per node: its label, else its module path (``0.weight``), else n0, n1... in graph
    order (inputs first)."""
    order = topological_order(root)
    return {node: node.label or getattr(node, "module_path", "") or f"n{i}" for i, node in enumerate(order)}


def _number(x: Any) -> str:
    if isinstance(x, np.ndarray):
        return (
            f"{x.item():g}"
            if x.size == 1
            else f"{'×'.join(map(str, x.shape))} array, norm {np.linalg.norm(x):.4g}"
        )
    return f"{x:g}"


def _d(name: str) -> str:
    """``da`` for a one-word name, ``d(apple price)`` for a longer one."""
    return f"d{name}" if name.isidentifier() or "." in name else f"d({name})"


def describe(step: Step, name: dict[Any, str], root_name: str) -> str:
    """The step as the notes write the chain rule, e.g. ``dL/da = dL/dd · dd/da = -2 · -3 = 6``."""
    child, parent, root = _d(name[step.child]), _d(name[step.parent]), _d(root_name)
    gets = "=" if step.first else "+="
    if step.local is not None:
        line = (f"{root}/{parent} {gets} {root}/{child} · {child}/{parent} = {_number(step.upstream)} · "
                f"{_number(step.local)} = {_number(step.contribution)}")  # fmt: skip
    else:
        line = f"{root}/{parent} {gets} {root}/{child} through {step.child.op} = {_number(step.contribution)}"
    if not step.first:
        line += f" (now {_number(step.total)})"
    return line


def explain(root: Any, print_line: Callable[[str], None] | None = print) -> list[str]:
    """Print (and return) backpropagation from ``root`` as the chain rule, one line per edge, in the
    order the engine takes them: ``dL/da = dL/dd · dd/da = -2 · -3 = 6``. A Tensor graph gives shapes
    and norms where a Value graph gives numbers."""
    name = names(root)
    root_name = name[root]
    lines = [describe(step, name, root_name) for step in backward_steps(root)]
    if print_line is not None:
        for line in lines:
            print_line(line)
    return lines
