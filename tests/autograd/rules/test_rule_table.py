"""The derivative table: the test registry (rule_cases) covers every rule; every elementwise rule agrees
between Value and Tensor (values and gradients, binary rules and kinks included), is bound on both
engines, and has correct second derivatives."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from autograd import Tensor, Value, gradcheck, gradgradcheck
from autograd.rules import ELEMENTWISE, STRUCTURAL
from autograd.rules import elementwise as rules
from autograd.rules.elementwise import Elementwise, with_constant
from autograd.tensor.record import elementwise as tensor_elementwise
from autograd.value import elementwise as value_elementwise
from tests.autograd.rule_cases import (
    ELEMENTWISE_CASES,
    STEPS_AT_INTEGER_RATIOS,
    STRUCTURAL_CASES,
    VALUE_ONLY_MISSING,
)


def test_the_registry_covers_the_whole_table() -> None:
    """Every rule, conv and recurrent included, has its test facts in rule_cases (names are unique)."""
    assert sorted(rule.name for rule in ELEMENTWISE) == sorted(ELEMENTWISE_CASES)
    assert sorted(rule.name for rule in STRUCTURAL) == sorted(STRUCTURAL_CASES)


def test_every_rule_has_a_binding_on_each_engine() -> None:
    dunders = {"add", "sub", "mul", "div", "pow", "neg", "abs", "floor_divide", "remainder"}
    for rule in ELEMENTWISE:
        if rule.name in dunders:
            continue
        assert callable(getattr(Tensor, rule.name)), rule.name
        if rule.name not in VALUE_ONLY_MISSING:
            assert callable(getattr(Value, rule.name)), rule.name
        if not rule.params:  # methods with parameters document them in their own signature; options
            assert getattr(Value, rule.name).__doc__ == rule.doc  # (gelu's approximate=) after the rule's doc
            assert getattr(Tensor, rule.name).__doc__.startswith(rule.doc)


def _both(rule: Elementwise, points: tuple[float, ...], params: tuple[float, ...]) -> tuple:
    """(value out, value grads, tensor out, tensor grads) of ``rule`` at ``points``."""
    values = [Value(p) for p in points]
    out = value_elementwise(rule, tuple(values), params)
    out.backward()
    tensors = [Tensor(np.array(p, dtype=np.float64), requires_grad=True) for p in points]
    t_out = tensor_elementwise(rule, tuple(tensors), params)
    t_out.backward()
    return out.data, [v.grad for v in values], float(t_out.data), [float(t.grad) for t in tensors]


@pytest.mark.parametrize("rule", ELEMENTWISE, ids=lambda rule: rule.name)
def test_value_and_tensor_agree_on_every_rule(rule: Elementwise) -> None:
    case = ELEMENTWISE_CASES[rule.name]
    low, high, params, kinks = case.low, case.high, case.params, case.kinks
    if rule.name in VALUE_ONLY_MISSING:
        with pytest.raises(ValueError, match="keeps one constant"):
            value_elementwise(rule, (Value(1.0),), params)
        x = Tensor(np.linspace(low, high, 13), requires_grad=True)
        tensor_elementwise(rule, (x,), params).sum().backward()
        assert x.grad.tolist() == [1.0 if params[0] <= v <= params[1] else 0.0 for v in x.data]
        return
    grid = np.linspace(low, high, 7).tolist() + list(kinks)
    for x in grid:
        for y in grid if rule.arity == 2 else [None]:
            points = (x,) if y is None else (x, y)
            value_out, value_grads, tensor_out, tensor_grads = _both(rule, points, params)
            assert value_out == pytest.approx(tensor_out, rel=1e-12, abs=1e-12), points
            assert value_grads == pytest.approx(tensor_grads, rel=1e-12, abs=1e-12), points


@pytest.mark.parametrize(
    "base, exponent, expected_grads",
    [
        (0.0, 0.0, (0.0, 0.0)),  # PyTorch: d/dx masked where y == 0, d/dy masked where x == 0
        (0.0, 2.0, (0.0, 0.0)),
        (0.0, 0.5, (math.inf, 0.0)),
        (2.0, 0.0, (0.0, math.log(2.0))),
    ],
)
def test_pow_edges_agree_between_engines(base: float, exponent: float, expected_grads: tuple) -> None:
    value_out, value_grads, tensor_out, tensor_grads = _both(rules.POW, (base, exponent), ())
    assert value_out == tensor_out
    assert value_grads == list(expected_grads) == tensor_grads


def test_pow_of_a_negative_base_has_a_nan_exponent_derivative_on_both_engines() -> None:
    _, value_grads, _, tensor_grads = _both(rules.POW, (-2.0, 3.0), ())
    assert value_grads[0] == tensor_grads[0] == 12.0
    assert math.isnan(value_grads[1]) and math.isnan(tensor_grads[1])


@pytest.mark.parametrize("rule", [r for r in ELEMENTWISE if r.arity == 2], ids=lambda rule: rule.name)
@pytest.mark.parametrize("side", [0, 1])
def test_a_binary_rule_with_one_constant_operand_is_derived_not_rewritten(
    rule: Elementwise, side: int
) -> None:
    constant, x = 1.5, 0.75
    derived = with_constant(rule, side)
    value = Value(x)
    out = value_elementwise(derived, (value,), (constant,))
    out.backward()
    points = (constant, x) if side == 0 else (x, constant)
    _, grads, _, _ = _both(rule, points, ())
    assert out.data == pytest.approx(rule.on_float(*points))
    assert value.grad == pytest.approx(grads[1 - side])


def test_labels_tell_the_two_sides_of_a_constant_apart() -> None:
    x = Value(3.0)
    assert [(x / 2).op, (2 / x).op, (x - 1).op, (1 - x).op, (x**2).op] == ["/2", "2/", "-1", "1-", "**2"]
    assert (x / x).op == "/" and x.op == ""


def _smooth_point(draw: st.DrawFn, rule: Elementwise) -> float:
    case = ELEMENTWISE_CASES[rule.name]
    x = draw(st.floats(case.low, case.high))
    assume(all(abs(x - k) > 1e-2 for k in case.kinks))
    return x


@pytest.mark.parametrize("rule", ELEMENTWISE, ids=lambda rule: rule.name)
@settings(max_examples=15)
@given(data=st.data())
def test_second_derivatives_of_every_rule_match_central_differences(
    rule: Elementwise, data: st.DataObject
) -> None:
    case = ELEMENTWISE_CASES[rule.name]
    params = case.params
    points = [_smooth_point(data.draw, rule) for _ in range(rule.arity)]
    tensors = [Tensor(np.array([p, p * 0.9 + 0.05]), requires_grad=True) for p in points]
    assume(all(abs(float(v) - k) > 1e-2 for t in tensors for v in t.data for k in case.kinks))
    assume(all(case.low <= v <= case.high for t in tensors for v in t.data))
    if rule.name in STEPS_AT_INTEGER_RATIOS:
        ratios = tensors[0].numpy() / tensors[1].numpy()
        assume(np.all(np.abs(ratios - np.round(ratios)) > 1e-2))

    def on_tensors(*xs: Tensor) -> Tensor:
        return tensor_elementwise(rule, xs, params)

    gradgradcheck(on_tensors, tensors)
    if rule.name not in VALUE_ONLY_MISSING:

        def on_values(*xs: Value) -> Value:
            return value_elementwise(rule, xs, params)

        gradgradcheck(on_values, [Value(p) for p in points])


def test_gelu_is_exact_and_its_gradient_is_the_derivative_of_its_forward() -> None:
    xs = np.linspace(-6, 6, 101)
    exact = np.array([x * 0.5 * (1 + math.erf(x / math.sqrt(2))) for x in xs])
    assert np.allclose(Tensor(xs).gelu().data, exact, rtol=1e-13, atol=1e-14)  # 1 + erf cancels below 0
    assert [Value(x).gelu().data for x in xs] == pytest.approx(exact.tolist(), rel=1e-13, abs=1e-14)
    # far below 0, 1 + erf cancels and central differences turn rounding into noise: check on [-3, 3]
    inner = np.linspace(-3, 3, 61)
    gradcheck(lambda t: t.gelu(), [Tensor(inner, requires_grad=True)], atol=1e-7, rtol=1e-6)
    gradgradcheck(lambda t: t.gelu(), [Tensor(xs[::10].copy(), requires_grad=True)])


def test_erf_matches_the_c_library_to_1e_12_relative() -> None:
    xs = np.concatenate([np.linspace(-8, 8, 40001), [1e-300, -1e-12, 3.0, 6.0, 27.0]])
    reference = np.array([math.erf(x) for x in xs])
    relative = np.abs(Tensor(xs).erf().data - reference) / np.maximum(np.abs(reference), 1e-300)
    assert relative.max() < 1e-12
    assert Tensor(np.array([0.5], np.float32)).erf().dtype == np.float32


def test_local_grads_are_the_table_numbers_and_empty_on_a_leaf() -> None:
    x, y = Value(2.0), Value(5.0)
    assert x.local_grads == ()
    assert (x * y).local_grads == (5.0, 2.0)
    assert (x.relu()).local_grads == (1.0,)
    assert (x**3).local_grads == (12.0,)
