"""Axis and shape arguments as Tensor methods take them, NumPy's way (``axis``, ``keepdims``) or
PyTorch's (``dim``, ``keepdim``): checked and normalised, with errors that name the bad argument."""

from __future__ import annotations

from typing import Any

import numpy as np

Axis = int | tuple[int, ...] | None


def normalise_axis(axis: Axis, ndim: int, op: str) -> tuple[int, ...]:
    """Reduction axes as sorted non-negative ints, each checked as ``dim_index`` checks it (a 0-d Tensor's
    dim 0 or -1 reduces nothing); a repeated axis is PyTorch's RuntimeError."""
    if axis is None:
        return tuple(range(ndim))
    axes = (
        (axis,)
        if isinstance(axis, (int, np.integer))
        else tuple(axis)
        if isinstance(axis, (tuple, list))
        else None
    )
    if axes is None or any(isinstance(ax, bool) or not isinstance(ax, (int, np.integer)) for ax in axes):
        raise TypeError(f"axis must be an int, a tuple of ints or None, got {type(axis).__name__} {axis!r}")
    normalised = [dim_index(ax, ndim, op) for ax in axes]
    for ax in normalised:
        if normalised.count(ax) > 1:
            raise RuntimeError(f"{op}(): dim {ax} appears multiple times in the list of dims {axis}")
    return tuple(sorted(normalised)) if ndim else ()


def reduction(
    ndim: int, axis: Axis, keepdims: bool, dim: Axis, keepdim: bool | None, op: str
) -> tuple[tuple[int, ...], bool]:
    """Axes and keepdims from NumPy's (``axis``, ``keepdims``) or PyTorch's (``dim``, ``keepdim``)."""
    if dim is not None and axis is not None:
        raise ValueError("give axis= or dim=, not both")
    return normalise_axis(axis if dim is None else dim, ndim, op), keepdims if keepdim is None else keepdim


def one_axis(dim: int | None, axis: int | None, ndim: int, op: str) -> int:
    """PyTorch's ``dim`` or NumPy's ``axis`` (not both), checked against ``ndim`` as PyTorch does (an int,
    IndexError when out of range); the last axis when neither is given."""
    if dim is not None and axis is not None and dim != axis:
        raise TypeError(f"give dim or axis, not both (got dim={dim}, axis={axis})")
    chosen = dim if dim is not None else axis
    if chosen is None:
        return -1
    dim_index(chosen, ndim, op)
    return int(chosen)


def dim_index(dim: Any, ndim: int, op: str, name: str = "dim") -> int:
    """One dim of a Tensor with ``ndim`` axes, checked as PyTorch checks it (an int, TypeError otherwise;
    in [-ndim, ndim - 1], IndexError otherwise; a 0-d Tensor takes 0 and -1), as a non-negative int."""
    if isinstance(dim, bool) or not isinstance(dim, (int, np.integer)):
        raise TypeError(f"{op}(): argument '{name}' must be int, not {type(dim).__name__}")
    size = max(ndim, 1)
    if not -size <= dim < size:
        raise IndexError(
            f"{op}(): dim {dim} is out of range (expected to be in range of [{-size}, {size - 1}])"
        )
    return int(dim) % size


def shape_argument(shape: tuple[Any, ...]) -> tuple[int, ...]:
    """``(2, 3)``, ``((2, 3),)``, ``([2, 3],)`` or an integer array, as a tuple of ints."""
    sizes = shape[0] if len(shape) == 1 and isinstance(shape[0], (tuple, list, np.ndarray)) else shape
    if any(isinstance(n, bool) or not isinstance(n, (int, np.integer)) for n in sizes):
        raise TypeError(f"a shape is made of ints, got {sizes!r}")
    return tuple(int(n) for n in sizes)


def new_size(size: tuple[Any, ...], op: str) -> tuple[int, ...]:
    """A factory's size, ``f(2, 3)``, ``f((2, 3))`` or ``f([2, 3])``, checked as PyTorch checks it: ints
    (TypeError otherwise), none negative (RuntimeError)."""
    shape = shape_argument(size)
    negative = [n for n in shape if n < 0]
    if negative:
        raise RuntimeError(
            f"{op}: Trying to create tensor with negative dimension {negative[0]}: {list(shape)}"
        )
    return shape
