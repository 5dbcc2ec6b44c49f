"""``Tensor.grad_fn``: PyTorch's view of the backward graph, read-only: a node per recorded op with its
``name()`` (chainrule's names, ``MulBackward``, ``LinearBackward``..., without PyTorch's version digit)
and ``next_functions``, which lead to the inputs' nodes, ``AccumulateGrad`` for a leaf that requires
grad, or None. The graph itself is chainrule's; this only lets PyTorch-style code walk and print it."""

from __future__ import annotations

from typing import Any


def backward_name(rule: Any) -> str:
    """The name of a rule's backward node: ``cross_entropy`` gives ``CrossEntropyBackward``, a
    Function ``MyReLU`` gives ``MyReLUBackward``."""
    return "".join(word[:1].upper() + word[1:] for word in rule.name.split("_")) + "Backward"


class AccumulateGrad:
    """Where a leaf's gradient ends: ``variable`` is the leaf."""

    def __init__(self, variable: Any) -> None:
        self.variable = variable

    def name(self) -> str:
        return "torch::autograd::AccumulateGrad"

    @property
    def next_functions(self) -> tuple[()]:
        return ()

    def __repr__(self) -> str:
        return "<AccumulateGrad object>"


class GradFn:
    """The backward node of a Tensor made by a recorded op."""

    def __init__(self, output: Any) -> None:
        self._output = output

    def name(self) -> str:
        return backward_name(self._output.rule)

    @property
    def next_functions(self) -> tuple[tuple[Any, int], ...]:
        """Per input of the op: (its node, 0) — a GradFn, an AccumulateGrad, or None if it needs no grad."""
        return tuple((_node_of(parent), 0) for parent in self._output.parents)

    def __repr__(self) -> str:
        return f"<{self.name()} object>"


def _node_of(tensor: Any) -> GradFn | AccumulateGrad | None:
    if tensor.rule is not None:
        return GradFn(tensor)
    return AccumulateGrad(tensor) if tensor.requires_grad else None
