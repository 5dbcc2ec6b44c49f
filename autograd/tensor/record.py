"""How a Tensor op is recorded: its forward on the inputs' arrays, then a node that keeps the inputs,
the rule and its constants when grad mode is on and an input requires grad (``result``); operands
promoted by PyTorch's rules (``operands``); views that share their base's memory and version counter
(``view``), whose place in the graph is re-derived when their memory was changed through another alias."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import numpy as np

from autograd.anomaly import recording
from autograd.grad_mode import _everyone, is_grad_enabled
from autograd.kernels.quiet import restore, silence
from autograd.rules import structural as T
from autograd.rules.elementwise import Elementwise
from autograd.rules.structural import Structural
from autograd.tensor import axes
from autograd.tensor.base import TensorBase, is_tensor, plain
from autograd.tensor.promotion import floating, result_type
from autograd.tensor.versions import CLOCK, counter_of, move_history, record_versions, version_of

if TYPE_CHECKING:
    from autograd.tensor.core import Tensor

Rule = Elementwise | Structural
Step = tuple[Structural, dict[str, Any]]


class View:
    """What a view Tensor knows of its memory: the base Tensor that owns it, the view ops (rule, ctx)
    from the base to this view, the version of the memory when its graph node was derived, and whether
    it is differentiable (made while grad mode was on, from a differentiable view or a plain Tensor)."""

    __slots__ = ("base", "differentiable", "steps", "version")

    def __init__(self, base: Tensor, steps: tuple[Step, ...], version: int, differentiable: bool) -> None:
        self.base = base
        self.steps = steps
        self.version = version
        self.differentiable = differentiable


def result(data: np.ndarray, parents: tuple[Tensor, ...], rule: Rule, ctx: Any) -> Tensor:
    """The output of an op: records ``parents``, ``rule`` and its constants ``ctx`` only if grad mode is
    on and an input requires grad (a view whose memory another alias changed is re-derived first).
    Written for speed: every op passes here, most with one or two inputs and nothing to re-derive."""
    out = plain(data)
    if _everyone.records or recording(out, rule, parents, ctx):
        for p in parents:
            seen = p._view
            if seen is not None and seen.version != version_of(p):
                refresh(p)
        if len(parents) == 1:
            needs: tuple[bool, ...] = (parents[0].requires_grad,)
        elif len(parents) == 2:
            needs = (parents[0].requires_grad, parents[1].requires_grad)
        else:
            needs = tuple([p.requires_grad for p in parents])
        if True in needs:
            out.requires_grad = True
            out._parents = parents
            out._op = rule
            out._ctx = ctx
            out._epoch = CLOCK.tick
            saved = rule._saved.get(needs)
            if saved is None:
                saved = rule.saved(needs)
            if saved:  # the versions of what backward will read (a new output: 0)
                out._versions = (CLOCK.writes, (*[0 if p._vc is None else p._vc.value for p in parents], 0))
    return out


_NOT_FOR_BOOL = {"sub": "Subtraction, the `-` operator, with", "neg": "Negation, the `-` operator, on"}
_INTEGER_CLOSED = frozenset(
    {"add", "sub", "mul", "neg", "abs", "identity", "relu", "clip", "pow", "floor_divide", "remainder"}
    | {"sign", "floor", "ceil", "round"}
)


def operands(values: Iterable[Any], floats: bool = False) -> tuple[Tensor, ...]:
    """Tensors, numbers and arrays as Tensors of one dtype, PyTorch's ``result_type`` (the default float
    if ``floats`` and that is an integer type); a Tensor of another dtype is converted in the graph."""
    items = tuple(values)
    dtype = _common_dtype(items)
    if dtype is None:
        dtype = result_type(*(v if hasattr(v, "dtype") else _number(v) for v in items))
    if floats and dtype.kind != "f":
        dtype = floating(dtype)
    return tuple(_as(v, dtype) for v in items)


def _common_dtype(items: tuple[Any, ...]) -> np.dtype | None:
    """The dtype when no promotion is needed (Tensors of one dtype, with Python floats beside a float
    Tensor or ints beside a number Tensor): the fast path of almost every op; else None."""
    first = items[0]
    if not isinstance(first, TensorBase):
        return None
    dtype = first._data.dtype
    for value in items[1:]:
        if isinstance(value, TensorBase):
            if value._data.dtype != dtype:
                return None
        else:
            kind = type(value)
            if not ((kind is float and dtype.kind == "f") or (kind is int and dtype.kind in "fiu")):
                return None
    return dtype


def _number(value: Any) -> Any:
    """A Python or NumPy number as it is; lists and other sequences as arrays (dimensioned operands)."""
    if isinstance(value, (int, float, bool, np.generic)):
        return value
    array = np.asarray(value)
    if array.dtype.kind not in "biuf":
        raise TypeError(f"cannot combine a Tensor with {type(value).__name__} of dtype {array.dtype}")
    return array


def _as(value: Any, dtype: np.dtype) -> Tensor:
    if is_tensor(value):
        return value if value._data.dtype == dtype else value.astype(dtype)
    return plain(np.asarray(value, dtype=dtype))


def elementwise(rule: Elementwise, inputs: tuple[Any, ...], params: tuple[Any, ...] = ()) -> Tensor:
    """Apply a shared elementwise rule to Tensors or numbers (broadcasting like NumPy, promoting like
    PyTorch: integer or bool inputs of an op whose result is not an integer, /, exp, sigmoid..., give the
    default float). Float Tensors of one dtype, the common case, go straight to the rule."""
    if not _one_float_dtype(inputs):
        inputs = _promoted(rule, inputs)
    token = silence()  # inf and NaN are answers here, as in NumPy and PyTorch
    try:
        out = rule.on_array(*[t._data for t in inputs], *params)
    except ValueError as error:
        raise _not_broadcastable(rule.name, inputs, error) from error
    finally:
        restore(token)
    return result(out, inputs, rule, params)


def _one_float_dtype(inputs: tuple[Any, ...]) -> bool:
    """Whether ``inputs`` are Tensors of one floating dtype: nothing to promote, lift or refuse."""
    dtype = None
    for value in inputs:
        if not isinstance(value, TensorBase):
            return False
        if dtype is None:
            dtype = value._data.dtype
            if dtype.kind != "f":
                return False
        elif value._data.dtype != dtype:
            return False
    return True


def _promoted(rule: Elementwise, inputs: tuple[Any, ...]) -> tuple[Tensor, ...]:
    """``inputs`` as Tensors of the dtype PyTorch gives ``rule`` on them (bool refused by - and neg)."""
    if rule.name in _NOT_FOR_BOOL and any(getattr(v, "dtype", np.dtype(type(v))).kind == "b" for v in inputs):
        raise RuntimeError(
            f"{_NOT_FOR_BOOL[rule.name]} a bool Tensor is not supported (as in PyTorch); to invert a mask "
            "use ~mask or mask.logical_not()"
        )
    return operands(inputs, floats=rule.name not in _INTEGER_CLOSED)


def _not_broadcastable(name: str, inputs: tuple[Tensor, ...], error: ValueError) -> Exception:
    """NumPy's ValueError from an elementwise op, told in the op's terms: shapes that do not broadcast are
    PyTorch's RuntimeError; anything else stays a ValueError."""
    shapes = [t.shape for t in inputs]
    try:
        np.broadcast_shapes(*shapes)
    except ValueError:
        return RuntimeError(f"{name}: shapes {' and '.join(map(str, shapes))} cannot be broadcast together")
    return ValueError(f"{name}: {error}")


