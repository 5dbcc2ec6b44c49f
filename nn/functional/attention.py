"""Scaled dot-product attention with PyTorch's arguments: shapes, dtypes and the mask checked (naming
what is wrong), then one graph node of the rule table (``autograd/rules/attention.py``)."""

from __future__ import annotations

import math

import numpy as np

from autograd import Tensor
from autograd.extend import apply
from autograd.random import as_generator
from autograd.rules.attention import SCALED_DOT_PRODUCT_ATTENTION
from nn._checks import dropout_probability


def scaled_dot_product_attention(
    query: Tensor,
    key: Tensor,
    value: Tensor,
    attn_mask: Tensor | None = None,
    dropout_p: float = 0.0,
    is_causal: bool = False,
    scale: float | None = None,
) -> Tensor:
    """softmax(query keyᵀ · scale + mask) value over (..., L, E), (..., S, E), (..., S, Ev), batch dims
    broadcasting. A bool ``attn_mask`` says where to attend (True), a float one is added to the scores;
    ``is_causal`` attends to keys up to each query's own position. ``scale`` defaults to 1/sqrt(E); a
    query row with every key masked out gives zeros, as in PyTorch. ``dropout_p`` drops attention
    weights (give 0.0 in evaluation, as PyTorch code does)."""
    op = "scaled_dot_product_attention"
    for name, part in (("query", query), ("key", key), ("value", value)):
        if not isinstance(part, Tensor):
            raise TypeError(f"{op}: {name} must be a Tensor, got {type(part).__name__}")
        if part.ndim < 2 or part.dtype.kind != "f":
            raise RuntimeError(
                f"{op}: {name} must be a floating Tensor of 2 or more dims, got {part.dtype} {part.shape}"
            )
    if not query.dtype == key.dtype == value.dtype:
        raise RuntimeError(
            f"{op}: Expected query, key, and value to have the same dtype, but got query.dtype: "
            f"{query.dtype} key.dtype: {key.dtype} and value.dtype: {value.dtype} instead."
        )
    if query.shape[-1] != key.shape[-1] or key.shape[-2] != value.shape[-2]:
        raise RuntimeError(
            f"{op}: query (..., L, E) {query.shape}, key (..., S, E) {key.shape} and value (..., S, Ev) "
            f"{value.shape} disagree on E or S"
        )
    dropout_probability(op, dropout_p)
    p = float(dropout_p)
    length, keys = query.shape[-2], key.shape[-2]
    allowed: np.ndarray | None = None
    inputs = [query, key, value]
    if is_causal:
        if attn_mask is not None:
            raise RuntimeError(f"{op}: Explicit attn_mask should not be set when is_causal=True")
        allowed = np.tril(np.ones((length, keys), dtype=bool))
    elif attn_mask is not None:
        array = None if isinstance(attn_mask, Tensor) else np.asarray(attn_mask)
        mask = attn_mask if array is None else Tensor(array, dtype=array.dtype)
        try:
            np.broadcast_shapes(
                mask.shape, (*np.broadcast_shapes(query.shape[:-2], key.shape[:-2]), length, keys)
            )
        except ValueError:
            raise RuntimeError(
                f"{op}: attn_mask of shape {mask.shape} does not broadcast to the scores' shape "
                f"(..., {length}, {keys})"
            ) from None
        if mask.dtype == np.bool_:
            allowed = mask.numpy()
        elif mask.dtype != query.dtype:
            raise RuntimeError(
                f"{op}: Expected attn_mask dtype to be bool or {query.dtype}, got {mask.dtype}"
            )
        else:
            inputs.append(mask)
    chosen = 1.0 / math.sqrt(query.shape[-1]) if scale is None else float(scale)
    seed = int(as_generator(None).integers(2**63)) if p else 0
    return apply(
        SCALED_DOT_PRODUCT_ATTENTION,
        tuple(inputs),
        allowed=allowed,
        causal=is_causal,
        scale=chosen,
        p=p,
        seed=seed,
        saved={},
    )
