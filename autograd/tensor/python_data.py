"""Python numbers and nested lists as PyTorch's factories take them (``tensor``, ``full``): the dtype
inferred, and the data PyTorch refuses (None, ragged lists, ints beyond int64, numbers an integer dtype
cannot hold) refused with its kind of error instead of being wrapped or rounded."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np

from autograd.tensor.promotion import get_default_dtype

_OVERFLOW = "Overflow when unpacking long long (an int does not fit int64)"


def as_array(data: Any, op: str) -> np.ndarray:
    """``data`` (numbers, bools, nested lists, arrays) as a NumPy array, or PyTorch's error naming what is
    not a number in a grid."""
    try:
        values = np.array(data)
    except ValueError as error:
        raise ValueError(f"{op}: the nested lists do not form a grid: {_ragged(data)}") from error
    if values.dtype.kind == "O":
        for item in _leaves(data):
            if not isinstance(item, (int, float, np.number, np.bool_)):
                raise RuntimeError(f"{op}: Could not infer dtype of {type(item).__name__}")
    elif values.dtype.kind not in "biuf":
        raise TypeError(f"{op}: data must be numbers or bools, got dtype {values.dtype}")
    return values


def inferred_dtype(values: np.ndarray, data: Any, op: str) -> np.dtype:
    """PyTorch's dtype for ``data``: a NumPy array or scalar (or a Tensor) keeps its own; Python bools give
    bool, ints int64 (one beyond int64 is PyTorch's overflow error), floats the default float dtype."""
    if isinstance(data, (np.ndarray, np.generic)):
        return values.dtype
    kind = values.dtype.kind
    if kind in "bi":
        return np.dtype(np.bool_ if kind == "b" else np.int64)
    if kind == "f" and not _beyond_int64_magnitude(values):
        return get_default_dtype()
    # NumPy chose uint64, float64 or object for an int beyond int64: all floats beside a Python float
    if any(isinstance(item, float) for item in _leaves(data)):
        return get_default_dtype()
    raise ValueError(f"{op}: {_OVERFLOW}")


def check_unpacks(values: np.ndarray, data: Any, dtype: Any, op: str) -> None:
    """PyTorch's overflow error for a Python int beyond int64 meant for an integer dtype (uint64 aside):
    ``tensor()`` unpacks every int as a C long long first."""
    target, kind = np.dtype(dtype), values.dtype.kind
    if target.kind not in "iu" or target == np.uint64:
        return
    may_be_huge = kind in "uO" or (kind == "f" and _beyond_int64_magnitude(values))
    if may_be_huge and any(_beyond_int64(item) for item in _leaves(data)):
        raise ValueError(f"{op}: {_OVERFLOW}")


def check_fits(values: np.ndarray, dtype: Any, op: str) -> None:
    """PyTorch's refusal of numbers that an integer dtype cannot hold: NaN, inf, or outside the dtype's
    range (an unsigned dtype takes ints down to -max, wrapping as PyTorch does). Float and bool dtypes take
    any number (1e40 in float32 is inf). Floats and ints mixed in one list are judged as floats."""
    target, kind = np.dtype(dtype), values.dtype.kind
    if target.kind not in "iu" or kind == "b" or not values.size:
        return
    info = np.iinfo(target)
    if kind in "fO":
        numbers = values.astype(np.float64)
        top = float(info.max)  # for int64 this rounds up to 2**63, which no longer fits
        too_high = numbers > top if top == info.max else numbers >= top
        bad = ~np.isfinite(numbers) | (numbers < info.min) | too_high
    else:
        low = -int(info.max) if info.min == 0 else int(info.min)
        bad = (values < low) | (values > info.max)
    if bad.any():
        raise RuntimeError(f"{op}: value cannot be converted to type {target} without overflow")


def fill_value(number: Any, dtype: Any, op: str) -> tuple[np.ndarray, np.dtype]:
    """A fill value (``full``) and its dtype, as PyTorch takes a scalar: a NumPy scalar counts as a Python
    number, an int must fit 64 bits (OverflowError), one in [2**63, 2**64) is int64 too (and so refused by
    integer dtypes), and float32 refuses a finite number beyond its range (float16 overflows to inf)."""
    if isinstance(number, np.generic):
        number = number.item()
    if isinstance(number, int) and not -(2**63) <= number < 2**64:
        raise OverflowError(f"{op}: int too big to convert ({number} does not fit 64 bits)")
    value = as_array(number, op)
    if dtype is not None:
        kind = np.dtype(dtype)
    elif isinstance(number, int) and number >= 2**63:
        kind = np.dtype(np.int64)
    else:
        kind = inferred_dtype(value, number, op)
    check_fits(value, kind, op)
    if kind == np.float32 and np.isfinite(value).all() and (np.abs(value) > np.finfo(np.float32).max).any():
        raise RuntimeError(f"{op}: value cannot be converted to type float32 without overflow ({number})")
    return value, kind


def _beyond_int64(item: Any) -> bool:
    return isinstance(item, int) and not isinstance(item, bool) and not -(2**63) <= item < 2**63


def _beyond_int64_magnitude(values: np.ndarray) -> bool:
    with np.errstate(invalid="ignore"):
        return bool((np.abs(values) >= 2.0**63).any())


def _ragged(data: Any) -> str:
    """Where nested lists stop being a grid, in PyTorch's words ("expected sequence of length 1 at dim 1
    (got 2)"), level by level from the outside."""
    level, dim = [data], 0
    while level:
        sequences = [item for item in level if isinstance(item, (list, tuple)) or np.ndim(item) > 0]
        if sequences and len(sequences) < len(level):
            return f"at dim {dim}, numbers and sequences are mixed"
        if not sequences:
            break
        length = len(sequences[0])
        for item in sequences:
            if len(item) != length:
                return f"expected sequence of length {length} at dim {dim} (got {len(item)})"
        level, dim = [inner for item in sequences for inner in item], dim + 1
    return "the lengths do not line up"


def _leaves(data: Any) -> Iterator[Any]:
    """The numbers (or other leaves) of nested lists and tuples, in order."""
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, (list, tuple)):
            stack.extend(reversed(item))
        else:
            yield item
