"""Tensor primitives, each a forward computation plus its vector-Jacobian product.

Binary ops return gradients of the broadcast shape; ``tensor._accumulate`` reduces them to each input's
shape, so no op here un-broadcasts. Ties in max/min share the gradient equally among the tied elements.
"""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from autograd import tensor as _tensor

if TYPE_CHECKING:
    from autograd.tensor import Tensor

Axis = int | tuple[int, ...] | None


def _operands(a: Any, b: Any) -> tuple[Tensor, Tensor]:
    if isinstance(a, _tensor.Tensor):
        return a, _tensor.lift(b, a)
    if isinstance(b, _tensor.Tensor):
        return _tensor.lift(a, b), b
    first = _tensor.Tensor(a)
    return first, _tensor.lift(b, first)


def _shape_error(op: str, a: Tensor, b: Tensor) -> ValueError:
    return ValueError(f"{op}: shapes {a.shape} and {b.shape} cannot be broadcast together")


def _broadcast(op: str, a: Tensor, b: Tensor, compute: Any) -> np.ndarray:
    try:
        return compute(a.data, b.data)
    except ValueError as error:
        raise _shape_error(op, a, b) from error


# -- arithmetic -------------------------------------------------------------------------------------


def add(a: Any, b: Any) -> Tensor:
    a, b = _operands(a, b)
    return _tensor.result(_broadcast("add", a, b, np.add), (a, b), lambda g: (g, g), "+")


def sub(a: Any, b: Any) -> Tensor:
    a, b = _operands(a, b)
    return _tensor.result(_broadcast("sub", a, b, np.subtract), (a, b), lambda g: (g, -g), "-")


def mul(a: Any, b: Any) -> Tensor:
    a, b = _operands(a, b)
    x, y = a.data, b.data

    def backward(g: np.ndarray) -> tuple[np.ndarray | None, np.ndarray | None]:
        return (g * y if a.requires_grad else None, g * x if b.requires_grad else None)

    return _tensor.result(_broadcast("mul", a, b, np.multiply), (a, b), backward, "*")


def div(a: Any, b: Any) -> Tensor:
    a, b = _operands(a, b)
    y = b.data
    out = _broadcast("div", a, b, np.divide)

    def backward(g: np.ndarray) -> tuple[np.ndarray | None, np.ndarray | None]:
        grad_a = g / y if a.requires_grad else None
        return grad_a, (-g * out / y if b.requires_grad else None)

    return _tensor.result(out, (a, b), backward, "/")


def pow(a: Any, b: Any) -> Tensor:
    """a ** b; d/db is a**b * ln(a), taken as 0 where a == 0 (the limit for b > 0). A negative base
    with a non-integer exponent gives NaN, as in NumPy and PyTorch (Value raises instead)."""
    a, b = _operands(a, b)
    x, y = a.data, b.data
    with np.errstate(divide="ignore", invalid="ignore"):
        out = _broadcast("pow", a, b, np.power)

    def backward(g: np.ndarray) -> tuple[np.ndarray | None, np.ndarray | None]:
        with np.errstate(divide="ignore", invalid="ignore"):
            grad_a = g * y * np.power(x, y - 1) if a.requires_grad else None
            if b.requires_grad:
                safe_log = np.log(np.where(x > 0, x, 1))
                grad_b = g * np.where(x == 0, 0, out * np.where(x > 0, safe_log, np.nan))
            else:
                grad_b = None
        return grad_a, grad_b

    return _tensor.result(out, (a, b), backward, "**")


def neg(a: Tensor) -> Tensor:
    return _tensor.result(-a.data, (a,), lambda g: (-g,), "neg")


