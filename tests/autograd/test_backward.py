"""backward(): golden values, reused nodes, repeated calls, leaves, deep graphs, memory."""

from __future__ import annotations

import sys
import threading
from typing import Any

import numpy as np
import pytest

from autograd import Tensor, Value, grad, topological_order, zero_grad
from tests.memory import freed_without_cycle_collector, growth_over
from tests.twin import check


def test_notes_apple_example() -> None:
    apple, count, tax = Value(100.0), Value(2.0), Value(1.1)
    price = apple * count * tax
    price.backward()
    assert price.data == pytest.approx(220.0)
    assert (apple.grad, count.grad, tax.grad) == pytest.approx((2.2, 110.0, 200.0))


def test_notes_apple_and_orange_example() -> None:
    apple, apple_count, orange, orange_count, tax = (Value(v) for v in (100.0, 2.0, 150.0, 3.0, 1.1))
    price = (apple * apple_count + orange * orange_count) * tax
    price.backward()
    assert price.data == pytest.approx(715.0)
    grads = (apple.grad, apple_count.grad, orange.grad, orange_count.grad, tax.grad)
    assert grads == pytest.approx((2.2, 110.0, 3.3, 165.0, 650.0))


def test_micrograd_readme_expression() -> None:
    a, b = Value(-4.0), Value(2.0)
    c = a + b
    d = a * b + b**3
    c += c + 1
    c += 1 + c + (-a)
    d += d * 2 + (b + a).relu()
    d += 3 * d + (b - a).relu()
    e = c - d
    f = e**2
    g = f / 2.0
    g += 10.0 / f
    g.backward()
    assert g.data == pytest.approx(24.7041, abs=1e-4)
    assert a.grad == pytest.approx(138.8338, abs=1e-4)
    assert b.grad == pytest.approx(645.5773, abs=1e-4)


def test_a_node_used_twice_gets_both_contributions() -> None:
    a = Value(3.0)
    (a * a).backward()
    assert a.grad == 6.0
    a = Value(3.0)
    b = a + a
    c = b + b
    c.backward()
    assert (a.grad, b.grad) == (4.0, 2.0)


def test_second_backward_accumulates_into_leaves_and_resets_intermediates() -> None:
    x = Value(2.0)
    h = x * 3.0
    y = h * h
    y.backward()
    assert (x.grad, h.grad, y.grad) == (36.0, 12.0, 1.0)
    y.backward()
    assert x.grad == 72.0, "leaves accumulate like PyTorch"
    assert (h.grad, y.grad) == (12.0, 1.0), "intermediate nodes show this call's gradient"
    y.zero_grad()
    assert (x.grad, h.grad, y.grad) == (0.0, 0.0, 0.0)


def test_backward_on_a_leaf_and_with_a_seed() -> None:
    x = Value(5.0)
    x.backward()
    assert x.grad == 1.0
    y = Value(2.0)
    (y * 4).backward(0.5)
    assert y.grad == 2.0


def test_deep_chain_of_a_million_ops_backprops_without_recursion() -> None:
    x = Value(1.0)
    y = x
    for _ in range(1_000_000):
        y = y * 1.0 + 0.0
    y.backward()
    assert x.grad == 1.0
    assert sys.getrecursionlimit() < 1_000_000


def test_sum_of_a_hundred_thousand_values() -> None:
    values = [Value(float(i)) for i in range(100_000)]
    total = sum(values)
    total.backward()
    assert total.data == sum(range(100_000))
    assert all(v.grad == 1.0 for v in values)


def test_topological_order_puts_parents_first_and_is_deterministic() -> None:
    a, b = Value(1.0), Value(2.0)
    c = a * b
    d = c + a
    order = topological_order(d)
    assert order[-1] is d and set(order) == {a, b, c, d}
    assert order.index(a) < order.index(c) < order.index(d) and order.index(b) < order.index(c)
    assert topological_order(d) == order


def test_zero_grad_function_clears_the_whole_graph() -> None:
    a = Value(1.0)
    b = a.tanh() * 2
    b.backward()
    zero_grad(b)
    assert all(node.grad == 0.0 for node in topological_order(b))


def test_graph_is_freed_by_reference_counting_without_the_cycle_collector() -> None:
    x = Value(1.0)
    assert freed_without_cycle_collector(lambda: (x * 2.0 + 1.0).tanh() * x)


