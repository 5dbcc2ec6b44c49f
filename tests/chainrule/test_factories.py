"""Tensor factories, plain and random (chainrule/factories.py, random_factories.py): an array keeps its
dtype; sizes, ranges, counts and bounds are checked as PyTorch checks them."""

from __future__ import annotations

import warnings
from typing import Any

import pytest

from tests.twin import check, dtype_name

# -- Second reliability review, S10, K10, W5, C12: tensor() of an array keeps its dtype ----------------------


@pytest.mark.parametrize("dtype", ["uint8", "int8", "int16", "int32", "float16", "float64"])
def test_tensor_of_an_array_keeps_its_dtype(dtype: str) -> None:
    import numpy as np

    check(lambda t: (t.tensor(np.array([1, 2], dtype)), t.tensor(np.array(3, dtype)[()])))


# -- Second reliability review, C8, C9, C12, K11: factory arguments as PyTorch checks them -------------------


def _shape_and_dtype(x: Any) -> Any:
    return tuple(x.shape), dtype_name(x.dtype)


@pytest.mark.parametrize(
    "call",
    [
        lambda t: t.zeros(2, -1),
        lambda t: t.ones((2, 2.0)),
        lambda t: t.full((-1,), 1.0),
        lambda t: t.randn(-1),
        lambda t: t.rand(2.0),
        lambda t: t.arange(0, -3),
        lambda t: t.arange(0, 10, -1),
        lambda t: t.arange(3, 0, -1),
        lambda t: t.arange(0, 0),
        lambda t: t.arange(0, 10, float("nan")),
        lambda t: t.arange(float("nan")),
        lambda t: t.arange(0, float("inf")),
        lambda t: t.arange(5, dtype=t.bool),
        lambda t: t.arange("a"),
        lambda t: t.linspace(0, 1, -1),
        lambda t: t.linspace(0, 1, 2.5),
        lambda t: t.linspace(0, 1, 3, dtype=t.int64),
        lambda t: t.eye(-1),
        lambda t: t.eye(2, -1),
        lambda t: t.eye(2.5),
        lambda t: t.eye(0),
        lambda t: t.randperm(-1),
        lambda t: t.randperm(2.5),
        lambda t: t.randperm(3, dtype=t.bool),
        lambda t: t.randperm(300, dtype=t.uint8),
        lambda t: _shape_and_dtype(t.randperm(3, dtype=t.int32)),
        lambda t: _shape_and_dtype(t.randperm(0)),
        lambda t: t.randint(0.5, 3.5, (2,)),
        lambda t: t.randint(True, (2,)),
        lambda t: t.randint(2**63, (1,)),
        lambda t: t.randint(-(2**63) - 1, 0, (1,)),
        lambda t: t.randint(0, 300, (1,), dtype=t.uint8),
        lambda t: t.randint(-1, 2, (1,), dtype=t.uint8),
        lambda t: t.randint(0, 3, (1,), dtype=t.bool),
        lambda t: t.randint(0, 70000, (1,), dtype=t.float16),
        lambda t: _shape_and_dtype(t.randint(0, 2, (3,), dtype=t.bool)),
        lambda t: _shape_and_dtype(t.randint(0, 256, (3,), dtype=t.uint8)),
        lambda t: _shape_and_dtype(t.randint(-(2**63), 2**63 - 1, (3,))),
        lambda t: t.randn_like(t.zeros(2, dtype=t.int64)),
        lambda t: t.rand_like(t.zeros(2, dtype=t.int32)),
        lambda t: _shape_and_dtype(t.randn_like(t.zeros(2, 3, dtype=t.float64))),
        lambda t: _shape_and_dtype(t.rand_like(t.zeros(2, dtype=t.int64), dtype=t.float16)),
    ],
)
def test_factory_arguments_pytorch_refuses(call: Any) -> None:
    """Sizes, ranges, counts and bounds as PyTorch checks them: an arange that walks away from its end,
    a randint bound its dtype cannot hold or a negative size was an empty or wrapped Tensor."""
    check(call)


def test_randint_warns_where_a_float_dtype_cannot_hold_every_integer() -> None:
    def scenario(t: Any) -> Any:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            values = t.randint(0, 2**25, (3,), dtype=t.float32)
        return dtype_name(values.dtype), len(caught)

    check(scenario, ("float32", 1))


def _under_float64(torch: Any) -> Any:
    """What factories and layers make while the default dtype is float64 (restored after)."""
    torch.set_default_dtype(torch.float64)
    try:
        nn = torch.nn
        made = (torch.tensor([1.5]), torch.tensor(2.0), torch.full((2,), 1.5), torch.arange(0.0, 1.0, 0.5),
                torch.zeros(2), torch.ones(2), torch.empty(2), torch.randn(2), torch.rand(2),
                torch.linspace(0, 1, 3), torch.eye(2), torch.tensor([1, 2]), torch.arange(3))  # fmt: skip
        layers = (nn.Linear(2, 3), nn.Conv2d(1, 2, 3), nn.BatchNorm1d(2), nn.Embedding(4, 2), nn.LSTM(2, 3),
                  nn.GRUCell(2, 3), nn.LayerNorm(2), nn.RMSNorm(2))  # fmt: skip
        tensors = [*made, *(p for layer in layers for p in layer.parameters())]
        return [dtype_name(t.dtype) for t in tensors]
    finally:
        torch.set_default_dtype(torch.float32)


def test_factories_and_layers_follow_the_default_dtype_as_pytorchs_do() -> None:
    check(_under_float64)
    import chainrule

    assert chainrule.empty(2, 3).dtype == chainrule.float32 == chainrule.zeros(2, dtype=None).dtype
