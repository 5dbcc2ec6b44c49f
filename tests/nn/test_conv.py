"""Convolution and pooling: every configuration against central differences (first and second order),
PyTorch's output-size formula, the layers' shapes and errors, and (when PyTorch is installed) outputs
and gradients equal to PyTorch's with copied weights."""

from __future__ import annotations

import importlib.util

import numpy as np
import pytest

import nn
from autograd import Tensor, gradcheck, gradgradcheck
from nn import functional as F

HAS_TORCH = importlib.util.find_spec("torch") is not None
rng = np.random.default_rng(0)

# (N, C, H, W, out, KH, KW, stride, padding, dilation, groups)
CONVOLUTIONS = [
    (2, 3, 7, 6, 4, 3, 2, 1, 0, 1, 1),  # non-square kernel and image
    (1, 4, 9, 9, 6, 3, 3, 2, 1, 1, 2),  # stride, padding, groups
    (2, 2, 8, 7, 2, 2, 3, 2, (1, 2), (2, 1), 1),  # pairs, dilation
    (1, 6, 5, 5, 6, 3, 3, 1, 1, 1, 6),  # depthwise
    (1, 1, 5, 5, 2, 5, 5, 1, 2, 1, 1),  # LeNet's first layer: 5×5, padding 2
    (3, 2, 4, 5, 3, 1, 1, 1, 0, 1, 1),  # 1×1
]
# (kernel, stride, padding, dilation)
POOLS = [(2, 2, 0, 1), (3, 2, 1, 1), (2, 1, 0, 1), (3, 3, 1, 2), ((2, 3), (1, 2), (1, 1), 1), (2, 2, 0, 1)]


def _inputs(*shapes: tuple[int, ...]) -> list[Tensor]:
    return [Tensor(rng.normal(size=shape), requires_grad=True) for shape in shapes]


