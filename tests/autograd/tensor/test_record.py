"""Recording ops (autograd/tensor/record.py): concatenate and stack take any iterable and name a bad axis;
operands whose shapes do not fit are PyTorch's RuntimeError."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from autograd import Tensor, concatenate, stack
from tests.twin import check


def test_concatenate_and_stack_take_every_element_of_a_generator() -> None:
    """Reliability review S6."""
    assert concatenate(Tensor([1.0]) for _ in range(3)).shape == (3,)
    assert stack(Tensor([1.0]) for _ in range(3)).shape == (3, 1)


def test_a_bad_join_axis_is_named() -> None:
    """Reliability review C7."""
    with pytest.raises(IndexError, match=r"stack\(\): dim 5 is out of range"):
        stack([Tensor([1.0]), Tensor([1.0])], axis=5)
    with pytest.raises(IndexError, match=r"concatenate\(\): dim 5 is out of range"):
        concatenate([Tensor([1.0]), Tensor([1.0])], axis=5)


# -- Second reliability review, C12: shapes that do not fit are PyTorch's RuntimeError -----------------------


@pytest.mark.parametrize(
    "call",
    [
        lambda t: t.ones(2) + t.ones(3),
        lambda t: t.ones(2, 3) @ t.ones(2, 3),
        lambda t: t.ones(2).add_(t.ones(3)),
    ],
)
def test_shapes_that_do_not_fit_are_runtime_errors(call: Any) -> None:
    check(call, RuntimeError)


def test_ctx_shows_an_ops_recorded_constants_and_a_leaf_has_none() -> None:
    x = Tensor(np.arange(6.0).reshape(2, 3), requires_grad=True)
    assert x.ctx == ()
    assert x.sum(axis=1, keepdims=True).ctx == {"axes": (1,), "keepdims": True}
    assert x.leaky_relu(0.2).ctx == (0.2,)
    assert x.reshape(3, 2).ctx == {"shape": (3, 2)}
    assert (x * 0.5).ctx == (0.5,) and (x * 0.5).rule.constant_side == 1
