"""The derivative table for Tensor ops that are not elementwise: matmul, reductions, shapes, indexing,
joins and softmax (the fused losses are in ``losses``, convolution and pooling in ``windows``). Each
rule is a NumPy forward and one vector-Jacobian product ``vjp(m, g, out, inputs, needs, ctx)`` written
against a space ``m`` (arrays, or Tensor nodes for ``create_graph``). Every op a VJP uses is itself in
a table, so gradients can be differentiated again: that is why ``broadcast_to`` / ``sum_to`` and
``getitem`` / ``scatter_add`` are rules, each the other's backward.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from autograd.kernels.special import softmax_array
from autograd.rules.elementwise import OUT, Reads, saved_values
from autograd.rules.spaces import put_region, scatter_add, sum_to

Grads = tuple[Any, ...]


@dataclass(frozen=True, eq=False)
class Structural:
    """A Tensor op with its own VJP; ``forward(*arrays, **ctx)`` and ``backward(m, g, out, inputs,
    needs, **ctx)`` see the same keyword parameters (axes, shapes, indices) stored on the node."""

    name: str
    forward: Callable[..., Any]  # an array (NumPy reductions may give a scalar; apply() wraps it)
    backward: Callable[..., Grads]
    reads: Reads | None = None  # per input, the values its gradient reads (positions, OUT); None: all
    _saved: dict[Any, tuple[int, ...]] = field(default_factory=dict, init=False, repr=False)

    def saved(self, needs: tuple[bool, ...]) -> tuple[int, ...]:
        """The values the backward reads for the gradients in ``needs`` (input positions, ``OUT``)."""
        return saved_values(self.reads, needs, self._saved)

    def describe(self, ctx: dict[str, Any]) -> str:
        return self.name

    def vjp(
        self, m: Any, g: Any, out: Any, inputs: tuple[Any, ...], needs: tuple[bool, ...], ctx: dict[str, Any]
    ) -> Grads:
        return self.backward(m, g, out, inputs, needs, **ctx)


def kept_shape(shape: tuple[int, ...], axes: tuple[int, ...]) -> tuple[int, ...]:
    """``shape`` with the reduced ``axes`` kept as size 1: where a reduced gradient broadcasts back."""
    return tuple(1 if i in axes else n for i, n in enumerate(shape))


# -- products ------------------------------------------------------------------------------------------


def _matmul_backward(m: Any, g: Any, out: Any, inputs: Grads, needs: tuple[bool, ...]) -> Grads:
    x, y = inputs
    if x.ndim == 1 and y.ndim == 1:  # a dot product: g is a scalar
        return (g * y if needs[0] else None, g * x if needs[1] else None)
    x2 = m.reshape(x, (1, x.shape[0])) if x.ndim == 1 else x
    y2 = m.reshape(y, (y.shape[0], 1)) if y.ndim == 1 else y
    g2 = g
    if x.ndim == 1:
        g2 = m.reshape(g2, (*g.shape[:-1], 1, g.shape[-1]))
    if y.ndim == 1:
        g2 = m.reshape(g2, (*g2.shape, 1))
    grad_x = grad_y = None
    if needs[0]:
        grad_x = m.matmul(g2, m.swapaxes(y2, -1, -2))
        if x.ndim == 1:
            grad_x = m.sum_to(grad_x, (1, x.shape[0]))
            grad_x = m.reshape(grad_x, x.shape)
    if needs[1]:
        grad_y = m.matmul(m.swapaxes(x2, -1, -2), g2)
        if y.ndim == 1:
            grad_y = m.sum_to(grad_y, (y.shape[0], 1))
            grad_y = m.reshape(grad_y, y.shape)
    return grad_x, grad_y


MATMUL = Structural("@", np.matmul, _matmul_backward, reads=((1,), (0,)))


def _linear_forward(x: np.ndarray, weight: np.ndarray, bias: np.ndarray | None = None) -> np.ndarray:
    """One 2-D product whatever x's leading dims (NumPy's stacked matmul of (B, T, C) by a matrix
    measured 2x slower than the same product as (B·T, C)); a new array for the sum: adding in place into
    the product's fresh pages measured ~5% slower."""
    rows = x if x.ndim == 2 else x.reshape(-1, x.shape[-1])
    out = rows @ weight.T if bias is None else rows @ weight.T + bias
    return out if x.ndim == 2 else out.reshape(*x.shape[:-1], weight.shape[0])


