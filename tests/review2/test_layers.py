"""The second reliability review's findings (shared/reviews/reliability-2.md), part layers and losses:
recurrent cells, pooling (NaN routing, options), window arguments, refused arguments, losses on odd input,
dropout and BatchNorm options, same padding, cross-entropy options. Each is written in PyTorch's API and
run on chainrule and on PyTorch (tests/twin.py): values, gradients, dtypes, and an error of the same kind
wherever PyTorch raises one."""

from __future__ import annotations

import warnings
from typing import Any

import pytest

from tests.twin import T, check

NAN = float("nan")


# -- S7: cells take one step: a 3-D input is refused ----------------------------------------------------


@pytest.mark.parametrize("cell", ["RNNCell", "LSTMCell", "GRUCell"])
def test_cells_refuse_a_sequence(cell: str) -> None:
    check(lambda t: getattr(t.nn, cell)(3, 4)(t.ones(2, 5, 3)), ValueError)


# -- S12: max-pool sends a NaN window's gradient where PyTorch does (its last NaN) -------------------------


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


# -- S14, C10, K11: window arguments as PyTorch takes and refuses them -----------------------------------


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


# -- S15: arguments PyTorch refuses are refused, not reinterpreted ---------------------------------------


@pytest.mark.parametrize(
    ("call", "error"),
    [
        (lambda t: t.ones(2, 3).squeeze(5), IndexError),
        (lambda t: t.ones(2, 3).squeeze(-3), IndexError),
        (lambda t: t.nn.functional.pad(t.ones(2, 2), (1.5, 1)), TypeError),
        (lambda t: t.randn(2, 3, dtype=t.int64), NotImplementedError),
        (lambda t: t.rand(2, dtype=t.int64), NotImplementedError),
        (lambda t: t.nn.BatchNorm2d(1)(t.ones(2, 1, 2, 2, dtype=t.float64)), RuntimeError),
        (lambda t: t.nn.BatchNorm2d(1).eval()(t.ones(2, 1, 2, 2, dtype=t.float64)), RuntimeError),
        (
            lambda t: t.nn.functional.conv2d(
                t.ones(1, 1, 3, 3), t.ones(1, 1, 2, 2), t.ones(1, dtype=t.float64)
            ),
            RuntimeError,
        ),
        (
            lambda t: t.nn.functional.linear(t.ones(1, 2), t.ones(3, 2), t.ones(3, dtype=t.float64)),
            RuntimeError,
        ),
        (lambda t: t.nn.Linear(2, 3)(t.ones(1, 2, dtype=t.float64)), RuntimeError),
    ],
)
def test_arguments_pytorch_refuses(call: Any, error: type) -> None:
    check(call, error)


# -- W1, W2: losses on empty or NaN input, silently as PyTorch -----------------------------------------


def test_cross_entropy_of_an_empty_batch_is_nan_silently() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        check(lambda t: t.nn.functional.cross_entropy(t.ones(0, 3), t.ones(0, dtype=t.int64)), T(NAN))


def test_binary_cross_entropy_refuses_a_nan_probability_without_warnings() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        check(
            lambda t: t.nn.functional.binary_cross_entropy(t.tensor([NAN, 0.5]), t.tensor([1.0, 0.0])),
            RuntimeError,
        )


# -- K8, K11: dropout of 1, BatchNorm momentum 0, a one-layer RNN's dropout warns ---------------------------


@pytest.mark.parametrize(
    "call",
    [
        lambda t: t.nn.Dropout(p=1)(t.ones(3)),
        lambda t: t.nn.Dropout2d(p=1)(t.ones(1, 2, 2, 2)),
        lambda t: t.nn.functional.dropout(t.ones(3), p=1.0),
        lambda t: t.nn.Dropout(p=1.5),
        lambda t: t.nn.BatchNorm1d(2, momentum=0)(t.tensor([[1.0, 2.0], [3.0, 5.0]])),
    ],
)
def test_dropout_and_batchnorm_arguments_pytorch_accepts(call: Any) -> None:
    check(call)


def test_a_one_layer_recurrent_net_with_dropout_warns() -> None:
    def scenario(t: Any) -> Any:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            t.nn.LSTM(2, 3, num_layers=1, dropout=0.5)
            t.nn.GRU(2, 3, num_layers=2, dropout=0.5)
        return ["num_layers greater than 1" in str(w.message) for w in caught]

    check(scenario, [True])


# -- K11: cross-entropy and NLL with weight, ignore_index and label_smoothing ------------------------------

LOGITS = [[1.0, 2.0, 0.5], [0.1, -1.0, 2.0], [0.3, 0.3, 0.3], [2.0, 1.0, -1.0]]


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize(
    "options",
    [
        {"weight": [1.0, 2.0, 0.5]},
        {"ignore_index": 1},
        {"label_smoothing": 0.2},
        {"weight": [1.0, 2.0, 0.5], "ignore_index": 0, "label_smoothing": 0.1},
        {"ignore_index": -100},
    ],
    ids=str,
)
@pytest.mark.parametrize("loss", ["cross_entropy", "nll_loss", "CrossEntropyLoss"])
def test_cross_entropy_options_match_pytorch(reduction: str, options: dict, loss: str) -> None:
    if loss == "nll_loss" and "label_smoothing" in options:
        pytest.skip("nll_loss has no label smoothing")

    def scenario(t: Any) -> Any:
        logits = t.tensor(LOGITS, dtype=t.float64, requires_grad=True)
        labels = t.tensor([1, 2, 0, 1])
        kwargs = {k: (t.tensor(v, dtype=t.float64) if k == "weight" else v) for k, v in options.items()}
        if loss == "nll_loss":
            out = t.nn.functional.nll_loss(logits.log_softmax(1), labels, reduction=reduction, **kwargs)
        elif loss == "cross_entropy":
            out = t.nn.functional.cross_entropy(logits, labels, reduction=reduction, **kwargs)
        else:
            out = t.nn.CrossEntropyLoss(reduction=reduction, **kwargs)(logits, labels)
        (out * t.tensor(1.5, dtype=t.float64)).sum().backward()
        return out, logits.grad

    check(scenario, rtol=1e-8)


@pytest.mark.parametrize("options", [{"label_smoothing": 0.3}, {"weight": [1.0, 2.0, 0.5]}], ids=str)
def test_cross_entropy_options_on_probability_targets(options: dict) -> None:
    def scenario(t: Any) -> Any:
        logits = t.tensor(LOGITS, dtype=t.float64, requires_grad=True)
        targets = t.tensor([[0.2, 0.8, 0.0]] * 4, dtype=t.float64)
        kwargs = {k: (t.tensor(v, dtype=t.float64) if k == "weight" else v) for k, v in options.items()}
        out = t.nn.functional.cross_entropy(logits, targets, **kwargs)
        out.backward()
        return out, logits.grad

    check(scenario, rtol=1e-8)


def test_everything_ignored_is_nan() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        check(lambda t: t.nn.functional.cross_entropy(t.ones(2, 3), t.tensor([1, 1]), ignore_index=1), T(NAN))


# -- K11: padding='same' with even kernels, in Conv2d and F.conv2d ---------------------------------------


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


# -- K11: pooling's ceil_mode, count_include_pad, divisor_override and return_indices -------------------

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
