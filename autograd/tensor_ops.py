"""Functions over several Tensors: ``concatenate``, ``stack`` and ``where`` (the single-Tensor ops are
methods, bound to their rules in ``autograd.tensor``)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from autograd import tensor_rules as T
from autograd.tensor import Tensor
from autograd.tensor_record import joined, where

__all__ = ["concatenate", "stack", "where"]


def concatenate(tensors: Iterable[Any], axis: int = 0, *, dim: int | None = None) -> Tensor:
    """Join along an existing axis (``axis``, or PyTorch's ``dim``)."""
    return joined(T.CONCATENATE, tensors, axis if dim is None else dim, "concatenate")


def stack(tensors: Iterable[Any], axis: int = 0, *, dim: int | None = None) -> Tensor:
    """Join along a new axis (``axis``, or PyTorch's ``dim``)."""
    return joined(T.STACK, tensors, axis if dim is None else dim, "stack")
