"""Losses (nn.functional's and their modules in nn/losses.py): closed forms, gradients against central
differences, stability at the extremes, refused input, and cross-entropy's options against PyTorch."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from autograd import Tensor, gradcheck
from nn import functional as F
from tests.twin import T, check

rng = np.random.default_rng(0)


def leaf(*shape: int) -> Tensor:
    return Tensor(rng.normal(size=shape), requires_grad=True)


def test_mse_and_sse_losses() -> None:
    prediction, target = leaf(4, 2), rng.normal(size=(4, 2))
    assert F.mse_loss(prediction, target).item() == pytest.approx(np.mean((prediction.numpy() - target) ** 2))
    assert F.sse_loss(prediction, target).item() == pytest.approx(
        0.5 * np.sum((prediction.numpy() - target) ** 2)
    )
    gradcheck(lambda p: F.mse_loss(p, target), [prediction])
    gradcheck(lambda p: F.sse_loss(p, target), [prediction])
    assert F.mse_loss(prediction, target, reduction="none").shape == (4, 2)
    with pytest.raises(ValueError, match=r"prediction has shape \(4, 2\) but target has shape \(4,\)"):
        F.mse_loss(prediction, np.zeros(4))
    with pytest.raises(ValueError, match="reduction must be one of"):
        F.mse_loss(prediction, target, reduction="average")


def test_binary_cross_entropy_with_and_without_logits_agree() -> None:
    logits, target = leaf(5, 3), (rng.random((5, 3)) > 0.5).astype(np.float64)
    fused = F.binary_cross_entropy_with_logits(logits, target)
    plain = F.binary_cross_entropy(logits.sigmoid(), target)
    assert fused.item() == pytest.approx(plain.item(), rel=1e-9)
    gradcheck(lambda z: F.binary_cross_entropy_with_logits(z, target), [logits])
    gradcheck(lambda z: F.binary_cross_entropy(z.sigmoid(), target), [logits])
    huge = Tensor(np.array([[1e4, -1e4]]), requires_grad=True)
    loss = F.binary_cross_entropy_with_logits(huge, np.array([[0.0, 1.0]]))
    assert loss.item() == pytest.approx(1e4)
    assert np.isfinite(F.binary_cross_entropy(Tensor(np.array([0.0, 1.0])), np.array([1.0, 0.0])).item())


@given(st.integers(1, 6), st.integers(2, 5), st.sampled_from(["mean", "sum", "none"]))
def test_cross_entropy_matches_log_softmax_and_gradchecks(n: int, classes: int, reduction: str) -> None:
    logits = Tensor(np.random.default_rng(n).normal(size=(n, classes)) * 3, requires_grad=True)
    labels = np.random.default_rng(classes).integers(0, classes, n)
    losses = -F.log_softmax(logits, axis=1).numpy()[np.arange(n), labels]
    expected = {"mean": losses.mean(), "sum": losses.sum(), "none": losses}[reduction]
    np.testing.assert_allclose(
        F.cross_entropy(logits, labels, reduction=reduction).numpy(), expected, rtol=1e-10
    )
    gradcheck(lambda z: F.cross_entropy(z, labels, reduction=reduction), [logits])
    one_hot = np.eye(classes)[labels]
    np.testing.assert_allclose(
        F.cross_entropy(logits, one_hot, reduction=reduction).numpy(), expected, rtol=1e-10
    )
    soft = np.random.default_rng(0).dirichlet(np.ones(classes), size=n)
    gradcheck(lambda z: F.cross_entropy(z, soft, reduction=reduction), [logits])


def test_cross_entropy_is_stable_and_checks_its_inputs() -> None:
    logits = Tensor(np.array([[1e4, 0.0, -1e4]]), requires_grad=True)
    loss = F.cross_entropy(logits, np.array([2]))
    loss.backward()
    assert loss.item() == pytest.approx(2e4) and np.all(np.isfinite(logits.grad))
    with pytest.raises(ValueError, match=r"labels must lie in \[0, 3\)"):
        F.cross_entropy(logits, np.array([3]))
    with pytest.raises(ValueError, match="1 rows of logits but 2 labels"):
        F.cross_entropy(logits, np.array([0, 1]))
    with pytest.raises(ValueError, match=r"unbatched \(3,\) scores take one label"):
        F.cross_entropy(Tensor(np.ones(3)), np.array([0, 1]))
    with pytest.raises(TypeError, match="integer labels expected"):
        F.cross_entropy(logits, np.array([0.5]))


def test_binary_cross_entropy_is_finite_at_0_and_1_and_checks_its_input() -> None:
    """Reliability review S4."""
    p = Tensor(np.array([0.0, 1.0, 1e-300, 1 - 1e-16, 0.5, 1e-50]), requires_grad=True)
    target = np.array([1.0, 0.0, 1.0, 0.0, 0.3, 0.0])
    loss = F.binary_cross_entropy(p, target, reduction="sum")
    loss.backward()
    expected = 3 * 100 - np.log(1 - (1 - 1e-16)) + np.log(2)  # three logs floored at -100
    assert loss.item() == pytest.approx(expected, rel=1e-9)
    assert np.allclose(p.grad, [-1e12, 1e12, -1e12, 1e12, 0.8, 1e-50], rtol=0.01)  # PyTorch's values
    z = Tensor(np.array([20.0], np.float32), requires_grad=True)
    F.binary_cross_entropy(z.sigmoid(), [0.0]).backward()
    assert np.isfinite(z.grad).all()
    with pytest.raises(
        RuntimeError, match=r"should be between 0 and 1 \(probabilities\), got 1 outside, e.g. \[1.5\]"
    ):
        F.binary_cross_entropy(Tensor([0.2, 1.5]), [1.0, 1.0])


def test_targets_that_require_grad_are_refused_clearly() -> None:
    """Reliability review S20."""
    with pytest.raises(ValueError, match="targets that require grad are not differentiated"):
        F.cross_entropy(Tensor([[0.1, 0.9]], requires_grad=True), Tensor([[0.3, 0.7]], requires_grad=True))


NAN = float("nan")


# -- Second reliability review, W1, W2: losses on empty or NaN input, silently as PyTorch --------------------


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


# -- Second reliability review, K11: cross-entropy and NLL with weight, ignore_index and label_smoothing -----


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


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("beta", [1.0, 0.5, 0.0])
@pytest.mark.parametrize("form", ["smooth_l1_loss", "SmoothL1Loss"])
def test_smooth_l1_loss_matches_pytorch(reduction: str, beta: float, form: str) -> None:
    def scenario(t: Any) -> Any:
        prediction = t.tensor([[0.2, -1.5], [0.9, 3.0], [-0.4, 0.1]], dtype=t.float64, requires_grad=True)
        # errors from 0 to 2 on both sides of beta, one of them exactly 1
        target = t.tensor([[0.0, 0.0], [1.0, 1.0], [0.6, 0.1]], dtype=t.float64)
        if form == "smooth_l1_loss":
            out = t.nn.functional.smooth_l1_loss(prediction, target, reduction=reduction, beta=beta)
        else:
            out = t.nn.SmoothL1Loss(reduction=reduction, beta=beta)(prediction, target)
        (out * t.tensor(1.5, dtype=t.float64)).sum().backward()
        return out, prediction.grad

    check(scenario, rtol=1e-12)


def test_smooth_l1_loss_refuses_a_negative_beta() -> None:
    check(lambda t: t.nn.functional.smooth_l1_loss(t.ones(2), t.zeros(2), beta=-1.0), RuntimeError)


@pytest.mark.parametrize(
    "call",
    [
        lambda t: t.nn.functional.one_hot(t.tensor([3, 0, 1]), 5),
        lambda t: t.nn.functional.one_hot(t.tensor([[2, 0], [1, 2]])),
        lambda t: t.nn.functional.one_hot(t.tensor([], dtype=t.int64), 3),
        lambda t: t.nn.functional.one_hot(t.tensor(4), num_classes=6),
    ],
)
def test_one_hot_matches_pytorch(call: Any) -> None:
    check(call)


@pytest.mark.parametrize(
    "call",
    [
        lambda t: t.nn.functional.one_hot(t.tensor([1.0, 2.0]), 3),
        lambda t: t.nn.functional.one_hot(t.tensor([1, 2], dtype=t.int32), 3),
        lambda t: t.nn.functional.one_hot(t.tensor([-1, 2]), 3),
        lambda t: t.nn.functional.one_hot(t.tensor([1, 3]), 3),
        lambda t: t.nn.functional.one_hot(t.tensor([], dtype=t.int64)),
    ],
)
def test_one_hot_refuses_what_pytorch_refuses(call: Any) -> None:
    check(call, RuntimeError)


_SCORES = np.random.default_rng(5).normal(size=(2, 4, 3))
_LABELS = np.array([[0, 3, 1], [2, -100, 3]])
_SOFT = np.random.default_rng(6).dirichlet(np.ones(4), size=(2, 3)).transpose(0, 2, 1)


def _positions(torch: Any) -> Any:
    """Classification per position, (N, C, d) scores, and unbatched (C,) scores, with gradients."""
    F = torch.nn.functional
    x = torch.tensor(_SCORES, requires_grad=True)
    labels = torch.tensor(_LABELS)
    weight = torch.tensor([1.0, 2.0, 0.5, 1.5], dtype=torch.float64)
    parts = (
        F.cross_entropy(x, labels),
        F.cross_entropy(x, labels, reduction="none"),
        F.cross_entropy(x, labels, weight=weight, label_smoothing=0.1),
        F.cross_entropy(x, torch.tensor(_SOFT)),
        F.nll_loss(x.log_softmax(1), labels, reduction="sum"),
        F.cross_entropy(x[0, :, 0], torch.tensor(2)),
        torch.nn.CrossEntropyLoss(reduction="none")(x[0, :, 1], torch.tensor(1)),
    )
    sum(p.sum() for p in parts).backward()
    return (*parts, x.grad)


def test_losses_per_position_and_unbatched_match_pytorch() -> None:
    check(_positions, rtol=1e-10)
