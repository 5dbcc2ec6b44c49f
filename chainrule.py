"""PyTorch's names for chainrule's objects, so the notes' code runs with ``import chainrule as torch``.

``torch.tensor``, ``torch.zeros``, ``torch.nn.Module``, ``torch.nn.functional.relu``, ``torch.optim.Adam``,
``torch.utils.data.DataLoader``, ``torch.no_grad``, ``torch.manual_seed``... are the same objects as
``autograd.factories``, ``nn``, ``nn.optim`` and ``nn.data`` hold: nothing here is a copy.
"""

from __future__ import annotations

import builtins
import types
from importlib import metadata
from typing import Any

import numpy as np

import autograd
import nn
from autograd import Tensor, concatenate, enable_grad, is_grad_enabled, no_grad, stack, where
from autograd.factories import (
    arange,
    bool_,
    eye,
    float32,
    float64,
    full,
    int64,
    linspace,
    long,
    ones,
    ones_like,
    rand,
    randint,
    randn,
    randperm,
    tensor,
    zeros,
    zeros_like,
)
from autograd.random import manual_seed
from nn import optim

try:
    __version__ = metadata.version("chainrule")
except metadata.PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0+unknown"

bool = bool_  # torch.bool, as the notes write it
cat = concatenate
utils = types.SimpleNamespace(data=nn.data)


# PyTorch's legacy constructor names
def FloatTensor(data: Any) -> Tensor:
    """A float32 Tensor of ``data``."""
    return tensor(data, dtype=np.float32)


def LongTensor(data: Any) -> Tensor:
    """An int64 Tensor of ``data`` (labels, indices)."""
    return tensor(data, dtype=np.int64)


def allclose(a: Any, b: Any, rtol: float = 1e-5, atol: float = 1e-8) -> builtins.bool:
    """Whether every element of ``a`` is close to ``b`` (NumPy's rule, PyTorch's defaults)."""
    return builtins.bool(np.allclose(np.asarray(a), np.asarray(b), rtol=rtol, atol=atol))


def exp(x: Tensor) -> Tensor:
    return x.exp()


def log(x: Tensor) -> Tensor:
    return x.log()


def sigmoid(x: Tensor) -> Tensor:
    return x.sigmoid()


def tanh(x: Tensor) -> Tensor:
    return x.tanh()


def relu(x: Tensor) -> Tensor:
    return x.relu()


def softmax(x: Tensor, dim: int = -1) -> Tensor:
    return x.softmax(axis=dim)


def log_softmax(x: Tensor, dim: int = -1) -> Tensor:
    return x.log_softmax(axis=dim)


def matmul(a: Tensor, b: Tensor) -> Tensor:
    return a @ b


def sum(x: Tensor, dim: Any = None, keepdim: builtins.bool = False) -> Tensor:
    return x.sum(axis=dim, keepdims=keepdim)


def mean(x: Tensor, dim: Any = None, keepdim: builtins.bool = False) -> Tensor:
    return x.mean(axis=dim, keepdims=keepdim)


def argmax(x: Tensor, dim: int | None = None, keepdim: builtins.bool = False) -> Tensor:
    """Indices of the largest elements as an int64 Tensor (no gradient)."""
    indices = np.argmax(x.data, axis=dim)
    if keepdim and dim is not None:
        indices = np.expand_dims(indices, dim)
    return Tensor(np.asarray(indices, np.int64), dtype=np.int64)


def max(x: Tensor, dim: int | None = None, keepdim: builtins.bool = False) -> Any:
    """The largest element, or with ``dim`` the pair (values, indices) as PyTorch returns it."""
    if dim is None:
        return x.max()
    return x.max(axis=dim, keepdims=keepdim), argmax(x, dim, keepdim)


__all__ = [
    "FloatTensor",
    "LongTensor",
    "Tensor",
    "__version__",
    "allclose",
    "arange",
    "argmax",
    "autograd",
    "bool",
    "cat",
    "enable_grad",
    "exp",
    "eye",
    "float32",
    "float64",
    "full",
    "int64",
    "is_grad_enabled",
    "linspace",
    "log",
    "log_softmax",
    "long",
    "manual_seed",
    "matmul",
    "max",
    "mean",
    "nn",
    "no_grad",
    "ones",
    "ones_like",
    "optim",
    "rand",
    "randint",
    "randn",
    "randperm",
    "relu",
    "sigmoid",
    "softmax",
    "stack",
    "sum",
    "tanh",
    "tensor",
    "utils",
    "where",
    "zeros",
    "zeros_like",
]
