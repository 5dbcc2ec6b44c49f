"""Recurrent cells and layers: every kind against central differences, PyTorch's API, one graph node per
layer, truncated BPTT, PyTorch's results with copied weights, its refusals and warnings."""

from __future__ import annotations

import importlib.util
import math
import warnings
from typing import Any

import numpy as np
import pytest

import nn
from autograd import Tensor, gradcheck, gradgradcheck
from autograd.graph import topological_order
from nn.functional.recurrent import recurrence
from tests.twin import check

HAS_TORCH = importlib.util.find_spec("torch") is not None
needs_torch = pytest.mark.skipif(not HAS_TORCH, reason="needs PyTorch (pip install torch==2.13.0)")
rng = np.random.default_rng(0)
KINDS = [("rnn_tanh", 1, 1), ("rnn_relu", 1, 1), ("lstm", 4, 2), ("gru", 3, 1)]
MODULES = {"rnn_tanh": "RNN", "rnn_relu": "RNN", "lstm": "LSTM", "gru": "GRU"}


def _tensors(*shapes: tuple[int, ...]) -> list[Tensor]:
    return [Tensor(rng.normal(size=shape), requires_grad=True) for shape in shapes]


def _loss_of_everything(output: Tensor, state: tuple[Tensor, ...]) -> Tensor:
    """Every output and final state takes part, with different weights, so no gradient path is skipped."""
    total = (output * output).sum()
    for k, s in enumerate(state):
        total = total + (s * float(k + 2)).sum()
    return total


@pytest.mark.parametrize(("mode", "gates", "states"), KINDS)
@pytest.mark.parametrize("bias", [True, False])
def test_sequences_match_central_differences(mode: str, gates: int, states: int, bias: bool) -> None:
    t, n, i, h = 4, 3, 2, 3
    x, w_ih, w_hh, b_ih, b_hh = _tensors(
        (t, n, i), (gates * h, i), (gates * h, h), (gates * h,), (gates * h,)
    )
    initial = _tensors(*[(n, h)] * states)
    biases = [b_ih, b_hh] if bias else []

    def f(*inputs: Tensor) -> Tensor:
        x, w_ih, w_hh, *rest = inputs
        b = rest[:2] if bias else [None, None]
        return _loss_of_everything(*recurrence(mode, x, tuple(rest[len(biases) :]), w_ih, w_hh, *b))

    assert gradcheck(f, [x, w_ih, w_hh, *biases, *initial])


@pytest.mark.parametrize(("mode", "gates", "states"), KINDS)
def test_one_step_equals_the_first_step_of_a_sequence(mode: str, gates: int, states: int) -> None:
    x, w_ih, w_hh, b_ih, b_hh = _tensors(
        (3, 2, 4), (gates * 5, 4), (gates * 5, 5), (gates * 5,), (gates * 5,)
    )
    initial = tuple(_tensors(*[(2, 5)] * states))
    output, _ = recurrence(mode, x, initial, w_ih, w_hh, b_ih, b_hh)
    h, new = recurrence(mode, x[0], initial, w_ih, w_hh, b_ih, b_hh)
    np.testing.assert_allclose(h.numpy(), output.numpy()[0], rtol=1e-12)
    assert len(new) == states and all(s.shape == (2, 5) for s in new)
    assert gradcheck(
        lambda a, *s: _loss_of_everything(*recurrence(mode, a, s, w_ih, w_hh, b_ih, b_hh)),
        [x[0].detach().requires_grad_(), *initial],
    )


@pytest.mark.parametrize("mode", ["rnn_tanh", "lstm", "gru"])
def test_second_derivatives(mode: str) -> None:
    gates, states = {"rnn_tanh": (1, 1), "lstm": (4, 2), "gru": (3, 1)}[mode]
    x, w_ih, w_hh, b_ih, b_hh = _tensors(
        (3, 2, 2), (gates * 2, 2), (gates * 2, 2), (gates * 2,), (gates * 2,)
    )
    initial = _tensors(*[(2, 2)] * states)
    assert gradgradcheck(
        lambda *a: _loss_of_everything(*recurrence(mode, a[0], tuple(a[5:]), *a[1:5])),
        [x, w_ih, w_hh, b_ih, b_hh, *initial],
    )


