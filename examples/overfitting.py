"""Lesson: overfitting (오버피팅), and weight decay and dropout against it.

A big network on few examples learns them by heart: its training accuracy reaches 100% while its
accuracy on digits it never saw stays well below, and the distance between the two is the overfitting.
Weight decay (가중치 감소: ``weight_decay=`` in the optimizer, which adds λ·w to every gradient, the
gradient of the penalty λ/2·|w|²) keeps the weights small; dropout (드롭아웃) switches off a random half of
the hidden units at every step, so no unit can rely on another. Both narrow the gap, mostly by fitting the
training digits less perfectly: with this few examples the test accuracy is limited by what they show.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from examples._common import parse_args
from examples._training import Split, mlp, train_epochs
from nn import optim
from nn.data import load_mnist_sample
from nn.train import History


def train(weight_decay: float, dropout: float, train_set: Split, test: Split, args: Any) -> History:
    """Per-epoch loss and accuracy on the training digits and the test set (dropout off when measuring)."""
    model = mlp([args.width] * args.depth, "He", args.seed, dropout=dropout)
    optimizer = optim.SGD(model.parameters(), lr=args.lr, weight_decay=weight_decay)
    return train_epochs(model, optimizer, train_set, test, args.epochs, args.batch_size, args.seed)


def gap(history: History, epochs: int) -> float:
    """Training accuracy minus test accuracy, averaged over the last ``epochs`` epochs."""
    return float(np.mean(np.subtract(history.accuracy, history.val_accuracy)[-epochs:]))


def main(argv: Sequence[str] | None = None) -> dict[str, float]:
    args = parse_args(
        __doc__ or "",
        argv,
        train_size=(1000, "training digits (a small set, so that the network can learn it by heart)"),
        depth=(2, "hidden layers"),
        width=(128, "units per hidden layer"),
        epochs=(40, "passes over the training digits"),
        batch_size=(100, "digits per mini-batch"),
        lr=(0.1, "SGD's learning rate"),
        weight_decay=(0.02, "the weight decay λ of the regularised run"),
        dropout=(0.5, "the dropout probability of the regularised run"),
        seed=(0, "random seed for weights, dropout and shuffling"),
    )
    (x, t), test = load_mnist_sample()
    train_set = (x[: args.train_size], t[: args.train_size])
    hidden = "-".join([str(args.width)] * args.depth)
    last = max(1, args.epochs // 4)
    print(f"Overfitting (오버피팅): MLP 784-{hidden}-10 with ReLU on {args.train_size} training digits, "
          f"SGD lr {args.lr}, batch {args.batch_size}, {args.epochs} epochs; accuracy on the training "
          f"digits and on {len(test[0])} test digits, and the gap between them (mean of the last {last} "
          "epochs)")  # fmt: skip
    settings = {
        "no regularisation": (0.0, 0.0),
        f"weight decay {args.weight_decay}": (args.weight_decay, 0.0),
        f"dropout {args.dropout}": (0.0, args.dropout),
    }
    histories, gaps = {}, {}
    for name, (weight_decay, dropout) in settings.items():
        histories[name] = history = train(weight_decay, dropout, train_set, test, args)
        gaps[name] = gap(history, last)
        print(f"  {name:<18} training {np.mean(history.accuracy[-last:]):.1%}, test "
              f"{np.mean(history.val_accuracy[-last:]):.1%}, gap {gaps[name]:.1%}; test loss - training "
              f"loss {history.val_loss[-1] - history.loss[-1]:.3f}")  # fmt: skip
    try:
        from viz import plots

        path = plots.line_panels(
            np.arange(1, args.epochs + 1),
            {
                name: {"training digits": h.accuracy, "test digits": h.val_accuracy}
                for name, h in histories.items()
            },
            args.out / "overfitting.png",
            f"MLP 784-{hidden}-10 on {args.train_size} digits: the gap between training and test accuracy",
            xlabel="epoch",
            ylabel="accuracy",
            sharey=True,
        )
        print(f"  wrote {path}")
    except ImportError as error:
        print(f"  no picture: {error}")
    return gaps


if __name__ == "__main__":
    main()
