"""Layers (nn/layers.py: Linear, Sequential, ModuleList, Dropout, BatchNorm1d, Flatten): shapes, modes,
dtypes, initialisers, named argument errors, and gradients against central differences."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import nn
from autograd import Tensor, gradcheck
from nn import functional as F
from nn.data import DataLoader
from tests.twin import check

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


def test_linear_draws_its_bias_alone() -> None:
    """The bias takes out_features draws after the weight, not a whole matrix of which one column is kept."""
    layer = nn.Linear(400, 5, rng=0)
    rng = np.random.default_rng(0)
    bound = 1 / np.sqrt(400)
    weight = rng.uniform(-bound, bound, (5, 400)).astype(np.float32)
    bias = rng.uniform(-bound, bound, 5).astype(np.float32)
    assert np.array_equal(layer.weight.numpy(), weight) and np.array_equal(layer.bias.numpy(), bias)


def test_every_float_dtype_survives() -> None:
    """Reliability review S21."""
    import nn

    assert nn.Linear(2, 2, dtype=np.float16).weight.dtype == np.float16
    norm = nn.BatchNorm1d(2, dtype=np.float64)
    out = norm(Tensor(np.array([[1.0, 2.0], [3.0, 5.0]])))
    assert out.dtype == np.float64 and norm.running_mean.dtype == np.float64
    assert Tensor(np.float64(2.0)).dtype == np.float64


def test_arguments_are_named_and_a_plain_list_of_modules_is_refused() -> None:
    """Reliability review C10, K6."""
    t = Tensor(np.ones((2, 3)), requires_grad=True)
    with pytest.raises(TypeError, match="axis must be an int, a tuple of ints or None, got float"):
        t.sum(axis=1.0)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="axis must be an int"):
        t.sum(axis="a")  # type: ignore[arg-type]
    assert t.reshape(np.array([3, 2])).shape == (3, 2)
    with pytest.raises(ValueError, match=r"pad: pad_width -1 does not fit"):
        t.pad(-1)
    with pytest.raises(TypeError, match="clip: min must be a number or None, got str"):
        t.clip("a")  # type: ignore[arg-type]
    with pytest.raises(
        ValueError, match=r"linear: bias has shape \(3,\), a weight of shape \(2, 3\) needs \(2,\)"
    ):
        F.linear(t, Tensor(np.ones((2, 3))), Tensor(np.ones(3)))
    with pytest.raises(TypeError, match=r"linear: the input must be a Tensor, got ndarray \(wrap it"):
        nn.Linear(2, 2)(np.ones((1, 2)))
    with pytest.raises(ValueError, match="maxout: a 0-d Tensor has no axis"):
        Tensor(1.0).maxout(1)
    with pytest.raises(ValueError, match="positive number of features, got -1"):
        nn.BatchNorm1d(-1)
    with pytest.raises(ValueError, match=r"momentum must be a number in \[0, 1\] or None, got 2"):
        nn.BatchNorm1d(4, momentum=2)
    cumulative = nn.BatchNorm1d(1, momentum=None)
    for batch in ([[0.0], [2.0]], [[4.0], [6.0]]):
        cumulative(Tensor(np.array(batch, np.float32)))
    assert cumulative.running_mean.tolist() == [3.0]  # the plain average of the batch means 1 and 5
    with pytest.raises(
        ValueError, match=r"batch_size must be an integer >= 1 or None \(no batching\), got True"
    ):
        DataLoader((np.zeros((2, 1)), np.zeros(2)), batch_size=True)
    with pytest.raises(
        ValueError, match=r"batch_size must be an integer >= 1 or None \(no batching\), got 2\.5"
    ):
        DataLoader((np.zeros((2, 1)), np.zeros(2)), batch_size=2.5)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="needs a first axis of samples"):
        DataLoader((np.float32(1), np.int64(1)), 1)

    class Tower(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.layers = nn.ModuleList([nn.Linear(2, 2), nn.Linear(2, 1)])

    assert len(list(Tower().parameters())) == 4
    holder = nn.Module()
    with pytest.raises(TypeError, match=r"use nn\.ModuleList"):
        holder.layers = [nn.Linear(2, 2)]


# -- Second reliability review, K8, K11: dropout of 1, BatchNorm momentum 0 ----------------------------------


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


# -- Second reliability review, C5, C11, K5: a Sequential slice keeps the names ------------------------------


def test_a_sequential_slice_keeps_the_names() -> None:
    check(lambda t: list(t.nn.Sequential(t.nn.Linear(1, 1), t.nn.ReLU(), t.nn.Linear(1, 1))[1:].state_dict()))


# -- Second reliability review: a ModuleList changes like a Python list --------------------------------------


def test_module_lists_change_like_python_lists() -> None:
    def scenario(t: Any) -> Any:
        layers = t.nn.ModuleList([t.nn.Linear(1, 1), t.nn.ReLU(), t.nn.Tanh()])
        layers[1] = t.nn.Sigmoid()
        layers.insert(0, t.nn.Identity())
        del layers[-1]
        layers += [t.nn.ReLU()]
        joined = layers + t.nn.ModuleList([t.nn.Tanh()])
        return (
            [type(m).__name__ for m in layers],
            list(layers.state_dict()),
            len(joined),
            type(joined).__name__,
        )

    check(scenario)
