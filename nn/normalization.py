"""Normalisation layers over the last dims, PyTorch's ``nn.LayerNorm`` and ``nn.RMSNorm``: one graph
node each (``F.layer_norm`` / ``F.rms_norm``), parameters named ``weight`` and ``bias`` as in PyTorch."""

from __future__ import annotations

from typing import Any

import numpy as np

from autograd import Tensor
from autograd.tensor.promotion import float_dtype
from nn.functional.normalization import as_shape, layer_norm, rms_norm
from nn.module import Module, Parameter


class _OverLastDims(Module):
    """What both layers hold: the normalised shape, eps, and the optional per-element weight and bias."""

    def __init__(
        self, normalized_shape: Any, eps: float | None, elementwise_affine: bool, bias: bool, dtype: Any
    ) -> None:
        super().__init__()
        dtype = float_dtype(dtype)  # None: the default float dtype, as PyTorch's layers
        self.normalized_shape = as_shape(normalized_shape)
        self.eps, self.elementwise_affine = eps, elementwise_affine
        self.weight = Parameter(np.ones(self.normalized_shape, dtype)) if elementwise_affine else None
        self.bias = Parameter(np.zeros(self.normalized_shape, dtype)) if elementwise_affine and bias else None

    def extra_repr(self) -> str:
        return f"{self.normalized_shape}, eps={self.eps}, elementwise_affine={self.elementwise_affine}"


class LayerNorm(_OverLastDims):
    """Layer normalisation: each sample normalised over its last dims (``normalized_shape``), then scaled
    and shifted per element (``elementwise_affine``; ``bias=False`` keeps the scale alone)."""

    def __init__(
        self,
        normalized_shape: Any,
        eps: float = 1e-5,
        elementwise_affine: bool = True,
        bias: bool = True,
        dtype: Any = None,
    ) -> None:
        super().__init__(normalized_shape, eps, elementwise_affine, bias, dtype)

    def forward(self, x: Tensor) -> Tensor:
        return layer_norm(x, self.normalized_shape, self.weight, self.bias, self.eps or 0.0)

    def extra_repr(self) -> str:
        return f"{super().extra_repr()}, bias={self.bias is not None}"


class RMSNorm(_OverLastDims):
    """Root-mean-square normalisation over the last dims, then a per-element scale (no shift, no
    centring); ``eps`` None is the input dtype's machine epsilon, as in PyTorch."""

    def __init__(
        self,
        normalized_shape: Any,
        eps: float | None = None,
        elementwise_affine: bool = True,
        dtype: Any = None,
    ) -> None:
        super().__init__(normalized_shape, eps, elementwise_affine, False, dtype)

    def forward(self, x: Tensor) -> Tensor:
        return rms_norm(x, self.normalized_shape, self.weight, self.eps)
