"""Gradient clipping, as ``torch.nn.utils``: limit the gradients' size before ``optimizer.step()``
(the exploding-gradient fix of recurrent networks)."""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np

from autograd import Tensor


def _with_grads(parameters: Tensor | Iterable[Tensor]) -> list[Tensor]:
    items = [parameters] if isinstance(parameters, Tensor) else list(parameters)
    return [p for p in items if p.grad is not None]


def clip_grad_norm_(
    parameters: Tensor | Iterable[Tensor],
    max_norm: float,
    norm_type: float = 2.0,
    error_if_nonfinite: bool = False,
) -> Tensor:
    """Scale all gradients together so their joint ``norm_type``-norm is at most ``max_norm``; returns the
    norm before clipping (a 0-d Tensor), as PyTorch does."""
    grads = [p.grad.numpy() for p in _with_grads(parameters)]  # type: ignore[union-attr]
    if not grads:
        return Tensor(0.0)
    norm_type = float(norm_type)
    if norm_type == math.inf:
        total = max(float(np.abs(g).max(initial=0.0)) for g in grads)
    else:
        total = float(
            sum(float((np.abs(g.astype(np.float64)) ** norm_type).sum()) for g in grads) ** (1.0 / norm_type)
        )
    if error_if_nonfinite and not math.isfinite(total):
        raise RuntimeError(f"clip_grad_norm_: the total norm of the gradients is {total}")
    scale = float(max_norm) / (total + 1e-6)
    if scale < 1.0:
        for g in grads:
            g *= g.dtype.type(scale)
    return Tensor(total, dtype=np.float32)


def clip_grad_value_(parameters: Tensor | Iterable[Tensor], clip_value: float) -> None:
    """Clip every gradient element to [-clip_value, clip_value] in place."""
    for p in _with_grads(parameters):
        np.clip(p.grad.numpy(), -clip_value, clip_value, out=p.grad.numpy())  # type: ignore[union-attr]
