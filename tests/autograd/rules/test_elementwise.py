"""The elementwise derivative table (autograd/rules/elementwise.py) at its edges, on both engines: the
exact gelu, the gradient of 0**0, and relu of NaN."""

from __future__ import annotations

import math

import numpy as np
import pytest

from autograd import Tensor, Value


def test_gelu_engines_agree_with_the_exact_formula() -> None:
    """Reliability review S7."""
    x = -5.0
    exact = x * 0.5 * (1 + math.erf(x / math.sqrt(2)))
    assert Tensor(np.array([x])).gelu().data[0] == pytest.approx(exact, rel=1e-12)
    assert Value(x).gelu().data == pytest.approx(exact, rel=1e-12)


def test_pow_at_zero_to_the_zero_has_gradient_zero() -> None:
    """Reliability review S9."""
    x = Tensor(np.array([0.0]), requires_grad=True)
    (x**0).sum().backward()
    assert x.grad.tolist() == [0.0]


def test_relu_keeps_nan_on_both_engines() -> None:
    """Reliability review S15."""
    assert math.isnan(Value(float("nan")).relu().data)
    assert np.isnan(Tensor(np.array([np.nan])).relu().data[0])
