"""The default random source, as PyTorch's: one Generator that every random choice made without an
explicit ``rng`` or seed draws from (initialisers, dropout, shuffling, ``randn``), and ``manual_seed``
to make all of them repeat. Passing a Generator or a seed still gives a stream of its own."""

from __future__ import annotations

from typing import Any

import numpy as np

from autograd.tensor.device import device as check_device

Rng = np.random.Generator | int | None

_DEFAULT = np.random.default_rng()


def seed_value(seed: Any) -> int:
    """A seed as PyTorch takes it: an int in [-2**63, 2**64), a negative one counted from 2**64."""
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise TypeError(f"manual_seed takes an integer, got {seed!r}")
    if not -(2**63) <= seed < 2**64:
        raise ValueError(f"manual_seed: Overflow when unpacking long long (the seed {seed} is out of range)")
    return int(seed) % 2**64


def manual_seed(seed: int) -> np.random.Generator:
    """Seed the default source: everything drawn from it afterwards repeats from run to run."""
    _DEFAULT.bit_generator.state = np.random.default_rng(seed_value(seed)).bit_generator.state
    return _DEFAULT


class Generator(np.random.Generator):
    """PyTorch's ``torch.Generator()``: a random stream of its own, ``manual_seed(s)`` returning itself, so
    ``random_split(data, [0.8, 0.2], generator=torch.Generator().manual_seed(42))`` repeats. It is a NumPy
    Generator, accepted wherever chainrule takes ``rng``, ``seed`` or ``generator``."""

    def __init__(self, device: Any = "cpu") -> None:
        check_device(device)
        super().__init__(np.random.PCG64())

    def manual_seed(self, seed: int) -> Generator:
        """Restart the stream from ``seed``; returns self."""
        self.bit_generator.state = np.random.PCG64(seed_value(seed)).state
        return self


def as_generator(rng: Rng) -> np.random.Generator:
    """A Generator from a Generator, a seed, or None (the default source, seeded by ``manual_seed``)."""
    if rng is None:
        return _DEFAULT
    return rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng)
