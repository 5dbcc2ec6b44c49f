"""One registry of what the tests know about each rule of the derivative table (``autograd.rules``),
read by every test that walks the table: per elementwise rule its domain, parameters, kinks and whether
finite inputs keep it finite; per structural rule (losses, convolution, pooling and the recurrent cells
included) expressions of a (3, 3) float64 leaf whose first and second derivatives are checked. A rule
added to the table without an entry here fails ``test_the_registry_covers_the_whole_table``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from autograd import Tensor, concatenate, enable_grad, grad, stack, where
from autograd.extend import apply
from autograd.kernels.im2col import Window
from autograd.rules import windows
from nn import functional as F
from nn.functional.recurrent import recurrence


@dataclass(frozen=True)
class ElementwiseCase:
    """Inputs in [low, high] are inside the rule's domain; ``params`` are passed after the inputs;
    smooth checks keep away from ``kinks``; ``bounded``: finite inputs give finite values and gradients."""

    low: float
    high: float
    params: tuple[float, ...] = ()
    kinks: tuple[float, ...] = ()
    bounded: bool = False


ELEMENTWISE_CASES: dict[str, ElementwiseCase] = {
    "add": ElementwiseCase(-3, 3),
    "sub": ElementwiseCase(-3, 3),
    "mul": ElementwiseCase(-3, 3),
    "div": ElementwiseCase(0.5, 3),
    "pow": ElementwiseCase(0.5, 2),
    "neg": ElementwiseCase(-3, 3, bounded=True),
    "exp": ElementwiseCase(-3, 3),
    "log": ElementwiseCase(0.2, 3),
    "sqrt": ElementwiseCase(0.2, 3),
    "abs": ElementwiseCase(-3, 3, kinks=(0.0,), bounded=True),
    "sin": ElementwiseCase(-3, 3, bounded=True),
    "cos": ElementwiseCase(-3, 3, bounded=True),
    "erf": ElementwiseCase(-3, 3, bounded=True),
    "sign": ElementwiseCase(-3, 3, kinks=(0.0,), bounded=True),
    "floor": ElementwiseCase(-3, 3, kinks=(-3.0, -2.0, -1.0, 0.0, 1.0, 2.0, 3.0), bounded=True),
    "ceil": ElementwiseCase(-3, 3, kinks=(-3.0, -2.0, -1.0, 0.0, 1.0, 2.0, 3.0), bounded=True),
    "round": ElementwiseCase(-3, 3, kinks=(-2.5, -1.5, -0.5, 0.5, 1.5, 2.5), bounded=True),
    "identity": ElementwiseCase(-3, 3, bounded=True),
    "step": ElementwiseCase(-3, 3, kinks=(0.0,), bounded=True),
    "sigmoid": ElementwiseCase(-4, 4, bounded=True),
    "tanh": ElementwiseCase(-3, 3, bounded=True),
    "relu": ElementwiseCase(-3, 3, kinks=(0.0,), bounded=True),
    "leaky_relu": ElementwiseCase(-3, 3, (0.1,), (0.0,), bounded=True),
    "elu": ElementwiseCase(-3, 3, (0.7,), (0.0,), bounded=True),
    "selu": ElementwiseCase(-3, 3, kinks=(0.0,), bounded=True),
    "gelu": ElementwiseCase(-4, 4, bounded=True),
    "swish": ElementwiseCase(-4, 4, bounded=True),
    "softplus": ElementwiseCase(-4, 4, bounded=True),
    "softsign": ElementwiseCase(-3, 3, kinks=(0.0,), bounded=True),
    "hard_sigmoid": ElementwiseCase(-4, 4, kinks=(-3.0, 3.0), bounded=True),
    "clip": ElementwiseCase(-3, 3, (-1.0, 1.5), (-1.0, 1.5), bounded=True),
    "floor_divide": ElementwiseCase(0.5, 3),
    "remainder": ElementwiseCase(0.5, 3),
}
STEPS_AT_INTEGER_RATIOS = {"floor_divide", "remainder"}  # x // y and x % y jump where x / y is whole
VALUE_ONLY_MISSING = {"clip"}  # clip is a Tensor method (PyTorch's clamp); Value has no use for it

LABELS = np.array([2, 0, 1])
MASK = np.array([[True, False, True], [False, False, True], [True, True, False]])
ROWS = np.array([[0.2, 0.3, 0.5], [1.0, 0.0, 0.0], [0.0, 0.6, 0.4]])
WINDOW = Window(kernel=(2, 2), stride=(1, 1), padding=(0, 0), dilation=(1, 1), image=(1, 1, 3, 3))


def _picked_gradient(a: Tensor) -> Tensor:
    """The gradient of a repeated pick is a scatter-add, recorded (even inside gradcheck's no_grad)."""
    with enable_grad():
        return grad((a * a * a)[[0, 0, 2]].sum(), a, create_graph=True)[0]


def _assigned(a: Tensor, index: object, value: Tensor) -> Tensor:
    """``a * a`` with ``value`` written at ``index``: an item assignment recorded as index_put."""
    out = a * a
    out[index] = value
    return out


def _scaled_through_a_view(a: Tensor) -> Tensor:
    """A column of ``a * a`` scaled in place through a view: index_put on the base, then the view."""
    out = a * a
    out.t()[0].mul_(a[1].exp())
    return out


def _image(a: Tensor) -> Tensor:
    return (a * a).reshape(1, 1, 3, 3)


def _cell(mode: str, gates: int, states: int) -> Callable[[Tensor], Tensor]:
    """A recurrent cell run over the three rows of ``a`` (T=3, N=1, I=3, H=3), every weight, bias and
    initial state made from ``a``: output and final state summed into one result."""

    def run(a: Tensor) -> Tensor:
        w_ih = concatenate([a * (0.3 * (k + 1)) for k in range(gates)])
        w_hh = concatenate([a.T * (0.2 / (k + 1)) for k in range(gates)])
        state = tuple(a[:1] * (0.1 * (s + 1)) for s in range(states))
        out, final = recurrence(mode, a.reshape(3, 1, 3), state, w_ih, w_hh, w_ih[:, 0], w_hh[:, 2] * 0.5)
        return out.sum() + sum(s.sum() for s in final)

    return run


# expressions of a (3, 3) leaf per structural rule, by the rule's name
STRUCTURAL_CASES: dict[str, list[Callable[[Tensor], Tensor]]] = {
    "@": [
        lambda a: a @ a.T,
        lambda a: a[0] @ a[1],  # 1-D · 1-D
        lambda a: a[0] @ a.T,  # 1-D @ 2-D
        lambda a: a @ a[1],  # 2-D @ 1-D
        lambda a: a.reshape(3, 1, 3) @ a.reshape(1, 3, 3),  # batched, broadcast batch
    ],
    "linear": [lambda a: F.linear(a, a * 0.5, a[0]), lambda a: F.linear(a.reshape(3, 1, 3), a)],
    "sum": [lambda a: (a * a).sum(axis=1), lambda a: (a * a).sum(axis=0, keepdims=True)],
    "mean": [lambda a: (a * a).mean(axis=(0, 1)), lambda a: (a * a).mean(axis=-1, keepdims=True)],
    "var": [
        lambda a: a.var(axis=0),
        lambda a: a.var(axis=1, keepdims=True, correction=0),
        lambda a: a.std(0),
    ],
    "max": [lambda a: a.exp().max(axis=1), lambda a: (a * a.exp()).max()],
    "min": [lambda a: a.exp().min(axis=0, keepdims=True)],
    "prod": [
        lambda a: (a * 0.7).prod(1),
        lambda a: (a * (a > 0)).prod(axis=(0, 1)),  # zero factors: the exact product of the others
        lambda a: (a * (a > 0)).prod(0, keepdim=True),
    ],
    "reshape": [lambda a: (a * a).reshape(9)],
    "transpose": [lambda a: (a * a).T, lambda a: (a * a).reshape(1, 3, 3).permute(2, 0, 1)],
    "broadcast_to": [lambda a: (a * a)[0].broadcast_to(2, 3, 3)],
    "sum_to": [lambda a: (a * a).sum_to(1, 3), lambda a: (a * a).sum_to(3)],
    "astype": [lambda a: (a * a).astype(np.float64)],  # float32 would drown central differences
    "getitem": [lambda a: (a * a)[1:, ::2], lambda a: (a * a)[[0, 0, 2]], lambda a: (a * a)[MASK]],
    "scatter_add": [_picked_gradient],
    "index_put": [
        lambda a: _assigned(a, 1, a[0].exp()),
        lambda a: _assigned(a, (slice(None), 2), a[:, 0] * a[:, 1]),
        lambda a: _assigned(a, MASK, (a * 3.0)[MASK]),
        lambda a: _assigned(a, [0, 2], a[1].tanh()),  # one row broadcast into two
        _scaled_through_a_view,
    ],
    "pad": [lambda a: (a * a).pad(((1, 0), (0, 2)), value=3.0)],
    "concatenate": [lambda a: concatenate([a * a, a.exp()], axis=1)],
    "stack": [lambda a: stack([a * a, a.tanh()], axis=-1)],
    "where": [lambda a: where(MASK, a * a, a.exp())],
    "softmax": [lambda a: a.softmax(axis=1), lambda a: a.softmax(axis=0)],
    "log_softmax": [lambda a: a.log_softmax(axis=-1)],
    "cross_entropy": [
        lambda a: F.cross_entropy(a, LABELS),
        lambda a: F.cross_entropy(a, ROWS, reduction="sum"),
        lambda a: F.cross_entropy(a * a, LABELS, reduction="none"),
    ],
    "binary_cross_entropy": [lambda a: F.binary_cross_entropy(a.sigmoid(), MASK.astype(float))],
    "bce_with_logits": [
        lambda a: F.binary_cross_entropy_with_logits(a, MASK.astype(float)),
        lambda a: F.binary_cross_entropy_with_logits(a, a.sigmoid(), reduction="sum"),
    ],
    "im2col": [lambda a: apply(windows.IM2COL, (_image(a),), window=WINDOW)],
    "col2im": [
        lambda a: apply(windows.COL2IM, (apply(windows.IM2COL, (_image(a),), window=WINDOW),), window=WINDOW)
    ],
    "conv2d": [
        lambda a: F.conv2d(_image(a), a[:2, :2].reshape(1, 1, 2, 2), a[0, :1]),
        lambda a: F.conv2d(a.reshape(1, 1, 3, 3), _image(a)[..., :2, :2] * 0.5, stride=2, padding=1),
    ],
    "max_pool2d": [lambda a: F.max_pool2d(_image(a) * a.exp().reshape(1, 1, 3, 3), 2, 1)],
    "avg_pool2d": [lambda a: F.avg_pool2d(_image(a), 2, 1, padding=1)],
    "layer_norm": [
        lambda a: F.layer_norm(a * a.exp(), (3,)),
        lambda a: F.layer_norm(a.reshape(1, 3, 3), (3, 3), a * 0.5, a.T + 1.0),
        lambda a: F.layer_norm(a, 3, bias=a[1]),
    ],
    "rms_norm": [
        lambda a: F.rms_norm(a, (3,)),
        lambda a: F.rms_norm(a.reshape(3, 1, 3), (1, 3), a[:1] * 2.0, eps=0.1),
    ],
    "scaled_dot_product_attention": [
        lambda a: F.scaled_dot_product_attention(a, a.T * 0.5, a.exp()),
        lambda a: F.scaled_dot_product_attention(a.reshape(1, 3, 3), a, a * a, is_causal=True),
        lambda a: F.scaled_dot_product_attention(a, a[:2] * 0.3, a[1:], attn_mask=a[:, :2] * 0.7),
        lambda a: F.scaled_dot_product_attention(a, a, a.tanh(), attn_mask=MASK[:, ::-1].copy(), scale=0.4),
    ],
    "rnn_tanh": [_cell("rnn_tanh", 1, 1)],
    "rnn_relu": [_cell("rnn_relu", 1, 1)],
    "lstm": [_cell("lstm", 4, 2)],
    "gru": [_cell("gru", 3, 1)],
}
