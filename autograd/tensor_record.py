"""How a Tensor op is recorded: its forward on the inputs' arrays, then a node that keeps the inputs,
the rule and its constants when grad mode is on and an input requires grad (``result``); plus the
entry points that lift numbers and arrays to Tensors and name the problem when shapes do not fit."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import numpy as np

# a cycle: Tensor's methods record through this module; it reads tensor.Tensor at call time
from autograd import tensor
from autograd import tensor_rules as T
from autograd.anomaly import recording
from autograd.grad_mode import _everyone
from autograd.rules import Elementwise
from autograd.tensor_rules import Structural

if TYPE_CHECKING:
    from autograd.tensor import Tensor

Rule = Elementwise | Structural
FLOAT_TYPES = (np.float32, np.float64)


def plain(data: np.ndarray) -> Tensor:
    """A Tensor around ``data`` as it is (no copy, no checks) outside any graph: gradients, masks."""
    out = tensor.Tensor.__new__(tensor.Tensor)
    out._data = data if type(data) is np.ndarray else np.asarray(data)
    out._grad = None
    out.label = ""
    out.requires_grad = False
    out._parents = ()
    out._op = None
    out._ctx = ()
    out._versions = None
    out._version = 0
    return out


def result(data: np.ndarray, parents: tuple[Tensor, ...], rule: Rule, ctx: Any) -> Tensor:
    """The output of an op: records ``parents``, ``rule`` and its constants ``ctx`` only if grad mode is
    on and an input requires grad."""
    out = plain(data)
    if (_everyone.records or recording(out, rule, parents)) and any(p.requires_grad for p in parents):
        out.requires_grad = True
        out._parents = parents
        out._op = rule
        out._ctx = ctx
        out._versions = tuple(p._version for p in parents) if rule.saves else None
    return out


_INTEGER_CLOSED = frozenset({"add", "sub", "mul", "neg", "abs", "identity", "relu", "clip"})


def elementwise(rule: Elementwise, inputs: tuple[Tensor, ...], params: tuple[Any, ...] = ()) -> Tensor:
    """Apply a shared elementwise rule to Tensors (broadcasting like NumPy). Integer or bool inputs of
    an op whose result is not an integer (exp, sigmoid, /...) are promoted to float32, as in PyTorch."""
    if rule.name not in _INTEGER_CLOSED and any(t._data.dtype.kind in "biu" for t in inputs):
        inputs = tuple(
            t if t._data.dtype.kind == "f" else tensor.Tensor(t._data, dtype=np.float32) for t in inputs
        )
    try:
        with np.errstate(all="ignore"):  # inf and NaN are answers here, as in NumPy and PyTorch
            out = rule.on_array(*(t._data for t in inputs), *params)
    except ValueError as error:
        shapes = " and ".join(str(t.shape) for t in inputs)
        raise ValueError(f"{rule.name}: shapes {shapes} cannot be broadcast together") from error
    return result(out, inputs, rule, params)


def apply(rule: Structural, inputs: tuple[Tensor, ...], **ctx: Any) -> Tensor:
    """Apply a Tensor rule: its forward on the inputs' arrays, recorded with ``ctx`` for its VJP."""
    with np.errstate(all="ignore"):
        out = rule.forward(*(t._data for t in inputs), **ctx)
    return result(out if isinstance(out, np.ndarray) else np.asarray(out), inputs, rule, ctx)


def lift(value: Any, like: Tensor) -> Tensor:
    """An operand as a Tensor. Numbers and integer arrays take ``like``'s dtype (so float32 stays
    float32, as with NumPy's Python scalars); float arrays and Tensors keep theirs."""
    if isinstance(value, tensor.Tensor):
        return value
    if isinstance(value, np.ndarray) and value.dtype in FLOAT_TYPES:
        return tensor.Tensor(value)
    array = np.asarray(value)
    if array.dtype.kind not in "biuf":
        raise TypeError(f"cannot combine a Tensor with {type(value).__name__} of dtype {array.dtype}")
    return tensor.Tensor(array.astype(like._data.dtype, copy=False), dtype=like._data.dtype)


def raw(value: Any) -> Any:
    return value._data if isinstance(value, tensor.Tensor) else value


def matmul(a: Tensor, b: Tensor) -> Tensor:
    """Matrix product with NumPy's rules: 1-D vectors, 2-D matrices, batched (..., n, k) @ (..., k, m)."""
    b = lift(b, a)
    try:
        return apply(T.MATMUL, (a, b))
    except ValueError as error:
        raise ValueError(f"matmul: shapes {a.shape} and {b.shape} do not line up") from error


def where(condition: Any, a: Any, b: Any) -> Tensor:
    """Elements of ``a`` where ``condition`` holds, else of ``b`` (broadcasting like numpy.where)."""
    mask = np.asarray(condition._data if isinstance(condition, tensor.Tensor) else condition, dtype=bool)
    first = next((t for t in (a, b) if isinstance(t, tensor.Tensor)), None)
    a = lift(a, first) if first is not None else tensor.Tensor(a)
    b = lift(b, a)
    try:
        return apply(T.WHERE, (a, b), mask=mask)
    except ValueError as error:
        raise ValueError(f"where: shapes {mask.shape}, {a.shape} and {b.shape} do not broadcast") from error


def getitem(x: Tensor, index: Any) -> Tensor:
    """Slices, integer arrays and boolean masks; the backward scatter-adds, so repeated indices add up."""
    if isinstance(index, tensor.Tensor):
        index = index._data
    elif isinstance(index, tuple):
        index = tuple(i._data if isinstance(i, tensor.Tensor) else i for i in index)
    try:
        return apply(T.GETITEM, (x,), index=index, repeats=_repeats_possible(index))
    except IndexError as error:
        raise IndexError(f"index {index!r} does not fit a Tensor of shape {x.shape}: {error}") from error


_BASIC_INDEX = (slice, int, np.integer, type(None), type(Ellipsis))


def _repeats_possible(index: Any) -> bool:
    """False only for indices that cannot pick an element twice (slices, ints, None, ..., boolean masks);
    any other part (a list, tuple, range or integer array) is an advanced index that may repeat."""
    parts = index if isinstance(index, tuple) else (index,)
    return not all(
        isinstance(part, _BASIC_INDEX) or (isinstance(part, np.ndarray) and part.dtype == bool)
        for part in parts
    )


def joined(rule: Structural, tensors: Iterable[Any], axis: int, op: str) -> Tensor:
    """concatenate / stack: every element of any iterable, numbers and arrays lifted to Tensors."""
    items = list(tensors)
    if not items:
        raise ValueError(f"{op} needs at least one Tensor")
    first = next((t for t in items if isinstance(t, tensor.Tensor)), None)
    parts = tuple(lift(t, first) if first is not None else tensor.Tensor(t) for t in items)
    ndim = parts[0].ndim + (1 if rule is T.STACK else 0)
    if not -ndim <= axis < ndim:
        raise ValueError(f"{op}: axis {axis} is out of range for {ndim}-D results")
    try:
        return apply(rule, parts, axis=axis % ndim)
    except ValueError as error:
        raise ValueError(f"{op}: shapes {[t.shape for t in parts]} do not fit along axis {axis}") from error