@pytest.mark.parametrize("config", CONVOLUTIONS)
def test_conv2d_gradients_match_central_differences(config) -> None:
    n, c, h, w, o, kh, kw, stride, padding, dilation, groups = config
    x, weight, bias = _inputs((n, c, h, w), (o, c // groups, kh, kw), (o,))
    assert gradcheck(lambda a, b, d: F.conv2d(a, b, d, stride, padding, dilation, groups), [x, weight, bias])
    assert gradcheck(lambda a, b: F.conv2d(a, b, None, stride, padding, dilation, groups), [x, weight])


def test_conv2d_second_derivatives() -> None:
    x, weight = _inputs((1, 2, 5, 4), (2, 1, 2, 2))
    assert gradgradcheck(lambda a, b: F.conv2d(a, b, None, 1, 1, 1, 2), [x, weight])
    x, weight = _inputs((2, 1, 4, 4), (3, 1, 3, 3))
    assert gradgradcheck(lambda a, b: F.conv2d(a, b, stride=2, padding=1), [x, weight])


@pytest.mark.parametrize("config", POOLS)
def test_pooling_gradients_match_central_differences(config) -> None:
    kernel, stride, padding, dilation = config
    (x,) = _inputs((2, 3, 7, 9))
    assert gradcheck(lambda a: F.max_pool2d(a, kernel, stride, padding, dilation), [x])
    if dilation == 1:
        assert gradcheck(lambda a: F.avg_pool2d(a, kernel, stride, padding), [x])
    assert gradgradcheck(lambda a: F.max_pool2d(a * a, kernel, stride, padding, dilation), [x])


def test_max_pool_ties_send_the_gradient_to_the_first_maximum() -> None:
    x = Tensor(np.ones((1, 1, 4, 4)), requires_grad=True)
    F.max_pool2d(x, 2).sum().backward()
    assert x.grad.numpy()[0, 0].tolist() == [[1, 0, 1, 0], [0, 0, 0, 0], [1, 0, 1, 0], [0, 0, 0, 0]]
    x = Tensor(np.ones((1, 1, 3, 3)), requires_grad=True)
    F.max_pool2d(x, 3, 1, 1).sum().backward()
    assert x.grad.numpy()[0, 0].tolist() == [[4, 2, 0], [2, 1, 0], [0, 0, 0]]


def test_output_sizes_follow_pytorchs_formula() -> None:
    x = Tensor(np.zeros((2, 3, 11, 8), np.float32))
    conv = nn.Conv2d(3, 5, (3, 2), stride=(2, 1), padding=(1, 0), dilation=(2, 3))
    assert conv(x).shape == (2, 5, (11 + 2 - 2 * 2 - 1) // 2 + 1, (8 - 3 * 1 - 1) // 1 + 1)
    assert nn.MaxPool2d(2)(x).shape == (2, 3, 5, 4) and nn.AvgPool2d(3, 2, 1)(x).shape == (2, 3, 6, 4)
    assert nn.Conv2d(3, 4, 5, padding="same")(x).shape == (2, 4, 11, 8)
    assert nn.AdaptiveAvgPool2d(1)(x).shape == (2, 3, 1, 1) and nn.AdaptiveAvgPool2d((3, 5))(x).shape == (
        2,
        3,
        3,
        5,
    )
    assert F.pad(x, (1, 2, 3, 4)).shape == (2, 3, 18, 11)


def test_errors_name_the_layer_and_the_shapes() -> None:
    conv = nn.Conv2d(3, 8, 3)
    with pytest.raises(
        ValueError, match=r"Conv2d\(3, 8\) expects inputs of shape \(N, 3, H, W\), got \(2, 1, 8, 8\)"
    ):
        conv(Tensor(np.zeros((2, 1, 8, 8), np.float32)))
    with pytest.raises(
        RuntimeError, match=r"conv2d: a 2×2 input \(padding \(0, 0\)\) is smaller than the kernel"
    ):
        conv(Tensor(np.zeros((1, 3, 2, 2), np.float32)))
    with pytest.raises(
        ValueError, match=r"max_pool2d: expected a 4-D input \(N, C, H, W\), got shape \(3, 8, 8\)"
    ):
        nn.MaxPool2d(2)(Tensor(np.zeros((3, 8, 8), np.float32)))
    with pytest.raises(ValueError, match="must divide into 4 groups"):
        nn.Conv2d(6, 8, 3, groups=4)
    with pytest.raises(
        ValueError, match=r"BatchNorm2d\(3\) expects inputs of shape \(N, 3, H, W\), got \(2, 3\)"
    ):
        nn.BatchNorm2d(3)(Tensor(np.zeros((2, 3), np.float32)))
    with pytest.raises(TypeError, match="kernel_size must be an int or a pair of ints"):
        F.max_pool2d(Tensor(np.zeros((1, 1, 4, 4))), 2.5)


def test_a_filter_is_shared_across_the_image() -> None:
    conv, dense = nn.Conv2d(1, 6, 5), nn.Linear(28 * 28, 6 * 24 * 24)
    count = lambda m: sum(p.numel() for p in m.parameters())  # noqa: E731
    assert count(conv) == 6 * 25 + 6 and count(dense) > 10_000 * count(conv)


def test_dropout2d_drops_whole_channels_and_batchnorm2d_normalises_per_channel() -> None:
    x = Tensor(np.ones((4, 8, 3, 3), np.float32))
    dropped = nn.Dropout2d(0.5, rng=0)(x).numpy()
    per_map = dropped.reshape(4, 8, 9)
    assert set(np.unique(per_map)) <= {0.0, 2.0} and (per_map.min(axis=2) == per_map.max(axis=2)).all()
    norm = nn.BatchNorm2d(8)
    y = norm(Tensor(rng.normal(2.0, 3.0, size=(4, 8, 5, 5)).astype(np.float32))).numpy()
    assert np.allclose(y.mean(axis=(0, 2, 3)), 0, atol=1e-5) and np.allclose(
        y.std(axis=(0, 2, 3)), 1, atol=1e-3
    )
    assert int(norm.num_batches_tracked) == 1 and norm.eval()(
        Tensor(np.zeros((1, 8, 2, 2), np.float32))
    ).shape == (1, 8, 2, 2)


@pytest.mark.skipif(not HAS_TORCH, reason="the cross-check needs PyTorch (pip install torch==2.13.0)")
def test_layers_equal_pytorchs_with_copied_weights() -> None:
    import torch

    x = rng.normal(size=(2, 4, 9, 8))
    cases = [
        (
            nn.Conv2d(4, 6, 3, stride=2, padding=1, groups=2),
            torch.nn.Conv2d(4, 6, 3, stride=2, padding=1, groups=2),
        ),
        (
            nn.Conv2d(4, 3, (2, 3), dilation=2, bias=False),
            torch.nn.Conv2d(4, 3, (2, 3), dilation=2, bias=False),
        ),
        (nn.MaxPool2d(3, 2, 1), torch.nn.MaxPool2d(3, 2, 1)),
        (nn.AvgPool2d(2), torch.nn.AvgPool2d(2)),
        (nn.AdaptiveAvgPool2d((4, 3)), torch.nn.AdaptiveAvgPool2d((4, 3))),
        (nn.BatchNorm2d(4), torch.nn.BatchNorm2d(4)),
    ]
    for ours, theirs in cases:
        ours.double()
        theirs.double()
        ours.load_state_dict({k: v.detach().numpy() for k, v in theirs.state_dict().items()})
        mine, reference = Tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
        out, expected = ours(mine), theirs(reference)
        upstream = rng.normal(size=expected.shape)
        out.backward(upstream)
        expected.backward(torch.tensor(upstream))
        np.testing.assert_allclose(out.numpy(), expected.detach().numpy(), atol=1e-10, err_msg=repr(ours))
        np.testing.assert_allclose(mine.grad.numpy(), reference.grad.numpy(), atol=1e-10, err_msg=repr(ours))
        for (name, p), q in zip(ours.named_parameters(), theirs.parameters()):
            np.testing.assert_allclose(p.grad.numpy(), q.grad.numpy(), atol=1e-10, err_msg=f"{ours!r} {name}")
        for (name, b), q in zip(ours.named_buffers(), theirs.buffers()):
            np.testing.assert_allclose(b.numpy(), q.numpy(), atol=1e-10, err_msg=f"{ours!r} {name}")
