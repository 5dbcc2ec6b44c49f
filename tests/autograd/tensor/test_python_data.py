"""Python numbers and nested lists given to tensor() and full() (autograd/tensor/python_data.py): dtypes
inferred as PyTorch's; the data PyTorch refuses is refused with its kind of error."""

from __future__ import annotations

import warnings
from typing import Any

import pytest

from tests.twin import check

# -- Second reliability review, S10, K10, W5, C12: tensor() infers, refuses and stays silent as PyTorch ------


@pytest.mark.parametrize(
    "data",
    [2**64, 2**63, -(2**63) - 1, [1, 2**63], [1.5, 2**64], [1, 2**62], 1e40, [1e40, 1.0], [True, 2]],
    ids=repr,
)
def test_tensor_of_python_numbers(data: Any) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no NumPy overflow warning: PyTorch is silent
        check(lambda t: t.tensor(data))


RAGGED = {
    "[[1], [2, 3]]": ([[1], [2, 3]], "expected sequence of length 1 at dim 1 (got 2)"),
    "[[1, 2], [3, 4], [5]]": ([[1, 2], [3, 4], [5]], "expected sequence of length 2 at dim 1 (got 1)"),
    "deep": ([[[1, 2], [3, 4]], [[5, 6], [7]]], "expected sequence of length 2 at dim 2 (got 1)"),
}


@pytest.mark.parametrize("case", RAGGED)
def test_a_ragged_list_is_a_value_error_naming_where(case: str) -> None:
    data, where = RAGGED[case]
    ours = check(lambda t: t.tensor(data), ValueError)
    assert where in ours[2]


def test_numbers_beside_lists_are_a_value_error_naming_the_dim() -> None:
    import chainrule

    with pytest.raises(ValueError, match="at dim 1, numbers and sequences are mixed"):
        chainrule.tensor([[1], 2])  # PyTorch: TypeError 'not a sequence'


NUMBERS = [-1.0, -0.5, 255.5, 256.0, -255, -256, 2147483647.5, 2**31, -(2**31) - 1, 9.2e18, 9.3e18]
NUMBERS += [2**63 - 1, -(2**63), 2**63, 2**64 - 1, 1e40, float("nan"), float("inf"), 1.5, True]
DTYPES = ["uint8", "int8", "int16", "int32", "int64", "bool", "float16", "float32", "float64", None]


FACTORIES = {
    "tensor": lambda t, number, kind: t.tensor(number, dtype=kind),
    "list": lambda t, number, kind: t.tensor([0, number], dtype=kind),
    "full": lambda t, number, kind: t.full((1,), number, dtype=kind),
}


@pytest.mark.parametrize("factory", FACTORIES)
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("number", NUMBERS, ids=repr)
def test_numbers_an_integer_dtype_cannot_hold_are_refused(
    factory: str, number: Any, dtype: str | None
) -> None:
    """tensor(300, dtype=uint8), tensor([nan], dtype=int64) and full((1,), 1e10, dtype=int32) are errors
    in PyTorch (an unsigned dtype takes ints down to -max); float and bool dtypes take any number, except
    that full() refuses a finite number beyond float32's range in float32."""

    def scenario(t: Any) -> Any:
        return FACTORIES[factory](t, number, None if dtype is None else getattr(t, dtype))

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no NumPy cast warning where PyTorch is silent
        check(scenario)


@pytest.mark.parametrize("number", [2**64, -(2**63) - 1], ids=repr)
def test_full_of_an_int_beyond_64_bits_is_an_overflow_error(number: int) -> None:
    check(lambda t: t.full((1,), number, dtype=t.float32), OverflowError)


@pytest.mark.parametrize("data", [None, [1, None], [[1.5], [None]], {1: 2}], ids=repr)
def test_data_that_is_not_numbers_names_its_type(data: Any) -> None:
    check(lambda t: t.tensor(data), RuntimeError)
