"""Tensor's reductions (sum, mean, var, max, min, their arg- forms, any, all), as a mixin: axes come
NumPy's way (``axis``, ``keepdims``) or PyTorch's (``dim``, ``keepdim``), and ``max(dim)`` returns
PyTorch's ``(values, indices)`` pair."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np

# a cycle: Tensor is made with this mixin; it reads tensor.Tensor at call time
from autograd import axes, tensor, tensor_record
from autograd import tensor_rules as T
from autograd.axes import Axis
from autograd.tensor_rules import Structural

if TYPE_CHECKING:
    from autograd.tensor import Tensor


class ReductionMethods:
    """Mixed into Tensor: reductions over all or some axes; the arg- forms and any/all record no graph."""

    __slots__ = ()

    def any(
        self: Any, axis: Axis = None, keepdims: bool = False, *, dim: Axis = None, keepdim: bool | None = None
    ) -> Tensor:
        """Whether any element (along ``dim`` / ``axis``) is non-zero: a bool Tensor, no gradient."""
        reduced, keep = axes.reduction(self.ndim, axis, keepdims, dim, keepdim)
        return tensor.Tensor(self._data.any(axis=reduced, keepdims=keep), dtype=bool)

    def all(
        self: Any, axis: Axis = None, keepdims: bool = False, *, dim: Axis = None, keepdim: bool | None = None
    ) -> Tensor:
        """Whether every element (along ``dim`` / ``axis``) is non-zero: a bool Tensor, no gradient."""
        reduced, keep = axes.reduction(self.ndim, axis, keepdims, dim, keepdim)
        return tensor.Tensor(self._data.all(axis=reduced, keepdims=keep), dtype=bool)

    def sum(
        self: Any, axis: Axis = None, keepdims: bool = False, *, dim: Axis = None, keepdim: bool | None = None
    ) -> Tensor:
        """Sum over ``axis`` (PyTorch: ``dim``), all axes by default."""
        reduced, keep = axes.reduction(self.ndim, axis, keepdims, dim, keepdim)
        return tensor_record.apply(T.SUM, (self,), axes=reduced, keepdims=keep)

    def mean(
        self: Any, axis: Axis = None, keepdims: bool = False, *, dim: Axis = None, keepdim: bool | None = None
    ) -> Tensor:
        """Mean over ``axis`` (PyTorch: ``dim``); integer and bool Tensors average as float32."""
        reduced, keep = axes.reduction(self.ndim, axis, keepdims, dim, keepdim)
        source = self if self._data.dtype.kind == "f" else tensor.Tensor(self._data, dtype=np.float32)
        return tensor_record.apply(T.MEAN, (source,), axes=reduced, keepdims=keep)

    def var(
        self: Any,
        axis: Axis = None,
        keepdims: bool = False,
        ddof: int = 0,
        *,
        dim: Axis = None,
        keepdim: bool | None = None,
    ) -> Tensor:
        """Variance with NumPy's default ``ddof=0`` (the population variance, as batch norm uses)."""
        reduced, keep = axes.reduction(self.ndim, axis, keepdims, dim, keepdim)
        count = int(np.prod([self.shape[ax] for ax in reduced]))
        if count - ddof <= 0:
            raise ValueError(f"var: {count} elements leave no degrees of freedom with ddof={ddof}")
        return tensor_record.apply(T.VAR, (self,), axes=reduced, keepdims=keep, ddof=ddof)

    def max(
        self: Any, dim: Any = None, keepdim: bool = False, *, axis: Axis = None, keepdims: bool | None = None
    ) -> Any:
        """The largest element(s). ``x.max()`` and ``x.max(axis=...)`` give the values (NumPy's way);
        ``x.max(dim)`` gives PyTorch's pair ``(values, indices)``. The gradient goes to the first maximum
        along one axis, and is split equally among tied maxima over all or several axes; NaN wins."""
        return _extreme(T.MAX, np.argmax, self, dim, keepdim, axis, keepdims)

    def min(
        self: Any, dim: Any = None, keepdim: bool = False, *, axis: Axis = None, keepdims: bool | None = None
    ) -> Any:
        """The smallest element(s), with ``max``'s conventions."""
        return _extreme(T.MIN, np.argmin, self, dim, keepdim, axis, keepdims)

    def argmax(
        self: Any, dim: int | None = None, keepdim: bool = False, *, axis: int | None = None
    ) -> Tensor:
        """Indices of the largest elements as an int64 Tensor (indices have no gradient)."""
        return _indices(np.argmax, self, dim if axis is None else axis, keepdim)

    def argmin(
        self: Any, dim: int | None = None, keepdim: bool = False, *, axis: int | None = None
    ) -> Tensor:
        """Indices of the smallest elements as an int64 Tensor."""
        return _indices(np.argmin, self, dim if axis is None else axis, keepdim)


class ValuesIndices(NamedTuple):
    """What ``max(dim)`` / ``min(dim)`` return, as in PyTorch."""

    values: Tensor
    indices: Tensor


def _extreme(
    rule: Structural, locate: Any, x: Tensor, dim: Any, keepdim: bool, axis: Axis, keepdims: bool | None
) -> Any:
    if x._data.size == 0:
        raise ValueError(f"{rule.name} of an empty Tensor")
    if dim is not None:
        if axis is not None:
            raise ValueError("give axis= or dim=, not both")
        if not isinstance(dim, (int, np.integer)):
            raise TypeError(f"{rule.name}(dim) takes one int dim, got {dim!r}; for several axes use axis=")
        values = tensor_record.apply(
            rule, (x,), axes=axes.normalise_axis(int(dim), x.ndim), keepdims=keepdim, first=True
        )
        return ValuesIndices(values, _indices(locate, x, int(dim), keepdim))
    keep = bool(keepdims)
    first = isinstance(axis, (int, np.integer))
    return tensor_record.apply(rule, (x,), axes=axes.normalise_axis(axis, x.ndim), keepdims=keep, first=first)


def _indices(locate: Any, x: Tensor, axis: int | None, keepdim: bool) -> Tensor:
    found = np.asarray(locate(x._data, axis=axis), dtype=np.int64)
    if keepdim and axis is not None:
        found = np.expand_dims(found, axis)
    return tensor.Tensor(found, dtype=np.int64)
