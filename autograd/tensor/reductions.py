"""Tensor's reductions (sum, mean, var, max, min, their arg- forms, any, all), as a mixin: axes come
NumPy's way (``axis``, ``keepdims``) or PyTorch's (``dim``, ``keepdim``), and ``max(dim)`` returns
PyTorch's ``(values, indices)`` pair."""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np

from autograd.rules import structural as T
from autograd.rules.structural import Structural
from autograd.tensor import axes
from autograd.tensor import record as tensor_record
from autograd.tensor.axes import Axis
from autograd.tensor.base import plain

if TYPE_CHECKING:
    from autograd.tensor.core import Tensor


def correction_of(unbiased: bool | None, correction: float | None, ddof: float | None) -> float:
    """The divisor's correction from PyTorch's ``unbiased`` / ``correction`` or NumPy's ``ddof`` (at most
    one of them; 1 when none is given, as in PyTorch)."""
    given = [
        name
        for name, value in (("unbiased", unbiased), ("correction", correction), ("ddof", ddof))
        if value is not None
    ]
    if len(given) > 1:
        raise TypeError(f"var/std: give one of unbiased=, correction= and ddof=, got {' and '.join(given)}")
    if unbiased is not None:
        return 1.0 if unbiased else 0.0
    chosen = correction if correction is not None else ddof
    return 1.0 if chosen is None else float(chosen)


class ReductionMethods:
    """Mixed into Tensor: reductions over all or some axes; the arg- forms and any/all record no graph."""

    __slots__ = ()

    def any(
        self: Any, axis: Axis = None, keepdims: bool = False, *, dim: Axis = None, keepdim: bool | None = None
    ) -> Tensor:
        """Whether any element (along ``dim`` / ``axis``) is non-zero: a bool Tensor, no gradient."""
        reduced, keep = axes.reduction(self.ndim, axis, keepdims, dim, keepdim, "any")
        return plain(np.asarray(self._data.any(axis=reduced, keepdims=keep)))

    def all(
        self: Any, axis: Axis = None, keepdims: bool = False, *, dim: Axis = None, keepdim: bool | None = None
    ) -> Tensor:
        """Whether every element (along ``dim`` / ``axis``) is non-zero: a bool Tensor, no gradient."""
        reduced, keep = axes.reduction(self.ndim, axis, keepdims, dim, keepdim, "all")
        return plain(np.asarray(self._data.all(axis=reduced, keepdims=keep)))

    def sum(
        self: Any, axis: Axis = None, keepdims: bool = False, *, dim: Axis = None, keepdim: bool | None = None
    ) -> Tensor:
        """Sum over ``axis`` (PyTorch: ``dim``), all axes by default."""
        reduced, keep = axes.reduction(self.ndim, axis, keepdims, dim, keepdim, "sum")
        return tensor_record.apply(T.SUM, (self,), axes=reduced, keepdims=keep)

    def mean(
        self: Any, axis: Axis = None, keepdims: bool = False, *, dim: Axis = None, keepdim: bool | None = None
    ) -> Tensor:
        """Mean over ``axis`` (PyTorch: ``dim``); integer and bool Tensors average as float32."""
        reduced, keep = axes.reduction(self.ndim, axis, keepdims, dim, keepdim, "mean")
        source = self if self._data.dtype.kind == "f" else plain(self._data.astype(np.float32))
        return tensor_record.apply(T.MEAN, (source,), axes=reduced, keepdims=keep)

    def var(
        self: Any,
        dim: Axis | bool = None,
        unbiased: bool | None = None,
        keepdim: bool | None = None,
        *,
        correction: float | None = None,
        axis: Axis = None,
        keepdims: bool = False,
        ddof: float | None = None,
    ) -> Tensor:
        """Variance over ``dim`` (NumPy: ``axis``), dividing by N - ``correction``: 1 by default (the unbiased
        estimate, PyTorch's default); ``unbiased=False``, ``correction=0`` or NumPy's ``ddof=0`` give the
        population variance. With N - correction <= 0 the result is NaN (or inf), with PyTorch's warning."""
        return _variance(self, "var", dim, unbiased, keepdim, correction, axis, keepdims, ddof)

    def std(
        self: Any,
        dim: Axis | bool = None,
        unbiased: bool | None = None,
        keepdim: bool | None = None,
        *,
        correction: float | None = None,
        axis: Axis = None,
        keepdims: bool = False,
        ddof: float | None = None,
    ) -> Tensor:
        """Standard deviation: the square root of ``var`` with the same arguments (unbiased by default)."""
        return _variance(self, "std", dim, unbiased, keepdim, correction, axis, keepdims, ddof).sqrt()

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

    def prod(
        self: Any, dim: int | None = None, keepdim: bool = False, *, dtype: Any = None, axis: Axis = None
    ) -> Tensor:
        """The product of the elements (along ``dim``); integer and bool Tensors multiply in int64. A
        zero factor gets the product of the others as its gradient, exactly, as in PyTorch."""
        if dim is not None and not isinstance(dim, (int, np.integer)):
            raise TypeError(f"prod(dim) takes one int dim, got {dim!r}; for several axes use axis=")
        reduced, keep = axes.reduction(self.ndim, axis, keepdim, dim, None, "prod")
        source = self if dtype is None else self.to(dtype)
        return tensor_record.apply(T.PROD, (source,), axes=reduced, keepdims=keep)

    def amax(self: Any, dim: Axis = (), keepdim: bool = False) -> Tensor:
        """The largest elements over ``dim`` (an int or a tuple; all dims by default), the gradient
        split equally among tied maxima (``max(dim)`` gives it all to the first)."""
        return _extreme_values(T.MAX, self, dim, keepdim, "amax")

    def amin(self: Any, dim: Axis = (), keepdim: bool = False) -> Tensor:
        """The smallest elements over ``dim``, with ``amax``'s conventions."""
        return _extreme_values(T.MIN, self, dim, keepdim, "amin")

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


