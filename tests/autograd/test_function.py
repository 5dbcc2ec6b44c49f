"""``autograd.Function``, a user's op with a hand-written backward: values, gradients, second
derivatives, ``grad_fn`` names and errors equal PyTorch's, each scenario run on both libraries."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from tests.twin import check

DATA = np.array([[0.3, -1.2, 2.5], [1.1, 0.0, -0.6]])


def _functions(torch: Any) -> dict[str, Any]:
    """The tutorials' Functions, written once against ``torch`` (chainrule or PyTorch)."""
    once_differentiable = torch.autograd.function.once_differentiable

    class Exp(torch.autograd.Function):
        @staticmethod
        def forward(ctx: Any, x: Any) -> Any:
            result = x.exp()
            ctx.save_for_backward(result)
            return result

        @staticmethod
        def backward(ctx: Any, grad_output: Any) -> Any:
            (result,) = ctx.saved_tensors
            return grad_output * result

    class MyReLU(torch.autograd.Function):
        @staticmethod
        def forward(ctx: Any, x: Any) -> Any:
            ctx.save_for_backward(x)
            return x.clamp(min=0)

        @staticmethod
        def backward(ctx: Any, grad_output: Any) -> Any:
            (x,) = ctx.saved_tensors
            grad = grad_output.clone()
            grad[x < 0] = 0
            return grad

    class LegendrePolynomial3(torch.autograd.Function):  # the tutorial's P3, with setup_context
        @staticmethod
        def forward(x: Any) -> Any:
            return 0.5 * (5 * x**3 - 3 * x)

        @staticmethod
        def setup_context(ctx: Any, inputs: Any, output: Any) -> None:
            ctx.save_for_backward(inputs[0])

        @staticmethod
        def backward(ctx: Any, grad_output: Any) -> Any:
            (x,) = ctx.saved_tensors
            return grad_output * 1.5 * (5 * x**2 - 1)

    class Scale(torch.autograd.Function):  # a number argument, needs_input_grad, a ctx attribute
        @staticmethod
        def forward(ctx: Any, x: Any, factor: float, y: Any) -> Any:
            ctx.factor = factor
            ctx.needs = ctx.needs_input_grad
            return x * factor + y

        @staticmethod
        def backward(ctx: Any, grad_output: Any) -> Any:
            grad_x = grad_output * ctx.factor if ctx.needs_input_grad[0] else None
            return grad_x, None, (grad_output.sum(0) if ctx.needs_input_grad[2] else None)

    class SplitSign(torch.autograd.Function):  # several outputs, one of them not differentiable
        @staticmethod
        def forward(ctx: Any, x: Any) -> Any:
            positive, negative, where = x.clamp(min=0), x.clamp(max=0), x.argmax()
            ctx.mark_non_differentiable(where)
            ctx.save_for_backward(x)
            return positive, negative, where

        @staticmethod
        def backward(ctx: Any, grad_positive: Any, grad_negative: Any, grad_where: Any) -> Any:
            (x,) = ctx.saved_tensors
            return grad_positive * (x > 0) + grad_negative * (x <= 0)

    class OnceSquare(torch.autograd.Function):
        @staticmethod
        def forward(ctx: Any, x: Any) -> Any:
            ctx.save_for_backward(x)
            return x**2

        @staticmethod
        @once_differentiable
        def backward(ctx: Any, grad_output: Any) -> Any:
            (x,) = ctx.saved_tensors
            return 2 * x * grad_output

    return {name: value for name, value in locals().items() if isinstance(value, type)}


def _leaf(torch: Any, dtype: str = "float64") -> Any:
    return torch.tensor(DATA, dtype=getattr(torch, dtype), requires_grad=True)


def _value_and_grads(function: str, extra: Callable[[Any], tuple[Any, ...]] = lambda t: ()) -> Any:
    def scenario(torch: Any) -> Any:
        x = _leaf(torch)
        out = _functions(torch)[function].apply(x, *extra(torch))
        (grad,) = torch.autograd.grad((out * out).sum(), x, create_graph=True)
        (second,) = torch.autograd.grad((grad * grad).sum(), x)
        return out, grad, second, out.grad_fn.name(), len(out.grad_fn.next_functions)

    return scenario


SCENARIOS: dict[str, Callable[[Any], Any]] = {
    "Exp: value, gradient, second derivative": _value_and_grads("Exp"),
    "MyReLU: the tutorial's ReLU": _value_and_grads("MyReLU"),
    "forward without ctx and setup_context": _value_and_grads("LegendrePolynomial3"),
    "Exp on float32": lambda torch: _functions(torch)["Exp"].apply(_leaf(torch, "float32")).sum().backward(),
    "a number argument and needs_input_grad": lambda torch: _scale(torch),
    "several outputs, one not differentiable": lambda torch: _split(torch),
    "no recording under no_grad": lambda torch: _no_grad(torch),
    "once_differentiable: first derivative": lambda torch: _once(torch, twice=False),
    "once_differentiable refuses a second one": lambda torch: _once(torch, twice=True),
    "a saved input changed in place": lambda torch: _changed(torch),
    "save_for_backward of a number": lambda torch: _bad_forward(torch),
}


