"""Tensor factories with PyTorch's names, dtype rules and refusals: ``tensor([1, 2])`` is int64,
``tensor([1.5])`` and ``arange(0.0, 1.0, 0.1)`` are the default float dtype (float32 unless
``set_default_dtype``), a NumPy array keeps its dtype; every factory takes ``dtype=`` and (for floats)
``requires_grad=``. The random ones are in ``random_factories``."""

from __future__ import annotations

from typing import Any

import numpy as np

from autograd import Tensor
from autograd.tensor import axes, python_data
from autograd.tensor.device import check as check_device
from autograd.tensor.promotion import float_dtype

float16, float32, float64, bool_ = np.float16, np.float32, np.float64, np.bool_
uint8, int8, int16, int32, int64, long = np.uint8, np.int8, np.int16, np.int32, np.int64, np.int64


def new_tensor(values: np.ndarray, requires_grad: bool, device: Any) -> Tensor:
    """A factory's result: ``values`` as a Tensor of their dtype, on the CPU (the only ``device``)."""
    check_device(device)
    return Tensor(values, requires_grad=requires_grad, dtype=values.dtype)


def tensor(data: Any, dtype: Any = None, requires_grad: bool = False, device: Any = None) -> Tensor:
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
        return new_tensor(values.astype(target, copy=False), requires_grad, device)


def zeros(*size: Any, dtype: Any = None, requires_grad: bool = False, device: Any = None) -> Tensor:
    return new_tensor(np.zeros(axes.new_size(size, "zeros"), float_dtype(dtype)), requires_grad, device)


def ones(*size: Any, dtype: Any = None, requires_grad: bool = False, device: Any = None) -> Tensor:
    return new_tensor(np.ones(axes.new_size(size, "ones"), float_dtype(dtype)), requires_grad, device)


def full(
    size: Any, fill_value: float, dtype: Any = None, requires_grad: bool = False, device: Any = None
) -> Tensor:
    """``size`` filled with ``fill_value``: int64 for an int, bool for a bool, float32 otherwise; a value
    the dtype cannot hold is refused, as in PyTorch."""
    value, kind = python_data.fill_value(fill_value, dtype, "full")
    with np.errstate(all="ignore"):  # 1e40 in float16 is inf, silently, as in PyTorch
        return new_tensor(np.full(axes.new_size((size,), "full"), value, kind), requires_grad, device)


def zeros_like(x: Tensor, dtype: Any = None, requires_grad: bool = False, device: Any = None) -> Tensor:
    return new_tensor(np.zeros(x.shape, x.dtype if dtype is None else dtype), requires_grad, device)


def ones_like(x: Tensor, dtype: Any = None, requires_grad: bool = False, device: Any = None) -> Tensor:
    return new_tensor(np.ones(x.shape, x.dtype if dtype is None else dtype), requires_grad, device)


def arange(
    start: float,
    end: float | None = None,
    step: float = 1,
    dtype: Any = None,
    requires_grad: bool = False,
    device: Any = None,
) -> Tensor:
    """``arange(12)`` is int64 0..11; with any float argument the values are float32. A zero or NaN step,
    an infinite or NaN bound, and a step that walks away from ``end`` are refused, as in PyTorch."""
    if end is None:
        start, end = 0, start
    for name, value in (("start", start), ("end", end), ("step", step)):
        if not isinstance(value, (int, float, np.number)):
            raise TypeError(f"arange(): argument '{name}' must be a number, not {type(value).__name__}")
    if step == 0 or np.isnan(step):
        raise RuntimeError(f"arange: step must be nonzero, got {step}")
    if not (np.isfinite(start) and np.isfinite(end)):
        raise RuntimeError(f"arange: unsupported range: {start} -> {end}")
    if (end - start) * step < 0:
        raise RuntimeError(
            f"arange: upper bound and lower bound inconsistent with step sign ({start}, {end}, {step})"
        )
    integral = all(isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in (start, end, step))
    inferred = np.dtype(np.int64) if integral and dtype is None else float_dtype(dtype)
    if inferred.kind == "b":
        raise NotImplementedError("arange: not implemented for dtype bool")
    return new_tensor(np.arange(start, end, step).astype(inferred), requires_grad, device)


def linspace(
    start: float,
    end: float,
    steps: int,
    dtype: Any = None,
    requires_grad: bool = False,
    device: Any = None,
) -> Tensor:
    """``steps`` evenly spaced values from ``start`` to ``end`` (both included)."""
    if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)):
        raise TypeError(f"linspace(): argument 'steps' must be int, not {type(steps).__name__}")
    if steps < 0:
        raise RuntimeError(f"linspace: number of steps must be non-negative, got {steps}")
    kind = float_dtype(dtype)
    if kind.kind == "b":
        raise NotImplementedError("linspace: not implemented for dtype bool")
    return new_tensor(np.linspace(start, end, steps).astype(kind), requires_grad, device)


def eye(
    n: int, m: int | None = None, dtype: Any = None, requires_grad: bool = False, device: Any = None
) -> Tensor:
    """The ``n`` x ``m`` (default ``n`` x ``n``) identity matrix."""
    for name, size in (("n", n), ("m", n if m is None else m)):
        if isinstance(size, bool) or not isinstance(size, (int, np.integer)):
            raise TypeError(f"eye(): argument '{name}' must be int, not {type(size).__name__}")
        if size < 0:
            raise RuntimeError(f"eye: {name} must be greater or equal to 0, got {size}")
    return new_tensor(np.eye(n, m, dtype=float_dtype(dtype)), requires_grad, device)
