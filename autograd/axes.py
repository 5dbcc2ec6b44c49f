"""Axis and shape arguments as Tensor methods take them, NumPy's way (``axis``, ``keepdims``) or
PyTorch's (``dim``, ``keepdim``): checked and normalised, with errors that name the bad argument."""

from __future__ import annotations

from typing import Any

import numpy as np

Axis = int | tuple[int, ...] | None


def normalise_axis(axis: Axis, ndim: int) -> tuple[int, ...]:
    """Reduction axes as sorted non-negative ints, or a ValueError naming the bad axis."""
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
    normalised = []
    for ax in axes:
        if not -ndim <= ax < ndim:
            raise ValueError(f"axis {ax} is out of range for a Tensor with {ndim} dimensions")
        normalised.append(int(ax) % ndim)
    if len(set(normalised)) != len(normalised):
        raise ValueError(f"axis {axis} repeats an axis")
    return tuple(sorted(normalised))


def reduction(
    ndim: int, axis: Axis, keepdims: bool, dim: Axis, keepdim: bool | None
) -> tuple[tuple[int, ...], bool]:
    """Axes and keepdims from NumPy's (``axis``, ``keepdims``) or PyTorch's (``dim``, ``keepdim``)."""
    if dim is not None and axis is not None:
        raise ValueError("give axis= or dim=, not both")
    return normalise_axis(axis if dim is None else dim, ndim), keepdims if keepdim is None else keepdim


def one_axis(dim: int | None, axis: int | None, ndim: int, op: str) -> int:
    """PyTorch's ``dim`` or NumPy's ``axis`` (not both), checked against ``ndim`` as PyTorch does (an int,
    IndexError when out of range); the last axis when neither is given."""
    if dim is not None and axis is not None and dim != axis:
        raise TypeError(f"give dim or axis, not both (got dim={dim}, axis={axis})")
    chosen = dim if dim is not None else axis
    if chosen is None:
        return -1
    if isinstance(chosen, bool) or not isinstance(chosen, (int, np.integer)):
        raise TypeError(f"{op}(): argument 'dim' must be int, not {type(chosen).__name__}")
    low, high = -max(ndim, 1), max(ndim, 1) - 1
    if not low <= chosen <= high:
        raise IndexError(f"{op}(): dim {chosen} is out of range (expected to be in range of [{low}, {high}])")
    return int(chosen)


def shape_argument(shape: tuple[Any, ...]) -> tuple[int, ...]:
    """``(2, 3)``, ``((2, 3),)``, ``([2, 3],)`` or an integer array, as a tuple of ints."""
    sizes = shape[0] if len(shape) == 1 and isinstance(shape[0], (tuple, list, np.ndarray)) else shape
    if any(isinstance(n, bool) or not isinstance(n, (int, np.integer)) for n in sizes):
        raise TypeError(f"a shape is made of ints, got {sizes!r}")
    return tuple(int(n) for n in sizes)
