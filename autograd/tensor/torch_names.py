"""PyTorch's spellings of Tensor operations that chainrule already has (``view``, ``unsqueeze``,
``clamp``, ``size()``, ``float()``, ``add_``...), as a mixin of ``Tensor``: each is one line over an
existing op, so the graph, the gradients and the version counting are the ops' own."""

from __future__ import annotations

import builtins
from typing import Any

import numpy as np

from autograd.tensor import axes
from autograd.tensor import record as tensor_record
from autograd.tensor.device import CPU, device, to_arguments


class TorchMethods:
    """Mixed into Tensor: names PyTorch users type, mapped onto the NumPy-style methods."""

    __slots__ = ()

    def size(self: Any, dim: int | None = None) -> Any:
        """The shape (a tuple), or the length of dimension ``dim``."""
        return self.shape if dim is None else self.shape[dim]

    def numel(self: Any) -> builtins.int:
        """The number of elements."""
        return builtins.int(self._data.size)

    def dim(self: Any) -> builtins.int:
        """The number of dimensions."""
        return builtins.int(self._data.ndim)

    def unsqueeze(self: Any, dim: int) -> Any:
        """A new axis of size 1 at ``dim`` (negative counts from the end of the result)."""
        position = axes.dim_index(dim, self.ndim + 1, "unsqueeze")
        return self.reshape(*self.shape[:position], 1, *self.shape[position:])

    def squeeze(self: Any, dim: int | None = None) -> Any:
        """Drop axes of size 1 (all of them, or ``dim`` if it has size 1; a view either way)."""
        if dim is None:
            return self.reshape(*(n for n in self.shape if n != 1))
        axis = axes.dim_index(dim, self.ndim, "squeeze")
        if self.ndim == 0 or self.shape[axis] != 1:
            return self.reshape(self.shape)
        return self.reshape(*self.shape[:axis], *self.shape[axis + 1 :])

    def clamp(self: Any, min: float | None = None, max: float | None = None) -> Any:
        """``clip`` under PyTorch's name."""
        return self.clip(min, max)

    def matmul(self: Any, other: Any) -> Any:
        """The matrix product ``self @ other`` (NumPy's rules for 1-D and batched operands)."""
        return self @ other

    def mm(self: Any, other: Any) -> Any:
        """The product of two 2-D Tensors (``@``)."""
        if self.ndim != 2 or getattr(other, "ndim", 0) != 2:
            raise ValueError(
                f"mm needs two 2-D Tensors, got shapes {self.shape} and {getattr(other, 'shape', ())}"
            )
        return self @ other

    def pow(self: Any, exponent: Any) -> Any:
        """``self ** exponent``."""
        return self**exponent

    def t(self: Any) -> Any:
        """The transpose of a Tensor of at most 2 dimensions."""
        if self.ndim > 2:
            raise ValueError(f"t() expects a Tensor of at most 2 dimensions, got {self.ndim}; use transpose")
        return self.T

    def clone(self: Any) -> Any:
        """A copy (new memory) that stays in the graph: its gradient flows back to this Tensor."""
        return self.astype(self.dtype)

    def masked_fill(self: Any, mask: Any, value: Any) -> Any:
        """``value`` where ``mask`` (bool, broadcast to this shape) is True, this Tensor elsewhere: e.g.
        ``scores.masked_fill(~allowed, float("-inf"))`` before a softmax."""
        condition = np.asarray(tensor_record.raw(mask))
        if condition.dtype != bool:
            raise TypeError(f"masked_fill: the mask must be a bool Tensor, got dtype {condition.dtype}")
        return tensor_record.where(condition, value, self)

    def to(self: Any, *args: Any, **kwargs: Any) -> Any:
        """``to(dtype)``, ``to("cpu")``, ``to(device, dtype)`` or ``to(other)``: self when nothing changes,
        else a converted Tensor in the graph (the CPU is the only device)."""
        dtype = to_arguments(args, dict(kwargs))
        return self if dtype is None or dtype == self.dtype else self.astype(dtype)

    def cpu(self: Any) -> Any:
        """Self: chainrule's Tensors always live on the CPU."""
        return self

    @property
    def device(self: Any) -> device:
        """Where the data lives: ``device(type='cpu')``."""
        return CPU

    def float(self: Any) -> Any:
        """As float32 (in the graph)."""
        return self.astype(np.float32)

    def double(self: Any) -> Any:
        """As float64 (in the graph)."""
        return self.astype(np.float64)

    def long(self: Any) -> Any:
        """As int64 (no gradient)."""
        return self.astype(np.int64)

    def int(self: Any) -> Any:
        """As int32 (no gradient)."""
        return self.astype(np.int32)

    def bool(self: Any) -> Any:
        """As bool (no gradient)."""
        return self.astype(np.bool_)

    def tolist(self: Any) -> Any:
        """The values as (nested) Python lists, or a number for a 0-d Tensor."""
        return self._data.tolist()

    def requires_grad_(self: Any, requires_grad: builtins.bool = True) -> Any:
        """Start (or stop) tracking this leaf's gradient; returns self."""
        if self._parents and not requires_grad:
            raise RuntimeError("requires_grad_(False) applies to leaves; use detach() for a computed Tensor")
        if requires_grad and self.dtype.kind != "f":
            raise TypeError(f"only floating-point Tensors can require grad, got dtype {self.dtype}")
        self.requires_grad = requires_grad
        return self
