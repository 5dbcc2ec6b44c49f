"""``Tensor.register_hook``: when hooks run, what they see and what their results change (a leaf's
``.grad``, the gradient passed on, ``autograd.grad``'s answer, second derivatives), as in PyTorch."""

from __future__ import annotations

import gc
from collections.abc import Callable
from typing import Any

import pytest

from autograd import hooks
from tests.twin import check


def _leaf_and_intermediate(torch: Any) -> Any:
    seen: list[Any] = []
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    x.grad = torch.tensor([10.0, 10.0])
    x.register_hook(lambda g: seen.append(g.clone()) or g * 2)  # sees this pass's gradient only
    y = x * 3
    y.register_hook(lambda g: seen.append(g.clone()) or g + 1)
    y.retain_grad()
    ((y * y).sum() + y.sum()).backward()
    return x.grad, y.grad, *seen


def _in_grad_and_removed(torch: Any) -> Any:
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    handle = x.register_hook(lambda g: g * 2)
    hooked = torch.autograd.grad((x * x).sum(), x)
    handle.remove()
    handle.remove()  # a second remove does nothing
    return hooked, torch.autograd.grad((x * x).sum(), x)


def _second_derivative(torch: Any) -> Any:
    a = torch.tensor([1.0, 2.0], requires_grad=True)
    b = a * a
    b.register_hook(lambda g: g * a)  # the hook's result is part of the differentiable gradient
    (g,) = torch.autograd.grad(b.sum(), a, create_graph=True)
    return g, torch.autograd.grad(g.sum(), a)


def _off_the_path_and_in_place(torch: Any) -> Any:
    calls: list[str] = []
    c = torch.tensor([3.0], requires_grad=True)
    (c * 2).register_hook(lambda g: calls.append("off the path"))
    (c * 5).sum().backward()
    e = torch.ones(2, requires_grad=True)
    f = e * 2
    f.register_hook(lambda g: g.mul_(3))  # changes the gradient in place, returns None
    (f * 1).sum().backward()
    return c.grad, e.grad, len(calls)


def _on_the_root_and_in_order(torch: Any) -> Any:
    e = torch.ones(2, requires_grad=True)
    root = (e * 2).sum()
    root.register_hook(lambda g: g * 10)
    root.backward()
    q = torch.ones(1, requires_grad=True)
    q.register_hook(lambda g: g + 1)
    q.register_hook(lambda g: g * 10)  # sees the first hook's result
    (q * 1).sum().backward()
    return e.grad, q.grad


def _on_a_leaf_that_is_a_root(torch: Any) -> Any:
    v = torch.tensor([0.0, 0.0, 0.0], requires_grad=True)
    v.grad = torch.tensor([1.0, 1.0, 1.0])  # from before: not hooked again
    v.register_hook(lambda grad: grad * 2)  # PyTorch's docs' example: v.grad gets 2 * [1, 2, 3]
    v.backward(torch.tensor([1.0, 2.0, 3.0]))
    seen: list[Any] = []
    w = torch.ones(2, requires_grad=True)
    w.register_hook(lambda g: seen.append(g.clone()) or g.clamp(max=2.5))  # once, on the sum of both roots'
    torch.autograd.backward([w, w * 3], [torch.tensor([1.0, 1.0]), torch.tensor([0.5, 1.0])])
    return v.grad, w.grad, *seen


def _float64_graph(torch: Any) -> Any:
    w = torch.tensor([[0.5, -1.0], [2.0, 0.25]], dtype=torch.float64, requires_grad=True)
    h = (w @ w).tanh()
    h.register_hook(lambda g: g * torch.tensor([1.0, -2.0], dtype=torch.float64))
    (h.sum() * 3).backward()
    return w.grad


SCENARIOS: dict[str, Callable[[Any], Any]] = {
    "a leaf's hook and an intermediate's": _leaf_and_intermediate,
    "in autograd.grad, then removed": _in_grad_and_removed,
    "a hook's result is differentiated again": _second_derivative,
    "off the path; changing the gradient in place": _off_the_path_and_in_place,
    "on the root; several hooks in order": _on_the_root_and_in_order,
    "on a leaf that is a root of backward": _on_a_leaf_that_is_a_root,
    "broadcasting inside a hook, float64": _float64_graph,
    "refused without requires_grad": lambda torch: torch.ones(2).register_hook(lambda g: g),
    "a hook may not change the shape": lambda torch: _returning(torch, lambda g: torch.ones(3)),
    "a hook may not change the dtype": lambda torch: _returning(torch, lambda g: g.double()),
}


def _returning(torch: Any, hook: Callable[[Any], Any]) -> Any:
    w = torch.ones(2, requires_grad=True)
    w.register_hook(hook)
    (w * 2).sum().backward()


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_hooks_behave_as_in_pytorch(name: str) -> None:
    check(SCENARIOS[name])


def test_a_dead_tensor_leaves_no_hook_behind() -> None:
    import chainrule as torch

    before = len(hooks.HOOKS)
    x = torch.ones(2, requires_grad=True)
    x.register_hook(lambda g: g)
    assert len(hooks.HOOKS) == before + 1
    del x
    gc.collect()
    assert len(hooks.HOOKS) == before
