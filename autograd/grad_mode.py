"""Grad mode: whether operations record a graph. Thread-local, like PyTorch's ``no_grad``."""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])


class _GradMode(threading.local):
    """Per-thread switch; a new thread starts with recording on."""

    enabled = True


class _AllThreads:
    """Whether every thread records. A thread-local read costs an op ~45 ns, so ops test this plain flag
    first (``_everyone.records or _mode.enabled``) and read the thread's own switch only while some
    thread is inside ``no_grad``. (A thread that dies inside no_grad leaves the slow, still correct, path.)"""

    __slots__ = ("records", "threads_off")

    def __init__(self) -> None:
        self.records = True
        self.threads_off = 0


_mode = _GradMode()
_everyone = _AllThreads()
_lock = threading.Lock()


def _switch(enabled: bool) -> None:
    """Set this thread's switch and keep the all-threads flag in step."""
    with _lock:
        was = _mode.enabled
        _mode.enabled = enabled
        _everyone.threads_off += (was and not enabled) - (enabled and not was)
        _everyone.records = _everyone.threads_off == 0


def is_grad_enabled() -> bool:
    """True when new operations record their inputs and local derivatives."""
    return _mode.enabled


class set_grad_enabled:
    """Context manager (and decorator) that turns graph recording on or off, restoring it on exit."""

    def __init__(self, mode: bool) -> None:
        self.mode = bool(mode)
        self._saved: list[bool] = []

    def __enter__(self) -> None:
        self._saved.append(_mode.enabled)
        _switch(self.mode)

    def __exit__(self, *exc: object) -> None:
        _switch(self._saved.pop())

    def __call__(self, func: F) -> F:
        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with set_grad_enabled(self.mode):
                return func(*args, **kwargs)

        return wrapper  # type: ignore[return-value]


class no_grad(set_grad_enabled):
    """Record no graph inside this block: for evaluation, weight updates and numerical checks."""

    def __init__(self) -> None:
        super().__init__(False)


class enable_grad(set_grad_enabled):
    """Record the graph again inside a ``no_grad`` block."""

    def __init__(self) -> None:
        super().__init__(True)
