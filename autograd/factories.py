"""Tensor factories with PyTorch's names and dtype rules: ``tensor([1, 2])`` is int64, ``tensor([1.5])``
and ``arange(0.0, 1.0, 0.1)`` are float32, a NumPy array keeps its dtype; every factory takes ``dtype=``
and (for floats) ``requires_grad=``. Random ones draw from the default source (``manual_seed``)."""

from __future__ import annotations

from typing import Any

import numpy as np

from autograd import python_data
from autograd.random import Rng, as_generator, sizes
from autograd.tensor import Tensor

float16, float32, float64, bool_ = np.float16, np.float32, np.float64, np.bool_
uint8, int8, int16, int32, int64, long = np.uint8, np.int8, np.int16, np.int32, np.int64, np.int64


def _make(values: np.ndarray, dtype: Any, requires_grad: bool) -> Tensor:
    return Tensor(values, requires_grad=requires_grad, dtype=values.dtype if dtype is None else dtype)


def tensor(data: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """A new Tensor holding a copy of ``data`` (numbers, nested lists, arrays or a Tensor). Python numbers
    are checked against ``dtype`` as PyTorch checks them; an array or Tensor is cast as it is."""
    source = data._data if isinstance(data, Tensor) else data
    values = python_data.as_array(source, "tensor")
    if isinstance(source, np.ndarray):
        target = values.dtype if dtype is None else np.dtype(dtype)
    else:
        target = python_data.inferred_dtype(values, source, "tensor") if dtype is None else np.dtype(dtype)
        python_data.check_unpacks(values, source, target, "tensor")
        python_data.check_fits(values, target, "tensor")
    with np.errstate(all="ignore"):  # 1e40 in float32 is inf, silently, as in PyTorch
        # straight to the dtype asked for: through float32 first, a float64 tensor would lose digits
        return _make(values.astype(target, copy=False), None, requires_grad)


def zeros(*size: Any, dtype: Any = np.float32, requires_grad: bool = False) -> Tensor:
    return _make(np.zeros(sizes(size), dtype), None, requires_grad)


def ones(*size: Any, dtype: Any = np.float32, requires_grad: bool = False) -> Tensor:
    return _make(np.ones(sizes(size), dtype), None, requires_grad)


def full(size: Any, fill_value: float, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """``size`` filled with ``fill_value``: int64 for an int, bool for a bool, float32 otherwise; a value
    the dtype cannot hold is refused, as in PyTorch."""
    value, kind = python_data.fill_value(fill_value, dtype, "full")
    with np.errstate(all="ignore"):  # 1e40 in float16 is inf, silently, as in PyTorch
        return _make(np.full(sizes((size,)), value, kind), None, requires_grad)


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
