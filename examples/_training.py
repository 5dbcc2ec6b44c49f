"""What the training lessons share: the notes' weight starts, an MLP built from one, and two loops (a
count of mini-batch steps, or epochs measured on the whole training and test sets)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

import nn
from autograd import Tensor
from nn import functional as F
from nn import init
from nn.data import DataLoader
from nn.train import History, evaluate, fit

Split = tuple[np.ndarray, np.ndarray]

# The notes' four weight starts (가중치 초기값), each filling a weight in place from a Generator.
INITS: dict[str, Callable[[Tensor, np.random.Generator], Any]] = {
    "std 1": lambda weight, rng: init.normal_(weight, 0.0, 1.0, generator=rng),
    "std 0.01": lambda weight, rng: init.normal_(weight, 0.0, 0.01, generator=rng),
    "Xavier": lambda weight, rng: init.xavier_normal_(weight, generator=rng),
    "He": lambda weight, rng: init.kaiming_normal_(weight, nonlinearity="relu", generator=rng),
}


def mlp(
    hidden: Sequence[int], start: str, seed: int, batch_norm: bool = False, dropout: float = 0.0
) -> nn.Sequential:
    """784 → hidden... → 10 with ReLU, weights from ``INITS[start]`` and zero biases; optionally BatchNorm
    before each ReLU and dropout after it."""
    rng = np.random.default_rng(seed)

    def linear(fan_in: int, fan_out: int) -> nn.Linear:
        layer = nn.Linear(fan_in, fan_out, init="he_normal", rng=rng)  # zero bias; the weight is redrawn
        INITS[start](layer.weight, rng)
        return layer

    sizes = [784, *hidden]
    layers: list[nn.Module] = []
    for fan_in, fan_out in zip(sizes, hidden):
        layers += [linear(fan_in, fan_out), *([nn.BatchNorm1d(fan_out)] if batch_norm else []), nn.ReLU()]
        layers += [nn.Dropout(dropout, rng=rng)] if dropout else []
    layers.append(linear(sizes[-1], 10))
    return nn.Sequential(*layers)


def train_steps(
    model: nn.Module, optimizer: nn.optim.Optimizer, data: Split, steps: int, batch_size: int, seed: int
) -> list[float]:
    """The training loss of each of ``steps`` mini-batch steps, passing over ``data`` as often as needed."""
    losses: list[float] = []
    loader = DataLoader(data, batch_size, shuffle=True, seed=seed)
    while len(losses) < steps:
        for inputs, labels in loader:
            loss = F.cross_entropy(model(inputs), labels)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
            if len(losses) == steps:
                break
    return losses


def train_epochs(
    model: nn.Module,
    optimizer: nn.optim.Optimizer,
    train: Split,
    test: Split,
    epochs: int,
    batch_size: int,
    seed: int,
) -> History:
    """After each epoch of mini-batch steps, loss and accuracy on the whole training set (``loss``,
    ``accuracy``) and test set (``val_*``), measured in eval mode (no dropout; BatchNorm's running
    averages)."""
    history = History()
    loader = DataLoader(train, batch_size, shuffle=True, seed=seed)
    for _ in range(epochs):
        fit(model, F.cross_entropy, optimizer, loader, 1, progress=False)
        for split, losses, accuracies in (
            (train, history.loss, history.accuracy),
            (test, history.val_loss, history.val_accuracy),
        ):
            loss, accuracy = evaluate(model, F.cross_entropy, DataLoader(split, 1000))
            assert accuracy is not None  # integer labels: a classification
            losses.append(loss)
            accuracies.append(accuracy)
    return history
