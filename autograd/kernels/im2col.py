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
    if type(value) is int:  # the common forms first: no NumPy on a layer's every call
        return value, value
    if type(value) is tuple and len(value) == 2 and type(value[0]) is int and type(value[1]) is int:
        return value
    values = (value, value) if isinstance(value, (int, np.integer)) else value
    whole = [isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in np.atleast_1d(values)]
    if not isinstance(values, (tuple, list)) or len(values) != 2 or not all(whole):
        raise TypeError(f"{name} must be an int or a pair of ints, got {value!r}")
    return int(values[0]), int(values[1])


_GATHER_LIMIT = 1 << 14  # im2col entries up to which the gather index pays (measured: 2-20x at 576-16900)


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

    @cached_property
    def gather(self) -> np.ndarray | None:
        """For a small image, where each im2col entry is read from: flat positions in the (N, C, H, W)
        image, tap-major (KH·KW·C, N·OH·OW), padding pointing one past the end (the fill); im2col is then
        one ``take`` and col2im one ``bincount`` instead of a Python loop over the taps. None when large:
        there the loop's long slice copies win, and the index would cost memory."""
        n, c, h, w = self.image
        oh, ow = self.output
        (kh, kw), (th, tw), (dh, dw), (ph, pw) = self.kernel, self.stride, self.dilation, self.padding
        if kh * kw * c * n * oh * ow > _GATHER_LIMIT:
            return None
        rows = np.arange(kh)[:, None] * dh + np.arange(oh)[None, :] * th - ph  # (KH, OH)
        cols = np.arange(kw)[:, None] * dw + np.arange(ow)[None, :] * tw - pw  # (KW, OW)
        at = (
            rows[:, None, None, None, :, None] * w
            + cols[None, :, None, None, None, :]
            + (np.arange(c) * (h * w))[None, None, :, None, None, None]
            + (np.arange(n) * (c * h * w))[None, None, None, :, None, None]
        )
        inside = ((rows >= 0) & (rows < h))[:, None, None, None, :, None] & ((cols >= 0) & (cols < w))[
            None, :, None, None, None, :
        ]
        return np.where(inside, at, n * c * h * w).reshape(kh * kw * c, n * oh * ow)

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
    gather = window.gather
    if gather is not None:
        source = np.empty(x.size + 1, x.dtype)
        source[:-1].reshape(x.shape)[...] = x
        source[-1] = fill
        return source.take(gather).T
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
    gather = window.gather
    if gather is not None:  # float64 sums, rounded once to the gradient's dtype
        sums = np.bincount(gather.reshape(-1), weights=cols.T.reshape(-1), minlength=n * c * h * w + 1)
        return sums[:-1].reshape(n, c, h, w).astype(cols.dtype, copy=False)
    oh, ow = window.output
    (kh, kw), (th, tw), (dh, dw), (ph, pw) = window.kernel, window.stride, window.dilation, window.padding
    taps = np.ascontiguousarray(cols.T).reshape(kh, kw, c, n, oh, ow)
    image = np.zeros((c, n, h + 2 * ph, w + 2 * pw), dtype=cols.dtype)
    for i in range(kh):
        rows = slice(i * dh, i * dh + th * (oh - 1) + 1, th)
        for j in range(kw):
            image[:, :, rows, j * dw : j * dw + tw * (ow - 1) + 1 : tw] += taps[i, j]
    return image[:, :, ph : ph + h, pw : pw + w].transpose(1, 0, 2, 3)
