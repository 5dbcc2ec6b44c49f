"""Derivatives of functions of Tensors, with ``torch.autograd.functional``'s names and conventions:
``vjp``, ``jvp``, ``jacobian``, ``hessian``, ``hvp`` and ``vhp``, all built on ``autograd.grad``.

A single Tensor in gives a Tensor out; a tuple of inputs gives a tuple. The function's inputs are fresh
leaves (or, with ``create_graph=True``, the given Tensors themselves, so the results stay differentiable).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from autograd.graph import grad
from autograd.tensor.core import Tensor
from autograd.tensor.record import stack

Inputs = Tensor | Sequence[Tensor]


def _leaves(inputs: Any, create_graph: bool) -> tuple[bool, tuple[Tensor, ...]]:
    is_tuple = isinstance(inputs, (tuple, list))
    items = tuple(inputs) if is_tuple else (inputs,)
    leaves = []
    for position, x in enumerate(items):
        if not isinstance(x, Tensor):
            raise TypeError(f"inputs[{position}] must be a Tensor, got {type(x).__name__}")
        if create_graph and x.requires_grad:
            leaves.append(x)
        else:
            data = x._data if x.dtype.kind == "f" else x._data.astype(np.float32)
            leaves.append(Tensor(data, requires_grad=True))
    return is_tuple, tuple(leaves)


def _outputs(func: Callable[..., Any], leaves: tuple[Tensor, ...]) -> tuple[bool, tuple[Tensor, ...]]:
    out = func(*leaves)
    is_tuple = isinstance(out, (tuple, list))
    items = tuple(out) if is_tuple else (out,)
    for position, y in enumerate(items):
        if not isinstance(y, Tensor):
            raise TypeError(f"func must return Tensors, output {position} is {type(y).__name__}")
    return is_tuple, items


def _vectors(v: Any, like: tuple[Tensor, ...], what: str) -> tuple[Tensor, ...]:
    items = tuple(v) if isinstance(v, (tuple, list)) else (v,)
    if len(items) != len(like):
        raise ValueError(f"{what}: v has {len(items)} entries for {len(like)} Tensors")
    vectors = []
    for position, (vector, target) in enumerate(zip(items, like)):
        vector = vector if isinstance(vector, Tensor) else Tensor(np.asarray(vector, dtype=target.dtype))
        if vector.shape != target.shape:
            raise ValueError(f"{what}: v[{position}] has shape {vector.shape}, expected {target.shape}")
        vectors.append(vector)
    return tuple(vectors)


def _grads(outputs: Any, leaves: tuple[Tensor, ...], seeds: Any, create_graph: bool) -> tuple[Tensor, ...]:
    """grad() with zeros for inputs the outputs do not depend on (as torch.autograd.functional does)."""
    live = [y for y in (outputs if isinstance(outputs, (tuple, list)) else (outputs,)) if y.requires_grad]
    if not live:
        return tuple(Tensor(np.zeros_like(x._data)) for x in leaves)
    if isinstance(outputs, (tuple, list)):
        seeds = [s for y, s in zip(outputs, seeds) if y.requires_grad]
    found = grad(live, list(leaves), seeds, create_graph=create_graph, allow_unused=True)
    return tuple(Tensor(np.zeros_like(x._data)) if g is None else g for g, x in zip(found, leaves))


def _shape(is_tuple: bool, items: tuple[Any, ...]) -> Any:
    return items if is_tuple else items[0]


def _detach(items: tuple[Tensor, ...], create_graph: bool) -> tuple[Tensor, ...]:
    return items if create_graph else tuple(y.detach() for y in items)


def vjp(
    func: Callable[..., Any], inputs: Inputs, v: Any = None, create_graph: bool = False
) -> tuple[Any, Any]:
    """(func(inputs), vᵀJ): the vector-Jacobian product; ``v`` may be omitted for a one-element output."""
    in_tuple, leaves = _leaves(inputs, create_graph)
    out_tuple, outputs = _outputs(func, leaves)
    if v is None:
        if len(outputs) != 1 or outputs[0].numel() != 1:
            raise ValueError("vjp: v can be omitted only when func returns a single one-element Tensor")
        v = Tensor(np.ones_like(outputs[0]._data))
    seeds = _vectors(v, outputs, "vjp")
    result = _grads(list(outputs), leaves, list(seeds), create_graph)
    return _shape(out_tuple, _detach(outputs, create_graph)), _shape(in_tuple, result)


def jvp(
    func: Callable[..., Any], inputs: Inputs, v: Any = None, create_graph: bool = False
) -> tuple[Any, Any]:
    """(func(inputs), Jv): the Jacobian-vector product, by differentiating vᵀJ with respect to v
    (the double-backward trick), so it needs no forward-mode engine."""
    _, leaves = _leaves(inputs, create_graph)
    out_tuple, outputs = _outputs(func, leaves)
    if v is None:
        if len(leaves) != 1 or leaves[0].numel() != 1:
            raise ValueError("jvp: v can be omitted only for a single one-element input")
        v = Tensor(np.ones_like(leaves[0]._data))
    tangents = _vectors(v, leaves, "jvp")
    dummies = tuple(Tensor(np.zeros_like(y._data), requires_grad=True) for y in outputs)
    pulled = _grads(list(outputs), leaves, list(dummies), create_graph=True)
    result = _grads(list(pulled), dummies, list(tangents), create_graph)
    return _shape(out_tuple, _detach(outputs, create_graph)), _shape(out_tuple, result)


def jacobian(func: Callable[..., Any], inputs: Inputs, create_graph: bool = False) -> Any:
    """d output / d input with shape ``output.shape + input.shape``, one backward pass per output
    element; nested tuples [output][input] when func returns or takes tuples, as in PyTorch."""
    in_tuple, leaves = _leaves(inputs, create_graph)
    out_tuple, outputs = _outputs(func, leaves)
    blocks = []
    for y in outputs:
        rows: list[tuple[Tensor, ...]] = []
        for index in np.ndindex(y.shape):
            seed = np.zeros_like(y._data)
            seed[index] = 1
            rows.append(_grads(y, leaves, Tensor(seed), create_graph))
        per_input = []
        for position, x in enumerate(leaves):
            parts = [row[position] for row in rows]
            if create_graph and parts:
                block = stack(parts).reshape(*y.shape, *x.shape)
            else:
                data = np.stack([p._data for p in parts]) if parts else np.zeros((0, *x.shape), x.dtype)
                block = Tensor(data.reshape(y.shape + x.shape))
            per_input.append(block)
        blocks.append(_shape(in_tuple, tuple(per_input)))
    return _shape(out_tuple, tuple(blocks))


def hessian(func: Callable[..., Any], inputs: Inputs, create_graph: bool = False) -> Any:
    """Second derivatives of a function with a one-element output: shape ``input.shape * 2`` for one
    input, a tuple of tuples H[i][j] for several (PyTorch's layout)."""
    in_tuple, leaves = _leaves(inputs, create_graph)

    def gradient(*xs: Tensor) -> Any:
        _, outputs = _outputs(func, xs)
        if len(outputs) != 1 or outputs[0].numel() != 1:
            raise ValueError("hessian: func must return a single one-element Tensor")
        grads = _grads(outputs[0], xs, None, create_graph=True)
        return grads if in_tuple else grads[0]

    result = jacobian(gradient, leaves if in_tuple else leaves[0], create_graph=True)
    return result if create_graph else _detached(result)


def _detached(result: Any) -> Any:
    if isinstance(result, tuple):
        return tuple(_detached(item) for item in result)
    return result.detach()


def vhp(func: Callable[..., Any], inputs: Inputs, v: Any, create_graph: bool = False) -> tuple[Any, Any]:
    """(func(inputs), vᵀH): the gradient of (∇f · v), without forming the Hessian."""
    in_tuple, leaves = _leaves(inputs, create_graph)
    _, outputs = _outputs(func, leaves)
    if len(outputs) != 1 or outputs[0].numel() != 1:
        raise ValueError("vhp / hvp: func must return a single one-element Tensor")
    vectors = _vectors(v, leaves, "vhp / hvp")
    grads = _grads(outputs[0], leaves, None, create_graph=True)
    live = [(g * vector).sum() for g, vector in zip(grads, vectors) if g.requires_grad]
    if not live:
        result = tuple(Tensor(np.zeros_like(x._data)) for x in leaves)
    else:
        total = live[0]
        for term in live[1:]:
            total = total + term
        result = _grads(total, leaves, None, create_graph)
    return _detach(outputs, create_graph)[0], _shape(in_tuple, result)


def hvp(func: Callable[..., Any], inputs: Inputs, v: Any, create_graph: bool = False) -> tuple[Any, Any]:
    """(func(inputs), Hv): the Hessian-vector product; equal to ``vhp`` since H is symmetric for a
    twice continuously differentiable f (what Newton's method and curvature estimates use)."""
    return vhp(func, inputs, v, create_graph)
