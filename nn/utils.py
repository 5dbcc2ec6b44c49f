"""Gradient clipping, as ``torch.nn.utils``: limit the gradients' size before ``optimizer.step()``
(the exploding-gradient fix of recurrent networks)."""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np

from autograd import Tensor
from autograd.extend import restore, silence


def _with_grads(parameters: Tensor | Iterable[Tensor]) -> list[Tensor]:
    items = [parameters] if isinstance(parameters, Tensor) else list(parameters)
    return [p for p in items if p.grad is not None]


def vector_norm(x: np.ndarray, ord: float) -> np.ndarray:
    """``torch.linalg.vector_norm`` of the flattened ``x`` in its own dtype (it may overflow to inf, as
    PyTorch's does): max |x| for inf, min |x| for -inf, the count of non-zeros for 0."""
    magnitudes = np.abs(x.ravel())
    if ord == math.inf:
        return magnitudes.max(initial=0)
    if ord == -math.inf:
        return magnitudes.min(initial=math.inf)
    if ord == 0:
        return np.asarray(np.count_nonzero(magnitudes), x.dtype)
    return (magnitudes**ord).sum() ** x.dtype.type(1.0 / ord)


def clip_grad_norm_(
    parameters: Tensor | Iterable[Tensor],
    max_norm: float,
    norm_type: float | str = 2.0,
    error_if_nonfinite: bool = False,
) -> Tensor:
    """Scale all gradients together so their joint ``norm_type``-norm is at most ``max_norm``; returns the
    norm before clipping (a 0-d Tensor in the gradients' dtype), as PyTorch: the norm of the per-parameter
    norms; the gradients are always multiplied by min(1, max_norm / (norm + 1e-6)), so a NaN or inf norm
    turns them into NaN (inf) as in PyTorch, silently."""
    grads = [p.grad.numpy() for p in _with_grads(parameters)]  # type: ignore[union-attr]
    if not grads:
        return Tensor(0.0)
    order = float(norm_type)
    dtype = np.result_type(*grads)
    token = silence()  # huge gradients overflow to inf, as in PyTorch: no NumPy warning
    try:
        norms = np.array([vector_norm(g, order) for g in grads], dtype)
        total = vector_norm(norms, order)
        if error_if_nonfinite and not np.isfinite(total):
            raise RuntimeError(
                f"clip_grad_norm_: the total norm of order {order} of the gradients is {float(total)}; "
                "set error_if_nonfinite=False to clip anyway"
            )
        scale = np.minimum(dtype.type(1.0), dtype.type(max_norm) / (total + dtype.type(1e-6)))  # NaN stays
        for g in grads:
            g *= g.dtype.type(scale)
    finally:
        restore(token)
    return Tensor(np.asarray(total, dtype), dtype=dtype)


def clip_grad_value_(parameters: Tensor | Iterable[Tensor], clip_value: float) -> None:
    """Clip every gradient element to [-clip_value, clip_value] in place."""
    for p in _with_grads(parameters):
        np.clip(p.grad.numpy(), -clip_value, clip_value, out=p.grad.numpy())  # type: ignore[union-attr]
