"""Lesson: finding where a NaN or Inf is born, with ``autograd.detect_anomaly()``.

Two ways a network blows up: a learning rate so large that the weights overflow, and a log of 0 in a
hand-written loss. Without anomaly mode the loss quietly turns into nan; inside it, the first NaN or Inf
raises FloatingPointError naming the op, the pass (forward or backward) and the line that made it.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

import nn
from autograd import Tensor, detect_anomaly
from examples._common import parse_args
from nn import functional as F
from nn import optim
from nn.data import load_mnist_sample


def diverging_training(lr: float, steps: int, watch: bool) -> list[float]:
    """Train a small MLP on the bundled digits with a learning rate that is far too large; the losses."""
    (images, labels), _ = load_mnist_sample()
    model = nn.Sequential(nn.Linear(784, 32, rng=0), nn.ReLU(), nn.Linear(32, 10, rng=1))
    sgd = optim.SGD(model.parameters(), lr=lr)
    losses = []
    for step in range(steps):
        batch = slice(64 * step, 64 * (step + 1))
        if watch:
            with detect_anomaly():
                loss = F.cross_entropy(model(Tensor(images[batch])), labels[batch])
                sgd.zero_grad()
                loss.backward()
        else:
            loss = F.cross_entropy(model(Tensor(images[batch])), labels[batch])
            sgd.zero_grad()
            loss.backward()
        sgd.step()
        losses.append(loss.item())
    return losses


def log_of_zero_loss() -> Tensor:
    """A hand-written cross-entropy, -log(p[label]), where a probability underflows to exactly 0."""
    logits = Tensor(np.array([[-800.0, 0.0]]), requires_grad=True)
    probabilities = logits.exp() / logits.exp().sum(axis=1, keepdims=True)  # exp(-800) is exactly 0
    return -(probabilities[0, 0].log())


def main(argv: Sequence[str] | None = None) -> None:
    args = parse_args(
        __doc__ or "", argv, lr=(1e25, "a learning rate large enough to diverge"), steps=(4, "training steps")
    )
    print("Anomaly detection: where does the first NaN or Inf come from?")
    losses = diverging_training(args.lr, args.steps, watch=False)
    print(
        f"  lr = {args.lr:g} without anomaly mode, losses: " + ", ".join(f"{value:.4g}" for value in losses)
    )
    try:
        diverging_training(args.lr, args.steps, watch=True)
        print("  with anomaly mode: no NaN or Inf appeared")
    except FloatingPointError as error:
        print(f"  with anomaly mode: FloatingPointError: {error}")
    try:
        with detect_anomaly():
            log_of_zero_loss().backward()
    except FloatingPointError as error:
        print(f"  a log of 0 in a hand-written loss: FloatingPointError: {error}")
    print("  (use F.cross_entropy on logits: it is computed stably and never takes a log of 0)")


if __name__ == "__main__":
    main()
