"""Convolution and pooling on (N, C, H, W) Tensors, with PyTorch's arguments and output sizes: each
call checks its shapes (naming the op, the expected and the actual shape) and records one graph node."""

from __future__ import annotations

import functools
from typing import Any

import numpy as np

from autograd import Tensor, stack
from autograd.extend import apply
from autograd.kernels.im2col import Window, pair
from autograd.rules import windows as C

Size = int | tuple[int, int]


def _image(op: str, x: Any, channels: int | None = None) -> Tensor:
    if not isinstance(x, Tensor):
        raise TypeError(f"{op}: the input must be a Tensor, got {type(x).__name__}")
    if x.ndim != 4:
        raise ValueError(f"{op}: expected a 4-D input (N, C, H, W), got shape {x.shape}")
    if channels is not None and x.shape[1] != channels:
        raise ValueError(
            f"{op}: expected {channels} input channels (N, {channels}, H, W), got shape {x.shape}"
        )
    if x.dtype.kind != "f":
        raise TypeError(f"{op}: expected a floating-point input, got {x.dtype}")
    return x


def _window(op: str, x: Tensor, kernel: Size, stride: Size | None, padding: Size, dilation: Size) -> Window:
    size = pair(kernel, "kernel_size")
    return _checked_window(
        op,
        size,
        size if stride is None else pair(stride, "stride"),
        pair(padding, "padding"),
        pair(dilation, "dilation"),
        x.shape,
    )


@functools.lru_cache(maxsize=64)
def _checked_window(
    op: str,
    kernel: tuple[int, int],
    stride: tuple[int, int],
    padding: tuple[int, int],
    dilation: tuple[int, int],
    image: tuple[int, int, int, int],
) -> Window:
    """One checked Window per geometry, kept: a layer sees the same one every step, with its output size
    and gather index worked out once."""
    window = Window(kernel, stride, padding, dilation, image)
    window.check(op)
    return window