def test_a_layer_is_one_graph_node_whatever_the_length() -> None:
    lstm = nn.LSTM(3, 4)

    def ops(length: int) -> list[str]:
        output, (h_n, c_n) = lstm(Tensor(rng.normal(size=(length, 2, 3)).astype(np.float32)))
        loss = output.sum() + h_n.sum() + c_n.sum()
        return [node._op.name for node in topological_order(loss) if node._op is not None]

    assert ops(50).count("lstm") == 1
    assert ops(50) == ops(2)


@pytest.mark.parametrize("name", ["RNN", "LSTM", "GRU"])
def test_layer_gradients_multi_layer_batch_first_bidirectional_with_states(name: str) -> None:
    layer = getattr(nn, name)(2, 3, num_layers=2, batch_first=True, bidirectional=True, dtype=np.float64)
    states = 2 if name == "LSTM" else 1
    x = _tensors((2, 4, 2))[0]
    initial = _tensors(*[(4, 2, 3)] * states)

    def f(x: Tensor, *rest: Tensor) -> Tensor:
        given = tuple(rest[:states])
        output, final = layer(x, given if states == 2 else given[0])
        return _loss_of_everything(output, final if states == 2 else (final,))

    assert gradcheck(f, [x, *initial, *layer.parameters()])


def test_layer_shapes_follow_pytorch() -> None:
    lstm = nn.LSTM(5, 7, num_layers=3, batch_first=True, bidirectional=True)
    output, (h_n, c_n) = lstm(Tensor(np.zeros((4, 6, 5), np.float32)))
    assert output.shape == (4, 6, 14) and h_n.shape == c_n.shape == (6, 4, 7)
    gru = nn.GRU(5, 7)
    output, h_n = gru(Tensor(np.zeros((6, 5), np.float32)))  # unbatched (seq_len, input_size)
    assert output.shape == (6, 7) and h_n.shape == (1, 7)
    cell = nn.LSTMCell(5, 7)
    h, c = cell(Tensor(np.zeros(5, np.float32)))
    assert h.shape == c.shape == (7,)
    assert nn.RNNCell(5, 7)(Tensor(np.zeros((3, 5), np.float32))).shape == (3, 7)


def test_parameter_names_shapes_and_initialisation_follow_pytorch() -> None:
    lstm = nn.LSTM(10, 20, num_layers=2, bidirectional=True)
    shapes = {name: p.shape for name, p in lstm.named_parameters()}
    assert shapes["weight_ih_l0"] == (80, 10) and shapes["weight_hh_l0"] == (80, 20)
    assert shapes["weight_ih_l1_reverse"] == (80, 40) and shapes["bias_hh_l1_reverse"] == (80,)
    assert len(shapes) == 16
    bound = 1 / math.sqrt(20)
    values = np.concatenate([p.numpy().ravel() for p in lstm.parameters()])
    assert np.abs(values).max() <= bound and abs(values.std() - bound / math.sqrt(3)) < 0.01
    cell = nn.GRUCell(3, 4, bias=False)
    assert [name for name, _ in cell.named_parameters()] == ["weight_ih", "weight_hh"]
    assert cell.weight_ih.shape == (12, 3)


def test_dropout_acts_between_layers_in_training_only() -> None:
    x = Tensor(rng.normal(size=(5, 2, 3)).astype(np.float32))
    layer = nn.GRU(3, 8, num_layers=2, dropout=0.5)
    first, second = layer(x)[0].numpy(), layer(x)[0].numpy()
    assert not np.allclose(first, second)
    layer.eval()
    np.testing.assert_array_equal(layer(x)[0].numpy(), layer(x)[0].numpy())
    with pytest.warns(UserWarning, match="num_layers greater than 1"):  # PyTorch warns the same
        one_layer = nn.GRU(3, 8, dropout=0.5)  # dropout after the last layer: none, as in PyTorch
    np.testing.assert_array_equal(one_layer(x)[0].numpy(), one_layer(x)[0].numpy())


