"""The public seam: a user's own op defined through ``autograd.extend`` alone works on both engines, to
second order; graphs are read through public names (``parents``, ``rule``, ``input_grads``)."""

from __future__ import annotations

import math

import numpy as np
import pytest

import nn
from autograd import Tensor, Value, grad, gradcheck, gradgradcheck
from autograd.extend import OUT, Elementwise, Structural, apply, elementwise, value_elementwise

CUBE = Elementwise(
    "cube", 1, lambda x: x**3, lambda x: x**3, lambda m, out, x: 3.0 * x * x, reads=((0,),), doc="x³."
)


def _row_norm_backward(m, g, out, inputs, needs):  # type: ignore[no-untyped-def]
    (x,) = inputs
    return (m.reshape(g, (*g.shape, 1)) * x / m.reshape(out, (*out.shape, 1)),)


ROW_NORM = Structural(
    "row_norm", lambda x: np.sqrt((x * x).sum(axis=-1)), _row_norm_backward, reads=((0, OUT),)
)


def test_a_users_elementwise_rule_runs_on_both_engines_to_second_order() -> None:
    v = Value(2.0)
    out = value_elementwise(CUBE, (v,))
    out.backward()
    assert out.data == 8.0 and v.grad == 12.0 and out.rule is CUBE
    t = Tensor(np.array([0.5, -1.5, 2.0]), requires_grad=True)
    assert gradcheck(lambda x: elementwise(CUBE, (x,)), [t])
    assert gradgradcheck(lambda x: elementwise(CUBE, (x,)), [t])


def test_a_users_structural_rule_is_one_node_with_create_graph() -> None:
    x = Tensor(np.array([[3.0, 4.0], [1.0, -1.0]]), requires_grad=True)
    norms = apply(ROW_NORM, (x,))
    assert np.allclose(norms.numpy(), [5.0, math.sqrt(2.0)]) and norms.op == "row_norm"
    assert gradcheck(lambda t: apply(ROW_NORM, (t,)), [x])
    assert gradgradcheck(lambda t: apply(ROW_NORM, (t,)), [x])
    (first,) = grad(apply(ROW_NORM, (x,)).sum(), x, create_graph=True)
    assert first.requires_grad


def test_input_grads_are_what_backward_adds_reduced_to_each_input() -> None:
    x = Tensor(np.ones((2, 3)), requires_grad=True)
    b = Tensor(np.array([1.0, 2.0, 3.0]), requires_grad=True)
    c = Tensor(np.ones(3))  # needs no gradient
    out = (x * b) + c
    upstream = np.arange(6.0).reshape(2, 3)
    product, constant = out.input_grads(upstream)
    assert constant is None and out.parents[0].rule.name == "mul"
    grad_x, grad_b = out.parents[0].input_grads(product)
    assert np.array_equal(grad_x, upstream * [1.0, 2.0, 3.0]) and grad_b.shape == (3,)
    out.sum().backward()
    assert np.array_equal(out.parents[0].input_grads()[1], x.numpy().sum(axis=0) * 1.0)
    assert x.input_grads() == () and x.rule is None
    with pytest.raises(ValueError, match="no gradient yet"):
        (x * 2.0).input_grads()


def test_a_values_edges_and_constant_are_public() -> None:
    a = Value(3.0)
    out = a - 1.0
    assert out.constant == 1.0 and out.rule is not None and out.rule.constant_side == 1
    assert (a * a).constant is None and a.constant is None and a.rule is None
    out.backward()
    assert out.input_grads() == (1.0,) and out.input_grads(2.0) == (2.0,)


def test_a_parameter_names_the_module_that_holds_it() -> None:
    model = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1))
    assert model[2].weight.module is model[2] and model[2].weight.module_path == "2.weight"
    assert nn.Parameter(np.zeros(2)).module is None
