"""Tensor: a NumPy array that records the operations on it, with the same backward() as Value.

Each op stores its inputs and a vector-Jacobian closure ``backward(grad) -> one gradient per input``.
The closure captures input arrays, never the output Tensor, so there is no reference cycle and a graph is
freed by reference counting. Broadcasting is undone in exactly one place, ``_accumulate``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, ClassVar

import numpy as np

from autograd import graph, tensor_activations, tensor_ops
from autograd.grad_mode import _mode

Backward = Callable[[np.ndarray], Sequence["np.ndarray | None"]]
FLOAT_TYPES = (np.float32, np.float64)


def as_array(data: Any, dtype: Any = None) -> np.ndarray:
    """An ndarray for a Tensor: a float32/float64 array (or Tensor) keeps its dtype and is not copied;
    numbers, lists and integer or boolean arrays become float32, unless ``dtype`` says otherwise."""
    if isinstance(data, Tensor):
        data = data.data
    if dtype is None and isinstance(data, np.ndarray) and data.dtype in FLOAT_TYPES:
        return data
    array = np.asarray(data, dtype=dtype)
    if array.dtype.kind not in "biuf":
        raise TypeError(f"Tensor data must be numeric, got {type(data).__name__} of dtype {array.dtype}")
    return array if dtype is not None else array.astype(np.float32)


def sum_to(grad: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """Undo broadcasting: sum ``grad`` over the axes that broadcasting added or stretched to reach it."""
    if grad.shape == shape:
        return grad
    lead = grad.ndim - len(shape)
    stretched = tuple(lead + i for i, n in enumerate(shape) if n == 1 and grad.shape[lead + i] != 1)
    return grad.sum(axis=tuple(range(lead)) + stretched, keepdims=True).reshape(shape)


class Tensor:
    """An n-dimensional array node: ``data`` (ndarray), ``grad`` (same shape and dtype, or None)."""

    __slots__ = ("__weakref__", "_backward", "_op", "_parents", "data", "grad", "label", "requires_grad")
    __array_priority__ = 1000  # ndarray (op) Tensor defers to Tensor's reflected op

    _CLEARED_GRAD: ClassVar[None] = None

    def __init__(self, data: Any, requires_grad: bool = False, dtype: Any = None, label: str = "") -> None:
        self.data = as_array(data, dtype)
        if requires_grad and self.data.dtype.kind != "f":
            raise TypeError(f"only floating-point Tensors can require grad, got dtype {self.data.dtype}")
        self.requires_grad = bool(requires_grad)
        self.grad: np.ndarray | None = None
        self.label = label
        self._parents: tuple[Tensor, ...] = ()
        self._backward: Backward | None = None
        self._op = ""

    # -- basic properties ------------------------------------------------------------------------

    @property
    def shape(self) -> tuple[int, ...]:
        return self.data.shape

    @property
    def ndim(self) -> int:
        return self.data.ndim

    @property
    def size(self) -> int:
        return self.data.size

    @property
    def dtype(self) -> np.dtype:
        return self.data.dtype

    @property
    def op(self) -> str:
        """The operation that made this Tensor ('' for a leaf)."""
        return self._op

    @property
    def parents(self) -> tuple[Tensor, ...]:
        return self._parents

    def __len__(self) -> int:
        return len(self.data)

    def __repr__(self) -> str:
        grad = ", requires_grad=True" if self.requires_grad else ""
        body = np.array2string(self.data, precision=4, separator=", ", prefix="Tensor(")
        return f"Tensor({body}, dtype={self.data.dtype}{grad})"

    def item(self) -> float:
        """The single element as a Python number."""
        if self.data.size != 1:
            raise ValueError(f"item() needs a Tensor with one element, got shape {self.shape}")
        return self.data.item()

    def numpy(self) -> np.ndarray:
        """The underlying array (shared, not copied)."""
        return self.data

    def detach(self) -> Tensor:
        """The same data, cut from the graph."""
        return Tensor(self.data)

    def argmax(self, axis: int | None = None) -> np.ndarray:
        """Indices of the largest elements (no gradient: an index is not differentiable)."""
        return np.asarray(self.data.argmax(axis=axis))

    # -- operators (the functions live in tensor_ops) ---------------------------------------------

    def __add__(self, other: Any) -> Tensor:
        return tensor_ops.add(self, other)

    def __radd__(self, other: Any) -> Tensor:
        return tensor_ops.add(other, self)

    def __sub__(self, other: Any) -> Tensor:
        return tensor_ops.sub(self, other)

    def __rsub__(self, other: Any) -> Tensor:
        return tensor_ops.sub(other, self)

    def __mul__(self, other: Any) -> Tensor:
        return tensor_ops.mul(self, other)

    def __rmul__(self, other: Any) -> Tensor:
        return tensor_ops.mul(other, self)

    def __truediv__(self, other: Any) -> Tensor:
        return tensor_ops.div(self, other)

    def __rtruediv__(self, other: Any) -> Tensor:
        return tensor_ops.div(other, self)

    def __pow__(self, other: Any) -> Tensor:
        return tensor_ops.pow(self, other)

    def __rpow__(self, other: Any) -> Tensor:
        return tensor_ops.pow(other, self)

    def __matmul__(self, other: Any) -> Tensor:
        return tensor_ops.matmul(self, other)

    def __rmatmul__(self, other: Any) -> Tensor:
        return tensor_ops.matmul(other, self)

    def __neg__(self) -> Tensor:
        return tensor_ops.neg(self)

    def __abs__(self) -> Tensor:
        return tensor_ops.abs(self)

    def __getitem__(self, index: Any) -> Tensor:
        return tensor_ops.getitem(self, index)

    @property
    def T(self) -> Tensor:
        return tensor_ops.transpose(self)

    # -- methods: the functions of tensor_ops and tensor_activations, bound here -------------------

    exp = tensor_ops.exp
    log = tensor_ops.log
    sqrt = tensor_ops.sqrt
    abs = tensor_ops.abs
    clip = tensor_ops.clip
    astype = tensor_ops.astype
    sum = tensor_ops.sum
    mean = tensor_ops.mean
    var = tensor_ops.var
    max = tensor_ops.max
    min = tensor_ops.min
    reshape = tensor_ops.reshape
    transpose = tensor_ops.transpose
    permute = tensor_ops.permute
    flatten = tensor_ops.flatten
    pad = tensor_ops.pad
    step = tensor_activations.step
    identity = tensor_activations.identity
    sigmoid = tensor_activations.sigmoid
    tanh = tensor_activations.tanh
    relu = tensor_activations.relu
    leaky_relu = tensor_activations.leaky_relu
    prelu = tensor_activations.prelu
    elu = tensor_activations.elu
    selu = tensor_activations.selu
    gelu = tensor_activations.gelu
    swish = tensor_activations.swish
    silu = tensor_activations.silu
    softplus = tensor_activations.softplus
    softsign = tensor_activations.softsign
    hard_sigmoid = tensor_activations.hard_sigmoid
    maxout = tensor_activations.maxout
    softmax = tensor_activations.softmax
    log_softmax = tensor_activations.log_softmax

    # -- backpropagation ---------------------------------------------------------------------------

    def backward(self, grad: Any = None) -> None:
        """Fill ``.grad`` of every Tensor this one depends on that requires grad.

        Without ``grad`` the Tensor must have one element (a loss); otherwise pass d(loss)/d(self).
        Leaves accumulate (``+=``) as in PyTorch: zero them between steps.
        """
        if not self.requires_grad:
            raise RuntimeError(
                "backward(): this Tensor does not require grad (no input had requires_grad=True)"
            )
        if grad is None:
            if self.data.size != 1:
                raise RuntimeError(
                    f"backward() without a gradient needs a single-element Tensor, got shape {self.shape}; "
                    "pass grad= with that shape"
                )
            seed = np.ones_like(self.data)
        else:
            seed = np.array(grad.data if isinstance(grad, Tensor) else grad, dtype=self.dtype)
            if seed.shape != self.shape:
                raise ValueError(
                    f"backward(): grad has shape {seed.shape}, the Tensor has shape {self.shape}"
                )
        graph.backward(self, seed)

    def zero_grad(self) -> None:
        """Forget the gradients of this Tensor and of everything it depends on."""
        graph.zero_grad(self)

    @staticmethod
    def _seed_grad(root: Tensor, seed: np.ndarray) -> None:
        _accumulate(root, seed, None)

    @staticmethod
    def _backprop(order: list[Tensor]) -> None:
        """Children before parents: each node's closure turns its gradient into its inputs' gradients."""
        for node in reversed(order):
            backward = node._backward
            grad = node.grad
            if backward is None or grad is None:
                continue
            for parent, parent_grad in zip(node._parents, backward(grad)):
                if parent_grad is not None and parent.requires_grad:
                    _accumulate(parent, parent_grad, grad)


def _accumulate(node: Tensor, grad: np.ndarray, upstream: np.ndarray | None) -> None:
    """Add ``grad`` into ``node.grad``: un-broadcast to its shape, cast to its dtype, never alias."""
    target = node.data
    if grad.shape != target.shape:
        grad = sum_to(grad, target.shape)
    if grad.dtype != target.dtype:
        grad = grad.astype(target.dtype)
    if node.grad is None:
        # own the array: a pass-through gradient (add, reshape...) is the upstream array or a view of
        # it, and a broadcast one is read-only; either would break the in-place += below
        if not grad.flags.writeable or (upstream is not None and np.may_share_memory(grad, upstream)):
            grad = grad.copy()
        node.grad = grad
    else:
        node.grad += grad


def result(data: np.ndarray, parents: tuple[Tensor, ...], backward: Backward, op: str) -> Tensor:
    """The output of an op: records ``parents`` and ``backward`` only if grad mode is on and an input
    requires grad. ``backward(grad)`` returns one array (or None) per parent and must not return the
    same freshly made array for two parents."""
    out = Tensor.__new__(Tensor)
    out.data = data
    out.grad = None
    out.label = ""
    if _mode.enabled and any(p.requires_grad for p in parents):
        out.requires_grad = True
        out._parents = parents
        out._backward = backward
        out._op = op
    else:
        out.requires_grad = False
        out._parents = ()
        out._backward = None
        out._op = ""
    return out


def lift(value: Any, like: Tensor) -> Tensor:
    """An operand as a Tensor. Numbers and integer arrays take ``like``'s dtype (so float32 stays
    float32, as with NumPy's Python scalars); float arrays and Tensors keep theirs."""
    if isinstance(value, Tensor):
        return value
    if isinstance(value, np.ndarray) and value.dtype in FLOAT_TYPES:
        return Tensor(value)
    array = np.asarray(value)
    if array.dtype.kind not in "biuf":
        raise TypeError(f"cannot combine a Tensor with {type(value).__name__} of dtype {array.dtype}")
    return Tensor(array.astype(like.data.dtype, copy=False))
