"""Grad mode: whether operations record a graph. Thread-local, like PyTorch's ``no_grad``."""

from __future__ import annotations

import functools
import inspect
import threading
from collections.abc import Callable
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])


class _GradMode(threading.local):
    """Per-thread switches; a new thread starts recording, with anomaly detection off."""

    enabled = True
    anomaly = False


class _AllThreads:
    """Whether ops may take their fast path: every thread records and none watches for anomalies.
    A thread-local read costs an op ~45 ns, so ops test this plain flag first
    (``_everyone.records or recording(...)``) and consult their thread's switches only while some thread
    is inside ``no_grad`` or ``detect_anomaly``. (A thread that dies inside one leaves the slow, still
    correct, path.)"""

    __slots__ = ("records", "threads_off", "threads_watching")

    def __init__(self) -> None:
        self.records = True
        self.threads_off = 0
        self.threads_watching = 0


_mode = _GradMode()
_everyone = _AllThreads()
_lock = threading.Lock()


def _switch(enabled: bool) -> None:
    """Set this thread's recording switch and keep the all-threads flag in step."""
    with _lock:
        was = _mode.enabled
        _mode.enabled = enabled
        _everyone.threads_off += (was and not enabled) - (enabled and not was)
        _refresh()


def _watch(anomaly: bool) -> None:
    """Set this thread's anomaly switch and keep the all-threads flag in step."""
    with _lock:
        was = _mode.anomaly
        _mode.anomaly = anomaly
        _everyone.threads_watching += (anomaly and not was) - (was and not anomaly)
        _refresh()


def _refresh() -> None:
    _everyone.records = _everyone.threads_off == 0 and _everyone.threads_watching == 0


def is_grad_enabled() -> bool:
    """True when new operations record their inputs and local derivatives."""
    return _mode.enabled


class set_grad_enabled:
    """Context manager (and decorator) that turns graph recording on or off, restoring it on exit."""

    def __init__(self, mode: bool) -> None:
        if not isinstance(mode, bool):  # a bare @set_grad_enabled would pass the function: PyTorch refuses
            raise TypeError(f"set_grad_enabled(): argument 'mode' must be bool, not {type(mode).__name__}")
        self.mode = mode
        self._saved: list[bool] = []

    def __enter__(self) -> None:
        self._saved.append(_mode.enabled)
        _switch(self.mode)

    def __exit__(self, *exc: object) -> None:
        _switch(self._saved.pop())

    def __call__(self, func: F) -> F:
        """As a decorator: the mode holds during each call, and for a generator function during each
        resumption of the generator (not while it is suspended), as PyTorch's decorators do."""
        mode = self.mode
        if inspect.isgeneratorfunction(func):

            @functools.wraps(func)
            def generator(*args: Any, **kwargs: Any) -> Any:
                inner = func(*args, **kwargs)
                try:
                    with set_grad_enabled(mode):
                        request = inner.send(None)
                    while True:
                        try:
                            sent = yield request
                        except GeneratorExit:
                            with set_grad_enabled(mode):
                                inner.close()
                            raise
                        except BaseException as error:
                            with set_grad_enabled(mode):
                                request = inner.throw(error)
                        else:
                            with set_grad_enabled(mode):
                                request = inner.send(sent)
                except StopIteration as finished:
                    return finished.value

            return generator  # type: ignore[return-value]

        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with set_grad_enabled(mode):
                return func(*args, **kwargs)

        return wrapper  # type: ignore[return-value]


class _FixedMode(set_grad_enabled):
    """A mode that takes no argument, so PyTorch 2 lets it decorate bare: ``@no_grad`` as ``@no_grad()``."""

    fixed: bool

    def __new__(cls, func: Callable[..., Any] | None = None) -> Any:
        if func is None:
            return super().__new__(cls)
        if not callable(func):
            raise TypeError(f"{cls.__name__}() takes no argument but a function to decorate, got {func!r}")
        return cls()(func)

    def __init__(self) -> None:
        super().__init__(self.fixed)


class no_grad(_FixedMode):
    """Record no graph inside this block: for evaluation, weight updates and numerical checks."""

    fixed = False


class enable_grad(_FixedMode):
    """Record the graph again inside a ``no_grad`` block."""

    fixed = True
