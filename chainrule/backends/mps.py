"""``torch.backends.mps``: Apple's Metal backend, which chainrule does not have."""

from __future__ import annotations

__all__ = ["is_available", "is_built"]


def is_available() -> bool:
    """Whether MPS can be used: never, in chainrule."""
    return False


def is_built() -> bool:
    """Whether this build has MPS support: no."""
    return False
