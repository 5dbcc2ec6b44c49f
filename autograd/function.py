"""``Function``: an op of the user's own, its forward and backward written by hand, as PyTorch's
``torch.autograd.Function``. Each subclass becomes a rule of the derivative table (a ``Structural``
named after the class), so its outputs are graph nodes like any op's: the backward is called with
arrays wrapped as Tensors and, under ``create_graph``, with grad mode on, so a backward written in
Tensor ops can be differentiated again (``@once_differentiable`` refuses that, as PyTorch does)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import numpy as np

from autograd.grad_mode import enable_grad, is_grad_enabled, no_grad
from autograd.rules.spaces import ArrayMath, sum_to
from autograd.rules.structural import Structural
from autograd.tensor import record as tensor_record
from autograd.tensor.base import is_tensor, plain
from autograd.tensor.core import Tensor
from autograd.tensor.versions import counter_of, version_of


class FunctionCtx:
    """The ``ctx`` a Function's forward fills and its backward reads: saved Tensors (checked for
    in-place changes), ``needs_input_grad``, and any attribute the user sets."""

    def __init__(self, owner: str, needs_input_grad: tuple[bool, ...]) -> None:
        self.needs_input_grad = needs_input_grad
        self._owner = owner  # the Function's name, for error messages
        self._saved: list[tuple[Tensor | None, int]] = []
        self._non_differentiable: list[Tensor] = []

    def save_for_backward(self, *tensors: Tensor | None) -> None:
        """Keep ``tensors`` (inputs, outputs or others; None allowed) for backward's ``saved_tensors``."""
        for position, value in enumerate(tensors):
            if value is not None and not is_tensor(value):
                raise TypeError(
                    f"save_for_backward can only save variables, but argument {position} is of type "
                    f"{type(value).__name__}"
                )
        self._saved = [(t, 0 if t is None else version_of(t)) for t in tensors]

    @property
    def saved_tensors(self) -> tuple[Tensor | None, ...]:
        """What forward saved; refused if one of them was changed in place since."""
        for position, (value, version) in enumerate(self._saved):
            if value is not None and version_of(value) != version:
                raise RuntimeError(
                    "one of the variables needed for gradient computation has been modified by an "
                    f"inplace operation: saved tensor {position} of {self._owner}Backward, shape "
                    f"{list(value.shape)}, is at version {version_of(value)}; expected version {version} "
                    "instead (clone it before changing it, or save a copy)"
                )
        return tuple(value for value, _ in self._saved)

    def mark_non_differentiable(self, *outputs: Tensor) -> None:
        """Outputs that get no gradient (indices, masks...): backward receives zeros for them."""
        self._non_differentiable.extend(outputs)

    def set_materialize_grads(self, value: bool) -> None:
        """Accepted for PyTorch code; here the gradient of an unused output always arrives as zeros
        (what a backward written for ``None`` computes the same from)."""

    def mark_dirty(self, *tensors: Tensor) -> None:
        """In-place Functions are not supported: forward must return new Tensors."""
        raise RuntimeError(
            f"{self._owner}: mark_dirty (a Function that changes its input in place) is not supported "
            "by chainrule; return a new Tensor from forward instead"
        )


