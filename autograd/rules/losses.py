"""The fused losses, one graph node each: cross-entropy from logits (softmax inside), binary
cross-entropy with PyTorch's clamped logs, and its stable form from logits. Each restates its pieces'
derivatives (softmax - target, sigmoid - target) as PyTorch's fused kernels do."""

from __future__ import annotations

from typing import Any

import numpy as np

from autograd.rules.structural import Grads, Structural


def _cross_entropy_forward(
    logits: np.ndarray, targets: np.ndarray, reduction: str, saved: dict[str, Any]
) -> np.ndarray:
    """Per row log Σ exp(z - max) - (z - max)[target]; the softmax and the targets' flat positions are
    saved for the backward, which then needs one product and one scattered subtraction."""
    n, classes = logits.shape
    if logits.size == 0:
        losses = np.zeros(n, logits.dtype)
    else:
        shifted = logits - np.maximum.reduce(logits, axis=1, keepdims=True)
        exp = np.exp(shifted)
        total = np.add.reduce(exp, axis=1, keepdims=True)
        saved["softmax"] = exp / total
        if targets.ndim == 2:
            losses = np.add.reduce(targets * (np.log(total) - shifted), axis=1)
        else:
            saved["flat"] = flat = np.arange(0, n * classes, classes) + targets
            losses = np.log(total).reshape(n) - shifted.reshape(-1)[flat]
    if reduction == "none":
        return losses
    total_loss = np.add.reduce(losses)  # an empty batch's mean is 0 / 0 = NaN, silently, as in PyTorch
    return np.asarray(total_loss / n if reduction == "mean" else total_loss, dtype=logits.dtype)


def _cross_entropy_backward(
    m: Any, g: Any, out: Any, inputs: Grads, needs: Any, targets: np.ndarray, reduction: str, saved: dict
) -> Grads:
    (logits,) = inputs
    n, classes = logits.shape
    if reduction == "none":
        scale = m.reshape(g, (n, 1))
    else:
        scale = g * (1.0 / max(n, 1)) if reduction == "mean" else g
    if isinstance(logits, np.ndarray) and "flat" in saved:  # arrays: softmax · scale, minus scale at t
        grad = saved["softmax"] * scale
        grad.reshape(-1)[saved["flat"]] -= scale.reshape(-1) if reduction == "none" else scale
        return (grad,)
    if targets.ndim == 2:  # d/dz of -Σ p log softmax(z) = softmax(z) Σp - p
        rows, mass = targets, targets.sum(axis=1, keepdims=True)
    else:
        rows = np.zeros((n, classes), dtype=m.data(logits).dtype)
        rows[np.arange(n), targets] = 1
        mass = 1.0
    return ((m.softmax(logits, 1) * mass - rows) * scale,)


CROSS_ENTROPY = Structural("cross_entropy", _cross_entropy_forward, _cross_entropy_backward, reads=((0,),))


_LOG_FLOOR = -100.0  # PyTorch clamps each log of binary_cross_entropy at -100
_TINY = float(np.exp(_LOG_FLOOR))
_DENOMINATOR_FLOOR = 1e-12  # and divides by at least this: finite gradients at p = 0 and 1


def _floored_log(m: Any, p: Any) -> Any:
    """log p, but -100 where p < e^-100 (0 included): a constant there, as the clamp makes it."""
    positive = m.data(p) > _TINY
    return m.where(positive, m.log(m.where(positive, p, 1.0)), _LOG_FLOOR)


def _bce_forward(p: np.ndarray, t: np.ndarray) -> np.ndarray:
    log_p = np.maximum(np.log(p), _LOG_FLOOR)
    log_not_p = np.maximum(np.log1p(-p), _LOG_FLOOR)
    return -(t * log_p + (1 - t) * log_not_p)


def _bce_backward(m: Any, g: Any, out: Any, inputs: Grads, needs: tuple[bool, ...]) -> Grads:
    p, t = inputs
    spread = p * (1.0 - p)
    safe = m.where(m.data(spread) > _DENOMINATOR_FLOOR, spread, _DENOMINATOR_FLOOR)
    grad_p = g * (p - t) / safe if needs[0] else None
    grad_t = g * (_floored_log(m, 1.0 - p) - _floored_log(m, p)) if needs[1] else None
    return grad_p, grad_t


BCE = Structural("binary_cross_entropy", _bce_forward, _bce_backward, reads=((0, 1), (0,)))


def _bce_with_logits_forward(x: np.ndarray, t: np.ndarray) -> np.ndarray:
    return np.maximum(x, 0) - x * t + np.log1p(np.exp(-np.abs(x)))


BCE_WITH_LOGITS = Structural(
    "bce_with_logits",
    _bce_with_logits_forward,
    lambda m, g, out, inputs, needs: (
        g * (m.sigmoid(inputs[0]) - inputs[1]) if needs[0] else None,
        -g * inputs[0] if needs[1] else None,
    ),
    reads=((0, 1), (0,)),
)

RULES: tuple[Structural, ...] = (CROSS_ENTROPY, BCE, BCE_WITH_LOGITS)