def test_truncated_backpropagation_through_time_stops_at_a_detached_state() -> None:
    lstm = nn.LSTM(1, 4)
    x = Tensor(rng.normal(size=(6, 1, 1)).astype(np.float32), requires_grad=True)
    _, (h, c) = lstm(x[:3])
    output, _ = lstm(x[3:], (h.detach(), c.detach()))
    output.sum().backward()
    assert np.all(x.grad.numpy()[:3] == 0) and np.any(x.grad.numpy()[3:] != 0)
    x.grad = None
    output, _ = lstm(x[3:], (h, c))  # without detach the gradient reaches the first window
    output.sum().backward()
    assert np.any(x.grad.numpy()[:3] != 0)


@pytest.mark.parametrize(
    ("make", "call", "message"),
    [
        (
            lambda: nn.LSTM(3, 4),
            lambda m: m(Tensor(np.zeros((5, 2, 2), np.float32))),
            r"LSTM: .*input_size 3.*\(5, 2, 2\)",
        ),
        (
            lambda: nn.GRU(3, 4, batch_first=True),
            lambda m: m(Tensor(np.zeros((1, 5, 3), np.float32)), Tensor(np.zeros((1, 2, 4), np.float32))),
            r"GRU: .*\(1, 1, 4\).*\(1, 2, 4\)",
        ),
        (
            lambda: nn.LSTM(3, 4),
            lambda m: m(Tensor(np.zeros((5, 2, 3), np.float32)), Tensor(np.zeros((1, 2, 4), np.float32))),
            r"LSTM: the initial state is \(h_0, c_0\)",
        ),
        (
            lambda: nn.LSTMCell(3, 4),
            lambda m: m(Tensor(np.zeros((2, 3), np.float64))),
            r"LSTMCell: weight_ih has dtype float32, the input float64",
        ),
        (lambda: nn.RNN(3, 4, nonlinearity="sigmoid"), None, r"RNN: nonlinearity must be 'tanh' or 'relu'"),
        (
            lambda: nn.GRU(3, 4),
            lambda m: m(Tensor(np.zeros((0, 2, 3), np.float32))),
            r"GRU: the sequence is empty \(seq_len 0",
        ),
        (lambda: nn.GRU(3, 0), None, r"GRU: hidden_size must be a positive integer"),
        (
            lambda: nn.LSTM(3, 4, num_layers=2, dropout=1.5),
            None,
            r"LSTM: dropout probability has to be between 0 and 1",
        ),
    ],
)
def test_bad_input_names_the_layer_and_the_shapes(make, call, message) -> None:
    with pytest.raises((ValueError, TypeError), match=message):
        call(make()) if call else make()


def _copy_into_torch(ours: nn.Module, theirs: object) -> None:
    import torch

    with torch.no_grad():
        for name, parameter in theirs.named_parameters():  # type: ignore[attr-defined]
            parameter.copy_(torch.from_numpy(dict(ours.named_parameters())[name].numpy()))


