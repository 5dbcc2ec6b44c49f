"""Numerical gradient check: analytic gradients from ``backward()`` against central differences."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from autograd.grad_mode import no_grad
from autograd.value import Value


class GradcheckError(AssertionError):
    """An analytic gradient disagrees with the numerical one; the message names input and element."""


def gradcheck(
    f: Callable[..., Value],
    inputs: Sequence[Value],
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
) -> bool:
    """Check ``f(*inputs)``'s gradient for every input by central differences in float64.

    Passes when ``|analytic - numeric| <= atol + rtol * |numeric|`` everywhere and returns True;
    otherwise raises GradcheckError naming the input, both values and the worst error.
    The inputs' ``.grad`` are left as they were.
    """
    inputs = list(inputs)
    for position, x in enumerate(inputs):
        if not isinstance(x, Value):
            raise TypeError(f"gradcheck: input {position} must be a Value, got {type(x).__name__}")
    analytic = _analytic_gradients(f, inputs)
    for position, x in enumerate(inputs):
        numeric = _central_difference(f, inputs, x, eps)
        error = abs(analytic[position] - numeric)
        allowed = atol + rtol * abs(numeric)
        if not error <= allowed:  # also catches NaN
            name = f" ({x.label!r})" if x.label else ""
            raise GradcheckError(
                f"gradcheck failed for input {position}{name} at data={x.data!r}: "
                f"analytic {analytic[position]!r}, numeric {numeric!r}, "
                f"worst error {error:.3g} > allowed {allowed:.3g} (atol={atol}, rtol={rtol}, eps={eps})"
            )
    return True


def _analytic_gradients(f: Callable[..., Value], inputs: list[Value]) -> list[float]:
    """Gradients from one backward pass, restoring the inputs' own ``.grad`` afterwards."""
    saved = [x.grad for x in inputs]
    for x in inputs:
        x.grad = 0.0
    out = _call(f, inputs)
    out.backward()
    gradients = [x.grad for x in inputs]
    for x, grad in zip(inputs, saved):
        x.grad = grad
    return gradients


def _central_difference(f: Callable[..., Value], inputs: list[Value], x: Value, eps: float) -> float:
    """(f(x + eps) - f(x - eps)) / (2 eps), with no graph recorded."""
    original = x.data
    try:
        with no_grad():
            x.data = original + eps
            upper = _call(f, inputs).data
            x.data = original - eps
            lower = _call(f, inputs).data
    finally:
        x.data = original
    return (upper - lower) / (2.0 * eps)


def _call(f: Callable[..., Any], inputs: list[Value]) -> Value:
    out = f(*inputs)
    if not isinstance(out, Value):
        raise TypeError(f"gradcheck: f must return a Value, got {type(out).__name__}")
    return out
