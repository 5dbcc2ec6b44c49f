"""Lesson: micrograd's demo, an MLP 2-16-16-1 that separates two moons (hinge loss + L2, SGD)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from autograd import Value, no_grad
from examples._common import parse_args
from nn.data import make_moons
from nn.scalar import MLP


def loss_and_accuracy(model: MLP, points: np.ndarray, signs: np.ndarray, alpha: float) -> tuple[Value, float]:
    """Mean hinge loss max(0, 1 - y * score) plus alpha * sum of squared weights; accuracy of sign(score)."""
    scores = [model.score([Value(a), Value(b)]) for a, b in points]
    hinge = sum(((1 + -float(y) * score).relu() for y, score in zip(signs, scores)), Value(0.0)) * (
        1.0 / len(points)
    )
    penalty = alpha * sum((p * p for p in model.parameters()), Value(0.0))
    accuracy = float(np.mean([(score.data > 0) == (y > 0) for y, score in zip(signs, scores)]))
    return hinge + penalty, accuracy


def step(model: MLP, points: np.ndarray, signs: np.ndarray, lr: float) -> tuple[float, float]:
    """One gradient-descent step; the graph is freed when this returns, before the next is built."""
    loss, accuracy = loss_and_accuracy(model, points, signs, alpha=1e-4)
    model.zero_grad()
    loss.backward()
    with no_grad():
        for p in model.parameters():
            p.data -= lr * p.grad
    return loss.data, accuracy


def train(steps: int, seed: int) -> tuple[MLP, np.ndarray, np.ndarray, float]:
    """Full-batch training with micrograd's schedule: lr falls linearly from 1.0 to 0.1."""
    points, labels = make_moons(100, noise=0.1, seed=seed)
    signs = labels * 2 - 1
    model = MLP(2, [16, 16, 1], activation="relu", output_activation="identity", seed=seed)
    accuracy = 0.0
    for k in range(steps):
        loss, accuracy = step(model, points, signs, lr=1.0 - 0.9 * k / steps)
        if k % 10 == 0 or k == steps - 1:
            print(f"  step {k:3d}: loss {loss:.4f}, accuracy {accuracy:.0%}")
    return model, points, labels, accuracy


def main(argv: Sequence[str] | None = None) -> None:
    args = parse_args(
        __doc__ or "", argv, steps=(100, "full-batch gradient-descent steps"), seed=(0, "random seed")
    )
    print("MLP 2-16-16-1 (ReLU) on 100 two-moons points, hinge loss + L2, full-batch gradient descent")
    model, points, labels, accuracy = train(args.steps, args.seed)
    print(f"  training accuracy: {accuracy:.0%}")
    try:
        from viz.plots import decision_boundary
    except ImportError:
        return

    def predict(grid: np.ndarray) -> np.ndarray:
        with no_grad():
            return np.array([model.score(row.tolist()).data for row in grid])

    try:
        path = decision_boundary(
            predict, points, labels, args.out / "moons.png", "two moons: decision boundary"
        )
    except ImportError as error:
        print(f"  no decision-boundary picture: {error}")
        return
    print(f"  wrote {path}")


if __name__ == "__main__":
    main()