@needs_torch
@pytest.mark.parametrize("mode", ["rnn_tanh", "rnn_relu", "lstm", "gru"])
@pytest.mark.parametrize("batch_first", [False, True])
def test_layers_equal_pytorchs_with_copied_weights(mode: str, batch_first: bool) -> None:
    import torch

    options = {"num_layers": 2, "batch_first": batch_first, "bidirectional": True}
    if mode.startswith("rnn"):
        options["nonlinearity"] = mode[4:]
    name = MODULES[mode]
    ours = getattr(nn, name)(3, 5, dtype=np.float64, **options)
    theirs = getattr(torch.nn, name)(3, 5, dtype=torch.float64, **options)
    _copy_into_torch(ours, theirs)
    x = rng.normal(size=(4, 6, 3))
    states = [rng.normal(size=(4, 4 if batch_first else 6, 5)) for _ in range(2 if mode == "lstm" else 1)]
    mine_x, their_x = Tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    mine_s = [Tensor(s, requires_grad=True) for s in states]
    their_s = [torch.tensor(s, requires_grad=True) for s in states]
    given = (lambda s: tuple(s)) if mode == "lstm" else (lambda s: s[0])
    mine_out, mine_final = ours(mine_x, given(mine_s))
    their_out, their_final = theirs(their_x, given(their_s))
    finals = (
        (mine_final if mode == "lstm" else (mine_final,)),
        (their_final if mode == "lstm" else (their_final,)),
    )
    np.testing.assert_allclose(mine_out.numpy(), their_out.detach().numpy(), rtol=1e-10, atol=1e-12)
    for a, b in zip(*finals):
        np.testing.assert_allclose(a.numpy(), b.detach().numpy(), rtol=1e-10, atol=1e-12)
    _loss_of_everything(mine_out, finals[0]).backward()
    total = (their_out * their_out).sum() + sum((s * float(k + 2)).sum() for k, s in enumerate(finals[1]))
    total.backward()
    for (pname, mine), theirs_p in zip(ours.named_parameters(), theirs.parameters()):
        np.testing.assert_allclose(
            mine.grad.numpy(), theirs_p.grad.numpy(), rtol=1e-9, atol=1e-10, err_msg=pname
        )
    np.testing.assert_allclose(mine_x.grad.numpy(), their_x.grad.numpy(), rtol=1e-9, atol=1e-10)
    for a, b in zip(mine_s, their_s):
        np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=1e-9, atol=1e-10)


@needs_torch
@pytest.mark.parametrize("name", ["RNNCell", "LSTMCell", "GRUCell"])
def test_cells_equal_pytorchs_and_state_dicts_carry_over(name: str) -> None:
    import torch

    theirs = getattr(torch.nn, name)(3, 4)
    ours = getattr(nn, name)(3, 4)
    ours.load_state_dict({k: v.numpy() for k, v in theirs.state_dict().items()})
    x = rng.normal(size=(2, 3)).astype(np.float32)
    mine_x, their_x = Tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    mine, their = ours(mine_x), theirs(their_x)
    mine = mine if isinstance(mine, tuple) else (mine,)
    their = their if isinstance(their, tuple) else (their,)
    sum((m * float(k + 1)).sum() for k, m in enumerate(mine)).backward()
    sum((t * float(k + 1)).sum() for k, t in enumerate(their)).backward()
    for a, b in zip(mine, their):
        np.testing.assert_allclose(a.numpy(), b.detach().numpy(), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(mine_x.grad.numpy(), their_x.grad.numpy(), rtol=1e-5, atol=1e-6)
    for mine_p, their_p in zip(ours.parameters(), theirs.parameters()):
        np.testing.assert_allclose(mine_p.grad.numpy(), their_p.grad.numpy(), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("name", ["RNNCell", "LSTMCell", "GRUCell"])
def test_cell_modules_match_central_differences_with_given_states(name: str) -> None:
    cell = getattr(nn, name)(3, 4, dtype=np.float64)
    states = 2 if name == "LSTMCell" else 1
    x, *given = _tensors((2, 3), *[(2, 4)] * states)

    def f(x: Tensor, *rest: Tensor) -> Tensor:
        state = tuple(rest[:states]) if states == 2 else rest[0]
        new = cell(x, state)
        return (
            _loss_of_everything(new[0], new[1:]) if isinstance(new, tuple) else _loss_of_everything(new, ())
        )

    assert gradcheck(f, [x, *given, *cell.parameters()])


# -- Second reliability review, S7, K8, K11: cells take one step; a one-layer net's dropout warns ------------


@pytest.mark.parametrize("cell", ["RNNCell", "LSTMCell", "GRUCell"])
def test_cells_refuse_a_sequence(cell: str) -> None:
    check(lambda t: getattr(t.nn, cell)(3, 4)(t.ones(2, 5, 3)), ValueError)


def test_a_one_layer_recurrent_net_with_dropout_warns() -> None:
    def scenario(t: Any) -> Any:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            t.nn.LSTM(2, 3, num_layers=1, dropout=0.5)
            t.nn.GRU(2, 3, num_layers=2, dropout=0.5)
        return ["num_layers greater than 1" in str(w.message) for w in caught]

    check(scenario, [True])