def test_memory_stays_flat_over_many_training_steps() -> None:
    w = Value(0.5)

    def step() -> None:
        loss = sum((w * float(i) - 1.0) ** 2 for i in range(50))
        w.grad = 0.0
        loss.backward()
        w.data -= 1e-5 * w.grad

    grown = growth_over(step, warmup=200, steps=2000)
    assert grown < 64 * 1024, f"memory grew by {grown} bytes over 2000 steps"


def test_grad_in_one_thread_keeps_what_backward_adds_in_another() -> None:
    """grad() collects leaves' gradients apart from their .grad, so a concurrent backward() loses nothing."""
    w = Tensor(np.zeros(4), requires_grad=True)
    errors: list[BaseException] = []

    def accumulate() -> None:
        try:
            for _ in range(500):
                (w * 3.0).sum().backward()
        except BaseException as error:  # a failure in the thread must fail the test
            errors.append(error)

    def differentiate() -> None:
        try:
            for _ in range(500):
                (gradient,) = grad((w * w).sum(), [w])
                assert gradient.shape == (4,)
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=accumulate), threading.Thread(target=differentiate)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert w.grad.tolist() == [1500.0] * 4


def test_grad_leaves_every_grad_untouched_and_refuses_inputs_without_grad() -> None:
    x = Tensor([1.0, 2.0], requires_grad=True)
    c = Tensor([3.0, 4.0])
    x.grad = Tensor([5.0, 5.0])
    (gx,) = grad((x * x).sum(), [x])
    assert gx.tolist() == [2.0, 4.0] and x.grad.tolist() == [5.0, 5.0]
    with pytest.raises(RuntimeError, match="input 1 does not require grad"):
        grad((x * c).sum(), [x, c])


def test_backward_takes_pytorchs_keywords() -> None:
    x = Tensor([1.0, 2.0], requires_grad=True)
    y = Tensor([3.0, 4.0], requires_grad=True)
    loss = (x * y).sum()
    loss.backward(retain_graph=True)
    loss.backward(inputs=[x])  # only x accumulates
    assert x.grad.tolist() == [6.0, 8.0] and y.grad.tolist() == [1.0, 2.0]
    h = x * 2
    (h * y).sum().backward(inputs=[h])  # a non-leaf input gets its gradient too
    assert h.grad.tolist() == [3.0, 4.0] and x.grad.tolist() == [6.0, 8.0]


@pytest.mark.filterwarnings("ignore:Using backward\\(\\) with create_graph=True:UserWarning")  # PyTorch's own
def test_a_plain_backward_adds_to_a_create_graph_gradient_without_recording() -> None:
    """backward() without create_graph records nothing, even onto a gradient that create_graph made."""
    from tests.twin import check

    def scenario(t: Any) -> Any:
        x = t.tensor([1.0, 2.0], requires_grad=True)
        (x**3).sum().backward(create_graph=True)
        first = x.grad.requires_grad
        (x * x).sum().backward()
        return first, x.grad.requires_grad, x.grad

    check(scenario)


def _two_roots(torch: Any) -> tuple[Any, Any, Any]:
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    w = torch.tensor([0.5, -1.0, 2.0], requires_grad=True)
    return x, w, [(x * w).sum(), x.exp() * w]


def test_autograd_backward_runs_one_pass_from_several_roots_as_pytorch() -> None:
    def scenario(torch: Any) -> Any:
        x, w, roots = _two_roots(torch)
        torch.autograd.backward(roots, [None, torch.tensor([1.0, 0.0, 2.0])])
        only_w = _two_roots(torch)
        torch.autograd.backward(only_w[2], [torch.tensor(2.0), torch.ones(3)], inputs=[only_w[1]])
        return x.grad, w.grad, only_w[0].grad, only_w[1].grad

    check(scenario)


@pytest.mark.parametrize(
    "scenario",
    [
        lambda torch: torch.autograd.backward([torch.ones(2).sum()]),
        lambda torch: torch.autograd.backward(_two_roots(torch)[2], [None]),
    ],
)
def test_autograd_backward_refuses_what_pytorch_refuses(scenario: Any) -> None:
    check(scenario)
