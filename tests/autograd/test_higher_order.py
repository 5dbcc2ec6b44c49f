"""Gradients of gradients: ``autograd.grad``, ``create_graph`` on every Tensor rule of the registry in
rule_cases (losses, convolution, pooling and the recurrent cells included), golden values, and the
graph of a backward pass."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings

import nn
from autograd import (
    Tensor,
    Value,
    grad,
    gradcheck,
    gradgradcheck,
)
from autograd.rules import structural as tensor_rules
from autograd.tensor.record import apply
from nn import functional as F
from tests.autograd.rule_cases import STRUCTURAL_CASES
from tests.autograd.strategies import separated_leaves


@pytest.mark.parametrize(
    "name, index", [(name, i) for name, cases in STRUCTURAL_CASES.items() for i in range(len(cases))]
)
@settings(max_examples=8)
@given(a=separated_leaves((3, 3)))
def test_every_structural_rule_has_correct_second_derivatives(name: str, index: int, a: Tensor) -> None:
    function = STRUCTURAL_CASES[name][index]
    gradcheck(function, [a])
    gradgradcheck(function, [a])


def test_double_backprop_of_the_issue() -> None:
    """y = x², g = dy/dx, z = g³ + y; at x = 2, dz/dx = 3g²·2 + 2x = 96 + 4 = 100."""
    for x in (Value(2.0), Tensor(2.0, requires_grad=True, dtype=np.float64)):
        y = x * x
        (g,) = grad(y, x, create_graph=True)
        z = g**3 + y
        (dz,) = grad(z, x)
        assert float(dz.data) == 100.0


def test_third_derivative_of_tanh_by_three_passes() -> None:
    x = Value(0.3)
    first = grad(x.tanh(), x, create_graph=True)[0]
    second = grad(first, x, create_graph=True)[0]
    third = grad(second, x)[0]
    t = np.tanh(0.3)
    assert first.data == pytest.approx(1 - t * t)
    assert second.data == pytest.approx(-2 * t * (1 - t * t))
    assert third.data == pytest.approx(-2 * (1 - t * t) ** 2 + 4 * t * t * (1 - t * t))


def test_grad_leaves_every_grad_untouched_and_returns_one_gradient_per_input() -> None:
    a, b = Value(3.0), Value(4.0)
    a.grad = 5.0
    c = a * b
    c.backward()
    before = (a.grad, b.grad, c.grad)
    ga, gb = grad(c + a, [a, b])
    assert (ga.data, gb.data) == (5.0, 3.0)
    assert (a.grad, b.grad, c.grad) == before
    t = Tensor(np.arange(3.0), requires_grad=True)
    (gt,) = grad((t * t).sum(), [t])
    assert gt.data.tolist() == [0.0, 2.0, 4.0] and t.grad is None


def test_grad_with_several_outputs_and_grad_outputs() -> None:
    x = Tensor(np.array([1.0, 2.0]), requires_grad=True)
    (g,) = grad([x * 3.0, x * x], x, grad_outputs=[np.ones(2), np.array([1.0, 0.5])])
    assert g.data.tolist() == [3.0 + 2.0, 3.0 + 2.0]


def test_grad_errors_name_the_problem() -> None:
    x, y = Tensor(np.ones(2), requires_grad=True), Tensor(np.ones(2), requires_grad=True)
    with pytest.raises(ValueError, match="input 1 is not used"):
        grad((x * 2).sum(), [x, y])
    assert grad((x * 2).sum(), [x, y], allow_unused=True)[1] is None
    with pytest.raises(RuntimeError, match="single-element"):
        grad(x * 2, x)
    with pytest.raises(ValueError, match="2 outputs but 1 grad_outputs"):
        grad([x.sum(), y.sum()], x, grad_outputs=[1.0])
    with pytest.raises(TypeError, match="not a mix"):
        grad(x.sum(), [Value(1.0)])


def test_backward_with_create_graph_fills_grad_with_nodes() -> None:
    x = Value(1.5)
    (x**3).backward(create_graph=True)
    assert isinstance(x.grad, Value) and x.grad.data == pytest.approx(6.75)
    x.grad.backward()  # d(3x²)/dx accumulated on top of the node, as PyTorch does
    t = Tensor(np.array([1.0, -2.0]), requires_grad=True)
    (t**3).sum().backward(create_graph=True)
    assert isinstance(t.grad, Tensor) and t.grad.requires_grad
    (second,) = grad(t.grad.sum(), t)
    assert second.data.tolist() == [6.0, -12.0]


def test_the_backward_graph_can_be_walked_and_grows_with_the_order() -> None:
    from autograd import topological_order

    x = Value(0.5, "x")
    sizes = []
    node = x.tanh()
    for _ in range(3):
        node = grad(node, x, create_graph=True)[0]
        sizes.append(len(topological_order(node)))
    assert sizes == sorted(sizes) and sizes[0] < sizes[-1]


def _train_with_penalty(weight: float) -> tuple[float, float, float]:
    """(first loss, last loss, last ‖∂loss/∂input‖²) of an MLP trained on loss + weight·‖∂loss/∂input‖²."""
    rng = np.random.default_rng(0)
    inputs = rng.normal(size=(64, 4)).astype(np.float32)
    labels = (inputs[:, 0] + inputs[:, 1] > 0).astype(np.int64)
    model = nn.Sequential(nn.Linear(4, 16, rng=1), nn.Tanh(), nn.Linear(16, 2, rng=2))
    optimizer = nn.optim.Adam(model.parameters(), lr=0.02)
    losses, penalty = [], 0.0
    for _ in range(60):
        x = Tensor(inputs, requires_grad=True)
        loss = F.cross_entropy(model(x), labels)
        (input_grad,) = grad(loss, x, create_graph=True)
        squared = (input_grad * input_grad).sum()
        optimizer.zero_grad()
        (loss + squared * weight).backward()  # double backprop through linear, tanh and cross-entropy
        optimizer.step()
        losses.append(loss.item())
        penalty = squared.item()
    return losses[0], losses[-1], penalty


def test_a_gradient_penalty_trains_an_mlp() -> None:
    first, last, penalised = _train_with_penalty(100.0)
    _, _, free = _train_with_penalty(0.0)
    assert last < 0.6 * first
    assert penalised < 0.5 * free


def test_fused_bce_with_logits_second_derivative_is_sigmoid_prime() -> None:
    z = Tensor(np.array([-1.0, 0.0, 2.0]), requires_grad=True)
    loss = F.binary_cross_entropy_with_logits(z, np.array([1.0, 0.0, 1.0]), reduction="sum")
    (g,) = grad(loss, z, create_graph=True)
    (h,) = grad(g.sum(), z)
    s = 1 / (1 + np.exp(-z.data))
    assert np.allclose(h.data, s * (1 - s))


def test_without_create_graph_backward_records_nothing() -> None:
    x = Tensor(np.ones(3), requires_grad=True)
    (x.exp() * x).sum().backward()
    assert isinstance(x.grad, Tensor) and x.grad.op == "" and not x.grad.requires_grad
    v = Value(2.0)
    (v * v).backward()
    assert type(v.grad) is float


def test_apply_names_the_rule_in_pictures() -> None:
    x = Tensor(np.ones((2, 2)), requires_grad=True)
    assert apply(tensor_rules.SUM, (x,), axes=(0,), keepdims=False).op == "sum"
    assert (
        (x * 2.0).op == "*2"
        and (2.0 - x).op == "2-"
        and (x * x).op == "*"
        and x.leaky_relu(0.2).op == "leaky_relu(0.2)"
    )
