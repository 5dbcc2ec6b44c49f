"""``torch.accelerator`` on a CPU-only engine: no accelerator, so ``torch.accelerator.is_available()``
scripts pick the CPU."""

from __future__ import annotations

__all__ = ["current_accelerator", "device_count", "is_available"]


def is_available() -> bool:
    """Whether an accelerator (CUDA, MPS, XPU...) can be used: never, in chainrule."""
    return False


def current_accelerator() -> None:
    """The accelerator in use: none."""
    return None


def device_count() -> int:
    """The number of accelerator devices: 0."""
    return 0
