"""Anomaly mode: inside ``detect_anomaly()`` the first NaN or Inf of a forward or backward pass raises
``FloatingPointError`` naming the op, the pass, the shapes and the line of user code that created the op.

Outside the mode it costs nothing: ops take their fast path while no thread watches (see ``grad_mode``),
and only the slow path calls ``recording``. A backward anomaly is located after the pass, by finding the
first gradient (children before parents) that is not finite and the op whose backward produced it.
"""

from __future__ import annotations

import functools
import math
import sys
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

from autograd.grad_mode import _mode, _watch

F = TypeVar("F", bound=Callable[..., Any])
_LIBRARY = tuple(
    str(Path(__file__).resolve().parent.parent / part) for part in ("autograd", "nn", "chainrule")
)  # frames skipped to find the user's line (chainrule: the function forms, torch.log(x))
_ORIGINS: dict[int, str] = {}  # by id: Tensor's == is elementwise, so a WeakKeyDictionary cannot hold it


class detect_anomaly:
    """Context manager (and decorator) that checks every result for NaN and Inf, on both engines."""

    def __init__(self) -> None:
        self._saved: list[bool] = []

    def __enter__(self) -> None:
        self._saved.append(_mode.anomaly)
        _watch(True)

    def __exit__(self, *exc: object) -> None:
        _watch(self._saved.pop())

    def __call__(self, func: F) -> F:
        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with detect_anomaly():
                return func(*args, **kwargs)

        return wrapper  # type: ignore[return-value]


def is_anomaly_enabled() -> bool:
    """True inside ``detect_anomaly()`` in this thread."""
    return _mode.anomaly


def recording(node: Any, rule: Any, parents: tuple[Any, ...], ctx: Any = ()) -> bool:
    """The slow path of an op: whether this thread records a graph; in anomaly mode it also checks the
    new value and notes where in the user's code the op was created."""
    if _mode.anomaly:
        where = _user_line()
        if not _finite(node._data) and _born_here(parents, ctx):
            shapes = ", ".join(str(_shape(p)) for p in parents)
            raise FloatingPointError(
                f"anomaly in the forward pass: '{rule.name}' produced {_what(node._data)} "
                f"(output shape {_shape(node)}, input shapes {shapes}) at {where}"
            )
        _ORIGINS[id(node)] = where
        weakref.finalize(node, _ORIGINS.pop, id(node), None)
    return _mode.enabled


def check_backward(order: list[Any]) -> None:
    """After a backward pass in anomaly mode: raise for the first gradient that is not finite."""
    children: dict[Any, list[Any]] = {}
    for node in order:
        for parent in node._parents:
            children.setdefault(parent, []).append(node)
    for node in reversed(order):
        grad = node.grad
        if grad is None or _finite(grad._data if hasattr(grad, "_parents") else grad):
            continue
        for child in children.get(node, []):
            sent = child.input_grads()
            for index, parent in enumerate(child._parents):
                if parent is node and sent[index] is not None and not _finite(sent[index]):
                    raise FloatingPointError(
                        f"anomaly in the backward pass: the gradient of '{child.op}' for its input {index} "
                        f"(shape {_shape(node)}) is {_what(sent[index])}; the op was created at "
                        f"{_ORIGINS.get(id(child), 'an unknown line (outside detect_anomaly)')}"
                    )
        raise FloatingPointError(
            f"anomaly in the backward pass: a gradient of shape {_shape(node)} is {_what(grad)} "
            "(the seed passed to backward(), or a gradient left by an earlier call)"
        )


def _born_here(parents: tuple[Any, ...], ctx: Any) -> bool:
    """Whether a non-finite result was born in this op: its inputs and numeric constants are all finite.
    A -inf that came in (attention masks: ``masked_fill(mask, -inf)``, ``x + mask``) is not an anomaly."""
    constants = ctx.values() if isinstance(ctx, dict) else ctx if isinstance(ctx, tuple) else ()
    numbers = [c for c in constants if isinstance(c, (float, np.floating))]
    return all(_finite(p._data) for p in parents) and all(math.isfinite(c) for c in numbers)


def _finite(data: Any) -> bool:
    if isinstance(data, float):
        return math.isfinite(data)
    return bool(np.isfinite(data).all())


def _what(data: Any) -> str:
    values = np.asarray(getattr(data, "data", data), dtype=np.float64)
    if np.isnan(values).any():
        return "NaN"
    return "+Inf" if (values == np.inf).any() else "-Inf"


def _shape(node: Any) -> tuple[int, ...]:
    return tuple(np.shape(node._data))


def _user_line() -> str:
    """``file:line in function`` of the innermost frame outside the library (the user's op call)."""
    frame = sys._getframe(2)
    while frame is not None and frame.f_code.co_filename.startswith(_LIBRARY):
        frame = frame.f_back  # type: ignore[assignment]
    if frame is None:
        return "an unknown line"
    return f"{frame.f_code.co_filename}:{frame.f_lineno} in {frame.f_code.co_name}"
