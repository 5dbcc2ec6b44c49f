"""The derivative table's window ops: 2-D convolution, max and average pooling, and ``im2col`` /
``col2im`` themselves. Each op is one graph node; its VJP is written once against a space ``m`` in terms
of ``m.im2col`` / ``m.col2im`` (each the other's adjoint, both rules here), so every op supports
``create_graph``. The forward passes save what their backward reuses (the im2col rows, the argmax) in the
node's ``saved`` dict: one copy, freed with the graph."""

from __future__ import annotations

from typing import Any

import numpy as np

from autograd.kernels.im2col import Window, col2im, im2col, window_view
from autograd.rules.elementwise import OUT
from autograd.rules.spaces import ArrayMath
from autograd.rules.structural import Grads, Structural

# -- im2col / col2im: the adjoint pair every window op's backward is made of -----------------------------

IM2COL = Structural(
    "im2col",
    lambda x, window: np.ascontiguousarray(im2col(x, window)),
    lambda m, g, out, inputs, needs, window: (m.col2im(g, window),),
    reads=(),
)
COL2IM = Structural(
    "col2im",
    col2im,
    lambda m, g, out, inputs, needs, window: (m.im2col(g, window, None),),
    reads=(),
)


# -- convolution -------------------------------------------------------------------------------------------


def _weight_matrix(m: Any, w: Any) -> Any:
    """(O, C/g, KH, KW) -> (KH·KW·C/g, O): rows in im2col's column order (kh, kw, c)."""
    return m.reshape(m.transpose(w, (2, 3, 1, 0)), (-1, w.shape[0]))


def _group_columns(m: Any, cols: Any, window: Window, groups: int, group: int) -> Any:
    """The im2col columns of one channel group, (M, KH·KW·C/g)."""
    if groups == 1:
        return cols
    per_group = window.image[1] // groups
    split = m.reshape(cols, (-1, window.taps, window.image[1]))
    part = m.getitem(split, (slice(None), slice(None), slice(group * per_group, (group + 1) * per_group)))
    return m.reshape(part, (-1, window.taps * per_group))


def _conv_forward(
    x: np.ndarray, w: np.ndarray, *bias: np.ndarray, window: Window, groups: int, saved: dict
) -> Any:
    cols = saved["cols"] = im2col(x, window)
    weights = _weight_matrix(ArrayMath, w)
    if groups == 1:
        out = weights.T @ cols.T  # (O, N·OH·OW): the result is channels-first in memory
    else:
        per_out = w.shape[0] // groups
        out = np.concatenate(
            [
                weights[:, g * per_out : (g + 1) * per_out].T
                @ _group_columns(ArrayMath, cols, window, groups, g).T
                for g in range(groups)
            ]
        )
    if bias:
        out += bias[0][:, None]
    oh, ow = window.output
    # (N, O, OH, OW) over (O, N, OH, OW) memory: the next im2col, the activations and the pooling all read
    # it along rows of the image, and the backward's (O, N·OH·OW) view of the gradient needs no copy
    return out.reshape(w.shape[0], window.image[0], oh, ow).transpose(1, 0, 2, 3)


def _conv_backward(
    m: Any, g: Any, out: Any, inputs: Grads, needs: tuple[bool, ...], window: Window, groups: int, saved: dict
) -> Grads:
    x, w = inputs[0], inputs[1]
    channels_out, per_group_in, kh, kw = w.shape
    per_group_out = channels_out // groups
    rows = m.transpose(m.reshape(m.transpose(g, (1, 0, 2, 3)), (channels_out, -1)), (1, 0))  # (N·OH·OW, O)
    weights = _weight_matrix(m, w)
    cols = m.im2col(x, window, saved) if needs[1] else None
    weight_parts, column_parts = [], []
    for group in range(groups):
        outputs = (slice(None), slice(group * per_group_out, (group + 1) * per_group_out))
        rows_g = rows if groups == 1 else m.getitem(rows, outputs)
        if needs[1]:
            cols_g = _group_columns(m, cols, window, groups, group)
            weight_parts.append(m.matmul(m.transpose(cols_g, (1, 0)), rows_g))
        if needs[0]:
            weights_g = weights if groups == 1 else m.getitem(weights, outputs)
            # (KH·KW·C/g, M), transposed: col2im then reads contiguous taps
            part = m.transpose(m.matmul(weights_g, m.transpose(rows_g, (1, 0))), (1, 0))
            column_parts.append(part if groups == 1 else m.reshape(part, (-1, window.taps, per_group_in)))
    grad_x = grad_w = None
    if needs[0]:
        columns = column_parts[0] if groups == 1 else m.concatenate(column_parts, 2)
        grad_x = m.col2im(m.reshape(columns, (-1, window.taps * window.image[1])), window)
    if needs[1]:
        weight_rows = weight_parts[0] if groups == 1 else m.concatenate(weight_parts, 1)
        grad_w = m.transpose(m.reshape(weight_rows, (kh, kw, per_group_in, channels_out)), (3, 2, 0, 1))
    grad_b = m.sum(rows, axis=0) if len(inputs) == 3 and needs[2] else None
    return (grad_x, grad_w, grad_b)[: len(inputs)]


CONV2D = Structural("conv2d", _conv_forward, _conv_backward, reads=((1,), (0,), ()))


# -- pooling: windows reduced to one value; the backward spreads g back through col2im --------------------


def _spread(m: Any, weights: Any, g: Any, window: Window) -> Any:
    """col2im of ``g`` (N, C, OH, OW) times per-tap ``weights`` (K, C, N, OH, OW): each output's gradient
    sent back to the window positions it came from."""
    channels_first = m.transpose(g, (1, 0, 2, 3))
    per_tap = m.reshape(channels_first, (1, *channels_first.shape)) * weights
    return m.col2im(m.transpose(m.reshape(per_tap, (window.taps * window.image[1], -1)), (1, 0)), window)


