"""ONNX export of RNN (tanh, relu), LSTM and GRU as ONNX's own ops, checked in onnxruntime: gate orders,
stacked and bidirectional layers, batch_first, given initial states, no bias, dynamic batch and length."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import chainrule as torch
from chainrule import nn
from tests.nn.onnx_check import assert_runs_alike, exported, op_types, run_onnx

KINDS = ["rnn_tanh", "rnn_relu", "lstm", "gru"]
OPS = {"rnn_tanh": "RNN", "rnn_relu": "RNN", "lstm": "LSTM", "gru": "GRU"}
SHAPES = [  # (num_layers, bidirectional, batch_first, bias)
    (1, False, False, True),
    (1, True, True, True),
    (2, False, True, True),
    (2, True, False, True),
    (2, True, True, False),
]


@pytest.fixture(autouse=True)
def _seeded() -> None:
    torch.manual_seed(0)


def layer(kind: str, input_size: int = 3, hidden_size: int = 5, **options: Any) -> nn.Module:
    if kind.startswith("rnn_"):
        return nn.RNN(input_size, hidden_size, nonlinearity=kind[4:], **options)
    return (nn.LSTM if kind == "lstm" else nn.GRU)(input_size, hidden_size, **options)


def sequences(batch_first: bool, batch: int, steps: int, features: int = 3) -> torch.Tensor:
    return torch.randn(batch, steps, features) if batch_first else torch.randn(steps, batch, features)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(("num_layers", "bidirectional", "batch_first", "bias"), SHAPES)
def test_a_layer_and_its_final_states_run_alike_at_two_batch_sizes(
    kind: str, num_layers: int, bidirectional: bool, batch_first: bool, bias: bool
) -> None:
    model = layer(
        kind, num_layers=num_layers, bidirectional=bidirectional, batch_first=batch_first, bias=bias
    )
    batch = {"input": {0 if batch_first else 1: "batch"}}
    proto = assert_runs_alike(
        model, [sequences(batch_first, 2, 4)], [sequences(batch_first, 5, 4)], dynamic_axes=batch
    )
    ops = [n for n in proto.graph.node if n.op_type == OPS[kind]]
    assert len(ops) == num_layers
    assert all(len(n.input) > 3 and n.input[3] for n in ops) == bias  # B is left off without biases
    names = {i.name for i in proto.graph.initializer}
    assert {name for name, _ in model.named_parameters()} <= names
    assert any(n.name.endswith("_reverse") for n in proto.graph.initializer) == bidirectional


class Seeded(nn.Module):
    """A recurrent layer started from states the caller gives: h_0, or h_0 and c_0 for an LSTM."""

    def __init__(self, inner: nn.Module, keyword: bool) -> None:
        super().__init__()
        self.inner, self.keyword = inner, keyword

    def forward(self, x: torch.Tensor, *states: torch.Tensor) -> Any:
        hx = states if len(states) == 2 else states[0]
        return self.inner(x, hx=hx) if self.keyword else self.inner(x, hx)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("num_layers", [1, 2])
@pytest.mark.parametrize("keyword", [False, True], ids=["positional", "hx="])
def test_given_initial_states_are_sliced_per_layer_and_direction(
    kind: str, num_layers: int, keyword: bool
) -> None:
    model = Seeded(layer(kind, num_layers=num_layers, bidirectional=True, batch_first=True), keyword)
    count = 2 if kind == "lstm" else 1

    def batch(n: int) -> list[torch.Tensor]:
        return [sequences(True, n, 4), *(torch.randn(2 * num_layers, n, 5) for _ in range(count))]

    names = ["x", "h_0", "c_0"][: 1 + count]
    dynamic = {"x": {0: "batch"}, "h_0": {1: "batch"}, "c_0": {1: "batch"}}
    proto = assert_runs_alike(
        model, batch(2), batch(6), input_names=names, dynamic_axes={k: dynamic[k] for k in names}
    )
    op = next(n for n in proto.graph.node if n.op_type == OPS[kind])
    assert op.input[5] and (count == 1 or op.input[6])  # initial_h (and initial_c) are read


@pytest.mark.parametrize("kind", KINDS)
def test_the_sequence_length_may_change_too(kind: str) -> None:
    model = layer(kind, num_layers=2, bidirectional=True)
    proto = assert_runs_alike(
        model,
        [sequences(False, 3, 5)],
        [sequences(False, 2, 9)],
        [sequences(False, 4, 1)],
        dynamic_axes={"input": {0: "steps", 1: "batch"}},
    )
    dims = proto.graph.input[0].type.tensor_type.shape.dim
    assert [d.dim_param for d in dims[:2]] == ["steps", "batch"]


class Classifier(nn.Module):
    """Token ids -> Embedding -> LSTM (batch first) -> the last time step's h -> Linear."""

    def __init__(self) -> None:
        super().__init__()
        self.embed = nn.Embedding(20, 6)
        self.lstm = nn.LSTM(6, 8, num_layers=2, batch_first=True)
        self.head = nn.Linear(8, 3)

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        output, _ = self.lstm(self.embed(ids))
        return self.head(output[:, -1])


