"""The perceptron (퍼셉트론): weights, a bias and a step activation; the notes' gates and learning rule."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field


class Perceptron:
    """Outputs 1 when ``w · x + b > 0``, else 0: a line (hyperplane) splitting the input space in two."""

    def __init__(self, weights: Sequence[float], bias: float) -> None:
        if len(weights) == 0:
            raise ValueError("Perceptron needs at least one weight")
        self.weights = [float(w) for w in weights]
        self.bias = float(bias)

    def __call__(self, *inputs: float) -> int:
        if len(inputs) != len(self.weights):
            raise ValueError(f"Perceptron has {len(self.weights)} weights but got {len(inputs)} inputs")
        total = sum(w * x for w, x in zip(self.weights, inputs)) + self.bias
        return 1 if total > 0 else 0

    def __repr__(self) -> str:
        return f"Perceptron(weights={self.weights}, bias={self.bias})"


AND = Perceptron([0.5, 0.5], -0.7)
NAND = Perceptron([-0.5, -0.5], 0.7)
OR = Perceptron([0.5, 0.5], -0.2)


def XOR(x1: float, x2: float) -> int:
    """XOR is not linearly separable, so no single perceptron computes it; two layers do: AND(NAND, OR)."""
    return AND(NAND(x1, x2), OR(x1, x2))


@dataclass
class TrainingResult:
    """What the perceptron learning rule ended with, reported honestly: did it converge, and when."""

    perceptron: Perceptron
    converged: bool
    epochs: int
    errors_per_epoch: list[int] = field(default_factory=list)


def train_perceptron(
    inputs: Sequence[Sequence[float]],
    targets: Sequence[int],
    lr: float = 0.1,
    max_epochs: int = 100,
) -> TrainingResult:
    """Rosenblatt's rule: after each wrong answer, ``w += lr * (t - y) * x`` and ``b += lr * (t - y)``.

    Starts from zero weights (so it is deterministic) and stops after an epoch without mistakes; it
    converges exactly when the data are linearly separable, so on XOR it returns ``converged=False``.
    """
    if len(inputs) != len(targets) or not inputs:
        raise ValueError(
            f"inputs and targets must be non-empty and equally long, got {len(inputs)} and {len(targets)}"
        )
    if any(t not in (0, 1) for t in targets):
        raise ValueError(f"targets must be 0 or 1, got {sorted(set(targets))}")
    if lr <= 0 or max_epochs < 1:
        raise ValueError(f"need lr > 0 and max_epochs >= 1, got lr={lr}, max_epochs={max_epochs}")
    perceptron = Perceptron([0.0] * len(inputs[0]), 0.0)
    history: list[int] = []
    for epoch in range(1, max_epochs + 1):
        mistakes = 0
        for x, target in zip(inputs, targets):
            error = target - perceptron(*x)
            if error:
                mistakes += 1
                perceptron.weights = [w + lr * error * xi for w, xi in zip(perceptron.weights, x)]
                perceptron.bias += lr * error
        history.append(mistakes)
        if mistakes == 0:
            return TrainingResult(perceptron, True, epoch, history)
    return TrainingResult(perceptron, False, max_epochs, history)