def with_number(rule: Elementwise, x: Tensor, number: float) -> Tensor:
    """``x op number`` (or ``number op x``) for a float Tensor ``x`` and a Python int or float: ``rule`` is
    ``rules.with_constant``'s unary form, so the number stays a constant of the node (no Tensor is made
    for it) and, as a PyTorch wrapped number, keeps ``x``'s dtype."""
    token = silence()
    try:
        out = rule.on_array(x._data, number)
    finally:
        restore(token)
    return result(out, (x,), rule, (number,))


def apply(rule: Structural, inputs: tuple[Tensor, ...], **ctx: Any) -> Tensor:
    """Apply a Tensor rule: its forward on the inputs' arrays, recorded with ``ctx`` for its VJP."""
    token = silence()
    try:
        if len(inputs) == 1:
            out = rule.forward(inputs[0]._data, **ctx)
        else:
            out = rule.forward(*[t._data for t in inputs], **ctx)
    finally:
        restore(token)
    return result(out if out.__class__ is np.ndarray else np.asarray(out), inputs, rule, ctx)


def lift(value: Any, like: Tensor) -> Tensor:
    """An operand as a Tensor: a Tensor or a float array as it is (no copy); numbers, lists and integer
    arrays take ``like``'s dtype (a target beside a prediction, a constant beside a variable)."""
    if isinstance(value, TensorBase):  # not is_tensor(): one call fewer on every op with a Tensor operand
        return value  # type: ignore[return-value]
    if isinstance(value, np.ndarray) and value.dtype.kind == "f":
        return plain(value)
    return _as(_number(value), like._data.dtype)


