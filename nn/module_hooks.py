"""A Module's backward hooks, PyTorch's ``register_full_backward_hook``: the module's tensor inputs and
outputs pass through two identity ``autograd.Function`` nodes, so backward hands the hook the
gradients of the outputs (``grad_output``) and of the inputs (``grad_input``) at the moment the latter
are made; a tuple the hook returns replaces ``grad_input``."""

from __future__ import annotations

import warnings
from typing import Any

from autograd import Function, Tensor


class _Pass:
    """One forward call's link between its two identity nodes: the module, and grad_output once seen."""

    def __init__(self, module: Any, hooks: dict[int, Any], inputs: int) -> None:
        self.module, self.hooks, self.inputs = module, hooks, inputs
        self.grad_output: tuple[Any, ...] | None = None

    def call_hooks(self, grad_input: tuple[Any, ...]) -> tuple[Any, ...]:
        for hook in list(self.hooks.values()):
            replaced = hook(self.module, grad_input, self.grad_output)
            if replaced is not None:
                grad_input = tuple(replaced)
        return grad_input


class _Identity(Function):
    """The tensors as they are, linked to their forward call; subclasses say what backward does."""

    @staticmethod
    def forward(ctx: Any, link: _Pass, *tensors: Tensor) -> Any:
        ctx.link = link
        return tensors if len(tensors) > 1 else tensors[0]


class _Outputs(_Identity):
    """On the outputs: backward keeps their gradients (and calls the hooks itself when no input needs a
    gradient, with ``grad_input`` all None, as PyTorch does)."""

    @staticmethod
    def backward(ctx: Any, *grads: Any) -> Any:
        ctx.link.grad_output = grads
        if not ctx.link.inputs:
            warnings.warn(
                "Full backward hook is firing when gradients are computed with respect to module outputs "
                "since no inputs require gradients (as in PyTorch: grad_input is (None,))",
                UserWarning,
                stacklevel=2,
            )
            ctx.link.call_hooks((None,))
        return (None, *grads)


class _Inputs(_Identity):
    """On the inputs: backward runs the hooks on their gradients."""

    @staticmethod
    def backward(ctx: Any, *grads: Any) -> Any:
        return (None, *ctx.link.call_hooks(grads))


def call_with_backward_hooks(module: Any, hooks: dict[int, Any], args: tuple[Any, ...], kwargs: dict) -> Any:
    """``module.forward(*args, **kwargs)`` with its tensor inputs and outputs wrapped for the hooks."""
    positions = [i for i, a in enumerate(args) if isinstance(a, Tensor) and a.requires_grad]
    link = _Pass(module, hooks, len(positions))
    if positions:
        wrapped = _Inputs.apply(link, *(args[i] for i in positions))
        wrapped = wrapped if isinstance(wrapped, tuple) else (wrapped,)
        args = tuple(dict(zip(positions, wrapped)).get(i, a) for i, a in enumerate(args))
    output = module.forward(*args, **kwargs)
    many = isinstance(output, tuple)
    tensors = [o for o in (output if many else (output,)) if isinstance(o, Tensor) and o.requires_grad]
    if not tensors:
        return output
    captured = _Outputs.apply(link, *tensors)
    captured = captured if isinstance(captured, tuple) else (captured,)
    if not many:
        return captured[0]
    replacement = iter(captured)
    return tuple(next(replacement) if isinstance(o, Tensor) and o.requires_grad else o for o in output)
