"""PyTorch's spellings of Tensor operations that chainrule already has (``view``, ``unsqueeze``,
``clamp``, ``size()``, ``float()``, ``eq``, ``bmm``, ``new_zeros``, ``normal_``...), as a mixin of
``Tensor``: each is a line or two over existing ops, so the graph, the gradients and the version
counting are the ops' own."""

from __future__ import annotations

import builtins
from typing import Any

import numpy as np

from autograd.random import as_generator
from autograd.tensor import axes
from autograd.tensor import record as tensor_record
from autograd.tensor.base import plain
from autograd.tensor.device import CPU, check, device, to_arguments

# Tensor.type()'s names, PyTorch's legacy CPU tensor types
_TYPE_NAMES = {
    np.dtype(np.float32): "torch.FloatTensor",
    np.dtype(np.float64): "torch.DoubleTensor",
    np.dtype(np.float16): "torch.HalfTensor",
    np.dtype(np.int64): "torch.LongTensor",
    np.dtype(np.int32): "torch.IntTensor",
    np.dtype(np.int16): "torch.ShortTensor",
    np.dtype(np.int8): "torch.CharTensor",
    np.dtype(np.uint8): "torch.ByteTensor",
    np.dtype(np.bool_): "torch.BoolTensor",
}
_TYPES_BY_NAME = {name: dtype for dtype, name in _TYPE_NAMES.items()}


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

    def half(self: Any) -> Any:
        """As float16 (in the graph)."""
        return self.astype(np.float16)

    def type(self: Any, dtype: Any = None) -> Any:
        """Without an argument, the legacy type name (``'torch.FloatTensor'``); with a dtype or such a
        name, the Tensor converted to it."""
        if dtype is None:
            return _TYPE_NAMES.get(self.dtype, f"torch.{self.dtype}")
        return self.to(_TYPES_BY_NAME.get(dtype, dtype) if isinstance(dtype, str) else dtype)

    def eq(self: Any, other: Any) -> Any:
        """``self == other`` elementwise (a bool Tensor)."""
        return self == other

    def ne(self: Any, other: Any) -> Any:
        """``self != other`` elementwise (a bool Tensor)."""
        return self != other

    def gt(self: Any, other: Any) -> Any:
        """``self > other`` elementwise (a bool Tensor)."""
        return self > other

    def ge(self: Any, other: Any) -> Any:
        """``self >= other`` elementwise (a bool Tensor)."""
        return self >= other

    def lt(self: Any, other: Any) -> Any:
        """``self < other`` elementwise (a bool Tensor)."""
        return self < other

    def le(self: Any, other: Any) -> Any:
        """``self <= other`` elementwise (a bool Tensor)."""
        return self <= other

    def add(self: Any, other: Any, *, alpha: Any = 1) -> Any:
        """``self + alpha * other`` (the in-place form is ``add_``)."""
        return self + (other if alpha == 1 else alpha * other)

    def sub(self: Any, other: Any, *, alpha: Any = 1) -> Any:
        """``self - alpha * other``."""
        return self - (other if alpha == 1 else alpha * other)

    def mul(self: Any, other: Any) -> Any:
        """``self * other`` elementwise."""
        return self * other

    def div(self: Any, other: Any) -> Any:
        """``self / other`` elementwise (true division: integers give a float Tensor)."""
        return self / other

    def neg(self: Any) -> Any:
        """``-self``."""
        return -self

    def equal(self: Any, other: Any) -> builtins.bool:
        """Whether ``other`` has this shape and every entry equal (one Python bool)."""
        values = np.asarray(tensor_record.raw(other))
        return values.shape == self.shape and builtins.bool(np.array_equal(self._data, values))

    def allclose(
        self: Any,
        other: Any,
        rtol: builtins.float = 1e-5,
        atol: builtins.float = 1e-8,
        equal_nan: builtins.bool = False,
    ) -> builtins.bool:
        """Whether every entry is close to ``other``'s (NumPy's rule, PyTorch's defaults)."""
        return builtins.bool(np.allclose(self._data, tensor_record.raw(other), rtol, atol, equal_nan))

    def isnan(self: Any) -> Any:
        """Where the entries are NaN (a bool Tensor)."""
        return plain(np.isnan(self._data))

    def isinf(self: Any) -> Any:
        """Where the entries are ±inf (a bool Tensor)."""
        return plain(np.isinf(self._data))

    def where(self: Any, condition: Any, other: Any) -> Any:
        """``torch.where(condition, self, other)``: this Tensor where ``condition`` holds, else ``other``."""
        return tensor_record.where(condition, self, other)

    def view_as(self: Any, other: Any) -> Any:
        """``view(other.shape)``."""
        return self.view(other.shape)

    def clamp_min(self: Any, min: Any) -> Any:
        """``clamp(min=min)``."""
        return self.clip(min, None)

    def clamp_max(self: Any, max: Any) -> Any:
        """``clamp(max=max)``."""
        return self.clip(None, max)

    def repeat(self: Any, *sizes: Any) -> Any:
        """This Tensor tiled ``sizes[i]`` times along dimension i (extra sizes add leading dimensions)."""
        counts = axes.shape_argument(sizes)
        if len(counts) < self.ndim:
            raise RuntimeError(
                "Number of dimensions of repeat dims can not be smaller than number of dimensions of tensor"
            )
        shape = (1,) * (len(counts) - self.ndim) + self.shape
        spaced = self.reshape(*(n for size in shape for n in (1, size)))
        tiled = spaced.expand(*(n for count, size in zip(counts, shape) for n in (count, size)))
        return tiled.reshape(*(count * size for count, size in zip(counts, shape)))

    def logsumexp(self: Any, dim: Any, keepdim: builtins.bool = False) -> Any:
        """log Σ exp along ``dim``, shifted by the maximum so nothing overflows (a row of -inf gives -inf)."""
        axis = axes.normalise_axis(dim, self.ndim, "logsumexp")
        peak = np.max(self._data, axis=axis, keepdims=True, initial=-np.inf)
        shift = np.where(np.isfinite(peak), peak, 0).astype(self.dtype)
        total = (self - plain(shift)).exp().sum(axis=axis, keepdims=keepdim).log()
        return total + plain(shift if keepdim else np.squeeze(shift, axis))

    def norm(self: Any, p: Any = "fro", dim: Any = None, keepdim: builtins.bool = False) -> Any:
        """The vector p-norm over ``dim`` (all entries by default): 2 (``"fro"``), 1, ``inf``, or any
        p > 0. At a zero vector the 2-norm's gradient is 0, as PyTorch's (not 0/0)."""
        order = 2.0 if p in ("fro", None) else builtins.float(p)
        axis = axes.normalise_axis(dim, self.ndim, "norm")
        size = self.abs()
        if order == np.inf:
            return size.max(axis=axis, keepdims=keepdim)
        if order == 1.0:
            return size.sum(axis=axis, keepdims=keepdim)
        if order <= 0:
            raise RuntimeError(f"norm: p must be positive (or inf), got {p}")
        total = (size**order).sum(axis=axis, keepdims=keepdim)
        positive = total.step()  # 1 where the root's derivative is finite; 0 elsewhere, as in PyTorch
        safe = total + (1.0 - positive)  # 1 in place of a zero total: recorded ops, no mask of values
        return positive * safe ** (1.0 / order)

    def cumsum(self: Any, dim: builtins.int) -> Any:
        """Running sums along ``dim``: a product with a triangle of ones, so its gradient (the running
        sums from the other end) and second derivatives are the matmul rule's."""
        axis = axes.dim_index(dim, self.ndim, "cumsum")
        length = self.shape[axis] if self.ndim else 1
        triangle = plain(np.triu(np.ones((length, length), dtype=self.dtype)))
        moved = self.reshape(1) if self.ndim == 0 else self.transpose(axis, -1)
        summed = moved @ triangle
        return summed.reshape(()) if self.ndim == 0 else summed.transpose(axis, -1)

    def addmm(self: Any, mat1: Any, mat2: Any, *, beta: Any = 1, alpha: Any = 1, product: Any = None) -> Any:
        """``beta * self + alpha * (mat1 @ mat2)`` (``product``: that product, already made)."""
        product = mat1.mm(mat2) if product is None else product
        return (self if beta == 1 else self * beta) + (product if alpha == 1 else product * alpha)

    def baddbmm(self: Any, batch1: Any, batch2: Any, *, beta: Any = 1, alpha: Any = 1) -> Any:
        """``beta * self + alpha * (batch1 @ batch2)`` for 3-D batches."""
        return self.addmm(batch1, batch2, beta=beta, alpha=alpha, product=batch1.bmm(batch2))

    def bmm(self: Any, other: Any) -> Any:
        """Batched matrix product of two 3-D Tensors, (b, n, m) @ (b, m, p)."""
        if self.ndim != 3 or getattr(other, "ndim", 0) != 3:
            raise RuntimeError(f"bmm: expected two 3-D Tensors, got shapes {self.shape} and {other.shape}")
        return self @ other

    def mv(self: Any, vector: Any) -> Any:
        """Matrix (2-D) times vector (1-D)."""
        if self.ndim != 2 or getattr(vector, "ndim", 0) != 1:
            raise RuntimeError(
                f"mv: expected a 2-D and a 1-D Tensor, got shapes {self.shape} and {vector.shape}"
            )
        return self @ vector

    def dot(self: Any, other: Any) -> Any:
        """The dot product of two 1-D Tensors of one length."""
        if self.ndim != 1 or getattr(other, "ndim", 0) != 1:
            raise RuntimeError(
                f"1D tensors expected, but got {self.ndim}D and {getattr(other, 'ndim', 0)}D tensors"
            )
        return self @ other

    def new_tensor(
        self: Any, data: Any, dtype: Any = None, device: Any = None, requires_grad: builtins.bool = False
    ) -> Any:
        """A new Tensor of ``data`` (copied) in this Tensor's dtype unless ``dtype`` is given."""
        check(device)
        out = plain(np.array(tensor_record.raw(data), dtype=self.dtype if dtype is None else dtype))
        return out.requires_grad_(requires_grad) if requires_grad else out

    def new_full(
        self: Any,
        size: Any,
        fill_value: Any,
        dtype: Any = None,
        device: Any = None,
        requires_grad: builtins.bool = False,
    ) -> Any:
        """A new Tensor of ``size`` filled with ``fill_value``, in this Tensor's dtype unless given."""
        filled = np.full(
            axes.shape_argument((size,)), fill_value, dtype=self.dtype if dtype is None else dtype
        )
        return self.new_tensor(filled, dtype, device, requires_grad)

    def new_zeros(
        self: Any, *size: Any, dtype: Any = None, device: Any = None, requires_grad: builtins.bool = False
    ) -> Any:
        """Zeros of ``size`` in this Tensor's dtype unless given."""
        return self.new_full(axes.shape_argument(size), 0, dtype, device, requires_grad)

    def new_ones(
        self: Any, *size: Any, dtype: Any = None, device: Any = None, requires_grad: builtins.bool = False
    ) -> Any:
        """Ones of ``size`` in this Tensor's dtype unless given."""
        return self.new_full(axes.shape_argument(size), 1, dtype, device, requires_grad)

    def data_ptr(self: Any) -> builtins.int:
        """The address of the first element (equal for Tensors that share memory from the same start)."""
        return builtins.int(self._data.__array_interface__["data"][0])

    def element_size(self: Any) -> builtins.int:
        """Bytes per element."""
        return builtins.int(self._data.itemsize)

    def lerp_(self: Any, end: Any, weight: Any) -> Any:
        """In place, ``self + weight * (end - self)`` (a moving average's step); returns self."""
        return self.add_((end - self) * weight)

    def multinomial(
        self: Any, num_samples: builtins.int, replacement: builtins.bool = False, *, generator: Any = None
    ) -> Any:
        """Indices drawn from each row of non-negative weights (1-D or 2-D; rows need not sum to 1), as an
        int64 Tensor of shape (rows, num_samples); without ``replacement`` each index at most once."""
        if self.dtype.kind != "f":
            raise RuntimeError(
                f"multinomial only supports floating-point dtypes for input, got: {self.dtype}"
            )
        if self.ndim not in (1, 2):
            raise RuntimeError(f"prob_dist must be 1 or 2 dim, got shape {self.shape}")
        rows = self._data.reshape(-1, self.shape[-1]).astype(np.float64)
        if not np.isfinite(rows).all() or (rows < 0).any():
            raise RuntimeError("probability tensor contains either `inf`, `nan` or element < 0")
        totals = rows.sum(axis=1, keepdims=True)
        if (totals <= 0).any():
            raise RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)")
        if not replacement and num_samples > int(np.count_nonzero(rows, axis=1).min()):
            raise RuntimeError(
                f"multinomial: cannot draw {num_samples} distinct samples from a row with fewer non-zero "
                "probabilities; pass replacement=True or ask for fewer"
            )
        source = as_generator(generator)
        drawn = [
            source.choice(rows.shape[1], num_samples, replace=replacement, p=row) for row in rows / totals
        ]
        out = np.asarray(drawn, dtype=np.int64)
        return plain(out if self.ndim == 2 else out[0])

    def fill_diagonal_(self: Any, fill_value: Any, wrap: builtins.bool = False) -> Any:
        """Set the main diagonal to ``fill_value`` in place (all dims of equal length, or a 2-D Tensor;
        ``wrap``: a tall matrix's diagonal starts again below, as NumPy's and PyTorch's)."""
        if self.ndim < 2 or (self.ndim > 2 and len(set(self.shape)) != 1):
            raise RuntimeError(
                f"fill_diagonal_: all dimensions of input must be of equal length, got {self.shape}"
            )
        diagonal = np.zeros(self.shape, dtype=bool)
        np.fill_diagonal(diagonal, True, wrap=wrap)
        return self.masked_fill_(diagonal, fill_value)

    def normal_(
        self: Any, mean: builtins.float = 0.0, std: builtins.float = 1.0, *, generator: Any = None
    ) -> Any:
        """In place, draws from N(mean, std²) (the default source unless ``generator``); returns self."""
        drawn = as_generator(generator).normal(mean, std, self.shape)
        return self.copy_(plain(np.asarray(drawn, dtype=self.dtype)))

    def uniform_(
        self: Any, a: builtins.float = 0.0, b: builtins.float = 1.0, *, generator: Any = None
    ) -> Any:
        """In place, draws from U(a, b) (the default random source unless ``generator``); returns self."""
        drawn = as_generator(generator).uniform(a, b, self.shape)
        return self.copy_(plain(np.asarray(drawn, dtype=self.dtype)))