def raw(value: Any) -> Any:
    return value._data if isinstance(value, TensorBase) else value


def matmul(a: Tensor, b: Any) -> Tensor:
    """Matrix product with NumPy's rules: 1-D vectors, 2-D matrices, batched (..., n, k) @ (..., k, m).
    Both operands must have one dtype, as in PyTorch."""
    b = lift(b, a)
    if a._data.dtype != b._data.dtype:
        raise RuntimeError(
            f"matmul: expected both operands to have the same dtype, got {a.dtype} and {b.dtype}; convert "
            "one of them (e.g. .float())"
        )
    try:
        return apply(T.MATMUL, (a, b))
    except ValueError as error:  # PyTorch's kind of error for shapes that do not line up
        raise RuntimeError(f"matmul: shapes {a.shape} and {b.shape} do not line up") from error


def where(condition: Any, a: Any, b: Any) -> Tensor:
    """Elements of ``a`` where ``condition`` holds, else of ``b`` (broadcasting like numpy.where)."""
    mask = np.asarray(raw(condition), dtype=bool)
    a, b = operands((a, b))
    try:
        return apply(T.WHERE, (a, b), mask=mask)
    except ValueError as error:
        raise ValueError(f"where: shapes {mask.shape}, {a.shape} and {b.shape} do not broadcast") from error


_BASIC_INDEX = (slice, int, np.integer, type(None), type(Ellipsis))


def plain_index(index: Any) -> Any:
    """An index with Tensors replaced by their arrays (a 0-d integer Tensor as a Python int)."""
    if isinstance(index, TensorBase):
        return index._data.item() if index.ndim == 0 and index.dtype.kind in "iu" else index._data
    if isinstance(index, tuple):
        return tuple(plain_index(part) for part in index)
    return index


def is_basic(index: Any) -> bool:
    """Whether ``index`` selects a view (ints, slices, None, ...), not a copy (arrays, lists, masks)."""
    parts = index if isinstance(index, tuple) else (index,)
    return all(isinstance(part, _BASIC_INDEX) and not isinstance(part, bool) for part in parts)


def getitem(x: Tensor, index: Any) -> Tensor:
    """Slices and ints give a view of ``x`` (shared memory, as in NumPy and PyTorch); integer arrays and
    boolean masks a copy, whose backward scatter-adds, so repeated indices add up."""
    index = plain_index(index)
    try:
        if is_basic(index):
            return view(x, T.GETITEM, {"index": index, "repeats": False})
        return apply(T.GETITEM, (x,), index=index, repeats=_repeats_possible(index))
    except IndexError as error:
        raise IndexError(f"index {index!r} does not fit a Tensor of shape {x.shape}: {error}") from error


