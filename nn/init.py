"""Weight initialisation (가중치 초기값): the notes' Xavier and He, each drawn from an explicit Generator.

Shapes follow PyTorch's Linear weight: (fan_out, fan_in). Xavier/Glorot keeps the variance of signals
through sigmoid/tanh layers; He doubles it to make up for ReLU zeroing half of them.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

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