def _linear_backward(m: Any, g: Any, out: Any, inputs: Grads, needs: tuple[bool, ...]) -> Grads:
    x, weight = inputs[0], inputs[1]
    rows = m.reshape(g, (-1, g.shape[-1])) if g.ndim != 2 else g
    grad_x = None
    if needs[0]:
        grad_x = m.matmul(rows, weight)
        grad_x = grad_x if x.ndim == 2 else m.reshape(grad_x, x.shape)
    flat_x = m.reshape(x, (-1, x.shape[-1])) if x.ndim != 2 else x
    grad_w = m.matmul(m.swapaxes(rows, 0, 1), flat_x) if needs[1] else None
    if len(inputs) == 2:
        return grad_x, grad_w
    return grad_x, grad_w, (m.sum(rows, 0) if needs[2] else None)


LINEAR = Structural("linear", _linear_forward, _linear_backward, reads=((1,), (0,), ()))

# -- reductions ----------------------------------------------------------------------------------------


def _sum_backward(m: Any, g: Any, out: Any, inputs: Grads, needs: Any, axes: Any, keepdims: bool) -> Grads:
    shape = inputs[0].shape
    return (m.broadcast_to(m.reshape(g, kept_shape(shape, axes)), shape),)


SUM = Structural(
    "sum", lambda x, axes, keepdims: x.sum(axis=axes, keepdims=keepdims), _sum_backward, reads=()
)


def _mean_backward(m: Any, g: Any, out: Any, inputs: Grads, needs: Any, axes: Any, keepdims: bool) -> Grads:
    (x,) = inputs
    count = max(int(np.prod([x.shape[ax] for ax in axes])), 1)
    return (m.broadcast_to(m.reshape(g, kept_shape(x.shape, axes)) * (1.0 / count), x.shape),)


def _mean_forward(x: np.ndarray, axes: tuple[int, ...], keepdims: bool) -> np.ndarray:
    """Sum / count: the mean of nothing is NaN without NumPy's "Mean of empty slice" warning."""
    count = int(np.prod([x.shape[ax] for ax in axes]))
    return np.asarray(x.sum(axis=axes, keepdims=keepdims) / np.asarray(count, dtype=x.dtype))


MEAN = Structural("mean", _mean_forward, _mean_backward, reads=())


def _divisor(shape: tuple[int, ...], axes: tuple[int, ...], correction: float) -> float:
    """N - correction, floored at 0 as PyTorch does (the variance is then inf or NaN)."""
    return max(0.0, int(np.prod([shape[ax] for ax in axes])) - correction)


def _var_forward(x: np.ndarray, axes: Any, keepdims: bool, correction: float) -> np.ndarray:
    if not x.size:  # NaN for each (empty) group, without NumPy's "Mean of empty slice" warning
        return np.full_like(x.sum(axis=axes, keepdims=keepdims), np.nan)
    centred = x - x.mean(axis=axes, keepdims=True)
    squares = (centred * centred).sum(axis=axes, keepdims=keepdims)
    return np.asarray(squares / np.asarray(_divisor(x.shape, axes, correction), dtype=x.dtype))


def _var_backward(
    m: Any, g: Any, out: Any, inputs: Grads, needs: Any, axes: Any, keepdims: bool, correction: float
) -> Grads:
    (x,) = inputs
    if 0 in x.shape:  # an empty input has an empty gradient (and its mean would warn)
        return (x * 0,)
    centred = x - m.mean(x, axes, True)
    divisor = _divisor(x.shape, axes, correction)
    scale = 2.0 / divisor if divisor else math.inf
    return (m.reshape(g, kept_shape(x.shape, axes)) * scale * centred,)


VAR = Structural("var", _var_forward, _var_backward, reads=((0,),))