def _is_quartering(window: Window) -> bool:
    """2×2 windows, stride 2, no padding or dilation: four strided views beat any window copy."""
    return (
        window.kernel == (2, 2)
        and window.stride == (2, 2)
        and window.padding == (0, 0)
        and window.dilation == (1, 1)
    )


def _quarters(x: np.ndarray, window: Window) -> list[np.ndarray]:
    oh, ow = window.output
    return [x[:, :, i : i + 2 * oh : 2, j : j + 2 * ow : 2] for i in (0, 1) for j in (0, 1)]


def _max_pool_forward(x: np.ndarray, window: Window, saved: dict) -> np.ndarray:
    if _is_quartering(window):
        a, b, c, d = _quarters(x, window)
        return np.maximum(np.maximum(a, b), np.maximum(c, d))
    view = window_view(x, window, fill=-np.inf)
    n, oh, ow, kh, kw, c = view.shape
    flat = view.reshape(n, oh, ow, kh * kw, c)
    winner = flat.argmax(axis=3)  # the first largest element of a window takes the gradient, as PyTorch
    pooled = np.take_along_axis(flat, winner[:, :, :, None], axis=3)[:, :, :, 0]
    if np.isnan(pooled).any():  # PyTorch's loop keeps the last NaN of a window, NumPy finds the first
        last_nan = kh * kw - 1 - np.isnan(flat[:, :, :, ::-1]).argmax(axis=3)
        winner = np.where(np.isnan(pooled), last_nan, winner)
    saved["argmax"] = winner.transpose(0, 3, 1, 2)
    return pooled.transpose(0, 3, 1, 2)


def _quarter_winners(quarters: list[np.ndarray], out: np.ndarray) -> list[np.ndarray]:
    """Per quarter of the 2×2 windows, where it holds the window's pooled value as PyTorch picks it: the
    first maximum, and in a window holding NaN (the pooled value then) its last NaN."""
    winners, free = [], np.ones_like(out, dtype=bool)  # free: windows no earlier quarter has claimed
    for quarter in quarters[:3]:
        wins = quarter == out
        wins &= free
        free ^= wins
        winners.append(wins)
    winners.append(free)
    nan = np.isnan(out)
    if nan.any():
        free = nan
        for k in (3, 2, 1, 0):
            wins = np.isnan(quarters[k])
            wins &= free
            free = free & ~wins
            winners[k] = (winners[k] & ~nan) | wins
    return winners


def _argmax(x: np.ndarray, out: np.ndarray, window: Window, saved: dict) -> np.ndarray:
    if "argmax" in saved:
        return saved["argmax"]
    a, b, c, _ = _quarter_winners(_quarters(x, window), out)
    return np.where(a, 0, np.where(b, 1, np.where(c, 2, 3)))


def _quartered_max_backward(g: np.ndarray, x: np.ndarray, out: np.ndarray, window: Window) -> np.ndarray:
    """2×2 / stride 2 on arrays: each quarter takes g where it holds the window's pooled value."""
    oh, ow = window.output
    covered = x.shape[2:] == (2 * oh, 2 * ow)  # else an odd last row or column gets no gradient
    grad = (np.empty_like if covered else np.zeros_like)(x, dtype=g.dtype)  # x's memory order: writes stream
    if g.strides != out.strides:  # one copy into out's memory order beats four strided reads of g
        copy = np.empty_like(out, dtype=g.dtype)
        copy[...] = g
        g = copy
    winners = _quarter_winners(_quarters(x, window), out)
    for (i, j), wins in zip(((0, 0), (0, 1), (1, 0), (1, 1)), winners):
        np.multiply(g, wins, out=grad[:, :, i : i + 2 * oh : 2, j : j + 2 * ow : 2])
    return grad


def _max_pool_backward(
    m: Any, g: Any, out: Any, inputs: Grads, needs: Any, window: Window, saved: dict
) -> Grads:
    if isinstance(g, np.ndarray) and _is_quartering(window):  # arrays: the direct path; nodes: the general
        return (_quartered_max_backward(g, inputs[0], out, window),)
    winner = _argmax(m.data(inputs[0]), m.data(out), window, saved).transpose(1, 0, 2, 3)
    chosen = (winner == np.arange(window.taps).reshape(-1, 1, 1, 1, 1)).astype(m.data(g).dtype)
    return (_spread(m, chosen, g, window),)


MAX_POOL2D = Structural("max_pool2d", _max_pool_forward, _max_pool_backward, reads=((0, OUT),))


def _avg_pool_forward(x: np.ndarray, window: Window) -> np.ndarray:
    if _is_quartering(window):
        a, b, c, d = _quarters(x, window)
        return (a + b + c + d) * x.dtype.type(0.25)
    view = window_view(x, window, fill=0.0)  # padding counts as zeros (PyTorch's count_include_pad)
    return view.mean(axis=(3, 4), dtype=x.dtype).transpose(0, 3, 1, 2)


def _avg_pool_backward(m: Any, g: Any, out: Any, inputs: Grads, needs: Any, window: Window) -> Grads:
    share = np.full((window.taps, 1, 1, 1, 1), 1.0 / window.taps, dtype=m.data(g).dtype)
    return (_spread(m, share, g, window),)


AVG_POOL2D = Structural("avg_pool2d", _avg_pool_forward, _avg_pool_backward, reads=())

RULES: tuple[Structural, ...] = (IM2COL, COL2IM, CONV2D, MAX_POOL2D, AVG_POOL2D)
