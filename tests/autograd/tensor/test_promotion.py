"""Type promotion (autograd/tensor/promotion.py) is PyTorch's: the promote_types table written out here,
Tensors before 0-d Tensors before numbers, default floats, every binary op, where and cat."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import chainrule
from autograd import Tensor
from autograd.tensor.promotion import can_cast, promote_types, result_type
from tests.twin import T, check, dtype_name

TABLE = """
      bool  uint8   int8  int16  int32  int64  float16 float32 float64
bool  bool  uint8   int8  int16  int32  int64  float16 float32 float64
uint8 uint8 uint8   int16 int16  int32  int64  float16 float32 float64
int8  int8  int16   int8  int16  int32  int64  float16 float32 float64
int16 int16 int16   int16 int16  int32  int64  float16 float32 float64
int32 int32 int32   int32 int32  int32  int64  float16 float32 float64
int64 int64 int64   int64 int64  int64  int64  float16 float32 float64
float16 float16 float16 float16 float16 float16 float16 float16 float32 float64
float32 float32 float32 float32 float32 float32 float32 float32 float32 float64
float64 float64 float64 float64 float64 float64 float64 float64 float64 float64
"""
ROWS = [line.split() for line in TABLE.strip().splitlines()]
DTYPES = ROWS[0]
PROMOTED = {(row[0], column): row[i + 1] for row in ROWS[1:] for i, column in enumerate(DTYPES)}
CATEGORY = {"bool": 0, **dict.fromkeys(DTYPES[1:6], 1), **dict.fromkeys(DTYPES[6:], 2)}


def test_promote_types_is_pytorchs_table() -> None:
    for (a, b), expected in PROMOTED.items():
        assert str(promote_types(a, b)) == expected, (a, b)


def expected_dtype(operands: list[tuple[str, str]]) -> str:
    """The dtype PyTorch gives ``operands`` (group, dtype): dimensioned Tensors, then 0-d Tensors, then
    numbers (int64 / float32 for Python ints / floats), each lower group counting only when its category
    is higher, or when the higher group's result is bool."""
    results: list[str | None] = []
    for group in ("dim", "zero", "number"):
        found = None
        for kind, dtype in operands:
            if kind == group:
                found = dtype if found is None else PROMOTED[found, dtype]
        results.append(found)
    lower = results[2]
    for higher in (results[1], results[0]):
        if higher is None:
            continue
        if lower is not None and (higher == "bool" or CATEGORY[lower] > CATEGORY[higher]):
            lower = PROMOTED[higher, lower]
        else:
            lower = higher
    assert lower is not None
    return lower


def _operand(library: Any, kind: str, dtype: str, value: int) -> Any:
    if kind == "number":
        return {"bool": True, "int64": value}.get(dtype, float(value) + 0.5)
    data = np.full((2,) if kind == "dim" else (), value if dtype != "bool" else True).astype(dtype)
    return library.tensor(data.tolist(), dtype=getattr(library, dtype))


NUMBER_DTYPES = ["bool", "int64", "float32"]  # what True, 2 and 2.5 stand for
OPERATORS = {
    "+": lambda a, b: a + b,
    "-": lambda a, b: a - b,
    "*": lambda a, b: a * b,
    "/": lambda a, b: a / b,
    "**": lambda a, b: a**b,
    "//": lambda a, b: a // b,
    "%": lambda a, b: a % b,
}
operand = st.one_of(
    st.tuples(st.sampled_from(["dim", "zero"]), st.sampled_from(DTYPES)),
    st.tuples(st.just("number"), st.sampled_from(NUMBER_DTYPES)),
)


@given(first=operand, second=operand, op=st.sampled_from(sorted(OPERATORS)))
def test_every_binary_op_promotes_as_pytorch(
    first: tuple[str, str], second: tuple[str, str], op: str
) -> None:
    if first[0] == second[0] == "number":
        return  # two numbers are plain Python arithmetic
    promoted = expected_dtype([first, second])
    if op in ("//", "%", "**") and promoted == "bool":
        return  # PyTorch has no bool // % **: not a promotion question
    expected: Any = promoted if op not in ("/",) else ("float32" if CATEGORY[promoted] < 2 else promoted)
    if op == "-" and "bool" in (first[1], second[1]):
        expected = RuntimeError  # PyTorch refuses - with any bool operand, even one promoted to int

    def scenario(library: Any) -> Any:
        a, b = _operand(library, *first, value=3), _operand(library, *second, value=2)
        return dtype_name(OPERATORS[op](a, b).dtype)

    check(scenario, expected)


