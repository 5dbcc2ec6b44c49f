"""Version counters: an in-place change to a value an op's backward reads makes backward() fail loudly
(review finding S2), while changes the backward does not depend on are allowed."""

from __future__ import annotations

import numpy as np
import pytest

import nn
from autograd import Tensor, no_grad
from nn import optim


def test_changing_an_input_in_place_after_the_forward_is_caught() -> None:
    a, b = Tensor([1.0, 2.0], requires_grad=True), Tensor([3.0, 4.0], requires_grad=True)
    y = (a * b).sum()
    with no_grad():
        b += 1
    with pytest.raises(
        RuntimeError,
        match=r"its input 1 \(shape \(2,\), float32\) of '\*' is at version 1; "
        r"expected version 0 instead. It was changed by \+=",
    ):
        y.backward()


def test_an_optimizer_step_between_two_backward_calls_is_caught() -> None:
    model = nn.Linear(2, 2, rng=0)
    sgd = optim.SGD(model.parameters(), lr=0.1)
    out = model(Tensor(np.ones((1, 2), np.float32), requires_grad=True))  # x's gradient reads the weight
    first, second = out.sum(), (out * out).sum()
    first.backward()
    sgd.step()
    with pytest.raises(
        RuntimeError, match=r"its input 1 \(shape \(2, 2\), float32\) of 'linear' is at version 1"
    ):
        second.backward()


@pytest.mark.parametrize(
    "change",
    [
        lambda t: t.zero_(),
        lambda t: t.fill_(2.0),
        lambda t: t.copy_(np.ones(2)),
        lambda t: t.__setitem__(0, 5.0),
        lambda t: t.__imul__(2.0),
    ],
)
def test_every_in_place_method_counts(change) -> None:  # type: ignore[no-untyped-def]
    x = Tensor([1.0, 2.0], requires_grad=True)
    y = x.exp()  # exp's backward reads its output
    with no_grad():
        change(y)
    with pytest.raises(RuntimeError, match=r"modified by an in-place operation: its output .* of 'exp'"):
        y.sum().backward()


def test_changes_the_backward_does_not_read_are_allowed() -> None:
    x = Tensor([1.0, 2.0], requires_grad=True)
    y = (x + 1.0).sum()  # + needs no values for its gradient
    with no_grad():
        x += 5.0
    y.backward()
    assert x.grad.tolist() == [1.0, 1.0]


def test_load_state_dict_counts_as_a_change() -> None:
    model = nn.Linear(2, 1, rng=0)
    x = Tensor(np.ones((1, 2), np.float32), requires_grad=True)  # so linear's backward reads the weight
    loss = model(x).sum() * model.weight.sum()
    model.load_state_dict(model.state_dict())
    with pytest.raises(RuntimeError, match="It was changed by copy_"):
        loss.backward()


def test_a_change_no_backward_reads_is_allowed_as_in_pytorch() -> None:
    model = nn.Linear(2, 1, rng=0)
    loss = model(Tensor(np.ones((1, 2), np.float32))).sum() * model.weight.sum()  # the weight is not read
    model.load_state_dict(model.state_dict())
    loss.backward()
    assert model.weight.grad is not None


def test_raw_data_writes_are_not_tracked_as_documented() -> None:
    a, b = Tensor([1.0], requires_grad=True), Tensor([3.0], requires_grad=True)
    y = (a * b).sum()
    b.data[:] = 100.0
    y.backward()
    assert a.grad.tolist() == [100.0]
