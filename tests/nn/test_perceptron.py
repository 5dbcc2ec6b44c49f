"""The notes' gates and the perceptron learning rule."""

from __future__ import annotations

import pytest

from nn import AND, NAND, OR, XOR, Perceptron, train_perceptron
from nn.data import gate

TABLES = {"and": AND, "nand": NAND, "or": OR, "xor": XOR}


@pytest.mark.parametrize("name", sorted(TABLES))
def test_gates_match_their_truth_tables(name: str) -> None:
    inputs, targets = gate(name)
    assert [TABLES[name](a, b) for a, b in inputs] == targets.tolist()


def test_notes_weights() -> None:
    assert (AND.weights, AND.bias) == ([0.5, 0.5], -0.7)
    assert (NAND.weights, NAND.bias) == ([-0.5, -0.5], 0.7)
    assert (OR.weights, OR.bias) == ([0.5, 0.5], -0.2)


@pytest.mark.parametrize("name", ["and", "nand", "or"])
def test_learning_rule_learns_linearly_separable_gates(name: str) -> None:
    inputs, targets = gate(name)
    result = train_perceptron(inputs.tolist(), targets.tolist())
    assert result.converged and result.errors_per_epoch[-1] == 0
    assert [result.perceptron(*x) for x in inputs] == targets.tolist()


def test_learning_rule_reports_that_it_cannot_learn_xor() -> None:
    inputs, targets = gate("xor")
    result = train_perceptron(inputs.tolist(), targets.tolist(), max_epochs=200)
    assert not result.converged and result.epochs == 200
    assert min(result.errors_per_epoch) > 0


def test_bad_arguments_are_named() -> None:
    with pytest.raises(ValueError, match="2 weights but got 3 inputs"):
        AND(1, 0, 1)
    with pytest.raises(ValueError, match="targets must be 0 or 1"):
        train_perceptron([[0, 0]], [2])
    with pytest.raises(ValueError, match="at least one weight"):
        Perceptron([], 0.0)
    with pytest.raises(ValueError, match="unknown gate"):
        gate("nor")
