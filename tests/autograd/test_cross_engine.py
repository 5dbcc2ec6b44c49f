"""Value and Tensor agree: every shared activation and a composite expression, values and gradients."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given

from autograd import Tensor, Value, gradcheck
from autograd.rules import ELEMENTWISE
from tests.autograd.rule_cases import ELEMENTWISE_CASES
from tests.autograd.strategies import arrays, away_from_kinks, separated_leaves, shapes

# every one-input rule that both engines bind as a method, with the kinks its checks keep away from
ACTIVATIONS = {
    rule.name: ELEMENTWISE_CASES[rule.name]
    for rule in ELEMENTWISE
    if rule.arity == 1 and hasattr(Value, rule.name) and hasattr(Tensor, rule.name)
}


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_activation_agrees_between_engines_and_with_central_differences(name: str) -> None:
    case = ACTIVATIONS[name]

    @given(arrays(shapes(0, 2), low=case.low, high=case.high))
    def check(data: np.ndarray) -> None:
        assume(away_from_kinks(data, case.kinks))
        tensor = Tensor(data, requires_grad=True)
        out = getattr(tensor, name)()
        out.backward(np.ones(out.shape))
        scalars = [Value(float(x)) for x in data.ravel()]
        for scalar in scalars:
            getattr(scalar, name)().backward()
        expected = np.array([getattr(Value(float(x)), name)().data for x in data.ravel()]).reshape(data.shape)
        tolerance = 3e-7 if name == "gelu" else 1e-12  # Tensor gelu uses a 1.5e-7 erf approximation
        np.testing.assert_allclose(out.data, expected, rtol=1e-9, atol=tolerance)
        grads = np.array([s.grad for s in scalars]).reshape(data.shape)
        np.testing.assert_allclose(tensor.grad, grads, rtol=1e-6, atol=10 * tolerance)
        gradcheck(lambda t: getattr(t, name)(), [Tensor(data, requires_grad=True)])

    check()


@given(a=arrays((3,)), b=arrays((3,)))
def test_composite_expression_agrees_between_engines(a: np.ndarray, b: np.ndarray) -> None:
    def expression(x, y):  # works for a Value or a Tensor element-wise
        h = (x * y + 1.5).tanh() * x - (y / (x * x + 1.0)).sigmoid()
        return h * h + h.softplus() + (x - y).relu() * 0.5

    ta, tb = Tensor(a, requires_grad=True), Tensor(b, requires_grad=True)
    expression(ta, tb).sum().backward()
    for i in range(3):
        va, vb = Value(float(a[i])), Value(float(b[i]))
        out = expression(va, vb)
        out.backward()
        assert out.data == pytest.approx(
            float(expression(Tensor(a), Tensor(b)).data[i]), rel=1e-12, abs=1e-12
        )
        assert (va.grad, vb.grad) == pytest.approx(
            (float(ta.grad[i]), float(tb.grad[i])), rel=1e-9, abs=1e-12
        )


@given(x=separated_leaves((2, 3, 4)))
def test_prelu_maxout_softmax_gradients(x: Tensor) -> None:
    slopes = Tensor(np.array([0.1, 0.2, 0.3]), requires_grad=True)
    gradcheck(lambda t, w: t.prelu(w), [x, slopes])
    gradcheck(lambda t, w: t.prelu(w), [x, Tensor(np.array([0.25]), requires_grad=True)])
    gradcheck(lambda t: t.maxout(2, axis=-1), [x])
    assert x.maxout(2).shape == (2, 3, 2)
    gradcheck(lambda t: t.softmax(axis=1), [x])
    gradcheck(lambda t: t.log_softmax(axis=2), [x])


def test_maxout_and_prelu_errors() -> None:
    with pytest.raises(ValueError, match="not a multiple of pieces=3"):
        Tensor(np.ones((2, 4))).maxout(3)
    with pytest.raises(ValueError, match="3 slopes need inputs with 3 channels"):
        Tensor(np.ones((2, 4))).prelu(Tensor(np.ones(3)))
