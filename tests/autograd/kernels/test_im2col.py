"""im2col / col2im: the gather path of small images (one ``take``, one ``bincount``) gives what the tap
loop of large ones gives, for every geometry, and col2im stays im2col's adjoint on both paths."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from autograd.kernels import im2col as windows
from autograd.kernels.im2col import Window, col2im, im2col, pair


@st.composite
def geometries(draw: Any) -> tuple[Window, np.ndarray]:
    kernel = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    stride = (draw(st.integers(1, 2)), draw(st.integers(1, 2)))
    dilation = (draw(st.integers(1, 2)), draw(st.integers(1, 2)))
    padding = (draw(st.integers(0, 2)), draw(st.integers(0, 2)))
    image = (
        draw(st.integers(1, 2)),
        draw(st.integers(1, 4)),
        draw(st.integers(5, 8)),
        draw(st.integers(5, 8)),
    )
    window = Window(kernel, stride, padding, dilation, image)
    x = np.random.default_rng(draw(st.integers(0, 2**16))).normal(size=image)
    return window, x


def _by_the_loop(window: Window) -> Window:
    """The same geometry as a fresh Window whose gather index is refused (the large-image path)."""
    return Window(window.kernel, window.stride, window.padding, window.dilation, window.image)


@given(geometries())
def test_the_gather_path_equals_the_tap_loop(case: tuple[Window, np.ndarray]) -> None:
    window, x = case
    assert window.gather is not None
    limit = windows._GATHER_LIMIT
    windows._GATHER_LIMIT = 0
    try:
        looped = _by_the_loop(window)
        assert looped.gather is None
        expected_cols = im2col(x, looped)
        cols = np.random.default_rng(1).normal(size=expected_cols.shape)
        expected_image = col2im(cols, looped)
    finally:
        windows._GATHER_LIMIT = limit
    np.testing.assert_array_equal(im2col(x, window), expected_cols)
    np.testing.assert_allclose(col2im(cols, window), expected_image, rtol=1e-12, atol=1e-12)


@given(geometries())
def test_col2im_is_the_adjoint_of_im2col(case: tuple[Window, np.ndarray]) -> None:
    window, x = case
    cols = np.random.default_rng(2).normal(size=im2col(x, window).shape)
    assert np.isclose(np.sum(im2col(x, window) * cols), np.sum(x * col2im(cols, window)), rtol=1e-10)


def test_the_gather_path_keeps_the_dtype_and_the_fill() -> None:
    window = Window((3, 3), (1, 1), (1, 1), (1, 1), (1, 1, 4, 4))
    x = np.ones((1, 1, 4, 4), np.float32)
    cols = im2col(x, window, fill=-7.0)
    assert cols.dtype == np.float32 and cols.min() == -7.0  # the corners' windows reach the padding
    assert col2im(cols.astype(np.float32), window).dtype == np.float32


def test_a_large_image_keeps_the_loop_and_no_index() -> None:
    assert Window((5, 5), (1, 1), (0, 0), (1, 1), (128, 1, 28, 28)).gather is None


@pytest.mark.parametrize("value", [True, 1.5, (1, 2, 3), "2", (1.0, 2)])
def test_pair_refuses_what_is_not_an_int_or_a_pair_of_ints(value: Any) -> None:
    with pytest.raises(TypeError, match="kernel_size must be an int or a pair of ints"):
        pair(value, "kernel_size")


def test_pair_takes_ints_pairs_and_numpy_ints() -> None:
    assert pair(3, "stride") == (3, 3)
    assert pair((2, 1), "stride") == (2, 1)
    assert pair([2, 1], "stride") == (2, 1)
    assert pair(np.int64(2), "stride") == (2, 2)
