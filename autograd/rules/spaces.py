"""The spaces a derivative rule is evaluated in: floats, arrays, or graph nodes.

A rule is written once against a namespace ``m`` (``m.exp(x)``, ``m.where(c, a, b)``...). Evaluated with
``FloatMath`` it gives Value's local derivatives as numbers, with ``ArrayMath`` Tensor's gradients as
arrays, and with a node space (``ValueMath`` / ``TensorMath``, subclasses of ``NodeMath`` beside their
engines) it builds the backward pass as a graph that can be differentiated again.
Comparisons (``x > 0``) work in every space and give constant masks; ``m.data(x)`` reads a node's
numbers where a rule must test them for equality.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from autograd.kernels.im2col import Window, col2im, im2col
from autograd.kernels.special import (
    INV_SQRT2,
    INV_SQRT_2PI,
    erf_array,
    gelu_slope_array,
    sigmoid_array,
    sigmoid_float,
    softmax_array,
)


class FloatMath:
    """Python floats (the Value fast path). Raises where the math library does: 0 ** -1, log 0, exp 1e4;
    the engine then re-evaluates the rule in IEEE arithmetic (``ArrayMath`` on float64 scalars)."""

    exp = staticmethod(math.exp)
    log = staticmethod(math.log)
    sin = staticmethod(math.sin)
    cos = staticmethod(math.cos)
    erf = staticmethod(math.erf)
    sigmoid = staticmethod(sigmoid_float)
    power = staticmethod(math.pow)

    @staticmethod
    def data(x: float) -> float:
        return x

    @staticmethod
    def constant(c: float, like: Any) -> float:
        return c

    @staticmethod
    def abs(x: float) -> float:
        return abs(x)

    @staticmethod
    def sign(x: float) -> float:
        return 1.0 if x > 0.0 else (-1.0 if x < 0.0 else 0.0)

    @staticmethod
    def where(condition: bool, a: Any, b: Any) -> Any:
        return a if condition else b

    @staticmethod
    def gelu_slope(out: float, x: float) -> float:
        """GELU's derivative Φ(x) + x φ(x) (Φ from erf: on a float it costs nothing)."""
        return 0.5 * (1.0 + math.erf(x * INV_SQRT2)) + x * INV_SQRT_2PI * math.exp(-0.5 * x * x)


