"""Sliding windows over images, in one place for convolution and pooling: the geometry (PyTorch's
output-size formula) and the two array kernels, ``im2col`` (every window as a row, from a strided view
of the channels-last input) and its adjoint ``col2im`` (rows added back into the image, as kh·kw
strided slice-adds; never ``np.add.at``, which is several times slower)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np


def pair(value: int | tuple[int, int], name: str) -> tuple[int, int]:
    """An int or a pair of ints (height, width), checked."""
    values = (value, value) if isinstance(value, (int, np.integer)) else value
    whole = [isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in np.atleast_1d(values)]
    if not isinstance(values, (tuple, list)) or len(values) != 2 or not all(whole):
        raise TypeError(f"{name} must be an int or a pair of ints, got {value!r}")
    return int(values[0]), int(values[1])


@dataclass(frozen=True)
class Window:
    """Where the windows of a (N, C, H, W) image lie: kernel, stride, padding and dilation per axis,
    and the output size they give, ``(size + 2·pad - dilation·(kernel - 1) - 1) // stride + 1``."""

    kernel: tuple[int, int]
    stride: tuple[int, int]
    padding: tuple[int, int]
    dilation: tuple[int, int]
    image: tuple[int, int, int, int]  # the input's (N, C, H, W)

    @cached_property
    def output(self) -> tuple[int, int]:
        return tuple(  # type: ignore[return-value]
            (n + 2 * p - d * (k - 1) - 1) // s + 1
            for n, k, s, p, d in zip(self.image[2:], self.kernel, self.stride, self.padding, self.dilation)
        )

    @property
    def taps(self) -> int:
        """Elements per window and channel (kh·kw)."""
        return self.kernel[0] * self.kernel[1]

    def check(self, op: str) -> None:
        """Errors naming ``op`` for sizes no window fits (RuntimeError, PyTorch's kind for these)."""
        for name, values, low in (("kernel_size", self.kernel, 1), ("stride", self.stride, 1),
                                  ("dilation", self.dilation, 1), ("padding", self.padding, 0)):  # fmt: skip
            if min(values) < low:
                raise RuntimeError(f"{op}: {name} must be >= {low}, got {values}")
        effective = [d * (k - 1) + 1 for k, d in zip(self.kernel, self.dilation)]
        if any(2 * p > k for p, k in zip(self.padding, effective)) and op.endswith("pool2d"):
            raise RuntimeError(
                f"{op}: padding {self.padding} must be at most half the effective kernel {tuple(effective)} "
                f"(kernel {self.kernel}, dilation {self.dilation})"
            )
        if min(self.output) < 1:
            raise RuntimeError(
                f"{op}: a {self.image[2]}×{self.image[3]} input (padding {self.padding}) is smaller than the "
                f"kernel {self.kernel} with dilation {self.dilation}; the output would be {self.output}"
            )


def _padded_channels_last(x: np.ndarray, window: Window, fill: float) -> np.ndarray:
    """(N, H + 2ph, W + 2pw, C): a view when there is no padding (and x is channels-last in memory)."""
    xh = x.transpose(0, 2, 3, 1)
    ph, pw = window.padding
    if not (ph or pw):
        return xh
    return np.pad(xh, ((0, 0), (ph, ph), (pw, pw), (0, 0)), constant_values=fill)


def window_view(x: np.ndarray, window: Window, fill: float = 0.0) -> np.ndarray:
    """A read-only strided view (N, OH, OW, KH, KW, C) of every window of ``x`` (N, C, H, W)."""
    xp = _padded_channels_last(x, window, fill)
    n, _, _, c = xp.shape
    oh, ow = window.output
    sn, sh, sw, sc = xp.strides
    (kh, kw), (th, tw), (dh, dw) = window.kernel, window.stride, window.dilation
    return np.lib.stride_tricks.as_strided(
        xp, (n, oh, ow, kh, kw, c), (sn, sh * th, sw * tw, sh * dh, sw * dw, sc), writeable=False
    )


def im2col(x: np.ndarray, window: Window, fill: float = 0.0) -> np.ndarray:
    """Every window as a row: (N·OH·OW, KH·KW·C), columns ordered (kh, kw, c). One copy of the data,
    made the faster way for the input's memory order: a strided window view of a channels-last image
    with several channels; otherwise one slice copy per tap into a tap-major buffer, returned transposed
    (the same matrix in another memory order, which the convolution's matmuls take as it is)."""
    n, c = window.image[:2]
    if c > 2 and x.transpose(0, 2, 3, 1).flags.c_contiguous:  # channels-last in memory: read windows whole
        view = window_view(x, window, fill)
        return view.reshape(-1, view.shape[3] * view.shape[4] * view.shape[5])
    (kh, kw), (th, tw), (dh, dw), (ph, pw) = window.kernel, window.stride, window.dilation, window.padding
    oh, ow = window.output
    image = x.transpose(1, 0, 2, 3)
    if ph or pw:
        image = np.pad(image, ((0, 0), (0, 0), (ph, ph), (pw, pw)), constant_values=fill)
    taps = np.empty((kh, kw, c, n, oh, ow), dtype=x.dtype)
    for i in range(kh):
        for j in range(kw):
            taps[i, j] = image[
                :, :, i * dh : i * dh + th * (oh - 1) + 1 : th, j * dw : j * dw + tw * (ow - 1) + 1 : tw
            ]
    return taps.reshape(kh * kw * c, n * oh * ow).T


def col2im(cols: np.ndarray, window: Window) -> np.ndarray:
    """The adjoint of ``im2col``: each row's entries added back where they were read, (N, C, H, W).
    The adds run tap by tap over (C, N, OH, OW) blocks, which are contiguous when ``cols`` is the
    transpose of a (KH·KW·C, N·OH·OW) array (how the backward passes make it): no copy, long rows."""
    n, c, h, w = window.image
    oh, ow = window.output
    (kh, kw), (th, tw), (dh, dw), (ph, pw) = window.kernel, window.stride, window.dilation, window.padding
    taps = np.ascontiguousarray(cols.T).reshape(kh, kw, c, n, oh, ow)
    image = np.zeros((c, n, h + 2 * ph, w + 2 * pw), dtype=cols.dtype)
    for i in range(kh):
        rows = slice(i * dh, i * dh + th * (oh - 1) + 1, th)
        for j in range(kw):
            image[:, :, rows, j * dw : j * dw + tw * (ow - 1) + 1 : tw] += taps[i, j]
    return image[:, :, ph : ph + h, pw : pw + w].transpose(1, 0, 2, 3)
