"""Selecting, ordering and splitting along a dimension, PyTorch's way (``index_select``, ``gather``,
``scatter_``, ``masked_select``, ``nonzero``, ``sort``, ``argsort``, ``topk``, ``split``, ``chunk``,
``narrow``, ``unbind``, ``flip``, ``roll``, ``tril``, ``triu``, ``diag``), as a mixin of ``Tensor``.
Each is indexing, ``where`` or in-place assignment over the existing rules, so gradients (to second
order) and version counting are theirs; the indices are computed on arrays and kept as constants."""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from typing import Any, NamedTuple

import numpy as np

from autograd.tensor import axes
from autograd.tensor import record as tensor_record
from autograd.tensor.base import plain


class SortResult(NamedTuple):
    """``(values, indices)`` of ``sort`` and ``topk``, as PyTorch's named tuples."""

    values: Any
    indices: Any


def _along(index: np.ndarray, dim: int, ndim: int) -> tuple[Any, ...]:
    """The advanced index that picks ``index`` (shaped like the result) along ``dim`` and the matching
    position on every other axis: ``take_along_axis`` written as an index, so it records as getitem."""
    grids = np.indices(index.shape, sparse=True)
    return tuple(index if axis == dim else grids[axis] for axis in range(ndim))


def _along_dim(index: Any, dim: int, ndim: int, op: str) -> tuple[Any, ...]:
    """``gather`` / ``scatter_``'s index (as many dimensions as the Tensor) as an advanced index."""
    axis = axes.dim_index(dim, ndim, op)
    positions = _long(index, op)
    if positions.ndim != ndim:
        raise RuntimeError(
            f"{op}(): Index tensor must have the same number of dimensions as the tensor "
            f"({positions.ndim} vs {ndim})"
        )
    return _along(positions, axis, ndim)


def _long(index: Any, op: str) -> np.ndarray:
    """An index argument as an int64 array (a Tensor, a list or an array of integers)."""
    array = np.asarray(tensor_record.raw(index))
    if array.dtype.kind not in "iu":
        raise TypeError(f"{op}: the index must be an integer Tensor (int64), got dtype {array.dtype}")
    return array.astype(np.int64, copy=False)


