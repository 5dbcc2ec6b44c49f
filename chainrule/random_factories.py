"""Random Tensor factories with PyTorch's names, forms and refusals (``randn rand randn_like rand_like
randint randperm``): they draw from the default source (``manual_seed``) unless given a ``generator``."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from autograd import Tensor
from autograd.random import Rng, as_generator
from autograd.tensor import axes
from autograd.tensor.promotion import float_dtype
from chainrule.factories import new_tensor


def randn(
    *size: Any,
    dtype: Any = None,
    requires_grad: bool = False,
    generator: Rng = None,
    device: Any = None,
) -> Tensor:
    """Standard normal samples (a floating dtype: PyTorch has no integer normal either)."""
    kind = _sampled_dtype("randn", dtype)
    samples = as_generator(generator).standard_normal(axes.new_size(size, "randn"))
    return new_tensor(samples.astype(kind), requires_grad, device)


def rand(
    *size: Any,
    dtype: Any = None,
    requires_grad: bool = False,
    generator: Rng = None,
    device: Any = None,
) -> Tensor:
    """Uniform samples in [0, 1) (a floating dtype, as in PyTorch)."""
    kind = _sampled_dtype("rand", dtype)
    samples = as_generator(generator).random(axes.new_size(size, "rand"))
    return new_tensor(samples.astype(kind), requires_grad, device)


def randn_like(
    x: Tensor, dtype: Any = None, requires_grad: bool = False, generator: Rng = None, device: Any = None
) -> Tensor:
    """``randn`` of ``x``'s shape and (unless given) dtype: an integer Tensor needs a float ``dtype``."""
    return randn(
        x.shape, dtype=x.dtype if dtype is None else dtype, requires_grad=requires_grad, generator=generator
    )


def rand_like(
    x: Tensor, dtype: Any = None, requires_grad: bool = False, generator: Rng = None, device: Any = None
) -> Tensor:
    """``rand`` of ``x``'s shape and (unless given) dtype: an integer Tensor needs a float ``dtype``."""
    return rand(
        x.shape, dtype=x.dtype if dtype is None else dtype, requires_grad=requires_grad, generator=generator
    )


def _sampled_dtype(op: str, dtype: Any) -> np.dtype:
    """``dtype`` for samples of a continuous distribution; an integer one would truncate every sample."""
    kind = float_dtype(dtype)
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
    device: Any = None,
) -> Tensor:
    """Integers in [low, high), PyTorch's forms: ``randint(high, size)``, ``randint(low, high, size)`` or
    keywords; ``low`` is 0 unless given. Bounds the dtype cannot hold are refused, as in PyTorch."""
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
    kind = np.dtype(dtype)
    _check_bounds(_bound(low, "low"), _bound(high, "high"), kind)
    values = as_generator(generator).integers(low, high, axes.new_size((size,), "randint"))
    return new_tensor(values.astype(kind), requires_grad, device)


def _bound(value: Any, name: str) -> int:
    """A bound of ``randint``: an int that fits int64, as PyTorch unpacks it."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"randint(): argument '{name}' must be int, not {type(value).__name__}")
    if not -(2**63) <= value < 2**63:
        raise ValueError(f"randint: Overflow when unpacking long long ({name}={value} does not fit int64)")
    return int(value)


def _check_bounds(low: int, high: int, kind: np.dtype) -> None:
    """PyTorch's checks of [low, high) against the dtype: both ends representable (RuntimeError), and a
    warning where a float dtype cannot tell neighbouring integers apart."""
    if low >= high:
        raise RuntimeError(f"randint: expected low < high, got low={low}, high={high}")
    if kind.kind == "f":
        info = np.finfo(kind)
        smallest, largest = float(info.min), float(info.max)
    else:
        limits = np.iinfo(np.uint8 if kind.kind == "b" else kind)
        smallest, largest = int(limits.min), 1 if kind.kind == "b" else int(limits.max)
    for name, end in (("from", low), ("to - 1", high - 1)):
        if not smallest <= end <= largest:
            raise RuntimeError(f"randint: {name} is out of bounds for {kind} ({name} = {end})")
    if kind.kind == "f":
        digits = np.finfo(kind).nmant + 1
        if max(abs(low), abs(high - 1)) > 2**digits:
            warnings.warn(
                f"randint: [{low}, {high}) goes beyond [-(2^{digits}), 2^{digits}]: {kind} cannot hold every "
                "integer there, so the draws are not uniform",
                UserWarning,
                stacklevel=3,
            )


def randperm(
    n: int, dtype: Any = np.int64, requires_grad: bool = False, generator: Rng = None, device: Any = None
) -> Tensor:
    """A random permutation of 0..n-1 (int64 unless ``dtype`` says otherwise; not bool, as in PyTorch)."""
    (count,) = axes.new_size((n,), "randperm")
    kind = np.dtype(dtype)
    if kind.kind == "b":
        raise NotImplementedError("randperm: not implemented for dtype bool")
    if count and kind.kind in "iu" and count - 1 > np.iinfo(kind).max:
        raise RuntimeError(f"randperm: value cannot be converted to type {kind} without overflow (n={n})")
    values = as_generator(generator).permutation(count)
    return new_tensor(values.astype(kind), requires_grad, device)
