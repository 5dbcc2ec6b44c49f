"""NumPy's floating-point warnings stay off around the engine's own array math (autograd/kernels/quiet.py):
inf and NaN are answers there, as in PyTorch, and no NumPy warning escapes."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from autograd import Tensor


@pytest.mark.parametrize(
    "probe",
    [
        lambda: Tensor([1.0]) / 0,
        lambda: Tensor([1000.0]).exp() * 0,
        lambda: Tensor(np.zeros(0)).mean(),
        lambda: Tensor(np.array([[np.inf, 1.0], [-np.inf, -np.inf]])).softmax(),
        lambda: Tensor(np.array([1e30], np.float32), requires_grad=True).gelu().sum().backward(),
        lambda: Tensor(np.array([np.inf, np.nan]), requires_grad=True).softplus().sum().backward(),
        lambda: _backward(lambda t: (t / Tensor([0.0])).sum()),
        lambda: _backward(lambda t: t.log().sum(), 0.0),
    ],
)
def test_no_numpy_warning_escapes(probe) -> None:  # type: ignore[no-untyped-def]
    """Reliability review N (NumPy warnings)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        probe()


def _backward(function, value: float = 1.0) -> None:  # type: ignore[no-untyped-def]
    t = Tensor(np.array([value]), requires_grad=True)
    function(t).backward()