def _scale(torch: Any) -> Any:
    x, y = _leaf(torch), torch.tensor(DATA[0], dtype=torch.float64, requires_grad=True)
    scale = _functions(torch)["Scale"]
    out = scale.apply(x, 3.0, y)
    (out * out).sum().backward()
    frozen = scale.apply(x.detach(), 2.0, y)
    frozen.sum().backward()
    return out, x.grad, y.grad, frozen.requires_grad


def _split(torch: Any) -> Any:
    x = _leaf(torch)
    positive, negative, where = _functions(torch)["SplitSign"].apply(x)
    (positive * 2 + negative * 3).sum().backward(retain_graph=True)
    grad_with_both = x.grad.clone()
    x.grad = None
    (positive**2).sum().backward()  # the other output unused: its gradient arrives as zeros
    return positive, negative, where, where.requires_grad, grad_with_both, x.grad


def _no_grad(torch: Any) -> Any:
    x = _leaf(torch)
    with torch.no_grad():
        out = _functions(torch)["Exp"].apply(x)
    return out, out.requires_grad, out.grad_fn is None


def _once(torch: Any, twice: bool) -> Any:
    x = torch.tensor([0.5, -2.0, 3.0], dtype=torch.float64, requires_grad=True)
    out = _functions(torch)["OnceSquare"].apply(x)
    seed = torch.ones(3, dtype=torch.float64, requires_grad=True)
    (grad,) = torch.autograd.grad(out, x, grad_outputs=seed, create_graph=True)
    if twice:
        grad.sum().backward()
    return grad, grad.requires_grad


def _changed(torch: Any) -> Any:
    x = _leaf(torch)
    y = x * 1
    out = _functions(torch)["MyReLU"].apply(y)
    with torch.no_grad():
        y.add_(1)
    out.sum().backward()


def _bad_forward(torch: Any) -> Any:
    class SavesANumber(torch.autograd.Function):
        @staticmethod
        def forward(ctx: Any, x: Any) -> Any:
            ctx.save_for_backward(3)
            return x * 2

    return SavesANumber.apply(_leaf(torch))


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_a_function_behaves_as_in_pytorch(name: str) -> None:
    check(SCENARIOS[name], rtol=1e-12)


def _returning(returned: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """A scenario: a Function of (x, 2.0) whose backward returns ``returned(torch)``."""

    def scenario(torch: Any) -> Any:
        class Bad(torch.autograd.Function):
            @staticmethod
            def forward(ctx: Any, x: Any, k: float) -> Any:
                return x * k

            @staticmethod
            def backward(ctx: Any, grad_output: Any) -> Any:
                return returned(torch)

        x = torch.ones(2, 3, requires_grad=True)
        Bad.apply(x, 2.0).sum().backward()
        return x.grad

    return scenario


@pytest.mark.parametrize(
    "returned",
    [
        lambda torch: (torch.ones(3), None),  # a shape that does not broadcast back
        lambda torch: (torch.ones(2, 3),),  # too few
        lambda torch: (torch.ones(2, 3), None, None),  # extra Nones are fine
        lambda torch: (torch.ones(2, 3), torch.ones(1)),  # a gradient for the number argument
        lambda torch: (torch.ones(4, 2, 3), None),  # broadcast: summed back to the input's shape
        lambda torch: (torch.ones(2, 3, dtype=torch.float64), None),  # cast to the input's dtype
        lambda torch: (1.0, None),
        lambda torch: (None, None),
    ],
)
def test_what_backward_returns_is_checked_as_pytorch_checks_it(returned: Callable[[Any], Any]) -> None:
    check(_returning(returned))


def test_the_grad_fn_of_a_function_is_named_after_it() -> None:
    import chainrule as torch

    out = _functions(torch)["MyReLU"].apply(_leaf(torch))
    assert out.grad_fn.name() == "MyReLUBackward" and repr(out.grad_fn) == "<MyReLUBackward object>"
    assert out.grad_fn.next_functions[0][0].variable is not None


def test_a_function_without_backward_says_what_to_write() -> None:
    import chainrule as torch

    class ForwardOnly(torch.autograd.Function):
        @staticmethod
        def forward(ctx: Any, x: Any) -> Any:
            return x * 2

    with pytest.raises(NotImplementedError, match="backward or vjp"):
        ForwardOnly.apply(_leaf(torch)).sum().backward()