def _variance(
    x: Tensor,
    op: str,
    dim: Axis | bool,
    unbiased: bool | None,
    keepdim: bool | None,
    correction: float | None,
    axis: Axis,
    keepdims: bool,
    ddof: float | None,
) -> Tensor:
    """``var`` (``std`` takes its square root) of a floating Tensor, as PyTorch: an integer one is refused."""
    if x.dtype.kind != "f":
        raise RuntimeError(f"{op}(): std and var only support floating point dtypes, got {x.dtype}")
    if isinstance(dim, bool):  # torch.var(x, False): the unbiased flag in the first place
        dim, unbiased = None, dim
    reduced, keep = axes.reduction(x.ndim, axis, keepdims, dim, keepdim, op)
    chosen = correction_of(unbiased, correction, ddof)
    count = int(np.prod([x.shape[ax] for ax in reduced]))
    if count - chosen <= 0:
        warnings.warn(
            f"{op}(): degrees of freedom is <= 0 (N={count}, correction={chosen:g}); the result is not "
            "finite. Correction should be strictly less than the number of reduced elements.",
            UserWarning,
            stacklevel=3,
        )
    return tensor_record.apply(T.VAR, (x,), axes=reduced, keepdims=keep, correction=chosen)


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
            rule, (x,), axes=axes.normalise_axis(int(dim), x.ndim, rule.name), keepdims=keepdim, first=True
        )
        return ValuesIndices(values, _indices(locate, x, int(dim), keepdim))
    keep = bool(keepdims)
    first = isinstance(axis, (int, np.integer))
    return tensor_record.apply(
        rule, (x,), axes=axes.normalise_axis(axis, x.ndim, rule.name), keepdims=keep, first=first
    )


def _extreme_values(rule: Structural, x: Tensor, dim: Axis, keepdim: bool, name: str) -> Tensor:
    """amax / amin: over ``dim`` (all dims when it is ``()``), ties sharing the gradient equally."""
    if dim == () and x._data.size == 0:
        raise RuntimeError(f"{name}(): an empty Tensor {x.shape} needs the reduction dim given as dim=")
    reduced = axes.normalise_axis(None if dim == () else dim, x.ndim, name)
    if any(x.shape[ax] == 0 for ax in reduced):
        raise IndexError(f"{name}(): expected reduction dim {dim} to have non-zero size, shape {x.shape}")
    return tensor_record.apply(rule, (x,), axes=reduced, keepdims=keepdim, first=False)


def _indices(locate: Any, x: Tensor, axis: int | None, keepdim: bool) -> Tensor:
    if axis is not None:
        axis = axes.dim_index(axis, x.ndim, locate.__name__)
        if not x.ndim:  # a 0-d Tensor's dim 0 or -1 is the Tensor itself, as in PyTorch
            axis = None
    found = np.asarray(locate(x._data, axis=axis), dtype=np.int64)
    if keepdim and axis is not None:
        found = np.expand_dims(found, axis)
    return plain(np.asarray(found, dtype=np.int64))