class ArrayMath:
    """NumPy arrays (the Tensor fast path), and float64 scalars for Value's IEEE fallback."""

    exp = staticmethod(np.exp)
    log = staticmethod(np.log)
    sin = staticmethod(np.sin)
    cos = staticmethod(np.cos)
    tanh = staticmethod(np.tanh)
    erf = staticmethod(erf_array)
    sigmoid = staticmethod(sigmoid_array)
    power = staticmethod(np.power)
    abs = staticmethod(np.abs)
    sign = staticmethod(np.sign)
    where = staticmethod(np.where)
    matmul = staticmethod(np.matmul)
    concatenate = staticmethod(np.concatenate)
    stack = staticmethod(np.stack)
    col2im = staticmethod(col2im)

    @staticmethod
    def data(x: np.ndarray) -> np.ndarray:
        return x

    @staticmethod
    def constant(c: float, like: Any) -> float:
        return c

    # the array methods, not NumPy's functions: the same C code without the function's dispatch layer

    @staticmethod
    def swapaxes(x: np.ndarray, first: int, second: int) -> np.ndarray:
        return x.swapaxes(first, second)

    @staticmethod
    def transpose(x: np.ndarray, order: tuple[int, ...]) -> np.ndarray:
        return x.transpose(order)

    @staticmethod
    def reshape(x: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
        return x.reshape(shape)

    @staticmethod
    def broadcast_to(x: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
        """A new array, not NumPy's read-only view: the gradient then needs no copy where it is stored."""
        out = np.empty(shape, x.dtype)
        out[...] = x
        return out

    @staticmethod
    def sum(x: np.ndarray, axis: Any = None, keepdims: bool = False) -> np.ndarray:
        return x.sum(axis=axis, keepdims=keepdims)

    @staticmethod
    def mean(x: np.ndarray, axis: Any = None, keepdims: bool = False) -> np.ndarray:
        return np.mean(x, axis=axis, keepdims=keepdims)

    @staticmethod
    def sum_to(x: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
        return sum_to(x, shape)

    @staticmethod
    def getitem(x: np.ndarray, index: Any) -> np.ndarray:
        return x[index]

    @staticmethod
    def scatter_add(x: np.ndarray, index: Any, shape: tuple[int, ...], repeats: bool) -> np.ndarray:
        return scatter_add(x, index, shape, repeats)

    @staticmethod
    def view_steps(x: np.ndarray, steps: tuple[Any, ...]) -> np.ndarray:
        return view_steps(x, steps)

    @staticmethod
    def put(x: np.ndarray, value: Any, steps: tuple[Any, ...], index: Any) -> np.ndarray:
        return put_region(x, value, steps, index)

    @staticmethod
    def softmax(x: np.ndarray, axis: int) -> np.ndarray:
        return softmax_array(x, axis)

    @staticmethod
    def softmax_backward(out: np.ndarray, g: np.ndarray, axis: int) -> np.ndarray:
        """out · (g - Σ g · out): softmax's VJP, in one fresh array."""
        grad = g * out
        total = grad.sum(axis=axis, keepdims=True)
        np.subtract(g, total, out=grad)
        grad *= out
        return grad

    @staticmethod
    def im2col(x: np.ndarray, window: Window, saved: dict[str, Any] | None) -> np.ndarray:
        """The window rows of ``x``; the forward pass's copy when it saved one."""
        return saved["cols"] if saved and "cols" in saved else im2col(x, window)

    @staticmethod
    def astype(x: np.ndarray, dtype: Any) -> np.ndarray:
        return x.astype(dtype, copy=False)

    gelu_slope = staticmethod(gelu_slope_array)

    @staticmethod
    def products_of_others(x: np.ndarray) -> np.ndarray:
        """For each element along the last axis, the product of the others: running products from
        the left times running products from the right, exact where ``x`` has zeros."""
        ones = np.ones((*x.shape[:-1], 1), x.dtype)
        left = np.cumprod(np.concatenate([ones, x[..., :-1]], axis=-1), axis=-1)
        right = np.cumprod(np.concatenate([ones, x[..., :0:-1]], axis=-1), axis=-1)[..., ::-1]
        return left * right


class NodeMath:
    """Graph nodes (Value or Tensor): every function is an op that records its own backward, so the
    gradient built from it can be differentiated again. Subclasses add ``where`` and ``sign``."""

    @staticmethod
    def data(x: Any) -> Any:
        return x._data

    @staticmethod
    def exp(x: Any) -> Any:
        return x.exp()

    @staticmethod
    def log(x: Any) -> Any:
        return x.log()

    @staticmethod
    def sin(x: Any) -> Any:
        return x.sin()

    @staticmethod
    def cos(x: Any) -> Any:
        return x.cos()

    @staticmethod
    def tanh(x: Any) -> Any:
        return x.tanh()

    @staticmethod
    def erf(x: Any) -> Any:
        return x.erf()

    @staticmethod
    def gelu_slope(out: Any, x: Any) -> Any:
        """GELU's derivative as nodes (Φ from erf, not out / x), so its own derivative is exact at 0 too."""
        return 0.5 * (1.0 + (x * INV_SQRT2).erf()) + x * (INV_SQRT_2PI * (-0.5 * (x * x)).exp())

    @staticmethod
    def sigmoid(x: Any) -> Any:
        return x.sigmoid()

    @staticmethod
    def abs(x: Any) -> Any:
        return abs(x)

    @staticmethod
    def power(x: Any, exponent: Any) -> Any:
        return x**exponent


def sum_to(grad: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """Undo broadcasting: sum ``grad`` over the axes that broadcasting added or stretched to reach it."""
    if grad.shape == shape:
        return grad
    lead = grad.ndim - len(shape)
    stretched = tuple(lead + i for i, n in enumerate(shape) if n == 1 and grad.shape[lead + i] != 1)
    return grad.sum(axis=tuple(range(lead)) + stretched, keepdims=True).reshape(shape)


def view_steps(x: np.ndarray, steps: tuple[Any, ...]) -> np.ndarray:
    """``x`` seen through view ops (rule, ctx) in order: the part of a base a view Tensor shows."""
    for rule, ctx in steps:
        x = rule.forward(x, **ctx)
    return x


def put_region(x: np.ndarray, value: Any, steps: tuple[Any, ...], index: Any) -> np.ndarray:
    """A copy of ``x`` with ``value`` written where ``view_steps(x, steps)[index]`` looks (an item
    assignment, or an in-place op through a view, made out of place)."""
    out = x.copy()
    view_steps(out, steps)[index] = value
    return out


def scatter_add(values: np.ndarray, index: Any, shape: tuple[int, ...], repeats: bool) -> np.ndarray:
    """Zeros of ``shape`` with ``values`` added at ``index``; ``repeats`` says an element may be hit twice."""
    full = np.zeros(shape, dtype=values.dtype)
    if repeats:
        np.add.at(full, index, values)
    else:
        full[index] = values
    return full
