"""Activation functions (활성화 함수) and softmax on Tensors, each formula and derivative written once.

Kinks match Value's: relu'(0) = 0, leaky_relu'(0) = slope, elu'(0) = alpha, step' = 0, hard_sigmoid'(±3) = 0.
Sigmoid, softplus, softmax and log_softmax are stable for any finite input (no overflow, no warnings).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from autograd import tensor as _tensor
from autograd import tensor_ops

if TYPE_CHECKING:
    from autograd.tensor import Tensor

SELU_ALPHA = 1.6732632423543772
SELU_SCALE = 1.0507009873554805


def _sigmoid(x: np.ndarray) -> np.ndarray:
    """Two branches so that exp only ever sees -|x|: no overflow for x = ±1e4."""
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e)).astype(x.dtype, copy=False)


def step(x: Tensor) -> Tensor:
    """1 where x > 0 else 0; the derivative is 0 everywhere."""
    data = x.data
    return _tensor.result((data > 0).astype(data.dtype), (x,), lambda g: (np.zeros_like(data),), "step")


def identity(x: Tensor) -> Tensor:
    """f(x) = x, the regression output activation."""
    return _tensor.result(x.data.view(), (x,), lambda g: (g,), "identity")


def sigmoid(x: Tensor) -> Tensor:
    out = _sigmoid(x.data)
    return _tensor.result(out, (x,), lambda g: (g * out * (1 - out),), "sigmoid")


def tanh(x: Tensor) -> Tensor:
    out = np.tanh(x.data)
    return _tensor.result(out, (x,), lambda g: (g * (1 - out * out),), "tanh")


def relu(x: Tensor) -> Tensor:
    """max(0, x); relu'(0) = 0."""
    data = x.data
    return _tensor.result(np.maximum(data, 0), (x,), lambda g: (g * (data > 0),), "relu")


def leaky_relu(x: Tensor, slope: float = 0.01) -> Tensor:
    data = x.data
    positive = data > 0
    out = np.where(positive, data, data * slope).astype(data.dtype, copy=False)
    return _tensor.result(out, (x,), lambda g: (np.where(positive, g, g * slope),), "leaky_relu")


def prelu(x: Tensor, weight: Tensor) -> Tensor:
    """Leaky ReLU with a learnable slope: one per channel (axis 1) or a single one shared by all."""
    if weight.size != 1:
        if x.ndim < 2 or x.shape[1] != weight.size:
            raise ValueError(
                f"prelu: {weight.size} slopes need inputs with {weight.size} channels on axis 1, "
                f"got shape {x.shape}"
            )
        weight = tensor_ops.reshape(weight, 1, weight.size, *([1] * (x.ndim - 2)))
    return tensor_ops.where(x.data > 0, x, weight * x)


def elu(x: Tensor, alpha: float = 1.0) -> Tensor:
    data = x.data
    positive = data > 0
    out = np.where(positive, data, alpha * np.expm1(np.minimum(data, 0))).astype(data.dtype, copy=False)
    return _tensor.result(out, (x,), lambda g: (np.where(positive, g, g * (out + alpha)),), "elu")


def selu(x: Tensor) -> Tensor:
    """SCALE * elu(x, ALPHA): Klambauer et al.'s self-normalising constants."""
    data = x.data
    positive = data > 0
    negative_part = SELU_ALPHA * np.expm1(np.minimum(data, 0))
    out = (SELU_SCALE * np.where(positive, data, negative_part)).astype(data.dtype, copy=False)
    slope = SELU_SCALE * np.where(positive, 1.0, negative_part + SELU_ALPHA)
    return _tensor.result(out, (x,), lambda g: (g * slope.astype(data.dtype, copy=False),), "selu")


def _erf(x: np.ndarray) -> np.ndarray:
    """Error function, Abramowitz & Stegun 7.1.26 (|error| < 1.5e-7): NumPy has none, SciPy is not needed."""
    sign = np.sign(x)
    z = np.abs(x)
    t = 1.0 / (1.0 + 0.3275911 * z)
    poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))))
    return sign * (1.0 - poly * np.exp(-z * z))


def gelu(x: Tensor) -> Tensor:
    """x * Φ(x), the exact (erf) form as in Value and PyTorch's default."""
    data = x.data
    cdf = 0.5 * (1.0 + _erf(data / np.sqrt(2.0)))
    pdf = np.exp(-0.5 * data * data) / np.sqrt(2.0 * np.pi)
    out = (data * cdf).astype(data.dtype, copy=False)
    return _tensor.result(
        out, (x,), lambda g: (g * (cdf + data * pdf).astype(data.dtype, copy=False),), "gelu"
    )


def swish(x: Tensor) -> Tensor:
    """x * sigmoid(x), also called SiLU."""
    s = _sigmoid(x.data)
    out = x.data * s
    return _tensor.result(out, (x,), lambda g: (g * (s + out * (1 - s)),), "swish")


silu = swish


def softplus(x: Tensor) -> Tensor:
    """log(1 + e**x) via logaddexp: no overflow; its derivative is sigmoid(x)."""
    data = x.data
    return _tensor.result(np.logaddexp(0, data), (x,), lambda g: (g * _sigmoid(data),), "softplus")


def softsign(x: Tensor) -> Tensor:
    data = x.data
    denominator = 1 + np.abs(data)
    return _tensor.result(data / denominator, (x,), lambda g: (g / (denominator * denominator),), "softsign")


def hard_sigmoid(x: Tensor) -> Tensor:
    """clip(x / 6 + 1/2, 0, 1) as in PyTorch; slope 1/6 strictly inside (-3, 3)."""
    data = x.data
    inside = (data > -3) & (data < 3)
    out = np.clip(data / 6 + 0.5, 0, 1).astype(data.dtype, copy=False)
    return _tensor.result(out, (x,), lambda g: (g * inside / 6,), "hard_sigmoid")


def maxout(x: Tensor, pieces: int, axis: int = -1) -> Tensor:
    """Split ``axis`` into groups of ``pieces`` and keep each group's maximum (Goodfellow et al.)."""
    axis = axis % x.ndim
    size = x.shape[axis]
    if pieces < 1 or size % pieces:
        raise ValueError(f"maxout: axis {axis} has size {size}, not a multiple of pieces={pieces}")
    grouped = tensor_ops.reshape(x, *x.shape[:axis], size // pieces, pieces, *x.shape[axis + 1 :])
    return tensor_ops.max(grouped, axis=axis + 1)


def softmax(x: Tensor, axis: int = -1) -> Tensor:
    """exp(x) / sum(exp(x)) along ``axis``, shifted by the maximum first so nothing overflows."""
    data = x.data
    e = np.exp(data - data.max(axis=axis, keepdims=True))
    out = e / e.sum(axis=axis, keepdims=True)
    return _tensor.result(
        out, (x,), lambda g: (out * (g - (g * out).sum(axis=axis, keepdims=True)),), "softmax"
    )


def log_softmax(x: Tensor, axis: int = -1) -> Tensor:
    """x - logsumexp(x) along ``axis``, stable for any finite input."""
    data = x.data
    shifted = data - data.max(axis=axis, keepdims=True)
    out = shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))
    return _tensor.result(
        out, (x,), lambda g: (g - np.exp(out) * g.sum(axis=axis, keepdims=True),), "log_softmax"
    )