class SelectionMethods:
    """Mixed into Tensor: PyTorch's selection and splitting methods."""

    __slots__ = ()

    def index_select(self: Any, dim: int, index: Any) -> Any:
        """The entries at ``index`` (1-D integers) along ``dim``, in that order (repeats allowed)."""
        axis = axes.dim_index(dim, self.ndim, "index_select")
        picked = _long(index, "index_select")
        if picked.ndim > 1:
            raise IndexError(f"index_select(): Index is supposed to be a vector, got shape {picked.shape}")
        return self[(slice(None),) * axis + (picked,)]

    def gather(self: Any, dim: int, index: Any) -> Any:
        """``out[i][j] = self[index[i][j]][j]`` for ``dim=0`` (and so on): ``index`` has this Tensor's
        number of dimensions and gives, per output position, where to read along ``dim``."""
        return self[_along_dim(index, dim, self.ndim, "gather")]

    def scatter_(self: Any, dim: int, index: Any, src: Any) -> Any:
        """In place, ``self[index[i][j]][j] = src[i][j]`` for ``dim=0`` (and so on); ``src`` a Tensor of
        ``index``'s shape or a number. Returns self."""
        placed = _along_dim(index, dim, self.ndim, "scatter_")
        if hasattr(src, "shape"):  # a Tensor at least the index's size: its leading block, as in PyTorch
            src = src[tuple(slice(0, n) for n in _long(index, "scatter_").shape)]
        self[placed] = src
        return self

    def masked_select(self: Any, mask: Any) -> Any:
        """The entries where ``mask`` (bool, broadcast with this Tensor) is True, as a 1-D Tensor."""
        chosen = np.asarray(tensor_record.raw(mask))
        if chosen.dtype != bool:
            raise RuntimeError(f"masked_select: expected a bool mask, got dtype {chosen.dtype}")
        shape = np.broadcast_shapes(self.shape, chosen.shape)
        source = self if self.shape == shape else self.expand(*shape)
        return source[np.broadcast_to(chosen, shape)]

    def nonzero(self: Any, *, as_tuple: builtins.bool = False) -> Any:
        """The positions of the non-zero entries: an (n, ndim) int64 Tensor, or with ``as_tuple`` one
        1-D int64 Tensor per dimension (what ``x[x.nonzero(as_tuple=True)]`` indexes with)."""
        found = np.nonzero(self._data if self.ndim else self._data.reshape(1))
        if as_tuple:
            return tuple(plain(positions.astype(np.int64)) for positions in found)
        return plain(np.stack(found, axis=1).astype(np.int64).reshape(-1, self.ndim))

    def argsort(
        self: Any, dim: int = -1, descending: builtins.bool = False, stable: builtins.bool = False
    ) -> Any:
        """The int64 indices that sort this Tensor along ``dim``; ties keep their order (a stable sort,
        ascending or descending)."""
        axis = axes.dim_index(dim, max(self.ndim, 1), "argsort")
        data = self._data if self.ndim else self._data.reshape(1)
        if data.dtype.kind in "bu":  # negating needs a signed type
            data = data.astype(np.int64)
        order = np.argsort(-data if descending else data, axis=axis, kind="stable")
        return plain(order.reshape(self.shape).astype(np.int64))

    def sort(
        self: Any, dim: int = -1, descending: builtins.bool = False, stable: builtins.bool = False
    ) -> SortResult:
        """``(values, indices)`` sorted along ``dim``; the values stay in the graph (their gradient goes
        back to where each came from)."""
        indices = self.argsort(dim, descending)
        return SortResult(self.gather(dim, indices) if self.ndim else self[...], indices)

    def topk(
        self: Any, k: int, dim: int = -1, largest: builtins.bool = True, sorted: builtins.bool = True
    ) -> SortResult:
        """The ``k`` largest (or smallest) entries along ``dim`` and their int64 indices, largest first."""
        axis = axes.dim_index(dim, max(self.ndim, 1), "topk")
        length = self.shape[axis] if self.ndim else 1
        if (
            isinstance(k, builtins.bool)
            or not isinstance(k, (builtins.int, np.integer))
            or not 0 <= k <= length
        ):
            raise RuntimeError(f"topk: k ({k}) must lie in [0, {length}], the size of dimension {dim}")
        order = self.argsort(axis, descending=largest)._data
        indices = plain(np.take(order, np.arange(k), axis=axis))
        return SortResult(self.gather(axis, indices), indices)

    def narrow(self: Any, dim: int, start: int, length: int) -> Any:
        """The view of ``length`` entries from ``start`` along ``dim``."""
        axis = axes.dim_index(dim, self.ndim, "narrow")
        size = self.shape[axis]
        if not -size <= start <= size:
            raise IndexError(
                f"start out of range (expected to be in range of [{-size}, {size}], but got {start})"
            )
        begin = start + size if start < 0 else start
        if length < 0:
            raise RuntimeError("narrow(): length must be non-negative.")
        if begin + length > size:
            raise RuntimeError(f"start ({begin}) + length ({length}) exceeds dimension size ({size}).")
        return self[(slice(None),) * axis + (slice(begin, begin + length),)]

    def split(self: Any, split_size_or_sections: int | Sequence[int], dim: int = 0) -> tuple[Any, ...]:
        """Views along ``dim``: pieces of ``split_size`` (the last one shorter), or of the listed sizes,
        which must add up to the dimension's size."""
        axis = axes.dim_index(dim, self.ndim, "split")
        size = self.shape[axis]
        if isinstance(split_size_or_sections, (builtins.int, np.integer)):
            step = builtins.int(split_size_or_sections)
            if step <= 0:
                raise RuntimeError(f"split expects split_size be positive, but got split_size={step}")
            sizes = [min(step, size - start) for start in range(0, size, step)] or [0]
        else:
            sizes = [builtins.int(n) for n in split_size_or_sections]
            if builtins.sum(sizes) != size:
                raise RuntimeError(
                    f"split_with_sizes expects split_sizes to sum exactly to {size} (input tensor's size at "
                    f"dimension {dim}), but got split_sizes={sizes}"
                )
        starts = np.cumsum([0, *sizes[:-1]])
        return tuple(self.narrow(axis, builtins.int(at), n) for at, n in zip(starts, sizes))

    def chunk(self: Any, chunks: int, dim: int = 0) -> tuple[Any, ...]:
        """At most ``chunks`` views of equal size along ``dim`` (the last one smaller), as PyTorch."""
        if chunks <= 0:
            raise RuntimeError(f"chunk expects `chunks` to be greater than 0, got: {chunks}")
        axis = axes.dim_index(dim, self.ndim, "chunk")
        return self.split(max(1, -(-self.shape[axis] // chunks)), axis)

    def unbind(self: Any, dim: int = 0) -> tuple[Any, ...]:
        """The slices along ``dim``, that dimension removed."""
        axis = axes.dim_index(dim, self.ndim, "unbind")
        return tuple(self[(slice(None),) * axis + (i,)] for i in range(self.shape[axis]))

    def flip(self: Any, *dims: Any) -> Any:
        """A copy with the order along each of ``dims`` reversed."""
        chosen = axes.shape_argument(dims) if dims else ()
        reversed_axes = {axes.dim_index(d, self.ndim, "flip") for d in chosen}
        index = tuple(
            slice(None, None, -1) if axis in reversed_axes else slice(None) for axis in range(self.ndim)
        )
        return self[index].clone()

    def roll(self: Any, shifts: int | Sequence[int], dims: int | Sequence[int] | None = None) -> Any:
        """A copy with entries moved ``shifts`` places along ``dims`` (wrapping around); without ``dims``
        the flattened Tensor is rolled and the shape restored."""
        if dims is None:
            return self.reshape(-1).roll(shifts, 0).reshape(self.shape)
        shift_list = [shifts] if isinstance(shifts, (builtins.int, np.integer)) else list(shifts)
        dim_list = [dims] if isinstance(dims, (builtins.int, np.integer)) else list(dims)
        if len(shift_list) != len(dim_list):
            raise RuntimeError(f"roll: shifts and dimensions must align, got {shift_list} and {dim_list}")
        out = self
        for shift, dim in zip(shift_list, dim_list):
            axis = axes.dim_index(dim, self.ndim, "roll")
            order = (np.arange(self.shape[axis]) - builtins.int(shift)) % max(self.shape[axis], 1)
            out = out[(slice(None),) * axis + (order,)]
        return out

    def tril(self: Any, diagonal: int = 0) -> Any:
        """The lower triangle of the last two dimensions (entries above ``diagonal`` set to 0)."""
        return self._triangle(diagonal, lower=True)

    def triu(self: Any, diagonal: int = 0) -> Any:
        """The upper triangle of the last two dimensions (entries below ``diagonal`` set to 0)."""
        return self._triangle(diagonal, lower=False)

    def _triangle(self: Any, diagonal: int, lower: builtins.bool) -> Any:
        if self.ndim < 2:
            raise RuntimeError(f"{'tril' if lower else 'triu'}: input tensor must have at least 2 dimensions")
        rows, cols = self.shape[-2:]
        keep = np.tri(rows, cols, diagonal, dtype=bool)
        if not lower:
            keep = ~np.tri(rows, cols, diagonal - 1, dtype=bool)
        return tensor_record.where(keep, self, 0)

    def diag(self: Any, diagonal: int = 0) -> Any:
        """For a 1-D Tensor, the square matrix with it on ``diagonal``; for a 2-D one, that diagonal."""
        if self.ndim == 1:
            n = self.shape[0] + abs(diagonal)
            rows = np.arange(self.shape[0]) + max(-diagonal, 0)
            cols = np.arange(self.shape[0]) + max(diagonal, 0)
            picks = np.zeros((n, self.shape[0]), dtype=self.dtype)
            picks[rows, np.arange(self.shape[0])] = 1
            spread = np.zeros((self.shape[0], n), dtype=self.dtype)
            spread[np.arange(self.shape[0]), cols] = 1
            return (plain(picks) * self) @ plain(spread)
        if self.ndim == 2:
            rows, cols = self.shape
            start_row, start_col = max(-diagonal, 0), max(diagonal, 0)
            length = max(0, min(rows - start_row, cols - start_col))
            return self[np.arange(length) + start_row, np.arange(length) + start_col]
        raise RuntimeError(f"diag(): Supports 1D or 2D tensors. Got {self.ndim}D")
