"""Dim arguments (autograd/tensor/axes.py) as PyTorch checks them: in range, PyTorch's values; out of range,
repeated, missing or not integers, its errors (second reliability review C12)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from tests.twin import check

DIM_OPS = {
    "sum": lambda t, a, d: a.sum(d),
    "mean": lambda t, a, d: a.mean(dim=d, keepdim=True),
    "var": lambda t, a, d: a.var(d, correction=0),
    "all": lambda t, a, d: a.all(d),
    "max": lambda t, a, d: a.max(d),
    "argmax": lambda t, a, d: a.argmax(d, keepdim=True),
    "softmax": lambda t, a, d: a.softmax(d),
    "transpose": lambda t, a, d: a.transpose(0, d) if a.ndim else a.transpose(d, -1),
    "permute": lambda t, a, d: a.permute(d, 0) if a.ndim else a.permute(()),
    "unsqueeze": lambda t, a, d: a.unsqueeze(d),
    "squeeze": lambda t, a, d: a.squeeze(d),
    "flatten": lambda t, a, d: a.flatten(d),
    "stack": lambda t, a, d: t.stack([a, a], dim=d),
    "cat": lambda t, a, d: t.cat([a, a], dim=d) if a.ndim else t.cat([a.reshape(1)], dim=d),
}


@pytest.mark.parametrize("op", DIM_OPS)
@pytest.mark.parametrize(
    ("shape", "dim"),
    [((2, 3), -1), ((2, 3), 1), ((2, 3), 2), ((2, 3), -3), ((2, 3), 5), ((), 0), ((), -1), ((), 1)],
)
def test_dims_out_of_range_are_index_errors(op: str, shape: tuple[int, ...], dim: int) -> None:
    """In range: PyTorch's values (a 0-d Tensor takes dim 0 and -1); out of range: its IndexError."""
    check(lambda t: DIM_OPS[op](t, t.arange(float(np.prod(shape))).reshape(shape), dim))


@pytest.mark.parametrize(
    "call",
    [
        lambda t: t.ones(2, 3).sum((0, -2)),
        lambda t: t.ones(2, 3).permute(1, 1),
        lambda t: t.ones(2, 3).permute(0),
        lambda t: t.ones(2, 3, 4).flatten(2, 1),
        lambda t: t.ones(2, 3).transpose(0, 1.0),
        lambda t: t.ones(2, 3).unsqueeze(1.0),
        lambda t: t.ones(2, 3).argmax(0.5),
    ],
)
def test_repeated_missing_and_non_integer_dims(call: Any) -> None:
    check(call)