def _extreme(name: str, pick: Callable[..., np.ndarray], locate: Callable[..., np.ndarray]) -> Structural:
    """max or min, sending the gradient where PyTorch does: along one given axis to the first extreme
    element (``x.max(dim)`` returns indices); over all or several axes split equally among tied extremes.
    NaN counts as the extreme, so a NaN result passes its gradient to the NaN element(s) only."""

    def backward(
        m: Any, g: Any, out: Any, inputs: Grads, needs: Any, axes: Any, keepdims: bool, first: bool
    ) -> Grads:
        (x,) = inputs
        data = m.data(x)
        if first:
            winners = np.zeros(data.shape, dtype=bool)
            np.put_along_axis(winners, np.expand_dims(locate(data, axis=axes[0]), axes[0]), True, axes[0])
            share = winners
        else:
            kept = pick(data, axis=axes, keepdims=True)
            winners = (data == kept) | (np.isnan(data) & np.isnan(kept))
            share = winners / winners.sum(axis=axes, keepdims=True)
        return (m.reshape(g, kept_shape(x.shape, axes)) * share.astype(data.dtype, copy=False),)

    return Structural(
        name, lambda x, axes, keepdims, first: pick(x, axis=axes, keepdims=keepdims), backward, reads=((0,),)
    )


MAX = _extreme("max", np.max, np.argmax)
MIN = _extreme("min", np.min, np.argmin)


def _prod_forward(x: np.ndarray, axes: tuple[int, ...], keepdims: bool) -> np.ndarray:
    """The product; integer and bool inputs multiply in int64, as PyTorch's do."""
    wide = np.int64 if x.dtype.kind in "biu" else None
    return np.asarray(x.prod(axis=axes, keepdims=keepdims, dtype=wide))


def _prod_backward(m: Any, g: Any, out: Any, inputs: Grads, needs: Any, axes: Any, keepdims: bool) -> Grads:
    """Each element's gradient is the product of the others: ``out / x`` when no factor is zero (as
    PyTorch), else the exact product of the others, so a zero factor still gets its gradient."""
    (x,) = inputs
    kept = kept_shape(x.shape, axes)
    g = m.reshape(g, kept)
    if np.all(m.data(x) != 0):
        return (g * (m.reshape(out, kept) / x),)
    rest = tuple(i for i in range(x.ndim) if i not in axes)
    order = (*rest, *axes)
    moved = m.reshape(m.transpose(x, order), (*(x.shape[i] for i in rest), -1))
    others = m.reshape(m.products_of_others(moved), tuple(x.shape[i] for i in order))
    return (g * m.transpose(others, tuple(np.argsort(order))),)


PROD = Structural("prod", _prod_forward, _prod_backward, reads=((0, OUT),))

# -- shapes --------------------------------------------------------------------------------------------

RESHAPE = Structural(
    "reshape",
    lambda x, shape: np.reshape(x, shape),
    lambda m, g, out, inputs, needs, shape: (m.reshape(g, inputs[0].shape),),
    reads=(),
)
TRANSPOSE = Structural(
    "transpose",
    lambda x, order: np.transpose(x, order),
    lambda m, g, out, inputs, needs, order: (m.transpose(g, tuple(np.argsort(order))),),
    reads=(),
)
BROADCAST_TO = Structural(
    "broadcast_to",
    lambda x, shape: np.broadcast_to(x, shape),
    lambda m, g, out, inputs, needs, shape: (m.sum_to(g, inputs[0].shape),),
    reads=(),
)
SUM_TO = Structural(
    "sum_to",
    lambda x, shape: sum_to(x, shape),
    lambda m, g, out, inputs, needs, shape: (m.broadcast_to(g, inputs[0].shape),),
    reads=(),
)
ASTYPE = Structural(
    "astype",
    lambda x, dtype, order="K": x.astype(dtype, order=order),
    lambda m, g, out, inputs, needs, dtype, order="K": (m.astype(g, inputs[0].dtype),),
    reads=(),
)
"""A copy in ``dtype`` (``clone``, ``float()``...); ``order="C"`` lays it out row-major (``contiguous``)."""

# -- indexing and joins --------------------------------------------------------------------------------

