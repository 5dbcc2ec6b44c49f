"""Tensor: a NumPy array that records the operations on it, with the same backward() as Value.

Each op stores its inputs, its rule from the derivative table (``autograd.rules``: elementwise rules
shared with Value, structural ones for the rest) and the rule's constants (axes, shapes...), through
``record``. Backward (``backprop``) calls the rule's VJP on arrays, or on Tensors when a graph of the
backward pass is wanted. A node refers to its inputs, never to itself, so there is no reference cycle
and a graph is freed by reference counting. The class is assembled here from its parts: the slots
(``base``) and the mixins for reductions, shapes, in-place writes and PyTorch's spellings, one file each.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, ClassVar

import numpy as np

from autograd import graph, hooks
from autograd.hooks import RemovableHandle
from autograd.rules import elementwise as rules
from autograd.rules import structural as T
from autograd.rules.elementwise import Elementwise, with_constant
from autograd.rules.spaces import ArrayMath, sum_to
from autograd.tensor import axes
from autograd.tensor import backprop as tensor_backprop
from autograd.tensor.base import TensorBase, register
from autograd.tensor.grad_fn import GradFn, backward_name
from autograd.tensor.inplace import InPlaceMethods
from autograd.tensor.promotion import get_default_dtype
from autograd.tensor.record import (
    Rule,
    View,
    apply,
    elementwise,
    getitem,
    lift,
    matmul,
    plain,
    raw,
    where,
    with_number,
)
from autograd.tensor.reductions import ReductionMethods
from autograd.tensor.selection import SelectionMethods
from autograd.tensor.shapes import ShapeMethods
from autograd.tensor.torch_names import TorchMethods
from autograd.tensor.versions import Version, counter_of, version_of

_DEFAULT_DTYPES = (np.dtype(np.float32), np.dtype(np.int64), np.dtype(bool))


def as_array(data: Any, dtype: Any = None) -> np.ndarray:
    """An ndarray for a Tensor: a float array or NumPy float scalar (or Tensor) keeps its dtype, and an
    array is not copied; Python numbers, lists and integer or boolean arrays become the default float
    (float32, as ``torch.Tensor([1, 2])``), unless ``dtype`` says otherwise."""
    if isinstance(data, Tensor):
        data = data._data
    if dtype is None and isinstance(data, (np.ndarray, np.floating)) and data.dtype.kind == "f":
        return np.asarray(data)
    array = np.asarray(data, dtype=dtype)
    if array.dtype.kind not in "biuf":
        raise TypeError(f"Tensor data must be numeric, got {type(data).__name__} of dtype {array.dtype}")
    return array if dtype is not None else array.astype(get_default_dtype())


def _bitwise(symbol: str, ufunc: np.ufunc, *arrays: Any) -> np.ndarray:
    if any(np.asarray(a).dtype.kind == "f" for a in arrays):
        raise TypeError(f"{symbol} is defined for bool and integer Tensors, not floats (as in PyTorch)")
    return ufunc(*arrays)


def _unary_method(rule: Elementwise) -> Callable[[Tensor], Tensor]:
    def method(self: Tensor) -> Tensor:
        return elementwise(rule, (self,))

    method.__name__ = rule.name
    method.__qualname__ = f"Tensor.{rule.name}"
    method.__doc__ = rule.doc
    return method


def _binary_method(rule: Elementwise, reflected: bool = False) -> Callable[[Tensor, Any], Tensor]:
    """``self op other`` (``other op self`` if ``reflected``); a Python number beside a float Tensor is
    kept as a constant of a unary node (``rules.with_constant``), the path of ``x * 0.5`` and ``1 - p``."""
    number_rule = with_constant(rule, 0 if reflected else 1)

    def method(self: Tensor, other: Any) -> Tensor:
        kind = type(other)
        if (kind is float or kind is int) and self._data.dtype.kind == "f":
            return with_number(number_rule, self, other)
        return elementwise(rule, (other, self) if reflected else (self, other))

    method.__name__ = f"__{'r' if reflected else ''}{rule.name}__"
    return method


class Tensor(InPlaceMethods, ReductionMethods, ShapeMethods, SelectionMethods, TorchMethods, TensorBase):
    """An n-dimensional array node: its values (``numpy()``, or ``data`` as a Tensor cut from the graph)
    and ``grad`` (same shape and dtype, or None)."""

    __slots__ = ()
    __array_priority__ = 1000  # ndarray (op) Tensor defers to Tensor's reflected op

    _CLEARED_GRAD: ClassVar[None] = None
    _GRAD_SLOT: ClassVar[str] = "_grad"  # backward clears the slot, not the checking property
    _BACKPROP_MAY_RECORD: ClassVar[bool] = False  # the array pass (tensor_backprop.propagate) records nothing

    _ctx: Any
    _epoch: int
    _op: Rule | None
    _parents: tuple[Tensor, ...]
    _rebases: list[tuple[int, Tensor]] | None
    _vc: Version | None
    _versions: tuple[int, tuple[int, ...]] | None
    _view: View | None
    _grad: Tensor | np.ndarray | None

    def __init__(self, data: Any, requires_grad: bool = False, dtype: Any = None, label: str = "") -> None:
        self._data = as_array(data, dtype)
        if requires_grad and self._data.dtype.kind != "f":
            raise TypeError(f"only floating-point Tensors can require grad, got dtype {self._data.dtype}")
        self.requires_grad = bool(requires_grad)
        self._grad = None
        self.label = label
        self._parents = ()
        self._op = None
        self._ctx = ()
        self._versions = None
        self._vc = None
        self._epoch = 0
        self._rebases = None
        self._view = None

    # -- basic properties ------------------------------------------------------------------------

    @property
    def data(self) -> Tensor:
        """The same values as a Tensor cut from the graph, sharing memory, as in PyTorch: a write through
        it (``p.data.add_(...)``) changes this Tensor and is not tracked by the version counter."""
        return plain(self._data)

    @data.setter
    def data(self, value: Tensor) -> None:
        if not isinstance(value, Tensor):
            raise TypeError(
                f"data: assign a Tensor (e.g. torch.tensor(values)), got {type(value).__name__}; "
                "or change the values in place with .copy_()"
            )
        self._data = value._data

    @property
    def _version(self) -> int:
        """How many in-place changes this Tensor's memory has seen (PyTorch's ``t._version``)."""
        return version_of(self)

    @property
    def grad_fn(self) -> GradFn | None:
        """The backward node of the op that made this Tensor (None for a leaf), to walk as PyTorch's:
        ``name()``, ``next_functions``."""
        return None if self._op is None else GradFn(self)

    def retain_grad(self) -> None:
        """PyTorch keeps a non-leaf's ``.grad`` only when asked; chainrule keeps every node's gradient
        after ``backward()``, so this only checks the Tensor is in a graph."""
        if not self.requires_grad:
            raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")

    def register_hook(self, hook: Callable[[Tensor], Tensor | None]) -> RemovableHandle:
        """Call ``hook(grad)`` each time backward computes this Tensor's gradient; a Tensor it returns
        (same shape and dtype) replaces the gradient. ``remove()`` on the handle unregisters it."""
        return hooks.register(self, hook)

    @property
    def is_leaf(self) -> bool:
        """True for a Tensor no recorded op made (inputs, parameters, results computed under no_grad)."""
        return self._op is None

    @property
    def grad(self) -> Tensor | None:
        """d(root)/d(this Tensor) after ``backward()``: a Tensor of this one's shape and dtype, or None.
        (Backward stores arrays; the Tensor is made on first reading, and is the same object after.)"""
        held = self._grad
        if isinstance(held, np.ndarray):
            held = self._grad = plain(held)
        return held

    @grad.setter
    def grad(self, value: Any) -> None:
        if value is not None:
            if not isinstance(value, Tensor):
                value = Tensor(value, dtype=self._data.dtype)
            if value.shape != self.shape:
                raise ValueError(
                    f"grad: assigned a gradient of shape {value.shape} to a Tensor of shape {self.shape}"
                )
        self._grad = value

    @property
    def op(self) -> str:
        """The operation that made this Tensor as pictures label it ('' for a leaf)."""
        return "" if self._op is None else self._op.describe(self._ctx)

    @property
    def parents(self) -> tuple[Tensor, ...]:
        """The inputs of the op that made this Tensor (empty for a leaf): the graph's edges."""
        return self._parents

    @property
    def rule(self) -> Rule | None:
        """The derivative-table entry that made this Tensor (None for a leaf): its forward and VJP."""
        return self._op

    @property
    def ctx(self) -> Any:
        """The op's constants as recorded (axes, shapes, strides, slopes; () for a leaf): what an exporter
        reads to write the op elsewhere."""
        return self._ctx

    def input_grads(self, upstream: Any = None) -> tuple[np.ndarray | None, ...]:
        """What this node's backward sends to each input for ``upstream`` (default: its own gradient):
        arrays reduced to each input's shape and dtype, None for an input that needs none. The engine's
        own rule on arrays, as backward runs it: the numbers pictures and anomaly reports show."""
        if self._op is None:
            return ()
        g = tensor_backprop.grad_array(self) if upstream is None else np.asarray(raw(upstream))
        if g is None:
            raise ValueError("input_grads: this Tensor has no gradient yet; pass upstream")
        parents = self._parents
        needs = tuple(p.requires_grad for p in parents)
        with np.errstate(all="ignore"):
            grads = self._op.vjp(ArrayMath, g, self._data, tuple(p._data for p in parents), needs, self._ctx)
        return tuple(
            None
            if grad is None or not need
            else sum_to(np.asarray(grad), p.shape).astype(p.dtype, copy=False)
            for p, grad, need in zip(parents, grads, needs)
        )

    def __len__(self) -> int:
        if self.ndim == 0:
            raise TypeError("len() of a 0-d Tensor")
        return len(self._data)

    def __iter__(self) -> Any:
        """The sub-Tensors along the first axis (each a graph node); a 0-d Tensor cannot be iterated."""
        if self.ndim == 0:
            raise TypeError("iteration over a 0-d Tensor")
        return (self[i] for i in range(len(self._data)))

    def __array__(self, dtype: Any = None, copy: bool | None = None) -> np.ndarray:
        """The data for NumPy (``np.asarray(t)``); no graph goes with it."""
        if copy is False and dtype is not None and np.dtype(dtype) != self._data.dtype:
            raise ValueError("__array__: a copy is needed to change the dtype")
        array = self._data if dtype is None else self._data.astype(dtype, copy=False)
        return array.copy() if copy else array

    def _single(self, what: str) -> Any:
        if self._data.size != 1:
            raise ValueError(f"{what} needs a Tensor with one element, got shape {self.shape}")
        return self._data.item()

    def __bool__(self) -> bool:
        """The truth of the single element, as in PyTorch; ambiguous (an error) for more than one."""
        size = self._data.size
        if size != 1:
            raise ValueError(
                f"the truth value of a Tensor of {size} elements is ambiguous: use .any() or .all()"
            )
        return bool(self._data.item())

    def __index__(self) -> int:
        """A one-element integer Tensor as an index (``labels[t]``, ``range(t)``), as in PyTorch."""
        if self._data.dtype.kind not in "biu" or self._data.size != 1:
            raise TypeError(
                f"only integer Tensors of a single element can be used as an index, got shape {self.shape} "
                f"and dtype {self.dtype}"
            )
        return int(self._data.item())

    def __float__(self) -> float:
        return float(self._single("float()"))

    def __int__(self) -> int:
        return int(self._single("int()"))

    def __format__(self, spec: str) -> str:
        return format(self._single("a format spec"), spec) if spec else repr(self)

    def __repr__(self) -> str:
        """PyTorch's layout: ``tensor([0.1000, 2.0000], requires_grad=True)``, the dtype named when it is
        not the default of its kind (float32, int64, bool), and ``grad_fn`` for a result of an op."""
        data = self._data
        whole = data.dtype.kind == "f" and bool(np.all(~np.isfinite(data) | (data == np.round(data))))
        body = np.array2string(
            data, precision=4, separator=", ", prefix="tensor(", floatmode="maxprec" if whole else "fixed"
        )
        extras = [] if data.dtype in _DEFAULT_DTYPES else [f"dtype={data.dtype}"]
        if self._op is not None:
            extras.append(f"grad_fn=<{backward_name(self._op)}>")
        elif self.requires_grad:
            extras.append("requires_grad=True")
        return f"tensor({', '.join([body, *extras])})"

    def item(self) -> float:
        """The single element as a Python number."""
        return self._single("item()")

    def numpy(self) -> np.ndarray:
        """The underlying array (shared, not copied)."""
        return self._data

    def detach(self) -> Tensor:
        """The same memory, cut from the graph, sharing the version counter as in PyTorch: a change made
        through it is seen by every op that saved this Tensor."""
        out = plain(self._data)
        out._vc = counter_of(self)
        return out

    def detach_(self) -> Tensor:
        """Cut this Tensor from the graph in place: it becomes a leaf that does not require grad."""
        if self._view is not None and self._view.differentiable and self.requires_grad:
            raise RuntimeError("detach_: a view cannot be detached in place; use detach() (a new Tensor)")
        self.requires_grad = False
        self._parents = ()
        self._op = None
        self._ctx = ()
        self._versions = None
        return self

    # -- arithmetic: the shared elementwise rules ----------------------------------------------------

    __add__ = _binary_method(rules.ADD)
    __radd__ = _binary_method(rules.ADD, reflected=True)
    __sub__ = _binary_method(rules.SUB)
    __rsub__ = _binary_method(rules.SUB, reflected=True)
    __mul__ = _binary_method(rules.MUL)
    __rmul__ = _binary_method(rules.MUL, reflected=True)
    __truediv__ = _binary_method(rules.DIV)
    __rtruediv__ = _binary_method(rules.DIV, reflected=True)
    __pow__ = _binary_method(rules.POW)
    __rpow__ = _binary_method(rules.POW, reflected=True)
    __floordiv__ = _binary_method(rules.FLOOR_DIVIDE)
    __rfloordiv__ = _binary_method(rules.FLOOR_DIVIDE, reflected=True)
    __mod__ = _binary_method(rules.REMAINDER)
    __rmod__ = _binary_method(rules.REMAINDER, reflected=True)

    def floor_divide(self, other: Any) -> Tensor:
        """``self // other``: division rounded down (PyTorch's ``floor_divide`` rounds the same way)."""
        return elementwise(rules.FLOOR_DIVIDE, (self, other))

    def remainder(self, other: Any) -> Tensor:
        """``self % other``, with the sign of ``other`` as Python's and PyTorch's ``remainder``."""
        return elementwise(rules.REMAINDER, (self, other))

    def __neg__(self) -> Tensor:
        return elementwise(rules.NEG, (self,))

    def __matmul__(self, other: Any) -> Tensor:
        return matmul(self, other)

    def __rmatmul__(self, other: Any) -> Tensor:
        return matmul(lift(other, self), self)

    def __getitem__(self, index: Any) -> Tensor:
        return getitem(self, index)

    # comparisons give bool Tensors that record no graph (a mask is a constant), as in PyTorch; hashing
    # stays by identity, so Tensors still work as set members and dict keys (the graph walk uses both)
    __hash__ = object.__hash__

    def __eq__(self, other: object) -> Tensor:  # type: ignore[override]
        return Tensor(self._data == raw(other), dtype=bool)

    def __ne__(self, other: object) -> Tensor:  # type: ignore[override]
        return Tensor(self._data != raw(other), dtype=bool)

    def __lt__(self, other: Any) -> Tensor:
        return Tensor(self._data < raw(other), dtype=bool)

    def __le__(self, other: Any) -> Tensor:
        return Tensor(self._data <= raw(other), dtype=bool)

    def __gt__(self, other: Any) -> Tensor:
        return Tensor(self._data > raw(other), dtype=bool)

    def __ge__(self, other: Any) -> Tensor:
        return Tensor(self._data >= raw(other), dtype=bool)

    # logic on masks (bitwise on integers), as in PyTorch: constants, no graph
    def __invert__(self) -> Tensor:
        return plain(_bitwise("~", np.invert, self._data))

    def __and__(self, other: Any) -> Tensor:
        return plain(_bitwise("&", np.bitwise_and, self._data, raw(other)))

    def __or__(self, other: Any) -> Tensor:
        return plain(_bitwise("|", np.bitwise_or, self._data, raw(other)))

    def __xor__(self, other: Any) -> Tensor:
        return plain(_bitwise("^", np.bitwise_xor, self._data, raw(other)))

    __rand__, __ror__, __rxor__ = __and__, __or__, __xor__

    def logical_not(self) -> Tensor:
        """True where the element is 0 (or False): a bool Tensor."""
        return plain(np.logical_not(self._data))

    # -- elementary functions and activations: one binding per rule -----------------------------------

    exp = _unary_method(rules.EXP)
    log = _unary_method(rules.LOG)
    sqrt = _unary_method(rules.SQRT)
    abs = __abs__ = _unary_method(rules.ABS)
    sin = _unary_method(rules.SIN)
    cos = _unary_method(rules.COS)
    erf = _unary_method(rules.ERF)
    sign = _unary_method(rules.SIGN)
    floor = _unary_method(rules.FLOOR)
    ceil = _unary_method(rules.CEIL)
    round = _unary_method(rules.ROUND)
    identity = _unary_method(rules.IDENTITY)
    step = _unary_method(rules.STEP)
    sigmoid = _unary_method(rules.SIGMOID)
    tanh = _unary_method(rules.TANH)
    relu = _unary_method(rules.RELU)
    selu = _unary_method(rules.SELU)
    _exact_gelu = _unary_method(rules.GELU)

    def gelu(self, approximate: str = "none") -> Tensor:
        if approximate == "none":
            return self._exact_gelu()
        if approximate != "tanh":
            raise RuntimeError(f"approximate argument must be either none or tanh, got {approximate!r}")
        inner = (self + self * self * self * 0.044715) * math.sqrt(2.0 / math.pi)
        return self * 0.5 * (inner.tanh() + 1.0)

    gelu.__doc__ = (
        f"{rules.GELU.doc} ``approximate='tanh'`` gives GPT-2's "
        "0.5 x (1 + tanh(sqrt(2/π) (x + 0.044715 x³))), composed of graph ops."
    )

    swish = _unary_method(rules.SWISH)
    silu = swish
    softplus = _unary_method(rules.SOFTPLUS)
    softsign = _unary_method(rules.SOFTSIGN)
    hard_sigmoid = _unary_method(rules.HARD_SIGMOID)

    def leaky_relu(self, negative_slope: float = 0.01) -> Tensor:
        """x where x > 0 else negative_slope · x; the derivative at 0 is ``negative_slope``."""
        return elementwise(rules.LEAKY_RELU, (self,), (float(negative_slope),))

    def elu(self, alpha: float = 1.0) -> Tensor:
        """x where x > 0 else alpha · (e**x - 1); the derivative at 0 is ``alpha``."""
        return elementwise(rules.ELU, (self,), (float(alpha),))

    def clip(self, min: float | None = None, max: float | None = None) -> Tensor:
        """Limit to [min, max]; the gradient flows where min <= x <= max (PyTorch's clamp)."""
        for name, bound in (("min", min), ("max", max)):
            if bound is not None and (
                isinstance(bound, bool) or not isinstance(bound, (int, float, np.number))
            ):
                raise TypeError(
                    f"clip: {name} must be a number or None, got {type(bound).__name__} {bound!r}"
                )
        low = -np.inf if min is None else float(min)
        high = np.inf if max is None else float(max)
        whole = all(isinstance(b, (int, np.integer)) for b in (min, max) if b is not None)
        source = self if self.dtype.kind == "f" or whole else self.astype(get_default_dtype())
        return elementwise(rules.CLIP, (source,), (low, high))

    def softmax(self, dim: int | None = None, *, axis: int | None = None) -> Tensor:
        """exp(x) / sum(exp(x)) along ``dim`` (or ``axis``; the last by default), shifted by the maximum
        first so nothing overflows. A row that is all -inf (every position masked) gives NaN, as in
        PyTorch; ``F.scaled_dot_product_attention`` gives such a query zeros instead, as PyTorch's does."""
        return apply(T.SOFTMAX, (self,), axis=axes.one_axis(dim, axis, self.ndim, "softmax"))

    def log_softmax(self, dim: int | None = None, *, axis: int | None = None) -> Tensor:
        """x - logsumexp(x) along ``dim`` (or ``axis``; the last by default), stable for any finite input."""
        return apply(T.LOG_SOFTMAX, (self,), axis=axes.one_axis(dim, axis, self.ndim, "log_softmax"))

    def astype(self, dtype: Any) -> Tensor:
        """The same values in another dtype; to a float dtype the gradient is cast back, while an integer
        or bool result is cut from the graph (as in PyTorch: it cannot require grad)."""
        target = np.dtype(dtype)
        if target.kind != "f":
            with np.errstate(all="ignore"):  # NaN or out-of-range floats cast silently, as in PyTorch
                return plain(self._data.astype(target))
        return apply(T.ASTYPE, (self,), dtype=target)

    # -- composites ---------------------------------------------------------------------------------

    def prelu(self, weight: Tensor) -> Tensor:
        """Leaky ReLU with a learnable slope: one per channel (axis 1) or a single one shared by all."""
        if weight.numel() != 1:
            if self.ndim < 2 or self.shape[1] != weight.numel():
                raise ValueError(
                    f"prelu: {weight.numel()} slopes need inputs with {weight.numel()} channels on axis 1, "
                    f"got shape {self.shape}"
                )
            weight = weight.reshape(1, weight.numel(), *([1] * (self.ndim - 2)))
        return where(self._data > 0, self, weight * self)

    def maxout(self, pieces: int, axis: int = -1) -> Tensor:
        """Split ``axis`` into groups of ``pieces`` and keep each group's maximum (Goodfellow et al.)."""
        if self.ndim == 0:
            raise ValueError("maxout: a 0-d Tensor has no axis to group")
        axis = axes.dim_index(axis, self.ndim, "maxout")
        size = self.shape[axis]
        if pieces < 1 or size % pieces:
            raise ValueError(f"maxout: axis {axis} has size {size}, not a multiple of pieces={pieces}")
        grouped = self.reshape(*self.shape[:axis], size // pieces, pieces, *self.shape[axis + 1 :])
        return grouped.max(axis=axis + 1)

    # -- backpropagation ---------------------------------------------------------------------------

    def backward(
        self,
        gradient: Any = None,
        retain_graph: bool | None = None,
        create_graph: bool = False,
        inputs: Any = None,
    ) -> None:
        """Fill ``.grad`` of every Tensor this one depends on that requires grad (PyTorch's signature).

        Without ``gradient`` the Tensor must have one element (a loss); otherwise pass d(loss)/d(self).
        Leaves accumulate (``+=``) as in PyTorch: zero them between steps. With ``create_graph=True``
        each ``.grad`` is a Tensor recorded by the backward pass, which can be differentiated again.
        ``inputs`` limits the accumulation to those Tensors. ``retain_graph`` is accepted and changes
        nothing: chainrule keeps a graph while it is referenced, so it can always be walked again.
        """
        if not self.requires_grad:
            raise RuntimeError(
                "backward(): this Tensor does not require grad (no input had requires_grad=True)"
            )
        seed = Tensor._as_seed(self, gradient, create_graph)
        if inputs is None:
            graph.run_backward([self], [seed], create_graph)
            return
        targets = list(inputs) if isinstance(inputs, (list, tuple)) else [inputs]
        found = graph.grad([self], targets, [seed], create_graph=create_graph, allow_unused=True)
        for target, gradient_of in zip(targets, found):
            if gradient_of is not None:
                tensor_backprop.accumulate(target, gradient_of if create_graph else gradient_of._data, None)

    def zero_grad(self) -> None:
        """Forget the gradients of this Tensor and of everything it depends on."""
        graph.zero_grad(self)

    @staticmethod
    def _as_seed(root: Tensor, grad: Any, create_graph: bool) -> Any:
        """d(loss)/d(root) as an array (or a Tensor, kept as a node, for create_graph)."""
        if grad is None:
            if root._data.size != 1:
                raise RuntimeError(
                    f"backward() without a gradient needs a single-element Tensor, got shape {root.shape}; "
                    "pass gradient= with that shape"
                )
            seed: Any = np.empty(root._data.shape, root._data.dtype)
            seed[...] = 1  # np.ones, without its Python layer
        elif isinstance(grad, Tensor) and create_graph:
            seed = grad
        else:
            seed = np.array(grad._data if isinstance(grad, Tensor) else grad, dtype=root.dtype)
        if seed.shape != root.shape:
            raise ValueError(f"backward(): grad has shape {seed.shape}, the Tensor has shape {root.shape}")
        return Tensor(seed) if create_graph and not isinstance(seed, Tensor) else seed

    @staticmethod
    def _as_gradient(grad: Any, source: Tensor) -> Tensor:
        if grad is None:
            return Tensor(np.zeros_like(source._data))
        return grad if isinstance(grad, Tensor) else Tensor(grad)

    @staticmethod
    def _seed_grad(root: Tensor, seed: Any) -> None:
        if root._parents or id(root) not in hooks.HOOKS:
            tensor_backprop.accumulate(root, seed, None)
        else:  # a hooked leaf: its hooks see the seed with the rest of this pass's gradient
            tensor_backprop.ROOT_SEEDS.seeds.append((root, seed))

    @staticmethod
    def _backprop(order: list[Tensor], sink: dict[Any, Any] | None = None) -> None:
        """Children before parents: each node's rule turns its gradient into its inputs' gradients."""
        tensor_backprop.propagate(order, ArrayMath, graph_mode=False, sink=sink)

    @staticmethod
    def _backprop_graph(order: list[Tensor], sink: dict[Any, Any] | None = None) -> None:
        """The same walk with every rule evaluated on Tensors, recording the backward pass (create_graph)."""
        tensor_backprop.propagate(order, tensor_backprop.TensorMath, graph_mode=True, sink=sink)

    @staticmethod
    def _add_to_sink(sink: dict[Any, Any], leaf: Tensor, grad: Any) -> None:
        sink[leaf] = tensor_backprop.add_into(sink[leaf], leaf, grad, None)


register(Tensor)
