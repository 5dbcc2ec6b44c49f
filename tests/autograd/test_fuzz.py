"""Fuzzing every op of both engines with extremes (±1e4, ±1e30, 0, ±inf, NaN; empty and 0-d arrays;
float32 and float64): no warning escapes, results are finite where the math is, NaN propagates, and
errors are the documented ones with their messages."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from autograd import Tensor, Value
from autograd.rules import ELEMENTWISE
from autograd.rules.elementwise import Elementwise
from autograd.tensor.record import elementwise as tensor_elementwise
from autograd.value import elementwise as value_elementwise
from nn import functional as F
from tests.autograd.rule_cases import ELEMENTWISE_CASES

EXTREMES = [0.0, -0.0, 1.0, -1.0, 1e4, -1e4, 1e30, -1e30, math.inf, -math.inf, math.nan]
PARAMS = {name: case.params for name, case in ELEMENTWISE_CASES.items()}
BOUNDED = {name for name, case in ELEMENTWISE_CASES.items() if case.bounded}
NAN_PASSES = {name for name in BOUNDED if name != "step"} | {"exp", "log", "sqrt"}


def extreme_arrays(dtype: type) -> st.SearchStrategy[np.ndarray]:
    shapes = hnp.array_shapes(min_dims=0, max_dims=2, min_side=0, max_side=3)
    return hnp.arrays(dtype, shapes, elements=st.sampled_from(EXTREMES).map(dtype))


def _run(rule: Elementwise, arrays: list[np.ndarray]) -> tuple[np.ndarray, list]:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        inputs = tuple(Tensor(a, requires_grad=True) for a in arrays)
        out = tensor_elementwise(rule, inputs, PARAMS.get(rule.name, ()))
        out.backward(np.ones(out.shape))
    return out.data, [t.grad for t in inputs]


@pytest.mark.parametrize("rule", ELEMENTWISE, ids=lambda rule: rule.name)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@settings(max_examples=25)
@given(data=st.data())
def test_tensor_rules_on_extremes(rule: Elementwise, dtype: type, data: st.DataObject) -> None:
    first = data.draw(extreme_arrays(dtype))
    arrays = [first] + ([data.draw(hnp.arrays(dtype, first.shape, elements=st.sampled_from(EXTREMES)))]
                        if rule.arity == 2 else [])  # fmt: skip
    out, grads = _run(rule, arrays)
    assert out.shape == first.shape and all(g is None or g.shape == first.shape for g in grads)
    if rule.name in BOUNDED:
        finite = np.isfinite(first)
        assert np.isfinite(out[finite]).all() and np.isfinite(grads[0][finite]).all()
    if rule.name in NAN_PASSES:
        assert np.isnan(out[np.isnan(first)]).all()


DOMAIN_ERRORS = {"log", "sqrt", "div", "pow", "floor_divide", "remainder"}


@pytest.mark.parametrize("rule", [r for r in ELEMENTWISE if r.params <= 1], ids=lambda rule: rule.name)
def test_value_rules_on_extremes(rule: Elementwise) -> None:
    params = PARAMS.get(rule.name, ())
    for x in EXTREMES:
        for y in EXTREMES if rule.arity == 2 else [None]:
            points = [Value(x)] + ([] if y is None else [Value(y)])
            with warnings.catch_warnings():
                warnings.simplefilter("error")
                try:
                    out = value_elementwise(rule, tuple(points), params)
                except (ValueError, ZeroDivisionError) as error:  # Value's documented domain errors
                    assert rule.name in DOMAIN_ERRORS and str(error)
                    continue
                out.backward()
            if rule.name in BOUNDED and math.isfinite(x):
                assert math.isfinite(out.data) and math.isfinite(points[0].grad), (rule.name, x)
            if rule.name in NAN_PASSES and math.isnan(x):
                assert math.isnan(out.data), rule.name


@settings(max_examples=40)
@given(logits=hnp.arrays(np.float32, (3, 4), elements=st.sampled_from([0.0, 1.0, -1e4, 1e4, 1e30, -1e30])))
def test_stable_structural_ops_stay_finite_on_finite_extremes(logits: np.ndarray) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for make in (
            lambda z: z.softmax(axis=1).sum(),
            lambda z: z.log_softmax(axis=1).sum(),
            lambda z: F.cross_entropy(z, np.array([0, 1, 3])),
            lambda z: F.binary_cross_entropy_with_logits(z, np.ones((3, 4), np.float32)),
            lambda z: z.max(axis=1).sum() + z.min() + z.mean(),
        ):
            z = Tensor(logits, requires_grad=True)
            out = make(z)
            out.backward()
            assert np.isfinite(out.data).all() and np.isfinite(z.grad).all()


def test_empty_and_0d_inputs_reduce_without_warnings() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        empty = Tensor(np.zeros((0, 3)), requires_grad=True)
        assert np.isnan(empty.mean().item()) and empty.sum().item() == 0.0
        (empty.sum(axis=0) + empty.mean(axis=0)).sum().backward()
        assert empty.grad.shape == (0, 3)
        scalar = Tensor(np.array(2.0), requires_grad=True)
        (scalar.exp() * scalar).backward()
        assert scalar.grad.shape == ()
    with pytest.raises(ValueError, match="max of an empty Tensor"):
        empty.max()
