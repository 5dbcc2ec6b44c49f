"""The derivative table's normalisations over the last dims: layer norm and RMS norm, each one node with
an optional elementwise affine (weight, bias). The forward keeps the normalised input and the reciprocal
deviation for its backward (``saved``); under ``create_graph`` the VJP recomputes them from the input
node, so the gradient is itself differentiable."""

from __future__ import annotations

from typing import Any

import numpy as np

from autograd.rules.spaces import ArrayMath
from autograd.rules.structural import Grads, Structural


def _axes(ndim: int, dims: int) -> tuple[int, ...]:
    return tuple(range(ndim - dims, ndim))


def _affine(normalised: np.ndarray, affine: tuple[np.ndarray, ...], scaled: bool) -> np.ndarray:
    """``normalised * weight + bias`` for the parts of the affine that are given."""
    out = normalised
    if scaled:
        out = out * affine[0]
    if len(affine) > scaled:
        out = out + affine[-1]
    return out


def _layer_norm_forward(
    x: np.ndarray, *affine: np.ndarray, dims: int, eps: float, scaled: bool, saved: dict
) -> np.ndarray:
    """Centred first, then scaled: the two-pass variance stays exact for large offsets."""
    axes = _axes(x.ndim, dims)
    centred = x - x.mean(axis=axes, keepdims=True)
    variance = np.mean(np.square(centred), axis=axes, keepdims=True)
    rstd = 1.0 / np.sqrt(variance + np.asarray(eps, x.dtype))
    saved["normalised"] = normalised = centred * rstd
    saved["rstd"] = rstd
    return _affine(normalised, affine, scaled)


def _rms_norm_forward(
    x: np.ndarray, *affine: np.ndarray, dims: int, eps: float, scaled: bool, saved: dict
) -> np.ndarray:
    axes = _axes(x.ndim, dims)
    rstd = 1.0 / np.sqrt(np.mean(np.square(x), axis=axes, keepdims=True) + np.asarray(eps, x.dtype))
    saved["normalised"] = normalised = x * rstd
    saved["rstd"] = rstd
    return _affine(normalised, affine, scaled)


def _statistics(
    m: Any, x: Any, axes: tuple[int, ...], eps: float, saved: dict, centre: bool
) -> tuple[Any, Any]:
    """The normalised input and the reciprocal deviation: the forward's arrays, or recomputed as nodes."""
    if m is ArrayMath and "rstd" in saved:
        return saved["normalised"], saved["rstd"]
    centred = x - m.mean(x, axes, True) if centre else x
    rstd = m.power(m.mean(centred * centred, axes, True) + eps, -0.5)
    return centred * rstd, rstd


def _backward(centre: bool) -> Any:
    """The VJP of layer norm (``centre``) or RMS norm: with n = h * g (the upstream through the weight),
    dx = rstd * (n - mean(n) - h * mean(n * h)), the mean(n) term only when the input was centred."""

    def backward(
        m: Any, g: Any, out: Any, inputs: Grads, needs: Any, dims: int, eps: float, scaled: bool, saved: dict
    ) -> Grads:
        x = inputs[0]
        axes = _axes(x.ndim, dims)
        normalised, rstd = _statistics(m, x, axes, eps, saved, centre)
        grads: list[Any] = [None] * len(inputs)
        if needs[0]:
            upstream = g * inputs[1] if scaled else g
            inner = upstream - normalised * m.mean(upstream * normalised, axes, True)
            if centre:
                inner = inner - m.mean(upstream, axes, True)
            grads[0] = rstd * inner
        if scaled and needs[1]:
            grads[1] = m.sum_to(g * normalised, inputs[1].shape)
        if len(inputs) > 1 + scaled and needs[-1]:
            grads[-1] = m.sum_to(g, inputs[-1].shape)
        return tuple(grads)

    return backward


LAYER_NORM = Structural("layer_norm", _layer_norm_forward, _backward(centre=True), reads=((0, 1), (0,), ()))
RMS_NORM = Structural("rms_norm", _rms_norm_forward, _backward(centre=False), reads=((0, 1), (0,), ()))

RULES: tuple[Structural, ...] = (LAYER_NORM, RMS_NORM)
