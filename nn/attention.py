"""``nn.MultiheadAttention`` with PyTorch's arguments, parameter names and layouts (``in_proj_weight``,
``in_proj_bias``, ``out_proj``; or ``q/k/v_proj_weight`` when key and value have their own widths), so
state dicts carry over. Without ``need_weights`` the heads run as one ``scaled_dot_product_attention``
node; with it, as the explicit softmax PyTorch uses, which also gives the weights back."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from autograd import Tensor
from autograd.tensor.promotion import float_dtype
from nn import functional as F
from nn import init
from nn.layers import Linear
from nn.module import Module, Parameter


class NonDynamicallyQuantizableLinear(Linear):
    """PyTorch's name for the output projection of attention (a Linear), kept so reprs read the same."""


def _additive(mask: Any, dtype: np.dtype, what: str) -> np.ndarray | None:
    """A mask as the float added to the scores: a bool one is -inf where True (PyTorch's MHA convention:
    True means "do not attend"), a float one as it is."""
    if mask is None:
        return None
    array = mask.numpy() if isinstance(mask, Tensor) else np.asarray(mask)
    if array.dtype == np.bool_:
        return np.where(array, -np.inf, 0.0).astype(dtype)
    if array.dtype.kind != "f":
        raise TypeError(f"MultiheadAttention: {what} must be a bool or float mask, got dtype {array.dtype}")
    return array.astype(dtype, copy=False)


class MultiheadAttention(Module):
    """Attention from ``num_heads`` heads of width ``embed_dim // num_heads`` over projected queries,
    keys and values, concatenated and projected back (``out_proj``)."""

    def __init__(
        self,
        embed_dim: int,
        num_heads: int,
        dropout: float = 0.0,
        bias: bool = True,
        kdim: int | None = None,
        vdim: int | None = None,
        batch_first: bool = False,
        dtype: Any = None,
    ) -> None:
        super().__init__()
        dtype = float_dtype(dtype)
        if embed_dim % num_heads:
            raise AssertionError(  # PyTorch's kind of error here
                f"MultiheadAttention: embed_dim must be divisible by num_heads ({embed_dim} by {num_heads})"
            )
        self.embed_dim, self.num_heads, self.dropout, self.batch_first = (
            embed_dim,
            num_heads,
            dropout,
            batch_first,
        )
        self.kdim, self.vdim = kdim or embed_dim, vdim or embed_dim
        self.head_dim = embed_dim // num_heads
        self._qkv_same_embed_dim = self.kdim == embed_dim and self.vdim == embed_dim
        self.in_proj_weight: Parameter | None = None
        self.q_proj_weight: Parameter | None = None
        self.k_proj_weight: Parameter | None = None
        self.v_proj_weight: Parameter | None = None
        if self._qkv_same_embed_dim:
            self.in_proj_weight = Parameter(np.zeros((3 * embed_dim, embed_dim), dtype))
            init.xavier_uniform_(self.in_proj_weight)
        else:
            for name, width in (
                ("q_proj_weight", embed_dim),
                ("k_proj_weight", self.kdim),
                ("v_proj_weight", self.vdim),
            ):
                setattr(self, name, Parameter(np.zeros((embed_dim, width), dtype)))
                init.xavier_uniform_(getattr(self, name))
        self.in_proj_bias = Parameter(np.zeros(3 * embed_dim, dtype)) if bias else None
        self.out_proj = NonDynamicallyQuantizableLinear(embed_dim, embed_dim, bias=bias, dtype=dtype)
        if bias:
            init.zeros_(self.out_proj.bias)

    def _projections(self, query: Tensor, key: Tensor, value: Tensor) -> tuple[Tensor, Tensor, Tensor]:
        if self.in_proj_weight is not None:
            weights: tuple[Any, ...] = tuple(self.in_proj_weight.chunk(3))
        else:
            weights = (self.q_proj_weight, self.k_proj_weight, self.v_proj_weight)
        biases = (None,) * 3 if self.in_proj_bias is None else tuple(self.in_proj_bias.chunk(3))
        q, k, v = (F.linear(x, w, b) for x, w, b in zip((query, key, value), weights, biases))
        return q, k, v

    def forward(
        self,
        query: Tensor,
        key: Tensor,
        value: Tensor,
        key_padding_mask: Any = None,
        need_weights: bool = True,
        attn_mask: Any = None,
        average_attn_weights: bool = True,
        is_causal: bool = False,
    ) -> tuple[Tensor, Tensor | None]:
        """(output, weights): output as the query's layout ((L, N, E), or (N, L, E) with ``batch_first``,
        or unbatched (L, E)); weights (N, L, S), averaged over heads unless ``average_attn_weights`` is
        False ((N, H, L, S)), or None without ``need_weights``. In both masks True means "ignore"."""
        if is_causal and attn_mask is None:
            raise RuntimeError(
                "Need attn_mask if specifying the is_causal hint. You may use the Transformer module method "
                "`generate_square_subsequent_mask` to create this mask."
            )
        batched = query.ndim == 3
        if not batched:
            query, key, value = (t.unsqueeze(1) for t in (query, key, value))
        elif self.batch_first:
            query, key, value = (t.transpose(0, 1) for t in (query, key, value))
        length, batch, _ = query.shape
        q, k, v = (self._heads(t, batch) for t in self._projections(query, key, value))
        mask = self._mask(attn_mask, key_padding_mask, batch, length, k.shape[-2], q.dtype)
        p = self.dropout if self.training else 0.0
        weights = None
        if need_weights:
            scores = (q * (1.0 / math.sqrt(self.head_dim))) @ k.transpose(-2, -1)
            weights = (scores if mask is None else scores + mask).softmax(-1)
            heads = (F.dropout(weights, p) if p else weights) @ v
        else:
            heads = F.scaled_dot_product_attention(
                q, k, v, None if mask is None else Tensor(mask, dtype=mask.dtype), p
            )
        out = self.out_proj(heads.permute(2, 0, 1, 3).reshape(length, batch, self.embed_dim))
        if weights is not None and average_attn_weights:
            weights = weights.mean(1)
        if not batched:
            return out.squeeze(1), None if weights is None else weights.squeeze(0)
        return (out.transpose(0, 1) if self.batch_first else out), weights

    def _heads(self, x: Tensor, batch: int) -> Tensor:
        """(T, N, E) -> (N, H, T, head_dim)."""
        return x.reshape(x.shape[0], batch, self.num_heads, self.head_dim).permute(1, 2, 0, 3)

    def _mask(
        self, attn_mask: Any, key_padding_mask: Any, batch: int, length: int, keys: int, dtype: np.dtype
    ) -> np.ndarray | None:
        """Both masks as one float array added to the (N, H, L, S) scores, or None."""
        added = _additive(attn_mask, dtype, "attn_mask")
        if added is not None:
            if added.ndim == 3:
                added = added.reshape(batch, self.num_heads, length, keys)
            elif added.shape != (length, keys):
                raise RuntimeError(
                    f"MultiheadAttention: attn_mask should be ({length}, {keys}) or "
                    f"({batch * self.num_heads}, {length}, {keys}), got {added.shape}"
                )
        padding = _additive(key_padding_mask, dtype, "key_padding_mask")
        if padding is not None:
            padding = padding.reshape(batch, 1, 1, keys)
            added = padding if added is None else added + padding
        return added
