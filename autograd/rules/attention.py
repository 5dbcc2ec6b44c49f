"""The derivative table's attention: ``softmax(q kᵀ · scale + mask) v`` as one node, PyTorch's
``scaled_dot_product_attention``. Its constants: ``allowed`` (the bool mask, True attends, or None),
``causal`` (whether that mask is the causal one, for exporters that build it from the sizes), ``scale``,
dropout's ``p`` and ``seed``. The forward keeps one array of attention weights (one T×T per head)
for its backward, and dropout's mask as the seed that drew it; under ``create_graph`` the VJP rebuilds
the weights from the input nodes, so a gradient penalty through attention is exact."""

from __future__ import annotations

from typing import Any

import numpy as np

from autograd.rules.spaces import ArrayMath
from autograd.rules.structural import Grads, Structural


def dropout_keep(shape: tuple[int, ...], p: float, seed: int, dtype: np.dtype) -> np.ndarray:
    """Dropout's factors on the attention weights, 1/(1 - p) where kept and 0 where dropped: drawn from
    ``seed``, so forward and backward agree."""
    kept = np.random.default_rng(seed).random(shape) >= p
    return kept * dtype.type(0.0 if p >= 1 else 1.0 / (1.0 - p))


def _dead_rows(allowed: np.ndarray | None) -> np.ndarray | None:
    """Query rows whose every key is masked out: their output is 0 (PyTorch's), not softmax's NaN."""
    if allowed is None:
        return None
    dead = np.asarray(~allowed.any(axis=-1, keepdims=True))
    return dead if dead.any() else None


def _weights(m: Any, q: Any, k: Any, additive: Any, allowed: np.ndarray | None, scale: float) -> Any:
    """softmax(q kᵀ · scale, masked) over the keys, in the space ``m``; the scale goes on q (the
    smaller factor) and a bool mask is added as 0 / -inf (one pass, where ``where`` costs three)."""
    scores = m.matmul(q * scale, m.swapaxes(k, -1, -2))
    if allowed is not None:
        scores = scores + np.where(allowed, 0.0, -np.inf).astype(m.data(q).dtype)
    if additive is not None:
        scores = scores + additive
    weights = m.softmax(scores, -1)
    dead = _dead_rows(allowed)
    return weights if dead is None else m.where(dead, 0.0, weights)


def _forward(
    q: np.ndarray,
    k: np.ndarray,
    v: np.ndarray,
    *additive: np.ndarray,
    allowed: np.ndarray | None,
    causal: bool,
    scale: float,
    p: float,
    seed: int,
    saved: dict,
) -> np.ndarray:
    weights = saved["weights"] = _weights(ArrayMath, q, k, additive[0] if additive else None, allowed, scale)
    if p:
        weights = weights * dropout_keep(weights.shape, p, seed, q.dtype)
    return np.matmul(weights, v)


def _backward(
    m: Any,
    g: Any,
    out: Any,
    inputs: Grads,
    needs: tuple[bool, ...],
    allowed: np.ndarray | None,
    causal: bool,
    scale: float,
    p: float,
    seed: int,
    saved: dict,
) -> Grads:
    """With W the weights (D after dropout): dv = Dᵀ g, dW = (g vᵀ) through dropout, the scores'
    gradient dS = W ⊙ (dW − rowsum(dW ⊙ W)), then dq = dS k · scale, dk = dSᵀ q · scale, d(mask) = dS."""
    q, k, v = inputs[:3]
    additive = inputs[3] if len(inputs) > 3 else None
    if m is ArrayMath and "weights" in saved:
        weights = saved["weights"]
    else:
        weights = _weights(m, q, k, additive, allowed, scale)
    keep = dropout_keep(weights.shape, p, seed, m.data(q).dtype) if p else None
    dropped = weights if keep is None else weights * keep
    grad_v = m.sum_to(m.matmul(m.swapaxes(dropped, -1, -2), g), v.shape) if needs[2] else None
    if not (needs[0] or needs[1] or (additive is not None and needs[3])):
        return (None, None, grad_v, None)[: len(inputs)]
    grad_weights = m.matmul(g, m.swapaxes(v, -1, -2))
    if keep is not None:
        grad_weights = grad_weights * keep
    grad_scores = m.softmax_backward(weights, grad_weights, -1)
    scaled = grad_scores * scale
    grad_q = m.sum_to(m.matmul(scaled, k), q.shape) if needs[0] else None
    grad_k = m.sum_to(m.matmul(m.swapaxes(scaled, -1, -2), q), k.shape) if needs[1] else None
    if additive is None:
        return grad_q, grad_k, grad_v
    return grad_q, grad_k, grad_v, (m.sum_to(grad_scores, additive.shape) if needs[3] else None)


SCALED_DOT_PRODUCT_ATTENTION = Structural(
    "scaled_dot_product_attention", _forward, _backward, reads=((0, 1, 2), (0, 1, 2), (0, 1), (0, 1, 2))
)

RULES: tuple[Structural, ...] = (SCALED_DOT_PRODUCT_ATTENTION,)
