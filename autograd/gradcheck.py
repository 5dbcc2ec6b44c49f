"""Numerical gradient checks: analytic gradients from ``backward()`` against central differences
(``gradcheck``), and second derivatives from ``create_graph`` against differences of the first
(``gradgradcheck``)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import numpy as np

from autograd.grad_mode import enable_grad, no_grad
from autograd.graph import grad
from autograd.tensor.core import Tensor
from autograd.tensor.record import concatenate
from autograd.value import Value

Node = Value | Tensor


class GradcheckError(AssertionError):
    """An analytic gradient disagrees with the numerical one; the message names input and element."""


def gradcheck(
    f: Callable[..., Any],
    inputs: Sequence[Node],
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    seed: int = 0,
) -> bool:
    """Check ``f(*inputs)``'s gradient for every element of every input by central differences.

    Works on Values or on Tensors (which must require grad); Tensors are checked in float64 whatever
    their dtype. A non-scalar output is reduced to ``sum(out * w)`` with fixed random weights ``w``, so
    every output element takes part. Passes when ``|analytic - numeric| <= atol + rtol * |numeric|``
    everywhere and returns True; otherwise raises GradcheckError naming the input, the element, both
    values and the worst error. The inputs' data and ``.grad`` are left as they were.
    """
    inputs = list(inputs)
    _check_inputs(inputs)
    with _float64(inputs):
        weights = _output_weights(f, inputs, seed)
        analytic = _analytic_gradients(f, inputs, weights)
        for position, x in enumerate(inputs):
            numeric = _central_differences(f, inputs, x, weights, eps)
            _compare(position, x, analytic[position], numeric, atol, rtol, eps)
    return True


def _check_inputs(inputs: list[Node]) -> None:
    if not inputs:
        raise ValueError("gradcheck needs at least one input")
    for position, x in enumerate(inputs):
        if not isinstance(x, (Value, Tensor)):
            raise TypeError(
                f"gradcheck: input {position} must be a Value or a Tensor, got {type(x).__name__}"
            )
        if isinstance(x, Tensor) and not x.requires_grad:
            raise ValueError(f"gradcheck: input {position} is a Tensor without requires_grad=True")
    if len({isinstance(x, Value) for x in inputs}) > 1:
        raise TypeError("gradcheck: inputs must be all Values or all Tensors")


@contextmanager
def _float64(inputs: list[Node]) -> Iterator[None]:
    """Run on float64 copies of Tensor data and clean grads; put data and grads back afterwards."""
    saved: list[tuple[Any, Any]] = [(x._data, x.grad) for x in inputs]
    try:
        for x in inputs:
            if isinstance(x, Tensor):
                x._data = x._data.astype(np.float64)
                x.grad = None
            else:
                x.grad = 0.0
        yield
    finally:
        for x, (data, grad) in zip(inputs, saved):
            if isinstance(x, Tensor):
                x._data = data
            else:
                x.data = data
            x.grad = grad


def _call(f: Callable[..., Any], inputs: list[Node]) -> Node:
    try:
        out = f(*inputs)
    except (RuntimeError, TypeError) as error:
        held = [x for x in inputs if isinstance(x, Tensor)]
        if held and "float32" in str(error) and "float64" in str(error):
            raise TypeError(
                "gradcheck runs f in float64 (central differences in float32 are too coarse to check "
                "anything), and f mixed the float64 inputs with float32 values of its own, e.g. a "
                f"module's weights ({error}); convert the module first with model.double() or "
                "model.to(torch.float64)"
            ) from error
        raise
    kind = Value if isinstance(inputs[0], Value) else Tensor
    if not isinstance(out, kind):
        raise TypeError(f"gradcheck: f must return a {kind.__name__}, got {type(out).__name__}")
    return out


def _output_weights(f: Callable[..., Any], inputs: list[Node], seed: int) -> np.ndarray | None:
    """Fixed random weights for a non-scalar Tensor output (None for a Value or a single element)."""
    with no_grad():
        out = _call(f, inputs)
    if isinstance(out, Value) or out.numel() == 1:
        return None
    return np.random.default_rng(seed).uniform(0.5, 1.5, out.shape)


def _scalar(out: Node, weights: np.ndarray | None) -> float:
    if isinstance(out, Value):
        return out.data
    data = np.asarray(out._data, dtype=np.float64)
    return float(data.sum() if weights is None else (data * weights).sum())


def _analytic_gradients(
    f: Callable[..., Any], inputs: list[Node], weights: np.ndarray | None
) -> list[np.ndarray]:
    out = _call(f, inputs)
    if isinstance(out, Tensor) and not out.requires_grad:  # f does not depend on its inputs
        return [np.zeros(np.shape(x._data)) for x in inputs]
    if isinstance(out, Tensor):
        out.backward(np.ones(out.shape) if weights is None else weights)
        return [
            np.zeros(np.shape(x._data)) if x.grad is None else np.asarray(x.grad, np.float64) for x in inputs
        ]
    out.backward()
    return [np.array([x.grad]) for x in inputs]


def _central_differences(
    f: Callable[..., Any], inputs: list[Node], x: Node, weights: np.ndarray | None, eps: float
) -> np.ndarray:
    """(f(x + eps) - f(x - eps)) / (2 eps) for every element of ``x``, recording no graph.

    Elements are changed in place by index, so a Tensor keeps its memory layout (a transposed view
    stays non-contiguous) and the ops are checked on the layout the test gave them.
    """
    holder: Any = x if isinstance(x, Value) else x._data
    key = "data" if isinstance(x, Value) else None
    shape = () if isinstance(x, Value) else x.shape
    numeric = np.empty(shape)

    def put(index: tuple[int, ...], number: float) -> None:
        if key:
            setattr(holder, key, number)
        else:
            holder[index] = number

    with no_grad():
        for index in np.ndindex(shape):
            start = float(x.data if key else holder[index])
            put(index, start + eps)
            upper = _scalar(_call(f, inputs), weights)
            put(index, start - eps)
            lower = _scalar(_call(f, inputs), weights)
            put(index, start)
            numeric[index] = (upper - lower) / (2.0 * eps)
    return numeric.reshape(shape or (1,))


def _compare(
    position: int, x: Node, analytic: np.ndarray, numeric: np.ndarray, atol: float, rtol: float, eps: float
) -> None:
    analytic = analytic.reshape(numeric.shape)
    error = np.abs(analytic - numeric)
    allowed = atol + rtol * np.abs(numeric)
    excess = np.where(np.isnan(error), np.inf, error - allowed)
    if not (excess > 0).any():
        return
    worst = np.unravel_index(int(np.argmax(excess)), excess.shape)
    name = f" ({x.label!r})" if x.label else ""
    where = "" if isinstance(x, Value) else f" element {tuple(int(i) for i in worst)} of shape {x.shape},"
    bad = int((excess > 0).sum())
    raise GradcheckError(
        f"gradcheck failed for input {position}{name},{where} {bad} of {excess.size} elements off: "
        f"analytic {float(analytic[worst])!r}, numeric {float(numeric[worst])!r}, "
        f"worst error {error[worst]:.3g} > allowed {allowed[worst]:.3g} (atol={atol}, rtol={rtol}, eps={eps})"
    )


def gradgradcheck(
    f: Callable[..., Any],
    inputs: Sequence[Node],
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    seed: int = 0,
) -> bool:
    """Check second derivatives: the gradients of ``f`` (built with ``create_graph=True``, projected on
    fixed random weights when the output is not a scalar) are gradchecked as a function of the inputs,
    i.e. against central differences of the first derivatives. Raises GradcheckError naming the input
    and element, like ``gradcheck``; returns True."""
    inputs = list(inputs)
    _check_inputs(inputs)
    with _float64(inputs):
        weights = _output_weights(f, inputs, seed)

    def first_derivatives(*xs: Any) -> Node:
        with enable_grad():
            out = _call(f, list(xs))
            if isinstance(out, Tensor):
                if not out.requires_grad:
                    return Tensor(np.zeros(sum(x.numel() for x in xs)))
                seed_grad = Tensor(np.ones(out.shape) if weights is None else weights)
                grads = grad(out, list(xs), seed_grad, create_graph=True, allow_unused=True)
                parts = [
                    (Tensor(np.zeros(x.shape)) if g is None else g).reshape(-1) for g, x in zip(grads, xs)
                ]
                return concatenate(parts)
            grads = grad(out, list(xs), create_graph=True, allow_unused=True)
            mix = np.random.default_rng(seed + 1).uniform(0.5, 1.5, len(xs))
            return sum((float(w) * g for w, g in zip(mix, grads) if g is not None), Value(0.0))

    return gradcheck(first_derivatives, inputs, eps, atol, rtol, seed + 2)
