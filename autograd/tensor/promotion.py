"""PyTorch's type promotion, in one place: which dtype an op on mixed operands gives (``result_type``),
the default float dtype, and which results an in-place op may cast back (``can_cast``).

Operands rank in three groups: Tensors with dimensions, 0-d Tensors, then Python (and NumPy) numbers. A
lower group changes the dtype only when its category (bool < integer < float) is higher, so
``int64 Tensor * 0.1`` is float32 and ``float32 Tensor + float64 0-d Tensor`` stays float32. Within a
category the wider dtype wins; an integer with a float is that float (NumPy would widen int64 + float32
to float64; PyTorch does not).
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

_BOOL, _INTEGER, _FLOAT = 0, 1, 2
_WIDE_UNSIGNED = frozenset(np.dtype(t) for t in (np.uint16, np.uint32, np.uint64))
_DEFAULT = [np.dtype(np.float32)]
_FLOATS = frozenset(np.dtype(t) for t in (np.float16, np.float32, np.float64))


def get_default_dtype() -> np.dtype:
    """The float dtype of Python floats in Tensors and of integer results promoted to float (float32)."""
    return _DEFAULT[0]


def float_dtype(dtype: Any) -> np.dtype:
    """``dtype``, or the default float dtype when it is None: what factories and layers make."""
    return _DEFAULT[0] if dtype is None else np.dtype(dtype)


def set_default_dtype(dtype: Any) -> None:
    """Change the default float dtype (float16, float32 or float64), as ``torch.set_default_dtype``."""
    chosen = np.dtype(dtype)
    if chosen not in _FLOATS:
        raise TypeError(f"set_default_dtype: only float16, float32 and float64 are allowed, got {chosen}")
    _DEFAULT[0] = chosen


def category(dtype: np.dtype) -> int:
    """0 for bool, 1 for integers, 2 for floats: the order in which kinds outrank each other."""
    kind = dtype.kind
    if kind == "b":
        return _BOOL
    if kind in "iu":
        return _INTEGER
    if kind == "f":
        return _FLOAT
    raise TypeError(f"chainrule Tensors hold bools, integers or floats, not {dtype}")


def promote_types(a: Any, b: Any) -> np.dtype:
    """The smallest dtype both ``a`` and ``b`` fit in, by PyTorch's table (``torch.promote_types``)."""
    first, second = np.dtype(a), np.dtype(b)
    if first == second:
        return first
    first_kind, second_kind = category(first), category(second)
    if first_kind == _FLOAT or second_kind == _FLOAT:
        if first_kind == second_kind:
            return first if first.itemsize >= second.itemsize else second
        return first if first_kind == _FLOAT else second
    if first in _WIDE_UNSIGNED or second in _WIDE_UNSIGNED:
        raise TypeError(
            f"promotion of {first} with {second} is not supported (PyTorch promotes uint16, uint32 and "
            "uint64 only with themselves and floats)"
        )
    return np.promote_types(first, second)  # NumPy's lattice of bools and integers is PyTorch's


def number_dtype(value: Any) -> np.dtype:
    """The dtype a Python or NumPy number takes beside Tensors: bool, int64 or the default float."""
    if isinstance(value, (bool, np.bool_)):
        return np.dtype(np.bool_)
    if isinstance(value, numbers.Integral):
        return np.dtype(np.int64)
    if isinstance(value, numbers.Real):
        return _DEFAULT[0]
    raise TypeError(f"expected a Tensor or a real number, got {type(value).__name__}")


def _combine(higher: np.dtype | None, lower: np.dtype | None) -> np.dtype | None:
    """The higher-ranked group's dtype, unless the lower group's category is higher (PyTorch's rule)."""
    if higher is None or lower is None:
        return lower if higher is None else higher
    if higher.kind == "b" or category(lower) > category(higher):
        return promote_types(higher, lower)
    return higher


def result_type(*operands: Any) -> np.dtype:
    """The dtype of an elementwise op on ``operands`` (Tensors, arrays, numbers): ``torch.result_type``."""
    dimensioned: np.dtype | None = None
    zero_dim: np.dtype | None = None
    wrapped: np.dtype | None = None
    for operand in operands:
        dtype = getattr(operand, "dtype", None)
        if dtype is None or isinstance(operand, np.generic):
            number = number_dtype(operand)
            wrapped = number if wrapped is None else promote_types(wrapped, number)
        elif np.ndim(operand):
            dimensioned = dtype if dimensioned is None else promote_types(dimensioned, dtype)
        else:
            zero_dim = dtype if zero_dim is None else promote_types(zero_dim, dtype)
    found = _combine(dimensioned, _combine(zero_dim, wrapped))
    if found is None:
        raise ValueError("result_type needs at least one operand")
    return found


def floating(dtype: np.dtype) -> np.dtype:
    """``dtype`` if it is a float, else the default float: the result of /, exp, sigmoid... on integers."""
    return dtype if dtype.kind == "f" else _DEFAULT[0]


def can_cast(source: Any, target: Any) -> bool:
    """Whether an in-place op may write a ``source`` result into a ``target`` Tensor (PyTorch's rule:
    never a float into an integer or bool Tensor, nor a number into a bool one)."""
    source_kind, target_kind = category(np.dtype(source)), category(np.dtype(target))
    if source_kind == _FLOAT and target_kind != _FLOAT:
        return False
    return not (target_kind == _BOOL and source_kind != _BOOL)