def test_an_embedding_lstm_classifier_runs_alike_with_a_dynamic_batch_and_length() -> None:
    model = Classifier()
    proto = assert_runs_alike(
        model,
        [torch.randint(0, 20, (3, 7))],
        [torch.randint(0, 20, (5, 7))],
        [torch.randint(0, 20, (2, 11))],
        dynamic_axes={"input": {0: "batch", 1: "steps"}},
    )
    assert {"Gather", "LSTM", "Gemm"} <= set(op_types(proto))
    assert op_types(proto).count("LSTM") == 2
    assert {"lstm.weight_ih_l1", "lstm.bias_hh_l0", "embed.weight"} <= {
        i.name for i in proto.graph.initializer
    }


class GruTagger(nn.Module):
    """A bidirectional GRU whose every step's features go through one Linear: a sequence tagger."""

    def __init__(self) -> None:
        super().__init__()
        self.gru = nn.GRU(4, 6, bidirectional=True)
        self.tag = nn.Linear(12, 2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.tag(self.gru(x)[0])


def test_a_gru_tagger_runs_alike_at_two_batch_sizes() -> None:
    x = torch.randn(6, 2, 4)
    assert_runs_alike(GruTagger(), [x], [torch.randn(6, 7, 4)], dynamic_axes={"input": {1: "batch"}})


def test_a_bare_lstm_returns_output_and_both_final_states_element_by_element() -> None:
    model = nn.LSTM(3, 4, num_layers=2, bidirectional=True).eval()
    x = torch.randn(5, 2, 3)
    proto = exported(model, [x], output_names=["output", "h_n", "c_n"])
    assert [o.name for o in proto.graph.output] == ["output", "h_n", "c_n"]
    output, h_n, c_n = run_onnx(proto, [x])
    with torch.no_grad():
        want_output, (want_h, want_c) = model(x)
    assert output.shape == (5, 2, 8) and h_n.shape == c_n.shape == (4, 2, 4)
    for got, want in [(output, want_output), (h_n, want_h), (c_n, want_c)]:
        np.testing.assert_allclose(got, want.numpy(), rtol=1e-4, atol=1e-4)
    # the last step of each forward run and the first of each backward run are the final states
    np.testing.assert_allclose(h_n[2], output[-1, :, :4], rtol=1e-6)
    np.testing.assert_allclose(h_n[3], output[0, :, 4:], rtol=1e-6)


@pytest.mark.parametrize("kind", KINDS)
def test_an_unbatched_sequence_runs_as_a_batch_of_one_and_loses_that_axis_again(kind: str) -> None:
    model = layer(kind, num_layers=2, bidirectional=True, batch_first=True)  # ignored without a batch
    count = 2 if kind == "lstm" else 1
    states = [torch.randn(4, 5) for _ in range(count)]
    assert_runs_alike(model, [torch.randn(6, 3)], [torch.randn(9, 3)], dynamic_axes={"input": {0: "steps"}})
    assert_runs_alike(Seeded(model, keyword=False), [torch.randn(6, 3), *states])