def matmul(a: Any, b: Any) -> Tensor:
    """Matrix product with NumPy's rules: 1-D vectors, 2-D matrices, batched (..., n, k) @ (..., k, m)."""
    a, b = _operands(a, b)
    x, y = a.data, b.data
    try:
        out = np.matmul(x, y)
    except ValueError as error:
        raise ValueError(f"matmul: shapes {a.shape} and {b.shape} do not line up") from error

    def backward(g: np.ndarray) -> tuple[np.ndarray | None, np.ndarray | None]:
        if x.ndim == 1 and y.ndim == 1:  # dot product: g is a scalar
            return (g * y if a.requires_grad else None, g * x if b.requires_grad else None)
        x2 = x[None, :] if x.ndim == 1 else x
        y2 = y[:, None] if y.ndim == 1 else y
        g2 = g
        if x.ndim == 1:
            g2 = np.expand_dims(g2, -2)
        if y.ndim == 1:
            g2 = np.expand_dims(g2, -1)
        grad_a = grad_b = None
        if a.requires_grad:
            grad_a = g2 @ np.swapaxes(y2, -1, -2)
            grad_a = grad_a[..., 0, :] if x.ndim == 1 else grad_a
        if b.requires_grad:
            grad_b = np.swapaxes(x2, -1, -2) @ g2
            grad_b = grad_b[..., :, 0] if y.ndim == 1 else grad_b
        return grad_a, grad_b

    return _tensor.result(out, (a, b), backward, "@")


# -- elementwise math -------------------------------------------------------------------------------


def exp(a: Tensor) -> Tensor:
    with np.errstate(over="ignore"):
        out = np.exp(a.data)
    return _tensor.result(out, (a,), lambda g: (g * out,), "exp")


def log(a: Tensor) -> Tensor:
    """Natural log; -inf at 0 and NaN below, as in NumPy and PyTorch, without warnings."""
    x = a.data
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.log(x)
    return _tensor.result(out, (a,), lambda g: (g / x,), "log")


def sqrt(a: Tensor) -> Tensor:
    with np.errstate(invalid="ignore"):
        out = np.sqrt(a.data)

    def backward(g: np.ndarray) -> tuple[np.ndarray]:
        with np.errstate(divide="ignore"):
            return (g * 0.5 / out,)

    return _tensor.result(out, (a,), backward, "sqrt")


def abs(a: Tensor) -> Tensor:
    """|x|; its derivative at 0 is 0."""
    x = a.data
    return _tensor.result(np.abs(x), (a,), lambda g: (g * np.sign(x),), "abs")


def clip(a: Tensor, min: float | None = None, max: float | None = None) -> Tensor:
    """Limit to [min, max]; the gradient flows where min <= x <= max (PyTorch's clamp)."""
    x = a.data
    low = -np.inf if min is None else min
    high = np.inf if max is None else max
    inside = (x >= low) & (x <= high)
    return _tensor.result(np.clip(x, low, high), (a,), lambda g: (g * inside,), "clip")


def where(condition: Any, a: Any, b: Any) -> Tensor:
    """Elements of ``a`` where ``condition`` holds, else of ``b`` (broadcasting like numpy.where)."""
    mask = np.asarray(condition.data if isinstance(condition, _tensor.Tensor) else condition, dtype=bool)
    a, b = _operands(a, b)
    try:
        out = np.where(mask, a.data, b.data)
    except ValueError as error:
        raise ValueError(f"where: shapes {mask.shape}, {a.shape} and {b.shape} do not broadcast") from error
    return _tensor.result(out, (a, b), lambda g: (np.where(mask, g, 0), np.where(mask, 0, g)), "where")


def astype(a: Tensor, dtype: Any) -> Tensor:
    """The same values in another float dtype; the gradient is cast back."""
    source = a.data.dtype
    return _tensor.result(
        a.data.astype(dtype), (a,), lambda g: (g.astype(source),), f"astype({np.dtype(dtype)})"
    )


# -- reductions -------------------------------------------------------------------------------------


def _normalise_axis(axis: Axis, ndim: int) -> tuple[int, ...]:
    """Reduction axes as sorted non-negative ints, or a ValueError naming the bad axis."""
    if axis is None:
        return tuple(range(ndim))
    axes = (axis,) if isinstance(axis, (int, np.integer)) else tuple(axis)
    normalised = []
    for ax in axes:
        if not -ndim <= ax < ndim:
            raise ValueError(f"axis {ax} is out of range for a Tensor with {ndim} dimensions")
        normalised.append(int(ax) % ndim)
    if len(set(normalised)) != len(normalised):
        raise ValueError(f"axis {axis} repeats an axis")
    return tuple(sorted(normalised))


