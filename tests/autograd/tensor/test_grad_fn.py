"""``grad_fn``: the backward graph walked as PyTorch code walks it (``name()``, ``next_functions``,
``AccumulateGrad`` for leaves), the same shape as PyTorch's; ``retain_grad`` keeps a non-leaf's grad."""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pytest

import chainrule
from tests.twin import torch


def _walk(node: Any) -> Any:
    """The graph below ``node`` as nested (name without PyTorch's version digit, children)."""
    if node is None:
        return None
    name = re.sub(r"\d+$", "", node.name().rpartition("::")[2])
    return (name, tuple(_walk(child) for child, _ in node.next_functions))


def _graph(library: Any) -> Any:
    x = library.tensor([1.0, 2.0], requires_grad=True)
    w = library.tensor([3.0, 4.0], requires_grad=True)
    constant = library.tensor([5.0, 6.0])
    return (x * w + constant).sum(), x


def test_grad_fn_has_pytorchs_shape_names_and_leaves() -> None:
    loss, x = _graph(chainrule)
    expected = ("SumBackward", (("AddBackward", (("MulBackward", (("AccumulateGrad", ()),) * 2), None)),))
    assert _walk(loss.grad_fn) == expected
    leaf = loss.grad_fn.next_functions[0][0].next_functions[0][0].next_functions[0][0]
    assert leaf.variable is x and x.grad_fn is None and repr(loss.grad_fn) == "<SumBackward object>"
    if torch is not None:
        assert _walk(_graph(torch)[0].grad_fn) == expected


def test_retain_grad_keeps_a_non_leafs_gradient() -> None:
    x = chainrule.tensor([1.0, 2.0], requires_grad=True)
    hidden = x * 3.0
    hidden.retain_grad()
    (hidden * hidden).sum().backward()
    assert np.array_equal(hidden.grad.numpy(), [6.0, 12.0])
    with pytest.raises(RuntimeError, match="requires_grad=False"):
        chainrule.tensor([1.0]).retain_grad()
