"""Activation modules: thin wrappers over ``nn.functional``, so each formula exists once."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

import numpy as np

from autograd import Tensor
from nn import functional as F
from nn.module import Module, Parameter


class Activation(Module):
    """Applies ``function(x, **options)``; subclasses name the function and their options. ``inplace``
    is accepted wherever PyTorch's module takes it; the result is always a new Tensor with the same values
    (an in-place activation would overwrite values the backward pass of the layer before may need)."""

    function: ClassVar[Callable[..., Tensor]]

    def __init__(self, inplace: bool = False, **options: Any) -> None:
        super().__init__()
        self.inplace = inplace
        self.options = options

    def forward(self, x: Tensor) -> Tensor:
        return type(self).function(x, **self.options)

    def extra_repr(self) -> str:
        shown = [f"{key}={value}" for key, value in self.options.items()]
        return ", ".join([*shown, "inplace=True"] if self.inplace else shown)


class Identity(Activation):
    function = staticmethod(F.identity)


class Step(Activation):
    function = staticmethod(F.step)


class Sigmoid(Activation):
    function = staticmethod(F.sigmoid)


class Tanh(Activation):
    function = staticmethod(F.tanh)


class ReLU(Activation):
    function = staticmethod(F.relu)


class SELU(Activation):
    function = staticmethod(F.selu)


class GELU(Activation):
    function = staticmethod(F.gelu)

    def __init__(self, approximate: str = "none") -> None:
        super().__init__(approximate=approximate)

    def extra_repr(self) -> str:
        return f"approximate={self.options['approximate']!r}"


class SiLU(Activation):
    function = staticmethod(F.silu)


Swish = SiLU


class Softplus(Activation):
    function = staticmethod(F.softplus)

    def __init__(self, beta: float = 1.0, threshold: float = 20.0) -> None:
        super().__init__(beta=beta, threshold=threshold)


class Softsign(Activation):
    function = staticmethod(F.softsign)


class Hardsigmoid(Activation):
    function = staticmethod(F.hard_sigmoid)


class LeakyReLU(Activation):
    function = staticmethod(F.leaky_relu)

    def __init__(self, negative_slope: float = 0.01, inplace: bool = False) -> None:
        super().__init__(inplace, negative_slope=negative_slope)


class ELU(Activation):
    function = staticmethod(F.elu)

    def __init__(self, alpha: float = 1.0, inplace: bool = False) -> None:
        super().__init__(inplace, alpha=alpha)


class Softmax(Activation):
    """softmax along ``dim`` (the last axis when None)."""

    function = staticmethod(F.softmax)

    def __init__(self, dim: int | None = None) -> None:
        super().__init__(dim=dim)


class LogSoftmax(Activation):
    """log_softmax along ``dim`` (the last axis when None)."""

    function = staticmethod(F.log_softmax)

    def __init__(self, dim: int | None = None) -> None:
        super().__init__(dim=dim)


class Maxout(Activation):
    """Keeps the largest of every ``pieces`` consecutive features along ``axis``."""

    function = staticmethod(F.maxout)

    def __init__(self, pieces: int, axis: int = -1) -> None:
        super().__init__(pieces=pieces, axis=axis)


class PReLU(Module):
    """Leaky ReLU whose negative slope is learned: one shared slope, or one per channel (axis 1)."""

    def __init__(self, num_parameters: int = 1, init: float = 0.25) -> None:
        super().__init__()
        self.weight = Parameter(np.full(num_parameters, init, np.float32))

    def forward(self, x: Tensor) -> Tensor:
        return F.prelu(x, self.weight)
