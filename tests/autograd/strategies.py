"""Hypothesis strategies shared by the Tensor tests: float64 arrays, sometimes as transposed views."""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from autograd import Tensor


def arrays(
    shape: tuple[int, ...] | st.SearchStrategy, low: float = -3.0, high: float = 3.0
) -> st.SearchStrategy:
    elements = st.floats(low, high, allow_nan=False, allow_infinity=False)
    return hnp.arrays(np.float64, shape, elements=elements)


def shapes(min_dims: int = 0, max_dims: int = 3) -> st.SearchStrategy:
    return hnp.array_shapes(min_dims=min_dims, max_dims=max_dims, min_side=1, max_side=4)


@st.composite
def leaves(
    draw: st.DrawFn, shape: tuple[int, ...] | None = None, low: float = -3.0, high: float = 3.0
) -> Tensor:
    """A float64 leaf Tensor; half the time its data is a non-contiguous (transposed) view."""
    shape = draw(shapes()) if shape is None else shape
    if len(shape) >= 2 and draw(st.booleans()):
        data = draw(arrays(tuple(reversed(shape)), low, high)).T
    else:
        data = draw(arrays(shape, low, high))
    return Tensor(data, requires_grad=True)


def away_from_kinks(data: np.ndarray, kinks: tuple[float, ...] = (0.0,), margin: float = 1e-3) -> bool:
    return all(np.all(np.abs(data - k) > margin) for k in kinks)


def well_separated(data: np.ndarray, gap: float = 1e-3) -> bool:
    """No two elements closer than ``gap``: max and min then have no (near-)ties to straddle."""
    values = np.sort(data.ravel())
    return values.size < 2 or bool(np.diff(values).min() > gap)


@st.composite
def separated_leaves(draw: st.DrawFn, shape: tuple[int, ...]) -> Tensor:
    """A leaf whose elements are pairwise at least 0.1 apart and at least 0.05 from 0: no ties, no kinks."""
    n = int(np.prod(shape))
    order = np.array(draw(st.permutations(range(n))), dtype=np.float64)
    scale = draw(st.floats(0.1, 1.0))
    centred = order - (n - 1) / 2 + (0.5 if n % 2 else 0.0)  # half-integers when n is odd: no 0
    return Tensor((centred * scale).reshape(shape), requires_grad=True)
