"""Argument checks shared by nn's layers, optimizers, schedulers and loaders: one wording per error,
each naming the argument and the value it got."""

from __future__ import annotations

import math
from typing import Any

import numpy as np


def positive_ints(owner: str, **sizes: Any) -> None:
    """Each of ``sizes`` an integer >= 1 (a bool is not a size), else a ValueError naming it."""
    for name, size in sizes.items():
        if isinstance(size, bool) or not isinstance(size, (int, np.integer)) or size < 1:
            raise ValueError(f"{owner}: {name} must be a positive integer, got {size!r}")


def dropout_probability(owner: str, p: Any) -> None:
    """PyTorch's range for a dropout probability: [0, 1] (1 drops everything), with PyTorch's wording."""
    if isinstance(p, bool) or not isinstance(p, (int, float)) or not 0.0 <= p <= 1.0:
        raise ValueError(f"{owner}: dropout probability has to be between 0 and 1, but got {p}")


def positive_number(name: str, value: Any, allow_zero: bool = False) -> None:
    """A finite real number > 0 (>= 0 with ``allow_zero``), else an error naming the argument."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name} must be a number, got {type(value).__name__}: {value!r}")
    if not math.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value}")
    if value < 0 or (value == 0 and not allow_zero):
        bound = ">= 0" if allow_zero else "> 0"
        raise ValueError(f"{name} must be {bound}, got {value}")


def fraction(name: str, value: Any) -> None:
    """A number in [0, 1) (a momentum, a decay, a beta), else an error naming the argument."""
    positive_number(name, value, allow_zero=True)
    if not 0.0 <= value < 1.0:
        raise ValueError(f"{name} must be in [0, 1), got {value}")
