"""Gradient clipping (nn/utils.py): clip_grad_norm_ scales all gradients together and matches PyTorch for
every norm type, inf and NaN included, without warnings; clip_grad_value_."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pytest

import chainrule as torch
import nn
from tests.twin import check


def test_clip_grad_norm_scales_all_gradients_together() -> None:
    a, b = nn.Parameter(torch.zeros(2)), nn.Parameter(torch.zeros(1))
    a.grad, b.grad = np.array([3.0, 0.0]), np.array([4.0])
    total = nn.utils.clip_grad_norm_([a, b], max_norm=1.0)
    assert float(total) == pytest.approx(5.0)
    np.testing.assert_allclose([*a.grad.tolist(), *b.grad.tolist()], [0.6, 0.0, 0.8], rtol=1e-5)
    assert float(nn.utils.clip_grad_norm_([a, b], max_norm=10.0)) == pytest.approx(1.0, rel=1e-5)
    nn.utils.clip_grad_value_([a, b], 0.7)
    assert max(a.grad.tolist() + b.grad.tolist()) == pytest.approx(0.7)


NAN = float("nan")


INF = float("inf")


# -- Second reliability review, W3, K9, C12: clip_grad_norm_ as PyTorch's ------------------------------------


@pytest.mark.parametrize(
    ("grads", "dtype", "norm_type"),
    [
        ([[3.0, 4.0]], "float32", 2.0),
        ([[3.0, 4.0], [1.0]], "float64", 2.0),
        ([[1e20, 1e20]], "float32", 2.0),
        ([[1.0, INF]], "float32", 2.0),
        ([[1.0, NAN]], "float32", 2.0),
        ([[3.0, -4.0], [0.0, 2.0]], "float32", 0),
        ([[3.0, -4.0]], "float32", "inf"),
        ([[3.0, -4.0], [0.5]], "float32", 1.0),
    ],
)
def test_clip_grad_norm_matches_pytorch_silently(grads: list, dtype: str, norm_type: Any) -> None:
    def scenario(t: Any) -> Any:
        params = []
        for g in grads:
            p = t.nn.Parameter(t.zeros(len(g), dtype=getattr(t, dtype)))
            p.grad = t.tensor(g, dtype=getattr(t, dtype))
            params.append(p)
        total = t.nn.utils.clip_grad_norm_(params, 1.0, norm_type=norm_type)
        return total, [p.grad for p in params]

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        check(scenario)
