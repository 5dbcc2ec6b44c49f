"""PyTorch's strong-Wolfe line search for LBFGS (torch7's lswolfe.lua, after minFunc): grow the step until
an interval holds a point of sufficient decrease and small slope, then shrink the interval by safeguarded
cubic interpolation. Same tests in the same order as PyTorch, so the same points are evaluated."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

import numpy as np

Evaluate = Callable[[Any], tuple[float, np.ndarray]]  # step t -> (loss, flat gradient) at x + t·d


class Point(NamedTuple):
    """A step tried along the direction: its length, loss, gradient and slope (gradient · direction)."""

    t: Any
    f: float
    g: np.ndarray
    gtd: Any


def cubic_minimum(a: Point, b: Point, bounds: tuple[Any, Any] | None = None) -> Any:
    """The minimiser of the cubic through ``a`` and ``b`` (losses and slopes), clipped to ``bounds`` (the
    two steps by default); their midpoint when the cubic has no minimum."""
    low, high = bounds if bounds is not None else (min(a.t, b.t), max(a.t, b.t))
    d1 = a.gtd + b.gtd - 3 * (a.f - b.f) / (a.t - b.t)
    d2_square = d1**2 - a.gtd * b.gtd
    if not d2_square >= 0:  # NaN too: no real minimiser
        return (low + high) / 2.0
    d2 = np.sqrt(d2_square)
    near, far = (a, b) if a.t <= b.t else (b, a)
    minimum = far.t - (far.t - near.t) * ((far.gtd + d2 - d1) / (far.gtd - near.gtd + 2 * d2))
    return min(max(minimum, low), high)


def strong_wolfe(
    evaluate: Evaluate,
    t: Any,
    d: np.ndarray,
    start: Point,
    c1: float = 1e-4,
    c2: float = 0.9,
    tolerance_change: float = 1e-9,
    max_ls: int = 25,
) -> Point:
    """A step along ``d`` from ``start`` (t = 0) satisfying the strong Wolfe conditions, trying ``t`` first
    and evaluating at most ``max_ls`` + 1 times; when none is found, the lowest point seen in the interval."""
    d_norm = np.abs(d).max()
    f, gtd = start.f, start.gtd

    def point(step: Any) -> Point:
        loss, grad = evaluate(step)
        return Point(step, loss, grad, grad @ d)

    def too_high(p: Point) -> bool:  # the Armijo condition fails (False for a NaN loss, as in PyTorch)
        return bool(p.f > f + c1 * p.t * gtd)

    def flat_enough(p: Point) -> bool:
        return bool(abs(p.gtd) <= -c2 * gtd)

    # Bracketing: step further while the loss still falls and the slope is still steep and negative.
    previous, new = start, point(t)
    done, ls_iter = False, 0
    while ls_iter < max_ls:
        if too_high(new) or (ls_iter > 1 and new.f >= previous.f):
            bracket = [previous, new]
            break
        if flat_enough(new):
            bracket, done = [new], True
            break
        if new.gtd >= 0:
            bracket = [previous, new]
            break
        bounds = (new.t + 0.01 * (new.t - previous.t), new.t * 10)
        previous, new = new, point(cubic_minimum(previous, new, bounds))
        ls_iter += 1
    else:  # out of evaluations: the interval from the start to the last step
        bracket = [start, new]

    # Zoom: shrink the interval, keeping the lowest point at ``low``.
    insufficient_progress = False
    low, high = (0, 1) if bracket[0].f <= bracket[-1].f else (1, 0)
    while not done and ls_iter < max_ls:
        if abs(bracket[1].t - bracket[0].t) * d_norm < tolerance_change:
            break
        t = cubic_minimum(bracket[0], bracket[1])
        left, right = min(bracket[0].t, bracket[1].t), max(bracket[0].t, bracket[1].t)
        margin = 0.1 * (right - left)
        if min(right - t, t - left) < margin:  # near an end: allowed once; again, or past it: 10% in
            if insufficient_progress or t >= right or t <= left:
                t = right - margin if abs(t - right) < abs(t - left) else left + margin
                insufficient_progress = False
            else:
                insufficient_progress = True
        else:
            insufficient_progress = False
        new = point(t)
        ls_iter += 1
        if too_high(new) or new.f >= bracket[low].f:
            bracket[high] = new
            low, high = (0, 1) if bracket[0].f <= bracket[1].f else (1, 0)
        else:
            if flat_enough(new):
                done = True
            elif new.gtd * (bracket[high].t - bracket[low].t) >= 0:
                bracket[high] = bracket[low]
            bracket[low] = new
    return bracket[low]
