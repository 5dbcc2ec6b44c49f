"""Value (autograd/value.py): every op against its closed form and central differences, overflow to
infinity, conversion to Python numbers, named argument errors, backward refused without a graph."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from autograd import Tensor, Value, gradcheck
from autograd.rules.elementwise import SELU_ALPHA, SELU_SCALE

reals = st.floats(-5.0, 5.0, allow_nan=False)
positives = st.floats(0.05, 5.0)


def away_from(*kinks: float, margin: float = 1e-3):
    """Reals not within ``margin`` of a kink, where central differences straddle two slopes."""
    return reals.filter(lambda x: all(abs(x - k) > margin for k in kinks))


UNARY = {
    # name: (call, closed-form value, closed-form derivative, input strategy)
    "neg": (lambda v: -v, lambda x: -x, lambda x: -1.0, reals),
    "exp": (lambda v: v.exp(), math.exp, math.exp, reals),
    "log": (lambda v: v.log(), math.log, lambda x: 1 / x, positives),
    "sqrt": (lambda v: v.sqrt(), math.sqrt, lambda x: 0.5 / math.sqrt(x), positives),
    "abs": (abs, abs, lambda x: math.copysign(1.0, x), away_from(0.0)),
    "tanh": (lambda v: v.tanh(), math.tanh, lambda x: 1 - math.tanh(x) ** 2, reals),
    "sigmoid": (
        lambda v: v.sigmoid(),
        lambda x: 1 / (1 + math.exp(-x)),
        lambda x: math.exp(-x) / (1 + math.exp(-x)) ** 2,
        reals,
    ),
    "relu": (lambda v: v.relu(), lambda x: max(x, 0.0), lambda x: float(x > 0), away_from(0.0)),
    "leaky_relu": (
        lambda v: v.leaky_relu(0.1),
        lambda x: x if x > 0 else 0.1 * x,
        lambda x: 1.0 if x > 0 else 0.1,
        away_from(0.0),
    ),
    "elu": (
        lambda v: v.elu(0.5),
        lambda x: x if x > 0 else 0.5 * (math.exp(x) - 1),
        lambda x: 1.0 if x > 0 else 0.5 * math.exp(x),
        away_from(0.0),
    ),
    "selu": (
        lambda v: v.selu(),
        lambda x: SELU_SCALE * (x if x > 0 else SELU_ALPHA * (math.exp(x) - 1)),
        lambda x: SELU_SCALE * (1.0 if x > 0 else SELU_ALPHA * math.exp(x)),
        away_from(0.0),
    ),
    "gelu": (
        lambda v: v.gelu(),
        lambda x: 0.5 * x * (1 + math.erf(x / math.sqrt(2))),
        lambda x: 0.5 * (1 + math.erf(x / math.sqrt(2))) + x * math.exp(-x * x / 2) / math.sqrt(2 * math.pi),
        reals,
    ),
    "swish": (
        lambda v: v.swish(),
        lambda x: x / (1 + math.exp(-x)),
        lambda x: (1 + math.exp(-x) + x * math.exp(-x)) / (1 + math.exp(-x)) ** 2,
        reals,
    ),
    "softplus": (
        lambda v: v.softplus(),
        lambda x: math.log(1 + math.exp(x)),
        lambda x: 1 / (1 + math.exp(-x)),
        reals,
    ),
    "softsign": (lambda v: v.softsign(), lambda x: x / (1 + abs(x)), lambda x: 1 / (1 + abs(x)) ** 2, reals),
    "hard_sigmoid": (
        lambda v: v.hard_sigmoid(),
        lambda x: min(max(x / 6 + 0.5, 0.0), 1.0),
        lambda x: 1 / 6 if -3 < x < 3 else 0.0,
        away_from(-3.0, 3.0),
    ),
    "step": (lambda v: v.step(), lambda x: float(x > 0), lambda x: 0.0, away_from(0.0)),
    "identity": (lambda v: v.identity(), lambda x: x, lambda x: 1.0, reals),
    "square": (lambda v: v**2, lambda x: x * x, lambda x: 2 * x, reals),
    "cube_root": (lambda v: v ** (1 / 3), lambda x: x ** (1 / 3), lambda x: x ** (-2 / 3) / 3, positives),
    "reciprocal": (lambda v: 1 / v, lambda x: 1 / x, lambda x: -1 / x**2, positives),
    "rpow": (lambda v: 2.0**v, lambda x: 2.0**x, lambda x: 2.0**x * math.log(2.0), reals),
    "rsub": (lambda v: 3.0 - v, lambda x: 3.0 - x, lambda x: -1.0, reals),
}


@pytest.mark.parametrize("name", sorted(UNARY))
def test_unary_op_matches_closed_form_and_central_differences(name: str) -> None:
    call, value, slope, strategy = UNARY[name]

    @given(strategy)
    def check(x: float) -> None:
        v = Value(x, "x")
        out = call(v)
        assert out.data == pytest.approx(value(x), rel=1e-9, abs=1e-12)
        out.backward()
        assert v.grad == pytest.approx(slope(x), rel=1e-7, abs=1e-10)
        gradcheck(call, [Value(x)])

    check()


BINARY = {
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "mul": lambda a, b: a * b,
    "div": lambda a, b: a / b,
    "pow": lambda a, b: a**b,
}


@pytest.mark.parametrize("name", sorted(BINARY))
@given(a=positives, b=st.floats(-3.0, 3.0).filter(lambda b: abs(b) > 0.05))
def test_binary_op_gradients_match_central_differences(name: str, a: float, b: float) -> None:
    gradcheck(BINARY[name], [Value(a, "a"), Value(b, "b")])


@given(a=reals, b=reals, c=st.floats(0.1, 3.0))
def test_composite_expression_matches_central_differences(a: float, b: float, c: float) -> None:
    def f(x: Value, y: Value, z: Value) -> Value:
        h = (x * y + z).tanh() * x - (y / z).sigmoid() + (x * x + 1).log() * z**1.5
        return h * h + h.softplus() - (y - 2).gelu()

    gradcheck(f, [Value(a), Value(b), Value(c)])


@given(a=reals, b=reals)
def test_python_number_operands_give_the_same_result_as_values(a: float, b: float) -> None:
    assume(abs(b) > 1e-3)
    for op in (lambda x, y: x + y, lambda x, y: x - y, lambda x, y: x * y, lambda x, y: x / y):
        assert op(Value(a), b).data == pytest.approx(op(Value(a), Value(b)).data)
        assert op(a, Value(b)).data == pytest.approx(op(Value(a), Value(b)).data)


def test_kinks_have_the_documented_derivatives() -> None:
    cases = {
        "relu": (lambda v: v.relu(), 0.0),
        "leaky_relu": (lambda v: v.leaky_relu(0.2), 0.2),
        "elu": (lambda v: v.elu(0.7), 0.7),
        "abs": (abs, 0.0),
        "step": (lambda v: v.step(), 0.0),
    }
    for name, (call, expected) in cases.items():
        v = Value(0.0)
        call(v).backward()
        assert v.grad == expected, name
    for edge in (-3.0, 3.0):
        v = Value(edge)
        v.hard_sigmoid().backward()
        assert v.grad == 0.0
    v = Value(0.0)
    v.sqrt().backward()
    assert v.grad == math.inf


@pytest.mark.parametrize("x", [-1e4, -800.0, 800.0, 1e4])
def test_sigmoid_and_softplus_are_stable_for_large_inputs(x: float) -> None:
    s, p = Value(x).sigmoid(), Value(x).softplus()
    assert 0.0 <= s.data <= 1.0 and math.isfinite(p.data)
    assert p.data == pytest.approx(max(x, 0.0))
    assert Value(x).exp().data in (0.0, math.inf)


def test_domain_errors_name_the_problem() -> None:
    with pytest.raises(ValueError, match="log is defined for x > 0"):
        Value(0.0).log()
    with pytest.raises(ValueError, match="sqrt is defined for x >= 0"):
        Value(-1.0).sqrt()
    with pytest.raises(ValueError, match="negative base"):
        Value(-8.0) ** (1 / 3)
    with pytest.raises(ValueError, match="negative base"):
        Value(-8.0) ** Value(0.5)
    with pytest.raises(ZeroDivisionError, match="division by zero"):
        Value(1.0) / 0
    with pytest.raises(ZeroDivisionError, match="negative exponent"):
        Value(0.0) ** -1
    assert (Value(-2.0) ** 3).data == -8.0
    with pytest.raises(ValueError, match="non-integer exponent"):
        Value(-2.0) ** math.inf


def test_bad_operands_and_data_are_type_errors() -> None:
    with pytest.raises(TypeError, match="takes a real number, got str"):
        Value("3")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        Value(1.0) + "a"  # type: ignore[operator]
    with pytest.raises(TypeError, match="takes a real number"):
        Value(Value(1.0))  # type: ignore[arg-type]
    assert Value(3).data == 3.0 and type(Value(3).data) is float


def test_value_exponent_derivative_at_zero_and_negative_base() -> None:
    base, exponent = Value(0.0), Value(2.0)
    (base**exponent).backward()
    assert base.grad == 0.0 and exponent.grad == 0.0
    base, exponent = Value(-2.0), Value(2.0)
    (base**exponent).backward()
    assert base.grad == -4.0 and math.isnan(exponent.grad)


def test_power_overflows_to_infinity() -> None:
    """Reliability review C4."""
    assert Value(1e200) ** 2 == math.inf or (Value(1e200) ** 2).data == math.inf
    assert (Value(10.0) ** 400).data == math.inf
    assert (2.0 ** Value(2000.0)).data == math.inf
    assert (Value(1e-320) ** -2).data == math.inf
    assert (Value(-10.0) ** 401).data == -math.inf


def test_a_value_converts_like_a_number() -> None:
    """Reliability review K3."""
    assert float(Value(2.5)) == 2.5 and not Value(0.0) and Value(-1.0)
    assert Value(1.0) < Value(2.0) and Value(2.0) >= 2.0


def test_arguments_that_are_not_real_numbers_are_named() -> None:
    """Reliability review C10."""
    with pytest.raises(TypeError, match=r"takes a real number, got ndarray"):
        Value(np.array(1j))
    with pytest.raises(TypeError, match=r"got Tensor.*use \.item\(\)"):
        Value(Tensor([1.0, 2.0]))
    assert Value(Tensor(2.0)).data == 2.0  # a one-element Tensor converts, as float() does
    with pytest.raises(TypeError, match=r"leaky_relu\(slope\) takes a real number, got str"):
        Value(-1.0).leaky_relu("a")  # type: ignore[arg-type]


def test_backward_through_a_value_computed_under_no_grad_is_refused() -> None:
    """Reliability review S19."""
    x = Value(3.0)
    from autograd import no_grad

    with no_grad():
        y = x * x
    with pytest.raises(RuntimeError, match="computed under no_grad"):
        y.backward()
    Value(1.0).backward()  # a real leaf still works
