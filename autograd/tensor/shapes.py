"""Tensor's shape operations (reshape, view, permute, transpose, flatten, broadcast_to, expand, sum_to,
pad, ``.T``), as a mixin: each checks its argument against the Tensor's shape and names both in its
error. Reshapes that need no copy, permutations and broadcasts are views: they share the Tensor's memory
and version counter, as in NumPy and PyTorch."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from autograd.rules import structural as T
from autograd.tensor import axes
from autograd.tensor import record as tensor_record

if TYPE_CHECKING:
    from autograd.tensor.core import Tensor


class ShapeMethods:
    """Mixed into Tensor: views and rearrangements whose gradient is the inverse rearrangement."""

    __slots__ = ()

    @property
    def T(self: Any) -> Tensor:
        """The axes reversed (the matrix transpose of a 2-D Tensor)."""
        return self.permute(tuple(reversed(range(self.ndim))))

    def reshape(self: Any, *shape: Any) -> Tensor:
        """``reshape(2, 3)`` or ``reshape((2, 3))``; one dimension may be -1. A view of the same memory
        when the layout allows it (always for a contiguous Tensor), else a copy, as in PyTorch."""
        return _reshaped(self, axes.shape_argument(shape), "reshape", copy_allowed=True)

    def view(self: Any, *shape: Any) -> Tensor:
        """``reshape`` that must share memory: an error (as in PyTorch) when the layout needs a copy, e.g.
        after a transpose; ``reshape`` or ``contiguous().view(...)`` then."""
        return _reshaped(self, axes.shape_argument(shape), "view", copy_allowed=False)

    def permute(self: Any, *dims: Any) -> Tensor:
        """Reorder the axes: ``permute(2, 0, 1)`` or ``permute((2, 0, 1))``; result axis i is ``dims[i]``.
        A view (shared memory)."""
        given = axes.shape_argument(dims)
        if len(given) != self.ndim:
            raise RuntimeError(f"permute(): dims {given} name {len(given)} axes of a {self.ndim}-D Tensor")
        order = tuple(axes.dim_index(a, self.ndim, "permute") for a in given)
        if len(set(order)) != len(order):
            raise RuntimeError(f"permute(): duplicate dims are not allowed, got {given}")
        return tensor_record.view(self, T.TRANSPOSE, {"order": order})

    def transpose(self: Any, dim0: int, dim1: int) -> Tensor:
        """Swap two axes, as PyTorch's ``transpose(dim0, dim1)`` (``permute`` reorders them all)."""
        for name, dim in (("dim0", dim0), ("dim1", dim1)):
            axes.dim_index(dim, self.ndim, "transpose", name)
        order = list(range(self.ndim))
        if self.ndim:
            order[dim0], order[dim1] = order[dim1], order[dim0]
        return self.permute(order)

    def contiguous(self: Any) -> Tensor:
        """Self if its memory is in row-major order, else a row-major copy in the graph (as ``clone``)."""
        if self._data.flags.c_contiguous:
            return self
        return tensor_record.apply(T.ASTYPE, (self,), dtype=self.dtype, order="C")

    def is_contiguous(self: Any) -> bool:
        """Whether the memory is in row-major order (a transpose or a strided slice is not)."""
        return bool(self._data.flags.c_contiguous)

    def flatten(self: Any, start_dim: int = 0, end_dim: int = -1) -> Tensor:
        """Merge axes ``start_dim..end_dim`` into one (``flatten(1)`` turns images into rows)."""
        shape = self.shape
        start = axes.dim_index(start_dim, len(shape), "flatten", "start_dim")
        end = axes.dim_index(end_dim, len(shape), "flatten", "end_dim")
        if not shape:
            return self.reshape(1)
        if start > end:
            raise RuntimeError(f"flatten(): start_dim {start_dim} comes after end_dim {end_dim} in {shape}")
        return self.reshape(*shape[:start], int(np.prod(shape[start : end + 1])), *shape[end + 1 :])

    def broadcast_to(self: Any, *shape: Any) -> Tensor:
        """The Tensor repeated along new or size-1 axes (NumPy's rules) without copying: a read-only view;
        the gradient sums the repeats back."""
        target = axes.shape_argument(shape)
        try:
            if np.broadcast_shapes(self.shape, target) != target:
                raise ValueError("the result would not have the target shape")
        except ValueError as error:
            raise ValueError(f"broadcast_to: shape {self.shape} cannot be broadcast to {target}") from error
        return tensor_record.view(self, T.BROADCAST_TO, {"shape": target})

    def expand(self: Any, *sizes: Any) -> Tensor:
        """PyTorch's ``broadcast_to``: -1 keeps a dimension's size; new dimensions go in front."""
        wanted = axes.shape_argument(sizes)
        lead = len(wanted) - self.ndim
        if lead < 0:
            raise ValueError(f"expand: {len(wanted)} sizes given for a {self.ndim}-D Tensor {self.shape}")
        target = tuple(
            self.shape[i - lead] if size == -1 and i >= lead else size for i, size in enumerate(wanted)
        )
        return self.broadcast_to(target)

    def expand_as(self: Any, other: Any) -> Tensor:
        """``expand(other.shape)``."""
        return self.expand(*other.shape)

    def sum_to(self: Any, *shape: Any) -> Tensor:
        """Sum over the axes broadcasting would add or stretch to reach this shape from ``shape``."""
        return tensor_record.apply(T.SUM_TO, (self,), shape=axes.shape_argument(shape))

    def pad(self: Any, pad_width: Any, value: float = 0.0) -> Tensor:
        """Constant padding with numpy.pad's ``pad_width``; the gradient is the un-padded middle."""
        if self.ndim == 0:
            raise ValueError("pad: a 0-d Tensor has no axis to pad")
        try:
            widths = np.broadcast_to(np.asarray(pad_width, dtype=int), (self.ndim, 2))
            if (widths < 0).any():
                raise ValueError("negative")
        except (ValueError, TypeError) as error:
            raise ValueError(
                f"pad: pad_width {pad_width!r} does not fit a Tensor of shape {self.shape}"
            ) from error
        return tensor_record.apply(T.PAD, (self,), widths=tuple(map(tuple, widths.tolist())), value=value)


def _reshaped(x: Any, target: tuple[int, ...], op: str, copy_allowed: bool) -> Tensor:
    """``x`` reshaped: a view when NumPy could reshape without copying, else a copy (or, for ``view``,
    PyTorch's error)."""
    try:
        out = x._data.reshape(target)
    except ValueError as error:
        raise RuntimeError(
            f"{op}: shape '{list(target)}' is invalid for input of size {x._data.size} (cannot reshape a "
            f"Tensor of shape {x.shape} into {target})"
        ) from error
    ctx = {"shape": out.shape}
    if out.size == 0 or np.may_share_memory(out, x._data):
        return tensor_record.view(x, T.RESHAPE, ctx)
    if not copy_allowed:
        raise RuntimeError(
            f"view: the shape {target} is not compatible with the memory layout of this {x.shape} Tensor "
            "(at least one dimension spans across two contiguous subspaces, e.g. after a transpose); use "
            ".reshape(...) instead"
        )
    return tensor_record.result(out, (x,), T.RESHAPE, ctx)
