"""``erf_array``'s float32 path: within a few float32 ulps of the C library's erf everywhere, odd, exact
at 0 and saturating to ±1 (the float64 path is checked to 1e-12 in tests/autograd/rules)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from autograd.kernels.special import erf_array


@pytest.mark.parametrize("dtype", [np.float32, np.float16])
def test_the_single_precision_path_is_a_few_ulps_from_the_c_library(dtype: type) -> None:
    x = np.concatenate([np.linspace(-12, 12, 200001), np.geomspace(1e-30, 0.6, 2001)]).astype(dtype)
    got = erf_array(x)
    exact = np.array([math.erf(float(v)) for v in x])
    assert got.dtype == np.float32 and np.array_equal(erf_array(-x), -got)
    ulps = np.abs(got - exact) / np.spacing(np.abs(exact).astype(np.float32))
    assert ulps.max() <= 4
    assert erf_array(np.array([0.0, 9.0, -30.0, np.inf], np.float32)).tolist() == [0.0, 1.0, -1.0, 1.0]
