"""Reductions (autograd/tensor/reductions.py) as PyTorch's: var and std unbiased by default, with
unbiased= and correction=, their gradients, warnings and refusals; all and any with dim."""

from __future__ import annotations

import warnings
from typing import Any

import pytest

import chainrule as torch
from tests.twin import T, check

MATRIX = [[1.0, 2.0], [3.0, 4.0]]


# -- Second reliability review, S5: var / std unbiased by default, with unbiased= and correction= ------------


@pytest.mark.parametrize(
    ("call", "expected"),
    [
        (lambda t, a: t.var(a), T(5 / 3)),
        (lambda t, a: t.var(a, dim=0), T([2.0, 2.0])),
        (lambda t, a: t.var(a, unbiased=False), T(1.25)),
        (lambda t, a: t.var(a, correction=0), T(1.25)),
        (lambda t, a: t.var(a, False), T(1.25)),
        (lambda t, a: a.var(1, keepdim=True), T([[0.5], [0.5]])),
        (lambda t, a: a.std(), T((5 / 3) ** 0.5)),
        (lambda t, a: t.std(a, dim=1, correction=0), T([0.5, 0.5])),
    ],
)
def test_var_and_std_are_unbiased_by_default(call: Any, expected: T) -> None:
    check(lambda t: call(t, t.tensor(MATRIX)), expected)


@pytest.mark.parametrize("reduce", [lambda a: a.var(0), lambda a: a.std(1), lambda a: a.var(correction=0)])
def test_var_and_std_gradients_match(reduce: Any) -> None:
    def scenario(t: Any) -> Any:
        a = t.tensor(MATRIX, dtype=t.float64, requires_grad=True)
        reduce(a).sum().backward()
        return a.grad

    check(scenario)


def test_var_of_one_element_is_nan_with_a_warning() -> None:
    def scenario(t: Any) -> Any:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            value = t.tensor([1.0]).var()
        return value, len(caught)

    check(scenario, (T(float("nan")), 1))


def test_var_takes_one_way_of_giving_the_correction() -> None:
    import chainrule

    with pytest.raises(TypeError, match="got unbiased and correction"):
        chainrule.tensor(MATRIX).var(unbiased=True, correction=0)


@pytest.mark.parametrize("reduce", [lambda t, a: a.var(), lambda t, a: t.std(a, 0)])
def test_var_and_std_of_an_integer_tensor_are_refused(reduce: Any) -> None:
    check(lambda t: reduce(t, t.tensor([[1, 2], [3, 5]])), RuntimeError)


@pytest.mark.parametrize("op", ["var", "std"])
@pytest.mark.parametrize("shape", [(0,), (0, 3), (1,)], ids=str)
def test_var_and_std_without_degrees_of_freedom_warn_once_under_their_name(op: str, shape: Any) -> None:
    """NaN with PyTorch's one UserWarning naming the op; NumPy's 'Mean of empty slice' leaked beside it."""

    def scenario(t: Any) -> Any:
        x = t.zeros(shape, dtype=t.float64, requires_grad=True)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            value = getattr(x, op)(0)
            value.sum().backward()
        names = [str(w.message).split("(")[0] for w in caught]
        return value, x.grad, names

    check(scenario)


def test_all_and_any_take_dim() -> None:
    x = torch.tensor([[1, 0], [1, 1]])
    assert x.all(dim=1).tolist() == [False, True] and x.any(dim=0, keepdim=True).shape == (1, 2)
    assert bool(x.any()) and not bool(x.all())
