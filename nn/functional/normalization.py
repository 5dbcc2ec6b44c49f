"""Layer and RMS normalisation over the last dims, with PyTorch's arguments: each checks the shapes
(naming the expected and the actual ones) and records one graph node of the rule table."""

from __future__ import annotations

from typing import Any

import numpy as np

from autograd import Tensor
from autograd.extend import apply
from autograd.rules import normalization as N


def as_shape(normalized_shape: Any) -> tuple[int, ...]:
    """``normalized_shape`` (an int or a sequence of them) as a tuple of positive ints."""
    shape = (
        (normalized_shape,) if isinstance(normalized_shape, (int, np.integer)) else tuple(normalized_shape)
    )
    if not shape or any(isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1 for n in shape):
        raise ValueError(f"normalized_shape must be positive ints, got {normalized_shape!r}")
    return tuple(int(n) for n in shape)


def _normalised_shape(op: str, x: Any, normalized_shape: Any) -> tuple[int, ...]:
    if not isinstance(x, Tensor):
        raise TypeError(f"{op}: the input must be a Tensor, got {type(x).__name__}")
    shape = as_shape(normalized_shape)
    if len(shape) > x.ndim or x.shape[x.ndim - len(shape) :] != shape:
        raise RuntimeError(
            f"{op}: Given normalized_shape={list(shape)}, expected input with shape [*, "
            f"{', '.join(map(str, shape))}], but got input of size{list(x.shape)}"
        )
    return shape


def _normalise(
    rule: Any,
    op: str,
    x: Tensor,
    shape: tuple[int, ...],
    weight: Tensor | None,
    bias: Tensor | None,
    eps: float,
) -> Tensor:
    for name, part in (("weight", weight), ("bias", bias)):
        if part is not None and tuple(part.shape) != shape:
            raise RuntimeError(
                f"{op}: Expected {name} to be of same shape as normalized_shape, but got {name} of shape "
                f"{list(part.shape)} and normalized_shape = {list(shape)}"
            )
    inputs = tuple(t for t in (x, weight, bias) if t is not None)
    return apply(rule, inputs, dims=len(shape), eps=float(eps), scaled=weight is not None, saved={})


def layer_norm(
    input: Tensor,
    normalized_shape: Any,
    weight: Tensor | None = None,
    bias: Tensor | None = None,
    eps: float = 1e-5,
) -> Tensor:
    """(x - mean) / sqrt(var + eps) over the last ``len(normalized_shape)`` dims (the biased variance, as
    PyTorch), then ``* weight + bias`` if given; centred before squaring, so large offsets stay exact."""
    shape = _normalised_shape("layer_norm", input, normalized_shape)
    return _normalise(N.LAYER_NORM, "layer_norm", input, shape, weight, bias, eps)


def rms_norm(
    input: Tensor, normalized_shape: Any, weight: Tensor | None = None, eps: float | None = None
) -> Tensor:
    """x / sqrt(mean(x²) + eps) over the last dims, then ``* weight``; ``eps`` None is the dtype's machine
    epsilon, as in PyTorch."""
    shape = _normalised_shape("rms_norm", input, normalized_shape)
    chosen = float(np.finfo(input.dtype).eps) if eps is None else eps
    return _normalise(N.RMS_NORM, "rms_norm", input, shape, weight, None, chosen)
