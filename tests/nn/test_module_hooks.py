"""A Module's hooks beyond ``register_forward_hook``: ``register_forward_pre_hook``,
``register_full_backward_hook`` and both forward hooks ``with_kwargs`` see and replace what PyTorch's do
(values, None for inputs that need no gradient, order), each scenario run on both libraries."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from tests.twin import check

X = np.array([[0.5, -1.0, 2.0], [1.5, 0.25, -0.75]])
W = np.array([[0.1, -0.2, 0.3], [0.4, 0.5, -0.6]])


def _linear(torch: Any) -> Any:
    layer = torch.nn.Linear(3, 2).double()
    with torch.no_grad():
        layer.weight.copy_(torch.tensor(W))
        layer.bias.fill_(0.1)
    return layer


def _backward_hook_sees_and_replaces(torch: Any) -> Any:
    layer, seen = _linear(torch), []

    def hook(module: Any, grad_input: Any, grad_output: Any) -> Any:
        seen.extend([module is layer, *grad_input, *grad_output])
        return (grad_input[0] * 10,)

    layer.register_full_backward_hook(hook)
    x = torch.tensor(X, requires_grad=True)
    (layer(x).tanh() * torch.tensor([1.0, -2.0], dtype=torch.float64)).sum().backward()
    return (*seen, x.grad, layer.weight.grad)


def _input_without_grad(torch: Any) -> Any:
    layer, seen = _linear(torch), []
    layer.register_full_backward_hook(lambda m, gi, go: seen.extend([gi, *go]))
    with pytest.warns(UserWarning, match="no inputs require gradients"):
        layer(torch.tensor(X)).sum().backward()
    return (seen[0] == (None,), *seen[1:], layer.bias.grad)


def _inside_a_sequential(torch: Any) -> Any:
    inner, order = _linear(torch), []
    last = torch.nn.Linear(2, 1).double()
    with torch.no_grad():
        last.weight.copy_(torch.tensor([[0.7, -0.3]]))
    model = torch.nn.Sequential(inner, torch.nn.ReLU(), last)
    inner.register_full_backward_hook(lambda m, gi, go: order.append(("inner", go[0].sum().item())))
    model.register_full_backward_hook(lambda m, gi, go: order.append(("model", gi[0].shape)))
    handle = model[2].register_full_backward_hook(lambda m, gi, go: order.append(("last", gi[0].shape)))
    model(torch.tensor(X, requires_grad=True)).sum().backward()
    handle.remove()
    model(torch.tensor(X, requires_grad=True)).sum().backward()
    return [
        (name, tuple(value) if isinstance(value, tuple) or hasattr(value, "__len__") else value)
        for name, value in order
    ]


def _pre_hook_replaces_the_input(torch: Any) -> Any:
    layer = _linear(torch)
    layer.register_forward_pre_hook(lambda module, args: (args[0] * 2,))
    handle = layer.register_forward_pre_hook(lambda module, args: args[0] + 1)
    first = layer(torch.tensor(X))
    handle.remove()
    return first, layer(torch.tensor(X))


def _hooks_with_keyword_arguments(torch: Any) -> Any:
    """``with_kwargs=True``: a pre-hook sees and replaces (args, kwargs), a forward hook sees kwargs."""
    cell, seen = torch.nn.GRUCell(3, 2).double(), []

    def before(module: Any, args: Any, kwargs: Any) -> Any:
        seen.append(sorted(kwargs))
        return (args[0] * 2,), {"hx": kwargs["hx"] + 1}

    def after(module: Any, args: Any, kwargs: Any, output: Any) -> Any:
        seen.append(kwargs["hx"])
        return output * 3

    cell.register_forward_pre_hook(before, with_kwargs=True)
    cell.register_forward_hook(after, with_kwargs=True)
    with torch.no_grad():
        for p in cell.parameters():
            p.fill_(0.1)
        out = cell(torch.tensor(X), hx=torch.zeros(2, 2, dtype=torch.float64))
    return (out, *seen)


SCENARIOS: dict[str, Callable[[Any], Any]] = {
    "hooks with_kwargs see and replace keyword arguments": _hooks_with_keyword_arguments,
    "a backward hook sees both gradients and replaces grad_input": _backward_hook_sees_and_replaces,
    "an input without grad gives grad_input (None,)": _input_without_grad,
    "hooks inside a Sequential, in backward's order, removable": _inside_a_sequential,
    "forward pre-hooks replace the input, in order": _pre_hook_replaces_the_input,
}


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_module_hooks_behave_as_in_pytorch(name: str) -> None:
    check(SCENARIOS[name], rtol=1e-12)


@pytest.mark.parametrize("returned", ["a tensor", "a 3-tuple", "a list"])
def test_a_keyword_pre_hook_returning_anything_but_args_and_kwargs_is_refused_as_in_pytorch(
    returned: str,
) -> None:
    import chainrule

    real = pytest.importorskip("torch", reason="compared with PyTorch's message")
    for torch in (chainrule, real):
        layer = torch.nn.Linear(2, 2)
        value = {"a tensor": torch.ones(2), "a 3-tuple": ((), {}, None), "a list": [(torch.ones(2),), {}]}[
            returned
        ]
        layer.register_forward_pre_hook(lambda module, args, kwargs, value=value: value, with_kwargs=True)
        with pytest.raises(
            RuntimeError, match=r"forward pre-hook must return None or a tuple of \(new_args, new_kwargs\)"
        ):
            layer(torch.ones(2))
