"""Layers and losses: shapes, modes, closed forms, and gradients against central differences."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import nn
from autograd import Tensor, gradcheck
from nn import functional as F

rng = np.random.default_rng(0)


def leaf(*shape: int) -> Tensor:
    return Tensor(rng.normal(size=shape), requires_grad=True)


def test_linear_matches_numpy_and_gradchecks() -> None:
    layer = nn.Linear(3, 2, rng=0, dtype=np.float64)
    x = leaf(4, 3)
    np.testing.assert_allclose(layer(x).numpy(), x.numpy() @ layer.weight.numpy().T + layer.bias.numpy())
    gradcheck(lambda a, w, b: F.linear(a, w, b), [x, layer.weight, layer.bias])
    gradcheck(lambda a, w: F.linear(a, w), [leaf(2, 5, 3), leaf(4, 3)])
    with pytest.raises(ValueError, match="input has 5 features, the weight expects 3"):
        layer(Tensor(np.ones((2, 5))))


@pytest.mark.parametrize(
    "init", ["xavier_uniform", "xavier_normal", "he_uniform", "he_normal", "lecun_uniform"]
)
def test_initialisers_have_the_published_spread(init: str) -> None:
    weight = nn.Linear(400, 300, init=init, rng=1).weight.numpy()
    fan_in, fan_out = 400, 300
    expected = {
        "xavier_uniform": np.sqrt(2 / (fan_in + fan_out)),
        "xavier_normal": np.sqrt(2 / (fan_in + fan_out)),
        "he_uniform": np.sqrt(2 / fan_in),
        "he_normal": np.sqrt(2 / fan_in),
        "lecun_uniform": np.sqrt(1 / (3 * fan_in)),
    }[init]
    assert weight.std() == pytest.approx(expected, rel=0.02)
    assert np.array_equal(weight, nn.Linear(400, 300, init=init, rng=1).weight.numpy())
    with pytest.raises(ValueError, match="unknown init 'glorot'"):
        nn.Linear(2, 2, init="glorot")


def test_dropout_is_inverted_and_off_in_eval() -> None:
    layer = nn.Dropout(0.25, rng=3)
    x = Tensor(np.ones((200, 100), np.float32), requires_grad=True)
    out = layer(x)
    kept = out.numpy() != 0
    assert abs(kept.mean() - 0.75) < 0.01 and np.allclose(out.numpy()[kept], 1 / 0.75)
    out.sum().backward()
    np.testing.assert_allclose(x.grad, out.numpy())
    layer.eval()
    assert layer(x) is x
    with pytest.raises(ValueError, match=r"probability has to be between 0 and 1, but got 1.5"):
        nn.Dropout(1.5)


def test_batchnorm_normalises_tracks_running_stats_and_gradchecks() -> None:
    layer = nn.BatchNorm1d(3, momentum=0.5)
    x = Tensor(rng.normal(5.0, 2.0, size=(64, 3)).astype(np.float32))
    out = layer(x).numpy()
    np.testing.assert_allclose(out.mean(axis=0), 0, atol=1e-5)
    np.testing.assert_allclose(out.std(axis=0), 1, atol=1e-3)
    np.testing.assert_allclose(layer.running_mean, 0.5 * x.numpy().mean(axis=0), rtol=1e-5)
    layer.eval()
    expected = (x.numpy() - layer.running_mean) / np.sqrt(layer.running_var + layer.eps)
    np.testing.assert_allclose(layer(x).numpy(), expected, rtol=1e-5)
    layer.train()
    gamma = Tensor(np.array([1.0, 2.0, 0.5]), requires_grad=True)
    beta = Tensor(np.array([0.0, 1.0, -1.0]), requires_grad=True)

    def batch_norm(a: Tensor, g: Tensor, b: Tensor) -> Tensor:
        return (a - a.mean(axis=0)) / (a.var(axis=0, correction=0) + 1e-5).sqrt() * g + b

    gradcheck(batch_norm, [leaf(6, 3), gamma, beta])
    with pytest.raises(ValueError, match=r"expects inputs of shape \(N, 3\)"):
        layer(Tensor(np.ones((4, 2))))


def test_sequential_flatten_and_activation_modules() -> None:
    model = nn.Sequential(nn.Flatten(), nn.Linear(12, 8, rng=0), nn.PReLU(8), nn.Maxout(2), nn.Softmax())
    out = model(Tensor(np.ones((2, 3, 4), np.float32)))
    assert out.shape == (2, 4) and np.allclose(out.numpy().sum(axis=1), 1)
    assert len(model) == 5 and isinstance(model[1], nn.Linear)
    assert [name for name, _ in model.named_parameters()] == ["1.weight", "1.bias", "2.weight"]
    x = Tensor(np.linspace(-2, 2, 9))
    for module, function in [
        (nn.ReLU(), F.relu), (nn.LeakyReLU(0.2), lambda t: F.leaky_relu(t, 0.2)),
        (nn.ELU(0.5), lambda t: F.elu(t, 0.5)), (nn.Sigmoid(), F.sigmoid), (nn.Tanh(), F.tanh),
        (nn.GELU(), F.gelu), (nn.SiLU(), F.silu), (nn.SELU(), F.selu),
        (nn.Softplus(), F.softplus), (nn.Softsign(), F.softsign), (nn.Hardsigmoid(), F.hard_sigmoid),
        (nn.Identity(), F.identity), (nn.Step(), F.step), (nn.LogSoftmax(), F.log_softmax),
    ]:  # fmt: skip
        np.testing.assert_array_equal(module(x).numpy(), function(x).numpy())
    with pytest.raises(TypeError, match="Sequential takes Modules, got int at position 0"):
        nn.Sequential(3)


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
    with pytest.raises(ValueError, match=r"expects logits of shape \(N, C\)"):
        F.cross_entropy(Tensor(np.ones(3)), np.array([0]))
    with pytest.raises(TypeError, match="integer labels expected"):
        F.cross_entropy(logits, np.array([0.5]))


def test_linear_draws_its_bias_alone() -> None:
    """The bias takes out_features draws after the weight, not a whole matrix of which one column is kept."""
    layer = nn.Linear(400, 5, rng=0)
    rng = np.random.default_rng(0)
    bound = 1 / np.sqrt(400)
    weight = rng.uniform(-bound, bound, (5, 400)).astype(np.float32)
    bias = rng.uniform(-bound, bound, 5).astype(np.float32)
    assert np.array_equal(layer.weight.numpy(), weight) and np.array_equal(layer.bias.numpy(), bias)
