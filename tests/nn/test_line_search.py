"""The strong-Wolfe line search LBFGS uses (nn/optim/line_search.py) on its own: the cubic step it
interpolates, and the conditions the step it returns satisfies (matching PyTorch is test_lbfgs's job)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from nn.optim.line_search import Point, cubic_minimum, strong_wolfe


def test_the_cubic_step_is_the_cubics_minimiser_clipped_or_a_midpoint() -> None:
    a, b = Point(0.0, 0.0, None, -3.0), Point(2.0, 2.0, None, 9.0)  # f(t) = t³ - 3t, minimum at 1
    assert cubic_minimum(a, b) == pytest.approx(1.0)
    assert cubic_minimum(b, a) == pytest.approx(1.0)
    assert cubic_minimum(a, b, bounds=(1.5, 4.0)) == 1.5
    no_minimum = Point(0.0, 0.0, None, 1.0), Point(1.0, 2 / 3, None, 1.0)  # d1 = 0: d1² - g1·g2 < 0
    assert cubic_minimum(*no_minimum) == 0.5


def evaluations(f: Any, grad: Any, calls: list[float]) -> Any:
    """The search's objective along d = 1 from x = 0, noting each step it tries in ``calls``."""

    def evaluate(t: float) -> tuple[float, np.ndarray]:
        calls.append(t)
        return f(t), np.array([grad(t)])

    return evaluate


@pytest.mark.parametrize("first_step", [0.01, 1.0, 30.0])
def test_the_step_found_satisfies_the_strong_wolfe_conditions(first_step: float) -> None:
    f, grad = (lambda x: x**4 - 3 * x), (lambda x: 4 * x**3 - 3)
    calls: list[float] = []
    start = Point(0, f(0.0), np.array([grad(0.0)]), grad(0.0))
    found = strong_wolfe(evaluations(f, grad, calls), first_step, np.array([1.0]), start)
    assert found.f <= start.f + 1e-4 * found.t * start.gtd  # sufficient decrease
    assert abs(found.gtd) <= 0.9 * abs(start.gtd)  # a flat enough slope
    assert found.t in calls and len(calls) <= 26  # max_ls = 25 evaluations after the first


def test_out_of_evaluations_it_returns_the_lower_end() -> None:
    f, grad = (lambda x: (x - 1) ** 2), (lambda x: 2 * (x - 1))
    start = Point(0, 1.0, np.array([-2.0]), -2.0)
    calls: list[float] = []
    assert strong_wolfe(evaluations(f, grad, calls), 0.5, np.array([1.0]), start, max_ls=0).t == 0.5
    assert strong_wolfe(evaluations(f, grad, calls), 5.0, np.array([1.0]), start, max_ls=0).t == 0
    assert calls == [0.5, 5.0]
