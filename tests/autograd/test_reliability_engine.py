"""Regression tests for the engine findings of the reliability review (../shared/reviews/reliability.md):
each test names its finding, and fails on the code the review probed."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

from autograd import Tensor, Value, concatenate, stack


def test_s1_every_advanced_index_form_accumulates_repeats() -> None:
    for index, expected in [
        (((0, 0),), [2.0, 0.0, 0.0]),
        ([0, 0, 2], [2.0, 0.0, 1.0]),
        (np.array([1, 1]), [0.0, 2.0, 0.0]),
        ((range(0, 1),), [1.0, 0.0, 0.0]),
    ]:
        x = Tensor(np.array([1.0, 2.0, 3.0]), requires_grad=True)
        x[index].sum().backward()
        assert x.grad.tolist() == expected, index
    a = Tensor(np.arange(6.0).reshape(2, 3), requires_grad=True)
    a[:, (0, 0)].sum().backward()
    assert a.grad.tolist() == [[2.0, 0.0, 0.0], [2.0, 0.0, 0.0]]


def test_s6_concatenate_and_stack_take_every_element_of_a_generator() -> None:
    assert concatenate(Tensor([1.0]) for _ in range(3)).shape == (3,)
    assert stack(Tensor([1.0]) for _ in range(3)).shape == (3, 1)


def test_s7_gelu_engines_agree_with_the_exact_formula() -> None:
    x = -5.0
    exact = x * 0.5 * (1 + math.erf(x / math.sqrt(2)))
    assert Tensor(np.array([x])).gelu().data[0] == pytest.approx(exact, rel=1e-12)
    assert Value(x).gelu().data == pytest.approx(exact, rel=1e-12)


def test_s8_max_and_min_send_the_gradient_where_pytorch_does() -> None:
    x = Tensor(np.array([1.0, np.nan, 3.0]), requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        x.max().backward()
    assert x.grad.tolist() == [0.0, 1.0, 0.0]
    ties = Tensor(np.array([[2.0, 5.0, 5.0], [7.0, 7.0, 1.0]]), requires_grad=True)
    ties.max(axis=1).sum().backward()  # along one axis: the first maximum, like torch.max(dim)
    assert ties.grad.tolist() == [[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]]
    ties.grad = None
    ties.max().backward()  # over everything: tied maxima share, like torch.max()
    assert ties.grad.tolist() == [[0.0, 0.0, 0.0], [0.5, 0.5, 0.0]]
    low = Tensor(np.array([3.0, 1.0, 1.0]), requires_grad=True)
    low.min(axis=0).backward()
    assert low.grad.tolist() == [0.0, 1.0, 0.0]


def test_s9_pow_at_zero_to_the_zero_has_gradient_zero() -> None:
    x = Tensor(np.array([0.0]), requires_grad=True)
    (x**0).sum().backward()
    assert x.grad.tolist() == [0.0]


def test_s10_flatten_checks_its_axes() -> None:
    t = Tensor(np.ones((2, 3)))
    with pytest.raises(IndexError, match=r"flatten\(\): dim 5 is out of range"):
        t.flatten(5)
    with pytest.raises(RuntimeError, match="start_dim 1 comes after end_dim 0 in"):
        t.flatten(1, 0)
    assert t.flatten(-2).shape == (6,)


def test_s11_c9_tensor_speaks_python_and_numpy() -> None:
    assert bool(Tensor([0.0])) is False and bool(Tensor(2.0)) is True
    with pytest.raises(ValueError, match="ambiguous"):
        bool(Tensor([0.0, 0.0]))
    assert float(Tensor([2.5])) == 2.5 and int(Tensor(np.array([[3.0]]))) == 3
    assert f"{Tensor(2.0):.2f}" == "2.00"
    array = np.asarray(Tensor(np.array([[1.0, 2.0]])))
    assert array.dtype == np.float64 and array.tolist() == [[1.0, 2.0]]
    assert isinstance(np.ones(2) + Tensor(np.ones(2), requires_grad=True), Tensor)
    with pytest.raises(TypeError, match="0-d Tensor"):
        iter(Tensor(1.0))
    rows = list(Tensor(np.arange(4.0).reshape(2, 2), requires_grad=True))
    assert [r.data.tolist() for r in rows] == [[0.0, 1.0], [2.0, 3.0]] and rows[0].requires_grad


def test_s15_relu_keeps_nan_on_both_engines() -> None:
    assert math.isnan(Value(float("nan")).relu().data)
    assert np.isnan(Tensor(np.array([np.nan])).relu().data[0])


def test_s17_an_integer_cast_leaves_the_graph() -> None:
    a = Tensor(np.array([1.5, 2.5]), requires_grad=True)
    cast = a.astype(np.int32)
    assert cast.dtype == np.int32 and not cast.requires_grad


def test_s21_detach_keeps_the_dtype() -> None:
    assert Tensor(np.ones(2), dtype=np.float16).detach().dtype == np.float16


def test_c4_value_power_overflows_to_infinity() -> None:
    assert Value(1e200) ** 2 == math.inf or (Value(1e200) ** 2).data == math.inf
    assert (Value(10.0) ** 400).data == math.inf
    assert (2.0 ** Value(2000.0)).data == math.inf
    assert (Value(1e-320) ** -2).data == math.inf
    assert (Value(-10.0) ** 401).data == -math.inf


def test_c6_softmax_of_an_empty_axis_is_empty() -> None:
    x = Tensor(np.zeros((2, 0)), requires_grad=True)
    assert x.softmax().shape == (2, 0) and x.log_softmax().shape == (2, 0)


def test_c7_a_bad_join_axis_is_named() -> None:
    with pytest.raises(IndexError, match=r"stack\(\): dim 5 is out of range"):
        stack([Tensor([1.0]), Tensor([1.0])], axis=5)
    with pytest.raises(IndexError, match=r"concatenate\(\): dim 5 is out of range"):
        concatenate([Tensor([1.0]), Tensor([1.0])], axis=5)


def test_c8_transpose_accepts_negative_axes() -> None:
    x = Tensor(np.ones((2, 3)), requires_grad=True)
    assert x.transpose(-1, -2).shape == (3, 2) and x.permute(-1, 0).shape == (3, 2)


@pytest.mark.parametrize(
    "probe",
    [
        lambda: Tensor([1.0]) / 0,
        lambda: Tensor([1000.0]).exp() * 0,
        lambda: Tensor(np.zeros(0)).mean(),
        lambda: Tensor(np.array([[np.inf, 1.0], [-np.inf, -np.inf]])).softmax(),
        lambda: Tensor(np.array([1e30], np.float32), requires_grad=True).gelu().sum().backward(),
        lambda: Tensor(np.array([np.inf, np.nan]), requires_grad=True).softplus().sum().backward(),
        lambda: _backward(lambda t: (t / Tensor([0.0])).sum()),
        lambda: _backward(lambda t: t.log().sum(), 0.0),
    ],
)
def test_n_no_numpy_warning_escapes(probe) -> None:  # type: ignore[no-untyped-def]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        probe()


def _backward(function, value: float = 1.0) -> None:  # type: ignore[no-untyped-def]
    t = Tensor(np.array([value]), requires_grad=True)
    function(t).backward()


def test_s16_activations_of_integer_tensors_promote_to_float() -> None:
    out = Tensor(np.array([1, 2]), dtype=np.int64).sigmoid()
    assert out.dtype == np.float32 and np.allclose(out.data, [0.7310586, 0.8807971])
    assert (Tensor(np.array([1, 2]), dtype=np.int64) + 1).dtype == np.int64  # arithmetic stays integer


def test_s19_backward_through_a_no_grad_value_is_refused() -> None:
    x = Value(3.0)
    from autograd import no_grad

    with no_grad():
        y = x * x
    with pytest.raises(RuntimeError, match="computed under no_grad"):
        y.backward()
    Value(1.0).backward()  # a real leaf still works


def test_s21_every_float_dtype_survives() -> None:
    import nn

    assert nn.Linear(2, 2, dtype=np.float16).weight.dtype == np.float16
    norm = nn.BatchNorm1d(2, dtype=np.float64)
    out = norm(Tensor(np.array([[1.0, 2.0], [3.0, 5.0]])))
    assert out.dtype == np.float64 and norm.running_mean.dtype == np.float64
    assert Tensor(np.float64(2.0)).dtype == np.float64


def test_k3_value_converts_like_a_number() -> None:
    assert float(Value(2.5)) == 2.5 and not Value(0.0) and Value(-1.0)
    assert Value(1.0) < Value(2.0) and Value(2.0) >= 2.0


def test_c10_value_arguments_are_named() -> None:
    with pytest.raises(TypeError, match=r"takes a real number, got ndarray"):
        Value(np.array(1j))
    with pytest.raises(TypeError, match=r"got Tensor.*use \.item\(\)"):
        Value(Tensor([1.0, 2.0]))
    assert Value(Tensor(2.0)).data == 2.0  # a one-element Tensor converts, as float() does
    with pytest.raises(TypeError, match=r"leaky_relu\(slope\) takes a real number, got str"):
        Value(-1.0).leaky_relu("a")  # type: ignore[arg-type]