def _expand(g: np.ndarray, axes: tuple[int, ...], keepdims: bool) -> np.ndarray:
    """A reduced gradient with the reduced axes put back (as size 1), ready to broadcast."""
    return g if keepdims else np.expand_dims(g, axes)


def sum(a: Tensor, axis: Axis = None, keepdims: bool = False) -> Tensor:
    x = a.data
    axes = _normalise_axis(axis, x.ndim)
    out = np.sum(x, axis=axes, keepdims=keepdims)
    return _tensor.result(out, (a,), lambda g: (np.broadcast_to(_expand(g, axes, keepdims), x.shape),), "sum")


def mean(a: Tensor, axis: Axis = None, keepdims: bool = False) -> Tensor:
    x = a.data
    axes = _normalise_axis(axis, x.ndim)
    count = int(np.prod([x.shape[ax] for ax in axes]))
    out = np.mean(x, axis=axes, keepdims=keepdims)
    scale = x.dtype.type(1.0 / builtins.max(count, 1))
    return _tensor.result(
        out, (a,), lambda g: (np.broadcast_to(_expand(g, axes, keepdims) * scale, x.shape),), "mean"
    )


def var(a: Tensor, axis: Axis = None, keepdims: bool = False, ddof: int = 0) -> Tensor:
    """Variance with NumPy's default ``ddof=0`` (the population variance, as batch norm uses)."""
    x = a.data
    axes = _normalise_axis(axis, x.ndim)
    count = int(np.prod([x.shape[ax] for ax in axes]))
    if count - ddof <= 0:
        raise ValueError(f"var: {count} elements leave no degrees of freedom with ddof={ddof}")
    centred = x - x.mean(axis=axes, keepdims=True)
    out = np.var(x, axis=axes, keepdims=keepdims, ddof=ddof)
    scale = x.dtype.type(2.0 / (count - ddof))
    return _tensor.result(out, (a,), lambda g: (_expand(g, axes, keepdims) * scale * centred,), "var")


def _extreme(a: Tensor, axis: Axis, keepdims: bool, pick: Any, name: str) -> Tensor:
    x = a.data
    if x.size == 0:
        raise ValueError(f"{name} of an empty Tensor")
    axes = _normalise_axis(axis, x.ndim)
    kept = pick(x, axis=axes, keepdims=True)
    out = kept if keepdims else np.squeeze(kept, axis=axes)

    def backward(g: np.ndarray) -> tuple[np.ndarray]:
        winners = x == kept
        share = winners / winners.sum(axis=axes, keepdims=True)
        return (_expand(g, axes, keepdims) * share,)

    return _tensor.result(out, (a,), backward, name)


def max(a: Tensor, axis: Axis = None, keepdims: bool = False) -> Tensor:
    """Largest element(s); tied maxima share the gradient equally."""
    return _extreme(a, axis, keepdims, np.max, "max")


def min(a: Tensor, axis: Axis = None, keepdims: bool = False) -> Tensor:
    """Smallest element(s); tied minima share the gradient equally."""
    return _extreme(a, axis, keepdims, np.min, "min")


# -- shapes -----------------------------------------------------------------------------------------


def _shape_argument(shape: tuple[Any, ...]) -> tuple[int, ...]:
    return tuple(shape[0]) if len(shape) == 1 and isinstance(shape[0], (tuple, list)) else shape


def reshape(a: Tensor, *shape: Any) -> Tensor:
    """``reshape(2, 3)`` or ``reshape((2, 3))``; one dimension may be -1."""
    x = a.data
    target = _shape_argument(shape)
    try:
        out = x.reshape(target)
    except ValueError as error:
        raise ValueError(f"reshape: cannot reshape a Tensor of shape {x.shape} into {target}") from error
    return _tensor.result(out, (a,), lambda g: (g.reshape(x.shape),), "reshape")


def transpose(a: Tensor, *axes: Any) -> Tensor:
    """Permute the axes; with none given, reverse them (``.T``)."""
    x = a.data
    order = _shape_argument(axes) or tuple(reversed(range(x.ndim)))
    if sorted(order) != list(range(x.ndim)):
        raise ValueError(f"transpose: axes {order} are not a permutation of a {x.ndim}-D Tensor's axes")
    inverse = tuple(np.argsort(order))
    return _tensor.result(np.transpose(x, order), (a,), lambda g: (np.transpose(g, inverse),), "transpose")


