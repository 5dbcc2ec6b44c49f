"""``torch.cuda`` on a CPU-only engine: nothing is available, so scripts that ask take their CPU branch;
seeding CUDA is a no-op, as it is in PyTorch on a machine without a GPU."""

from __future__ import annotations

from typing import Any

from autograd.tensor.device import is_available

__all__ = ["device_count", "is_available", "manual_seed", "manual_seed_all"]


def device_count() -> int:
    """The number of CUDA devices: 0."""
    return 0


def manual_seed(seed: Any) -> None:
    """Seed CUDA's generators: there are none (PyTorch ignores this call without a GPU too)."""


def manual_seed_all(seed: Any) -> None:
    """Seed every CUDA device's generator: there are none."""
