"""Convolution and pooling: every configuration against central differences, PyTorch's output sizes, the
layers' errors, and (against PyTorch) copied weights, same padding, pooling options and NaN windows."""

from __future__ import annotations

import importlib.util
import warnings
from typing import Any

import numpy as np
import pytest

import nn
from autograd import Tensor, gradcheck, gradgradcheck
from nn import functional as F
from tests.twin import check

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


NAN = float("nan")


# -- Second reliability review, S12: max-pool sends a NaN window's gradient where PyTorch does (its last NaN)


@pytest.mark.parametrize(
    "window",
    [[[1.0, NAN], [3.0, 2.0]], [[NAN, NAN], [3.0, 2.0]], [[NAN, 1.0], [NAN, 2.0]], [[5.0, 1.0], [5.0, 2.0]]],
)
@pytest.mark.parametrize("kernel", [(2, 2), (2, 1)])  # (2, 2): the quartered fast path; stride 1: general
def test_max_pool_routes_a_nan_window_like_pytorch(window: list, kernel: tuple) -> None:
    def scenario(t: Any) -> Any:
        x = t.tensor([[window + window]], dtype=t.float64, requires_grad=True)  # (1, 1, 4, 2)
        out = t.nn.functional.max_pool2d(x, 2, stride=kernel)
        out.sum().backward()
        return out, x.grad

    check(scenario)


# -- Second reliability review, S14, C10, K11: window arguments as PyTorch takes and refuses them ------------


@pytest.mark.parametrize(
    "call",
    [
        lambda t: t.nn.MaxPool2d(2, stride=0)(t.ones(1, 1, 4, 4)),
        lambda t: t.nn.AvgPool2d(2, stride=0)(t.ones(1, 1, 4, 4)),
        lambda t: t.nn.functional.max_pool2d(t.ones(1, 1, 4, 4), 2, stride=0),
        lambda t: t.nn.functional.conv2d(t.ones(1, 1, 4, 4), t.ones(1, 1, 2, 2), stride=0),
        lambda t: t.nn.functional.conv2d(t.ones(1, 1, 4, 4), t.ones(1, 1, 5, 5)),
        lambda t: t.nn.functional.max_pool2d(t.ones(1, 1, 4, 4), 2, padding=2),
        lambda t: t.nn.Conv2d(1, 1, 0)(t.ones(1, 1, 4, 4)),
    ],
)
def test_windows_that_do_not_fit_raise_runtime_errors(call: Any) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # PyTorch warns about Conv2d(1, 1, 0)'s empty weight
        check(call, RuntimeError)


def test_pool_padding_may_reach_half_the_dilated_kernel() -> None:
    check(lambda t: t.nn.functional.max_pool2d(t.arange(25.0).reshape(1, 1, 5, 5), 2, 1, 1, 2))


# -- Second reliability review, K11: padding='same' with even kernels, in Conv2d and F.conv2d ----------------


@pytest.mark.filterwarnings("ignore:Using padding=.same.:UserWarning")  # PyTorch notes its own padded copy
@pytest.mark.parametrize(
    ("kernel", "dilation"), [((2, 2), 1), ((2, 3), 1), ((4, 1), 2), ((3, 3), 1), ((2, 2), 3)]
)
def test_same_padding_matches_pytorch_for_any_kernel(kernel: tuple, dilation: int) -> None:
    import numpy as np

    values = np.random.default_rng(0).normal(size=(2, 2, 5, 6))
    weights = np.random.default_rng(1).normal(size=(3, 2, *kernel))

    def scenario(t: Any) -> Any:
        x = t.tensor(values, requires_grad=True)
        w = t.tensor(weights, requires_grad=True)
        out = t.nn.functional.conv2d(x, w, padding="same", dilation=dilation)
        (out * out).sum().backward()
        conv = t.nn.Conv2d(2, 3, kernel, padding="same", dilation=dilation, bias=False).double()
        with t.no_grad():
            conv.weight.copy_(w)
        return out, x.grad, w.grad, conv(x), repr(conv)

    check(scenario, rtol=1e-9)


def test_same_padding_refuses_a_stride() -> None:
    check(lambda t: t.nn.Conv2d(1, 1, 2, stride=2, padding="same"), ValueError)


# -- Second reliability review, K11: pooling's ceil_mode, count_include_pad, divisor_override, return_indices


POOL_CASES = [  # (input H, W), kernel, stride, padding, dilation
    ((5, 5), 2, 2, 0, 1),
    ((7, 6), 3, 2, 1, 1),
    ((6, 7), (3, 2), (2, 3), (1, 1), 1),
    ((8, 8), 2, 3, 1, 2),
    ((4, 4), 4, 1, 2, 1),
]


@pytest.mark.parametrize("case", POOL_CASES, ids=str)
@pytest.mark.parametrize("ceil_mode", [False, True])
def test_max_pool_options_match_pytorch(case: tuple, ceil_mode: bool) -> None:
    import numpy as np

    size, kernel, stride, padding, dilation = case
    values = np.random.default_rng(2).normal(size=(2, 2, *size)).round(1)  # ties included

    def scenario(t: Any) -> Any:
        x = t.tensor(values, requires_grad=True)
        out, indices = t.nn.functional.max_pool2d(
            x, kernel, stride, padding, dilation, ceil_mode=ceil_mode, return_indices=True
        )
        (out * out).sum().backward()
        module = t.nn.MaxPool2d(kernel, stride, padding, dilation, return_indices=True, ceil_mode=ceil_mode)
        return out, indices, x.grad, module(x)[1]

    check(scenario, rtol=1e-12)


@pytest.mark.parametrize("case", [c for c in POOL_CASES if c[4] == 1], ids=str)
@pytest.mark.parametrize("ceil_mode", [False, True])
@pytest.mark.parametrize("count_include_pad", [True, False])
@pytest.mark.parametrize("divisor_override", [None, 3])
def test_avg_pool_options_match_pytorch(
    case: tuple, ceil_mode: bool, count_include_pad: bool, divisor_override: Any
) -> None:
    import numpy as np

    size, kernel, stride, padding, _ = case
    values = np.random.default_rng(3).normal(size=(2, 2, *size))

    def scenario(t: Any) -> Any:
        x = t.tensor(values, requires_grad=True)
        pool = t.nn.AvgPool2d(kernel, stride, padding, ceil_mode, count_include_pad, divisor_override)
        out = pool(x)
        (out * out).sum().backward()
        return out, x.grad

    check(scenario, rtol=1e-12)


@pytest.mark.parametrize("shape", [(2, 3, 4), (2, 3), (2, 3, 2, 2, 2)])
def test_dropout2d_of_another_rank_warns_as_pytorch_and_drops_whole_channels(shape: tuple[int, ...]) -> None:
    def scenario(torch: Any) -> Any:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            kept = torch.nn.Dropout2d(0.0)(torch.ones(*shape))
        return [str(w.message) for w in caught], kept

    check(scenario)
    with pytest.warns(UserWarning, match="dropout2d"):
        dropped = nn.Dropout2d(0.5, rng=0)(Tensor(np.ones((6, 5, *shape[2:]), np.float32))).numpy()
    per_channel = dropped.reshape(6, 5, -1)
    assert (per_channel.min(axis=2) == per_channel.max(axis=2)).all() and set(np.unique(dropped)) == {
        0.0,
        2.0,
    }