def _named_padding(
    x: Tensor, padding: str, kernel: tuple[int, int], stride: Size, dilation: Size
) -> tuple[Tensor, tuple[int, int]]:
    """``'valid'`` / ``'same'`` as PyTorch resolves them: the symmetric padding, and ``x`` padded by one
    more row / column at the bottom / right where 'same' needs an odd amount in all."""
    if padding == "valid":
        return x, (0, 0)
    if padding != "same":
        raise ValueError(f"conv2d: padding must be an int, a pair, 'valid' or 'same', got {padding!r}")
    if pair(stride, "stride") != (1, 1):
        raise ValueError("conv2d: padding='same' is not supported for strided convolutions")
    totals = [d * (k - 1) for d, k in zip(pair(dilation, "dilation"), kernel)]
    extra = [total % 2 for total in totals]
    if any(extra):
        x = x.pad(((0, 0), (0, 0), (0, extra[0]), (0, extra[1])))
    return x, (totals[0] // 2, totals[1] // 2)


def conv2d(
    x: Tensor,
    weight: Tensor,
    bias: Tensor | None = None,
    stride: Size = 1,
    padding: Size | str = 0,
    dilation: Size = 1,
    groups: int = 1,
) -> Tensor:
    """Cross-correlate ``x`` (N, C, H, W) with ``weight`` (O, C/groups, KH, KW), plus ``bias`` (O,).
    ``padding`` may be ``'valid'`` (none) or ``'same'`` (stride 1; an even kernel pads one more on the
    right and bottom, as PyTorch)."""
    if isinstance(groups, bool) or not isinstance(groups, (int, np.integer)) or groups < 1:
        raise ValueError(f"conv2d: groups must be an integer >= 1, got {groups!r}")
    if not isinstance(weight, Tensor) or weight.ndim != 4:
        raise ValueError(
            "conv2d: the weight must be a 4-D Tensor (O, C/groups, KH, KW), got "
            f"{getattr(weight, 'shape', type(weight).__name__)}"
        )
    out_channels, per_group, kh, kw = weight.shape
    if out_channels % groups:
        raise ValueError(f"conv2d: {out_channels} output channels do not split into {groups} groups")
    _image("conv2d", x, per_group * groups)
    if x.dtype != weight.dtype or (bias is not None and bias.dtype != x.dtype):
        raise RuntimeError(  # PyTorch's kind of error: it converts nothing silently
            f"conv2d: the input is {x.dtype}, the weight {weight.dtype}"
            + ("" if bias is None else f" and the bias {bias.dtype}")
            + "; they must share one dtype: convert the input (x.float()) or the model (model.to(...))"
        )
    if bias is not None and bias.shape != (out_channels,):
        raise ValueError(f"conv2d: bias has shape {bias.shape}, expected ({out_channels},)")
    if isinstance(padding, str):
        x, padding = _named_padding(x, padding, (kh, kw), stride, dilation)
    window = _window("conv2d", x, (kh, kw), stride, padding, dilation)
    inputs = (x, weight) if bias is None else (x, weight, bias)
    return apply(C.CONV2D, inputs, window=window, groups=int(groups), saved={})


def max_pool2d(
    x: Tensor,
    kernel_size: Size,
    stride: Size | None = None,
    padding: Size = 0,
    dilation: Size = 1,
    ceil_mode: bool = False,
    return_indices: bool = False,
) -> Any:
    """The largest value of each window (the stride defaults to the kernel size, as in PyTorch).
    ``ceil_mode`` keeps a last partial window that starts inside the input; ``return_indices`` also gives
    each maximum's position in its (H, W) plane, flattened (int64), as PyTorch's."""
    _image("max_pool2d", x)
    size = pair(kernel_size, "kernel_size")
    strides = size if stride is None else pair(stride, "stride")
    extra = _ceil_extra(x, size, strides, padding, dilation) if ceil_mode else (0, 0)
    source = x.pad(((0, 0), (0, 0), (0, extra[0]), (0, extra[1])), value=-np.inf) if any(extra) else x
    window = _window("max_pool2d", source, size, strides, padding, dilation)
    out = apply(C.MAX_POOL2D, (source,), window=window, saved={})
    if not return_indices:
        return out
    return out, _max_indices(x._data, window, extra, out.shape[2:])


def avg_pool2d(
    x: Tensor,
    kernel_size: Size,
    stride: Size | None = None,
    padding: Size = 0,
    ceil_mode: bool = False,
    count_include_pad: bool = True,
    divisor_override: int | None = None,
) -> Tensor:
    """The mean of each window, as PyTorch: padded positions count as zeros unless
    ``count_include_pad=False``, a ``ceil_mode`` window's part beyond the padding never counts, and
    ``divisor_override`` replaces the divisor."""
    _image("avg_pool2d", x)
    size = pair(kernel_size, "kernel_size")
    strides = size if stride is None else pair(stride, "stride")
    extra = _ceil_extra(x, size, strides, padding, 1) if ceil_mode else (0, 0)
    source = x.pad(((0, 0), (0, 0), (0, extra[0]), (0, extra[1]))) if any(extra) else x
    window = _window("avg_pool2d", source, size, strides, padding, 1)
    out = apply(C.AVG_POOL2D, (source,), window=window)
    if divisor_override is not None:
        if (
            isinstance(divisor_override, bool)
            or not isinstance(divisor_override, int)
            or divisor_override < 1
        ):
            raise RuntimeError(
                f"avg_pool2d: divisor_override must be a positive int, got {divisor_override!r}"
            )
        return out * (window.taps / divisor_override)
    if not any(extra) and count_include_pad:
        return out  # every window holds kernel-size positions: the plain mean
    (h, w), pads = x.shape[2:], pair(padding, "padding")
    rows, columns = (
        _window_counts(length, k, step, pad, outputs, count_include_pad)
        for length, k, step, pad, outputs in zip((h, w), size, strides, pads, out.shape[2:])
    )
    return out * (window.taps / np.outer(rows, columns)).astype(x.dtype)


def _ceil_extra(
    x: Tensor, kernel: tuple[int, int], stride: tuple[int, int], padding: Size, dilation: Size
) -> tuple[int, int]:
    """The rows / columns ``ceil_mode`` adds at the bottom / right: enough for the last window that starts
    inside the input or its left padding (PyTorch's rule)."""
    extra = []
    for length, k, step, pad, dil in zip(
        x.shape[2:], kernel, stride, pair(padding, "padding"), pair(dilation, "dilation")
    ):
        span = dil * (k - 1) + 1
        outputs = -(-(length + 2 * pad - span) // step) + 1
        if (outputs - 1) * step >= length + pad:
            outputs -= 1
        extra.append(max(0, (outputs - 1) * step + span - (length + 2 * pad)))
    return extra[0], extra[1]


def _window_counts(length: int, k: int, step: int, pad: int, outputs: int, include_pad: bool) -> np.ndarray:
    """Per output position along one axis, how many positions PyTorch's average divides by: the window
    within the padded input, or (``include_pad=False``) within the input itself."""
    starts = np.arange(outputs) * step - pad
    ends = np.minimum(starts + k, length + pad)
    if include_pad:
        return ends - starts
    return np.minimum(ends, length) - np.maximum(starts, 0)


def _max_indices(x: np.ndarray, window: Any, extra: tuple[int, int], out_size: tuple[int, ...]) -> Tensor:
    """Where each window's maximum sits in its input plane, flattened to h·W + w (int64), as PyTorch's
    ``return_indices``: the first maximum, or a window's last NaN."""
    h, w = x.shape[2:]
    (ph, pw), (sh, sw), (dh, dw) = window.padding, window.stride, window.dilation
    (kh, kw), (oh, ow) = window.kernel, out_size
    widths = ((0, 0), (0, 0), (ph, ph + extra[0]), (pw, pw + extra[1]))
    values = np.pad(x, widths, constant_values=-np.inf)
    places = np.pad(np.arange(h * w).reshape(1, 1, h, w), widths, constant_values=-1)
    spans = (dh * (kh - 1) + 1, dw * (kw - 1) + 1)

    def windows(a: np.ndarray) -> np.ndarray:
        view = np.lib.stride_tricks.sliding_window_view(a, spans, axis=(2, 3))
        return view[:, :, ::sh, ::sw, ::dh, ::dw][:, :, :oh, :ow].reshape(*a.shape[:2], oh, ow, kh * kw)

    flat = windows(values)
    nan = np.isnan(flat)
    pick = np.where(nan.any(axis=-1), kh * kw - 1 - nan[..., ::-1].argmax(axis=-1), flat.argmax(axis=-1))
    chosen = np.take_along_axis(np.broadcast_to(windows(places), flat.shape), pick[..., None], axis=-1)
    return Tensor(chosen[..., 0].astype(np.int64), dtype=np.int64)


def adaptive_avg_pool2d(x: Tensor, output_size: Size) -> Tensor:
    """Average pooling to a fixed (OH, OW): cell i spans rows floor(i·H/OH) .. ceil((i+1)·H/OH), as in
    PyTorch. Evenly dividing sizes are one avg_pool2d node; others are built from slices and means."""
    _image("adaptive_avg_pool2d", x)
    (h, w), (oh, ow) = x.shape[2:], pair(output_size, "output_size")
    if min(oh, ow) < 1:
        raise ValueError(f"adaptive_avg_pool2d: output_size must be positive, got {(oh, ow)}")
    if h % oh == 0 and w % ow == 0:
        return avg_pool2d(x, (h // oh, w // ow))
    rows = []
    for i in range(oh):
        top, bottom = (i * h) // oh, -((-(i + 1) * h) // oh)
        cells = [
            x[:, :, top:bottom, (j * w) // ow : -((-(j + 1) * w) // ow)].mean(axis=(2, 3)) for j in range(ow)
        ]
        rows.append(stack(cells, axis=-1))
    return stack(rows, axis=-2)
