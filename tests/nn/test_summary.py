"""``nn.summary`` / ``Module.summary``: every layer's output shape and parameter count with totals, found
through forward hooks that are removed afterwards, leaving the model's mode as it was."""

from __future__ import annotations

import numpy as np
import pytest

import nn
from autograd import Tensor


def lenet() -> nn.Sequential:
    return nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
        nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10),
    )  # fmt: skip


def test_a_table_of_layers_shapes_and_parameters_with_totals() -> None:
    model = lenet()
    table = nn.summary(model, (1, 1, 28, 28))
    assert [row.output for row in table.rows][:3] == ["(1, 6, 28, 28)", "(1, 6, 28, 28)", "(1, 6, 14, 14)"]
    assert table.rows[0].name == "0" and table.rows[0].kind == "Conv2d" and table.rows[0].parameters == 156
    assert table.total == table.trainable == 61_706
    text = str(table)
    assert "11 (Linear)" in text and "(1, 10)" in text and "Total params: 61,706" in text
    assert "Non-trainable params: 0" in text


def test_frozen_parameters_recurrent_outputs_and_a_model_without_children() -> None:
    lstm = nn.LSTM(3, 5, num_layers=2)
    lstm.weight_ih_l0.requires_grad_(False)
    table = nn.summary(lstm, (7, 2, 3))
    assert table.rows[0].output == "((7, 2, 5), ((2, 2, 5), (2, 2, 5)))" and table.rows[0].kind == "LSTM"
    assert table.total == 440 and table.trainable == 440 - 60


def test_hooks_are_removed_and_modes_restored() -> None:
    model = nn.Sequential(nn.Linear(2, 3), nn.Dropout(0.5), nn.BatchNorm1d(3))
    model.train()
    nn.summary(model, (4, 2))
    assert all(module.training for module in model.modules())
    assert not any(module.__dict__.get("_forward_hooks") for module in model.modules())


def test_forward_hooks_see_inputs_and_outputs_and_can_replace_the_output() -> None:
    layer = nn.Linear(2, 2)
    seen = []
    handle = layer.register_forward_hook(
        lambda module, inputs, output: seen.append((module, inputs[0].shape))
    )
    doubling = layer.register_forward_hook(lambda module, inputs, output: output * 2)
    x = Tensor(np.ones((3, 2), np.float32))
    plain = layer.forward(x).numpy()
    np.testing.assert_allclose(layer(x).numpy(), 2 * plain)
    assert seen == [(layer, (3, 2))]
    handle.remove()
    doubling.remove()
    np.testing.assert_allclose(layer(x).numpy(), plain)
    assert len(seen) == 1


def test_bad_input_sizes_are_named() -> None:
    with pytest.raises(
        ValueError, match=r"summary: input_size must be a tuple of positive ints \(batch first\)"
    ):
        nn.summary(nn.Linear(2, 2), [1, 2])  # type: ignore[arg-type]