@given(first=operand, second=operand)
def test_where_and_cat_promote_as_pytorch(first: tuple[str, str], second: tuple[str, str]) -> None:
    if first[0] == second[0] == "number":
        return
    expected = expected_dtype([first, second])

    def picked(library: Any) -> Any:
        a, b = _operand(library, *first, value=3), _operand(library, *second, value=2)
        return dtype_name(library.where(library.tensor([True, False]), a, b).dtype)

    check(picked, expected)
    if "number" not in (first[0], second[0]) and "zero" not in (first[0], second[0]):

        def joined(library: Any) -> Any:
            a, b = _operand(library, *first, value=3), _operand(library, *second, value=2)
            return dtype_name(library.cat([a, b]).dtype)

        check(joined, expected)


def test_the_reviews_repros_give_pytorchs_numbers() -> None:
    def scenario(torch: Any) -> Any:
        mask = torch.tensor([True, False])
        return (
            torch.arange(5) * 0.1,
            torch.tensor([1, 2]) + 0.5,
            (torch.tensor([3, 4]) > 3) * 1.5,
            torch.where(mask, torch.tensor([1, 2]), 0.5),
            torch.arange(0, 8, 2) * (-math.log(1e4) / 8),
            torch.tensor([1.0, 2.0]) + torch.tensor([1, 2]),
            torch.cat([torch.tensor([1, 2]), torch.tensor([1.0, 2.0])]),
            torch.tensor([1, 2]) / torch.tensor([2, 4]),
            torch.tensor([7, -7]) // 2,
            torch.tensor([7, -7]) % 3,
            torch.tensor([1, 2]).exp(),
            torch.tensor([True, False]) + 1,
        )

    check(
        scenario,
        (
            T([0.0, 0.1, 0.2, 0.3, 0.4]),
            T([1.5, 2.5]),
            T([0.0, 1.5]),
            T([1.0, 0.5]),
            T([0.0, -2.3025851, -4.6051702, -6.9077554]),
            T([2.0, 4.0]),
            T([1.0, 2.0, 1.0, 2.0]),
            T([0.5, 0.5]),
            T([3, -4], "int64"),
            T([1, 2], "int64"),
            T([2.7182817, 7.389056]),
            T([2, 1], "int64"),
        ),
    )


def test_result_type_and_promote_types_are_exposed_with_pytorchs_names() -> None:
    assert chainrule.result_type(chainrule.tensor([1, 2]), 1.0) == np.float32
    assert chainrule.promote_types(chainrule.uint8, chainrule.int8) == np.int16
    assert result_type(1, 2.5) == np.float32 and result_type(True, 2) == np.int64
    assert can_cast(np.int64, np.float32) and not can_cast(np.float32, np.int64)
    assert not can_cast(np.int64, np.bool_) and can_cast(np.bool_, np.bool_)
    with pytest.raises(TypeError, match="uint16"):
        promote_types(np.uint16, np.int8)


def test_the_default_float_dtype_can_be_changed() -> None:
    try:
        chainrule.set_default_dtype(chainrule.float64)
        assert chainrule.get_default_dtype() == np.float64
        assert (chainrule.arange(3) * 0.5).dtype == np.float64
        assert chainrule.Tensor([1, 2]).dtype == np.float64
    finally:
        chainrule.set_default_dtype(chainrule.float32)
    with pytest.raises(TypeError, match="float16, float32 and float64"):
        chainrule.set_default_dtype(chainrule.int64)


def test_integer_division_by_zero_is_refused_as_in_pytorch() -> None:
    def scenario(torch: Any) -> Any:
        return torch.tensor([5, 6]) // torch.tensor([1, 0])

    check(scenario, RuntimeError)


def test_activations_of_integer_tensors_promote_to_float() -> None:
    """Reliability review S16."""
    out = Tensor(np.array([1, 2]), dtype=np.int64).sigmoid()
    assert out.dtype == np.float32 and np.allclose(out.data, [0.7310586, 0.8807971])
    assert (Tensor(np.array([1, 2]), dtype=np.int64) + 1).dtype == np.int64  # arithmetic stays integer
