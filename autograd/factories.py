"""Tensor factories with PyTorch's names and dtype rules: ``tensor([1, 2])`` is int64, ``tensor([1.5])``
and ``arange(0.0, 1.0, 0.1)`` are float32, a NumPy array keeps its dtype; every factory takes ``dtype=``
and (for floats) ``requires_grad=``. Random ones draw from the default source (``manual_seed``)."""

from __future__ import annotations

from typing import Any

import numpy as np

from autograd.random import Rng, as_generator, sizes
from autograd.tensor import Tensor

float16, float32, float64, bool_ = np.float16, np.float32, np.float64, np.bool_
uint8, int8, int16, int32, int64, long = np.uint8, np.int8, np.int16, np.int32, np.int64, np.int64


def _dtype_of(values: np.ndarray, data: Any) -> np.dtype:
    """PyTorch's inference: a NumPy array or scalar, or a Tensor, keeps its dtype; Python bools give
    bool, ints int64 (one that does not fit is an error, not a wrapped number), floats float32."""
    kind = values.dtype.kind
    if kind == "O" and _holds(data, float):  # floats beside an int beyond int64: all floats, as PyTorch
        return np.dtype(np.float32)
    if kind not in "biuf":
        if kind == "O" and _holds(data, int):
            raise ValueError("tensor: Overflow when unpacking long long (an int does not fit int64)")
        raise TypeError(f"tensor: data must be numbers or bools, got dtype {values.dtype}")
    if isinstance(data, (np.ndarray, np.generic, Tensor)):
        return values.dtype
    if kind == "b":
        return np.dtype(np.bool_)
    too_big = values.size and kind in "uf" and np.abs(values).max() >= 2.0**63
    if too_big and not _holds(data, float):  # ints only, one beyond int64 (NumPy chose uint64 or float)
        raise ValueError("tensor: Overflow when unpacking long long (an int does not fit int64)")
    return np.dtype(np.int64 if kind in "iu" else np.float32)


def _holds(data: Any, kind: type) -> bool:
    """Whether nested lists ``data`` hold a Python number of ``kind`` (int: bools not counted)."""
    if isinstance(data, (list, tuple)):
        return any(_holds(item, kind) for item in data)
    return isinstance(data, kind) and not isinstance(data, bool)


def _make(values: np.ndarray, dtype: Any, requires_grad: bool) -> Tensor:
    return Tensor(values, requires_grad=requires_grad, dtype=values.dtype if dtype is None else dtype)


def tensor(data: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """A new Tensor holding a copy of ``data`` (numbers, nested lists, arrays or a Tensor)."""
    source = data._data if isinstance(data, Tensor) else data
    try:
        values = np.array(source)
    except ValueError as error:
        raise ValueError(f"tensor: the nested lists do not form a grid (ragged lengths?): {error}") from error
    inferred = _dtype_of(values, data)  # checks the data even when dtype is given
    with np.errstate(all="ignore"):  # 1e40 in float32 is inf, silently, as in PyTorch
        # straight to the dtype asked for: through float32 first, a float64 tensor would lose digits
        return _make(values.astype(inferred if dtype is None else dtype, copy=False), None, requires_grad)


def zeros(*size: Any, dtype: Any = np.float32, requires_grad: bool = False) -> Tensor:
    return _make(np.zeros(sizes(size), dtype), None, requires_grad)


def ones(*size: Any, dtype: Any = np.float32, requires_grad: bool = False) -> Tensor:
    return _make(np.ones(sizes(size), dtype), None, requires_grad)


def full(size: Any, fill_value: float, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """``size`` filled with ``fill_value``: int64 for an int, bool for a bool, float32 otherwise."""
    inferred = _dtype_of(np.array(fill_value), fill_value) if dtype is None else dtype
    return _make(np.full(sizes((size,)), fill_value, inferred), None, requires_grad)


def zeros_like(x: Tensor, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    return _make(np.zeros(x.shape, x.dtype if dtype is None else dtype), None, requires_grad)


def ones_like(x: Tensor, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    return _make(np.ones(x.shape, x.dtype if dtype is None else dtype), None, requires_grad)


def arange(
    start: float, end: float | None = None, step: float = 1, dtype: Any = None, requires_grad: bool = False
) -> Tensor:
    """``arange(12)`` is int64 0..11; with any float argument the values are float32."""
    if end is None:
        start, end = 0, start
    if step == 0:
        raise RuntimeError("arange: step must be nonzero")
    integral = all(isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in (start, end, step))
    inferred = (np.int64 if integral else np.float32) if dtype is None else dtype
    return _make(np.arange(start, end, step).astype(inferred), None, requires_grad)


def linspace(
    start: float, end: float, steps: int, dtype: Any = np.float32, requires_grad: bool = False
) -> Tensor:
    return _make(np.linspace(start, end, steps).astype(dtype), None, requires_grad)


def eye(n: int, m: int | None = None, dtype: Any = np.float32, requires_grad: bool = False) -> Tensor:
    return _make(np.eye(n, m, dtype=dtype), None, requires_grad)


def randn(*size: Any, dtype: Any = np.float32, requires_grad: bool = False, generator: Rng = None) -> Tensor:
    """Standard normal samples (a floating dtype: PyTorch has no integer normal either)."""
    kind = _sampled_dtype("randn", dtype)
    return _make(as_generator(generator).standard_normal(sizes(size)).astype(kind), None, requires_grad)


def rand(*size: Any, dtype: Any = np.float32, requires_grad: bool = False, generator: Rng = None) -> Tensor:
    """Uniform samples in [0, 1) (a floating dtype, as in PyTorch)."""
    kind = _sampled_dtype("rand", dtype)
    return _make(as_generator(generator).random(sizes(size)).astype(kind), None, requires_grad)


def _sampled_dtype(op: str, dtype: Any) -> np.dtype:
    """``dtype`` for samples of a continuous distribution; an integer one would truncate every sample."""
    kind = np.dtype(dtype)
    if kind.kind != "f":
        raise NotImplementedError(f"{op}: samples of dtype {kind} are not supported (use a float dtype)")
    return kind


def randint(
    *args: Any,
    size: Any = None,
    low: int | None = None,
    high: int | None = None,
    dtype: Any = np.int64,
    generator: Rng = None,
    requires_grad: bool = False,
) -> Tensor:
    """Integers in [low, high), PyTorch's forms: ``randint(high, size)``, ``randint(low, high, size)`` or
    keywords; ``low`` is 0 unless given."""
    given = list(args)
    if len(given) > 3:
        raise TypeError(f"randint takes (low, high, size), (high, size) or keywords, got {len(given)} values")
    if size is None:
        if not given:
            raise TypeError("randint: missing the size (e.g. randint(10, (3,)))")
        size = given.pop()
    if high is None:
        if not given:
            raise TypeError("randint: missing the upper bound high")
        high = given.pop()
    if low is None:
        low = given.pop() if given else 0
    if given:
        raise TypeError("randint: low or high given twice")
    if low >= high:
        raise RuntimeError(f"randint: expected low < high, got low={low}, high={high}")
    values = as_generator(generator).integers(low, high, sizes((size,)))
    return _make(values.astype(dtype), None, requires_grad)


def randperm(n: int, generator: Rng = None) -> Tensor:
    """A random permutation of 0..n-1, int64."""
    return _make(as_generator(generator).permutation(n).astype(np.int64), None, False)