permute = transpose


def flatten(a: Tensor, start_axis: int = 0, end_axis: int = -1) -> Tensor:
    """Merge axes ``start_axis..end_axis`` into one (``flatten(1)`` turns images into rows)."""
    shape = a.shape
    if not shape:
        return reshape(a, 1)
    start, end = start_axis % len(shape), end_axis % len(shape)
    merged = int(np.prod(shape[start : end + 1]))
    return reshape(a, *shape[:start], merged, *shape[end + 1 :])


def getitem(a: Tensor, index: Any) -> Tensor:
    """Slices, integer arrays and boolean masks; the backward scatter-adds, so repeated indices add up."""
    x = a.data
    if isinstance(index, _tensor.Tensor):
        index = index.data
    elif isinstance(index, tuple):
        index = tuple(i.data if isinstance(i, _tensor.Tensor) else i for i in index)
    try:
        out = x[index]
    except IndexError as error:
        raise IndexError(f"index {index!r} does not fit a Tensor of shape {x.shape}: {error}") from error
    scatter = _repeats_possible(index)

    def backward(g: np.ndarray) -> tuple[np.ndarray]:
        full = np.zeros_like(x)
        if scatter:
            np.add.at(full, index, g)
        else:
            full[index] = g
        return (full,)

    return _tensor.result(out, (a,), backward, "getitem")


def _repeats_possible(index: Any) -> bool:
    """True when an integer array or list is among the indices: then an element may be picked twice."""
    parts = index if isinstance(index, tuple) else (index,)
    return any(isinstance(part, (list, np.ndarray)) and np.asarray(part).dtype != bool for part in parts)


def pad(a: Tensor, pad_width: Any, value: float = 0.0) -> Tensor:
    """Constant padding with numpy.pad's ``pad_width``; the gradient is the un-padded middle."""
    x = a.data
    if x.ndim == 0:
        raise ValueError("pad: a 0-d Tensor has no axis to pad")
    try:
        widths = np.broadcast_to(np.asarray(pad_width, dtype=int), (x.ndim, 2))
    except ValueError as error:
        raise ValueError(f"pad: pad_width {pad_width!r} does not fit a Tensor of shape {x.shape}") from error
    out = np.pad(x, widths, constant_values=value)
    middle = tuple(slice(before, before + n) for (before, _), n in zip(widths, x.shape))
    return _tensor.result(out, (a,), lambda g: (g[middle],), "pad")


def concatenate(tensors: Sequence[Any], axis: int = 0) -> Tensor:
    """Join along an existing axis."""
    parts = _as_tensors(tensors, "concatenate")
    try:
        out = np.concatenate([t.data for t in parts], axis=axis)
    except ValueError as error:
        shapes = [t.shape for t in parts]
        raise ValueError(f"concatenate: shapes {shapes} do not fit along axis {axis}") from error
    bounds = np.cumsum([t.shape[axis] for t in parts])[:-1]
    return _tensor.result(out, tuple(parts), lambda g: tuple(np.split(g, bounds, axis=axis)), "concatenate")


def stack(tensors: Sequence[Any], axis: int = 0) -> Tensor:
    """Join along a new axis."""
    parts = _as_tensors(tensors, "stack")
    try:
        out = np.stack([t.data for t in parts], axis=axis)
    except ValueError as error:
        raise ValueError(f"stack: shapes {[t.shape for t in parts]} are not all equal") from error
    n = len(parts)
    return _tensor.result(
        out, tuple(parts), lambda g: tuple(np.moveaxis(g, axis, 0)[i] for i in range(n)), "stack"
    )


def _as_tensors(tensors: Sequence[Any], op: str) -> list[Tensor]:
    if not tensors:
        raise ValueError(f"{op} needs at least one Tensor")
    first = next((t for t in tensors if isinstance(t, _tensor.Tensor)), None)
    return [
        t if isinstance(t, _tensor.Tensor) else (_tensor.lift(t, first) if first else _tensor.Tensor(t))
        for t in tensors
    ]