def _repeats_possible(index: Any) -> bool:
    """False only for indices that cannot pick an element twice (slices, ints, None, ..., boolean masks);
    any other part (a list, tuple, range or integer array) is an advanced index that may repeat."""
    parts = index if isinstance(index, tuple) else (index,)
    return not all(
        isinstance(part, _BASIC_INDEX) or (isinstance(part, np.ndarray) and part.dtype == bool)
        for part in parts
    )


def joined(rule: Structural, tensors: Iterable[Any], axis: int, op: str) -> Tensor:
    """concatenate / stack: every element of any iterable, promoted to one dtype as in PyTorch."""
    items = list(tensors)
    if not items:
        raise ValueError(f"{op} needs at least one Tensor")
    parts = operands(items)
    ndim = parts[0].ndim + (1 if rule is T.STACK else 0)
    position = axes.dim_index(axis, ndim, op)
    try:
        return apply(rule, parts, axis=position)
    except ValueError as error:
        raise ValueError(f"{op}: shapes {[t.shape for t in parts]} do not fit along axis {axis}") from error


def concatenate(tensors: Iterable[Any], axis: int = 0, *, dim: int | None = None) -> Tensor:
    """Join along an existing axis (``axis``, or PyTorch's ``dim``)."""
    return joined(T.CONCATENATE, tensors, axis if dim is None else dim, "concatenate")


def stack(tensors: Iterable[Any], axis: int = 0, *, dim: int | None = None) -> Tensor:
    """Join along a new axis (``axis``, or PyTorch's ``dim``)."""
    return joined(T.STACK, tensors, axis if dim is None else dim, "stack")


# -- views -------------------------------------------------------------------------------------------


def view(x: Tensor, rule: Structural, ctx: dict[str, Any]) -> Tensor:
    """``rule`` (reshape, transpose, basic indexing, broadcast_to) as a view: the result shares ``x``'s
    memory and version counter, and remembers its base and the steps from it, so an in-place change
    through it can be recorded on the base (PyTorch's views)."""
    out = apply(rule, (x,), **ctx)
    out._vc = counter = counter_of(x)
    parent = x._view
    steps: tuple[Step, ...]
    if parent is None:
        base, steps, differentiable = x, (), True
    else:
        base, steps, differentiable = parent.base, parent.steps, parent.differentiable
    differentiable = differentiable and (_everyone.records or is_grad_enabled())
    out._view = View(base, (*steps, (rule, ctx)), counter.value, differentiable)
    return out


def replay(x: Tensor, steps: tuple[Step, ...]) -> Tensor:
    """The view ``steps`` applied to ``x`` (a base), each recorded as a view op."""
    for rule, ctx in steps:
        x = view(x, rule, ctx)
    return x


def refresh(t: Tensor) -> None:
    """Re-derive the graph node of a view whose memory changed through another alias since it was made:
    it becomes its steps applied to its base as the base is now, as PyTorch regenerates a view's
    grad_fn; ops recorded from it before keep its earlier node."""
    info: View = t._view  # type: ignore[assignment]  # called on views only
    if not info.differentiable:
        info.version = version_of(t)
        return
    *before, (rule, ctx) = info.steps
    source = replay(info.base, tuple(before))
    if t._parents or source.requires_grad:
        move_history(t, "a change to its base")
    if source.requires_grad:
        t.requires_grad = True
        t._parents = (source,)
        t._op = rule
        t._ctx = ctx
        t._epoch = CLOCK.tick
        record_versions(t)
    else:
        t.requires_grad = False
        t._parents = ()
        t._op = None
        t._ctx = ()
        t._versions = None
    info.version = version_of(t)