GETITEM = Structural(
    "getitem",
    lambda x, index, repeats: x[index],
    lambda m, g, out, inputs, needs, index, repeats: (m.scatter_add(g, index, inputs[0].shape, repeats),),
    reads=(),
)
SCATTER_ADD = Structural(
    "scatter_add",
    lambda x, index, shape, repeats: scatter_add(x, index, shape, repeats),
    lambda m, g, out, inputs, needs, index, shape, repeats: (m.getitem(g, index),),
    reads=(),
)


def _put_backward(m: Any, g: Any, out: Any, inputs: Grads, needs: Any, steps: Any, index: Any) -> Grads:
    value = inputs[1]
    grad_base = m.put(g, 0.0, steps, index) if needs[0] else None
    grad_value = None
    if needs[1]:
        region = m.getitem(m.view_steps(g, steps), index)
        extra = len(value.shape) - len(region.shape)  # a value may carry leading 1s (y[0] = w of shape (1,))
        fitted = m.sum_to(region, value.shape[extra:]) if extra >= 0 else m.sum_to(region, value.shape)
        grad_value = m.reshape(fitted, value.shape) if extra > 0 else fitted
    return grad_base, grad_value


INDEX_PUT = Structural(
    "index_put",
    lambda base, value, steps, index: put_region(base, value, steps, index),
    _put_backward,
    reads=(),
)
"""``base`` with ``value`` written into ``view_steps(base, steps)[index]``: the node an item assignment
or an in-place op through a view records on the base (PyTorch's IndexPut / CopySlices)."""


def _pad_backward(m: Any, g: Any, out: Any, inputs: Grads, needs: Any, widths: Any, value: float) -> Grads:
    middle = tuple(slice(before, before + n) for (before, _), n in zip(widths, inputs[0].shape))
    return (m.getitem(g, middle),)


PAD = Structural(
    "pad", lambda x, widths, value: np.pad(x, widths, constant_values=value), _pad_backward, reads=()
)


def _concatenate_backward(m: Any, g: Any, out: Any, inputs: Grads, needs: Any, axis: int) -> Grads:
    grads, start = [], 0
    for x, need in zip(inputs, needs):
        stop = start + x.shape[axis]
        index = (slice(None),) * axis + (slice(start, stop),)
        grads.append(m.getitem(g, index) if need else None)
        start = stop
    return tuple(grads)


CONCATENATE = Structural(
    "concatenate", lambda *xs, axis: np.concatenate(xs, axis=axis), _concatenate_backward, reads=()
)
STACK = Structural(
    "stack",
    lambda *xs, axis: np.stack(xs, axis=axis),
    lambda m, g, out, inputs, needs, axis: tuple(
        m.getitem(g, (slice(None),) * axis + (i,)) if need else None for i, need in enumerate(needs)
    ),
    reads=(),
)
WHERE = Structural(
    "where",
    lambda a, b, mask: np.where(mask, a, b),
    lambda m, g, out, inputs, needs, mask: (
        m.where(mask, g, 0.0) if needs[0] else None,
        m.where(mask, 0.0, g) if needs[1] else None,
    ),
    reads=(),
)

# -- softmax and the fused losses ----------------------------------------------------------------------


def _logsoftmax_array(x: np.ndarray, axis: int) -> np.ndarray:
    if x.size == 0:
        return x.copy()
    shifted = x - x.max(axis=axis, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))


SOFTMAX = Structural(
    "softmax",
    softmax_array,
    lambda m, g, out, inputs, needs, axis: (m.softmax_backward(out, g, axis),),
    reads=((OUT,),),
)
LOG_SOFTMAX = Structural(
    "log_softmax",
    _logsoftmax_array,
    lambda m, g, out, inputs, needs, axis: (g - m.exp(out) * m.sum(g, axis, True),),
    reads=((OUT,),),
)

RULES: tuple[Structural, ...] = (
    MATMUL, LINEAR, SUM, MEAN, VAR, MAX, MIN, PROD, RESHAPE, TRANSPOSE, BROADCAST_TO, SUM_TO, ASTYPE, GETITEM,
    SCATTER_ADD, INDEX_PUT, PAD, CONCATENATE, STACK, WHERE, SOFTMAX, LOG_SOFTMAX,
)  # fmt: skip
