"""``torch.backends.cudnn``: the flags reproducibility recipes set (``deterministic = True``, ``benchmark =
False``) are plain attributes here; chainrule's CPU kernels are deterministic whatever they say."""

from __future__ import annotations

__all__ = ["benchmark", "deterministic", "enabled", "is_available"]

enabled = True
benchmark = False
deterministic = False


def is_available() -> bool:
    """Whether cuDNN can be used: never, in chainrule."""
    return False