class Function:
    """Subclass with static ``forward(ctx, *args)`` and ``backward(ctx, *grad_outputs)`` (or
    ``forward(*args)`` with ``setup_context(ctx, inputs, output)``) and call ``Subclass.apply(...)``."""

    _rule: Structural

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls._rule = Structural(cls.__name__, _forward_runs_in_apply, functools.partial(_backward, cls), ())

    @staticmethod
    def forward(ctx: Any, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError("You must implement the forward function for custom autograd.Function.")

    @staticmethod
    def setup_context(ctx: Any, inputs: tuple[Any, ...], output: Any) -> Any:
        raise NotImplementedError("setup_context is not implemented.")

    @staticmethod
    def backward(ctx: Any, *grad_outputs: Any) -> Any:
        raise NotImplementedError(
            "You must implement either the backward or vjp method for your custom autograd.Function to "
            "use it with backward mode AD."
        )

    @classmethod
    def apply(cls, *args: Any, **kwargs: Any) -> Any:
        """Run forward without recording, then record its Tensor outputs as one node of this Function."""
        inputs = tuple(a for a in args if is_tensor(a))
        ctx = FunctionCtx(cls.__name__, tuple(is_tensor(a) and a.requires_grad for a in args))
        with no_grad():
            if cls.setup_context is Function.setup_context:
                output = cls.forward(ctx, *args, **kwargs)
            else:
                output = cls.forward(*args, **kwargs)
                cls.setup_context(ctx, args, output)
        if not (is_grad_enabled() and any(t.requires_grad for t in inputs)):
            return output
        positions = tuple(i for i, a in enumerate(args) if is_tensor(a))
        return _recorded(cls, ctx, inputs, output, positions)


def _forward_runs_in_apply(*arrays: Any, **ctx: Any) -> Any:
    raise RuntimeError("a Function's forward runs through Function.apply, never from the rule table")


def _recorded(
    cls: type[Function], ctx: FunctionCtx, inputs: tuple[Tensor, ...], output: Any, positions: tuple[int, ...]
) -> Any:
    """``output`` with each differentiable Tensor in it replaced by a node of ``cls``'s rule (several
    outputs share one node holding them side by side, each output a slice of it)."""
    outputs = output if isinstance(output, tuple) else (output,)
    skipped = {id(t) for t in ctx._non_differentiable}
    chosen = [
        i for i, o in enumerate(outputs) if is_tensor(o) and o.dtype.kind == "f" and id(o) not in skipped
    ]
    if not chosen:
        return output
    layout = tuple((o.shape, o.dtype) if is_tensor(o) else None for o in outputs)
    parts = [outputs[i] for i in chosen]
    context = {"function": ctx, "positions": positions, "chosen": tuple(chosen), "layout": layout}
    if len(parts) == 1:
        nodes = [tensor_record.result(parts[0]._data, inputs, cls._rule, context)]
        nodes[0]._vc = counter_of(parts[0])  # the node is the output's memory under another name
    else:
        dtype = np.result_type(*(p.dtype for p in parts))
        joined = np.concatenate([p._data.reshape(-1).astype(dtype) for p in parts])
        hub = tensor_record.result(joined, inputs, cls._rule, context)
        ends = np.cumsum([0] + [p._data.size for p in parts])
        nodes = [
            hub[int(start) : int(stop)].reshape(p.shape) for p, start, stop in zip(parts, ends[:-1], ends[1:])
        ]
        nodes = [n if n.dtype == p.dtype else n.astype(p.dtype) for n, p in zip(nodes, parts)]
    renamed = {id(p): node for p, node in zip(parts, nodes)}
    ctx._saved = [(renamed.get(id(t), t), version) for t, version in ctx._saved]
    replaced = tuple(renamed.get(id(o), o) for o in outputs)
    return replaced if isinstance(output, tuple) else replaced[0]


def _backward(
    cls: type[Function],
    m: Any,
    g: Any,
    out: Any,
    inputs: tuple[Any, ...],
    needs: tuple[bool, ...],
    function: FunctionCtx,
    positions: tuple[int, ...],
    chosen: tuple[int, ...],
    layout: tuple[Any, ...],
) -> tuple[Any, ...]:
    """The rule's VJP: the user's backward on this node's gradient, split per output, its results
    checked as PyTorch checks them and brought to each input's shape."""
    graph_mode = m is not ArrayMath
    grad_outputs = _per_output(g, chosen, layout, graph_mode)
    with enable_grad() if graph_mode else no_grad():
        returned = cls.backward(function, *grad_outputs)
    returned = returned if isinstance(returned, tuple) else (returned,)
    name = f"{cls.__name__}Backward"
    arity = len(function.needs_input_grad)
    if len(returned) < arity:
        raise RuntimeError(
            f"function {name} returned an incorrect number of gradients (expected {arity}, got "
            f"{len(returned)})"
        )
    for position, r in enumerate(returned):
        if r is not None and position not in positions:
            raise RuntimeError(
                f"function {name} returned a gradient different than None at position {position + 1}, but "
                "the corresponding forward input was not a Variable"
            )
    return tuple(
        _checked(name, position, returned[position], parent, graph_mode)
        for position, parent in zip(positions, inputs)
    )


def _per_output(g: Any, chosen: tuple[int, ...], layout: tuple[Any, ...], graph_mode: bool) -> list[Any]:
    """The gradient of each of forward's outputs: its slice of ``g`` (zeros for a non-differentiable
    Tensor output, None for an output that is not a Tensor), as Tensors."""
    grads: list[Any] = []
    start = 0
    for i, entry in enumerate(layout):
        if entry is None:
            grads.append(None)
            continue
        shape, dtype = entry
        if i not in chosen:
            grads.append(plain(np.zeros(shape, dtype)))
            continue
        size = int(np.prod(shape))
        if len(chosen) == 1:
            part = g
        else:
            part = g[start : start + size].reshape(shape)
            start += size
        grads.append(part if graph_mode else plain(np.asarray(part)))
    return grads


def _checked(name: str, index: int, grad: Any, parent: Any, graph_mode: bool) -> Any:
    """One returned gradient as the engine takes it: None, or a Tensor whose shape is the input's (or
    broadcasts from it: then summed back), cast to the input's dtype."""
    if grad is None:
        return None
    if not is_tensor(grad):
        raise RuntimeError(f"expected Variable or None (got {type(grad).__name__})")
    if grad.shape != parent.shape:
        try:
            broadcast = np.broadcast_shapes(parent.shape, grad.shape) == grad.shape
        except ValueError:
            broadcast = False
        if not broadcast:
            raise RuntimeError(
                f"Function {name} returned an invalid gradient at index {index} - got {list(grad.shape)} "
                f"but expected shape compatible with {list(parent.shape)}"
            )
        grad = grad.sum_to(parent.shape) if graph_mode else plain(sum_to(grad._data, parent.shape))
    if grad.dtype != parent.dtype:
        grad = grad.astype(parent.dtype)
    return grad if graph_mode else grad._data


def once_differentiable(backward: Callable[..., Any]) -> Callable[..., Any]:
    """Mark a Function's backward as not differentiable itself: it runs without recording, and a
    gradient it made under ``create_graph`` refuses to be differentiated again (PyTorch's decorator)."""

    @functools.wraps(backward)
    def wrapper(ctx: Any, *grad_outputs: Any) -> Any:
        with no_grad():
            returned = backward(ctx, *grad_outputs)
        requiring = tuple(g for g in grad_outputs if is_tensor(g) and g.requires_grad)
        if not (is_grad_enabled() and requiring):
            return returned
        many = isinstance(returned, tuple)
        guarded = tuple(
            tensor_record.apply(_DIFFERENTIATED_TWICE, (r, *requiring)) if is_tensor(r) else r
            for r in (returned if many else (returned,))
        )
        return guarded if many else guarded[0]

    return wrapper


def _refuse_second_derivative(*args: Any, **ctx: Any) -> Any:
    raise RuntimeError("trying to differentiate twice a function that was marked with @once_differentiable")


_DIFFERENTIATED_TWICE = Structural(
    "once_differentiable", lambda grad, *others: grad, _refuse_second_derivative, ()
)
"""The node under a gradient made by a ``@once_differentiable`` backward: its backward refuses."""
