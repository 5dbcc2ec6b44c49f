"""Weight initialisation (가중치 초기값): the notes' Xavier and He, each drawn from an explicit Generator,
as arrays (``xavier_uniform(shape)``) or, with PyTorch's names, filling a Tensor in place
(``nn.init.xavier_uniform_(layer.weight)``, ``kaiming_normal_``, ``zeros_``...).

Shapes follow PyTorch's Linear weight: (fan_out, fan_in). Xavier/Glorot keeps the variance of signals
through sigmoid/tanh layers; He doubles it to make up for ReLU zeroing half of them.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from autograd import Tensor, no_grad
from autograd.random import Rng, as_generator


def fans(shape: tuple[int, ...]) -> tuple[int, int]:
    """(fan_in, fan_out) of a weight of shape (out, in, *kernel)."""
    if len(shape) < 2:
        raise ValueError(f"fan in and fan out need a weight with at least 2 dimensions, got shape {shape}")
    receptive = math.prod(shape[2:])
    return shape[1] * receptive, shape[0] * receptive


def xavier_uniform(
    shape: tuple[int, ...], rng: Rng = None, gain: float = 1.0, dtype=np.float32
) -> np.ndarray:
    fan_in, fan_out = fans(shape)
    bound = gain * math.sqrt(6.0 / (fan_in + fan_out))
    return as_generator(rng).uniform(-bound, bound, shape).astype(dtype)


def xavier_normal(shape: tuple[int, ...], rng: Rng = None, gain: float = 1.0, dtype=np.float32) -> np.ndarray:
    fan_in, fan_out = fans(shape)
    return as_generator(rng).normal(0.0, gain * math.sqrt(2.0 / (fan_in + fan_out)), shape).astype(dtype)


def he_uniform(shape: tuple[int, ...], rng: Rng = None, dtype=np.float32) -> np.ndarray:
    bound = math.sqrt(6.0 / fans(shape)[0])
    return as_generator(rng).uniform(-bound, bound, shape).astype(dtype)


def he_normal(shape: tuple[int, ...], rng: Rng = None, dtype=np.float32) -> np.ndarray:
    return as_generator(rng).normal(0.0, math.sqrt(2.0 / fans(shape)[0]), shape).astype(dtype)


def lecun_uniform(shape: tuple[int, ...], rng: Rng = None, dtype=np.float32) -> np.ndarray:
    """U(±1/sqrt(fan_in)): PyTorch's default for Linear weights and biases."""
    bound = 1.0 / math.sqrt(fans(shape)[0])
    return as_generator(rng).uniform(-bound, bound, shape).astype(dtype)


INITIALISERS: dict[str, Callable[..., np.ndarray]] = {
    "xavier_uniform": xavier_uniform,
    "xavier_normal": xavier_normal,
    "he_uniform": he_uniform,
    "he_normal": he_normal,
    "lecun_uniform": lecun_uniform,
}


# -- PyTorch's in-place initialisers: fill a Tensor (a Parameter) and return it ----------------------

_GAINS = {
    "linear": 1.0,
    "identity": 1.0,
    "sigmoid": 1.0,
    "tanh": 5.0 / 3.0,
    "relu": math.sqrt(2.0),
    "selu": 0.75,
}
_CONVOLUTIONS = ("conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d")


def calculate_gain(nonlinearity: str, param: float | None = None) -> float:
    """The factor that keeps the signal's variance through ``nonlinearity`` (PyTorch's table)."""
    if nonlinearity == "leaky_relu":
        slope = 0.01 if param is None else float(param)
        return math.sqrt(2.0 / (1.0 + slope**2))
    if nonlinearity in _CONVOLUTIONS:
        return 1.0
    if nonlinearity not in _GAINS:
        raise ValueError(
            f"calculate_gain: unknown nonlinearity {nonlinearity!r}; "
            f"choose one of {', '.join([*_GAINS, 'leaky_relu'])}"
        )
    return _GAINS[nonlinearity]


def _fill(tensor: Any, values: Any) -> Any:
    """Write ``values`` into ``tensor`` in place (outside any graph; counted as an in-place change)."""
    if not isinstance(tensor, Tensor):
        raise TypeError(f"nn.init functions fill a Tensor in place, got {type(tensor).__name__}")
    with no_grad():
        tensor.copy_(values)
    return tensor


def uniform_(tensor: Any, a: float = 0.0, b: float = 1.0, generator: Rng = None) -> Any:
    """Fill with U(a, b)."""
    return _fill(tensor, as_generator(generator).uniform(a, b, tensor.shape))


def normal_(tensor: Any, mean: float = 0.0, std: float = 1.0, generator: Rng = None) -> Any:
    """Fill with N(mean, std²)."""
    return _fill(tensor, as_generator(generator).normal(mean, std, tensor.shape))


def constant_(tensor: Any, val: float) -> Any:
    """Fill with ``val``."""
    return _fill(tensor, val)


def zeros_(tensor: Any) -> Any:
    """Fill with 0 (the usual bias start)."""
    return _fill(tensor, 0)


def ones_(tensor: Any) -> Any:
    """Fill with 1."""
    return _fill(tensor, 1)


def eye_(tensor: Any) -> Any:
    """The identity matrix (a 2-D Tensor)."""
    if tensor.ndim != 2:
        raise ValueError(f"eye_ needs a 2-D Tensor, got shape {tensor.shape}")
    return _fill(tensor, np.eye(*tensor.shape))


def xavier_uniform_(tensor: Any, gain: float = 1.0, generator: Rng = None) -> Any:
    """Glorot: U(±gain·sqrt(6 / (fan_in + fan_out)))."""
    return _fill(tensor, xavier_uniform(tensor.shape, generator, gain, dtype=tensor.dtype))


def xavier_normal_(tensor: Any, gain: float = 1.0, generator: Rng = None) -> Any:
    """Glorot: N(0, gain² · 2 / (fan_in + fan_out))."""
    return _fill(tensor, xavier_normal(tensor.shape, generator, gain, dtype=tensor.dtype))


def _kaiming_std(tensor: Any, a: float, mode: str, nonlinearity: str) -> float:
    if mode not in ("fan_in", "fan_out"):
        raise ValueError(f"kaiming: mode must be 'fan_in' or 'fan_out', got {mode!r}")
    fan_in, fan_out = fans(tensor.shape)
    return calculate_gain(nonlinearity, a) / math.sqrt(fan_in if mode == "fan_in" else fan_out)


def kaiming_uniform_(
    tensor: Any, a: float = 0.0, mode: str = "fan_in", nonlinearity: str = "leaky_relu", generator: Rng = None
) -> Any:
    """He: U(±sqrt(3)·gain/sqrt(fan)), gain from ``nonlinearity`` (and its slope ``a``)."""
    bound = math.sqrt(3.0) * _kaiming_std(tensor, a, mode, nonlinearity)
    return uniform_(tensor, -bound, bound, generator)


def kaiming_normal_(
    tensor: Any, a: float = 0.0, mode: str = "fan_in", nonlinearity: str = "leaky_relu", generator: Rng = None
) -> Any:
    """He: N(0, gain² / fan)."""
    return normal_(tensor, 0.0, _kaiming_std(tensor, a, mode, nonlinearity), generator)
