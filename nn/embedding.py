"""Embedding (임베딩): a learned vector per token index, as PyTorch's ``nn.Embedding`` (the first layer of
the recurrent lessons' character and word models)."""

from __future__ import annotations

from typing import Any

import numpy as np

from autograd import Tensor, where
from autograd.random import Rng, as_generator
from autograd.tensor.promotion import float_dtype
from nn._checks import positive_ints
from nn.module import Module, Parameter


class Embedding(Module):
    """Row ``i`` of ``weight`` (num_embeddings, embedding_dim) for each index ``i`` of the input, which may
    have any shape (the result gains a last axis). Rows start N(0, 1), as PyTorch's; ``padding_idx``'s row
    starts at zero and gets no gradient, so padding never learns."""

    def __init__(
        self,
        num_embeddings: int,
        embedding_dim: int,
        padding_idx: int | None = None,
        rng: Rng = None,
        dtype: Any = None,
    ) -> None:
        super().__init__()
        dtype = float_dtype(dtype)  # None: the default float dtype, as PyTorch's layers
        positive_ints("Embedding", num_embeddings=num_embeddings, embedding_dim=embedding_dim)
        if padding_idx is not None:
            if not -num_embeddings <= padding_idx < num_embeddings:
                raise ValueError(f"Embedding: padding_idx {padding_idx} is outside [0, {num_embeddings})")
            padding_idx %= num_embeddings
        self.num_embeddings, self.embedding_dim, self.padding_idx = num_embeddings, embedding_dim, padding_idx
        start = as_generator(rng).standard_normal((num_embeddings, embedding_dim)).astype(dtype)
        if padding_idx is not None:
            start[padding_idx] = 0
        self.weight = Parameter(start)

    def forward(self, indices: Any) -> Tensor:
        index = np.asarray(indices.numpy() if isinstance(indices, Tensor) else indices)
        if index.dtype.kind not in "iu":
            raise TypeError(f"Embedding: indices must be integers (a LongTensor), got dtype {index.dtype}")
        if index.size and (index.min() < 0 or index.max() >= self.num_embeddings):
            raise IndexError(
                f"Embedding({self.num_embeddings}, {self.embedding_dim}): indices must lie in "
                f"[0, {self.num_embeddings}), got {index.min()}..{index.max()}"
            )
        rows = self.weight[index]
        if self.padding_idx is None:
            return rows
        learned = (index != self.padding_idx)[..., None]
        return where(learned, rows, rows.detach())  # the padding row's value, without its gradient

    def extra_repr(self) -> str:
        padding = "" if self.padding_idx is None else f", padding_idx={self.padding_idx}"
        return f"{self.num_embeddings}, {self.embedding_dim}{padding}"
