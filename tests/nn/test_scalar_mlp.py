"""Neuron / Layer / MLP over Values: shapes, parameters, seeding, and learning XOR by backprop."""

from __future__ import annotations

import numpy as np
import pytest

from autograd import Tensor, Value
from nn import functional as F
from nn.scalar import MLP, Layer, Neuron, rmsnorm, softmax


def test_parameter_counts_and_zero_grad() -> None:
    model = MLP(2, [4, 3, 1])
    assert len(model.parameters()) == (2 * 4 + 4) + (4 * 3 + 3) + (3 * 1 + 1)
    out = model([1.0, -1.0])
    assert isinstance(out, Value)
    out.backward()
    assert any(p.grad != 0.0 for p in model.parameters())
    model.zero_grad()
    assert all(p.grad == 0.0 for p in model.parameters())


def test_same_seed_same_weights() -> None:
    first = [p.data for p in MLP(3, [5, 2], seed=7).parameters()]
    again = [p.data for p in MLP(3, [5, 2], seed=7).parameters()]
    other = [p.data for p in MLP(3, [5, 2], seed=8).parameters()]
    assert first == again != other


def test_layer_outputs_and_activation_choice() -> None:
    layer = Layer(3, 4, activation="sigmoid")
    outputs = layer([0.1, 0.2, 0.3])
    assert len(outputs) == 4 and all(0 < o.data < 1 for o in outputs)
    assert Neuron(2, "step")([1.0, 1.0]).data in (0.0, 1.0)
    with pytest.raises(ValueError, match="unknown activation 'swishy'"):
        Neuron(2, "swishy")
    with pytest.raises(ValueError, match="expects 2 inputs, got 3"):
        Neuron(2)([1.0, 2.0, 3.0])


def test_mlp_learns_xor_by_backprop() -> None:
    from examples.xor import train

    model, losses = train(steps=500, lr=1.0, seed=0)
    predictions = [model([a, b]).data > 0.5 for a, b in ((0, 0), (1, 0), (0, 1), (1, 1))]  # type: ignore[union-attr]
    assert predictions == [False, True, True, False]
    assert losses[-1] < 0.01 < losses[0]


def test_softmax_and_rmsnorm_over_values_match_the_tensor_layers_with_gradients() -> None:

    data = [0.3, -1.2, 2.5, 40.0]
    values = [Value(x) for x in data]
    weights = [0.5, -1.0, 2.0, 0.25]
    out = softmax(rmsnorm(values))
    sum(w * o for w, o in zip(weights, out)).backward()
    x = Tensor(np.array(data), requires_grad=True, dtype=np.float64)
    expected = F.rms_norm(x, (4,), eps=1e-5).softmax(-1)
    (expected * Tensor(np.array(weights), dtype=np.float64)).sum().backward()
    assert np.allclose([o.data for o in out], expected.numpy(), rtol=1e-12)
    assert np.allclose([v.grad for v in values], x.grad.numpy(), rtol=1e-10)
    assert softmax([Value(1000.0), Value(0.0)])[0].data == 1.0  # large logits stay finite
