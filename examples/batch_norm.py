"""Lesson: batch normalisation (배치 정규화): the same network learns faster with it, from any start.

A BatchNorm layer before each ReLU shifts and scales every unit to mean 0 and variance 1 over the
mini-batch (then by a learned scale and shift), so each layer's input keeps a useful spread whatever
the weights: the network learns faster and depends less on its starting weights. The notes' network (5
hidden layers of 100 ReLU units, SGD) trains on a few digits with and without it, from He's start and
from the poor std 0.01 start, whose signal without BatchNorm dies out on its way through (see the
initialization lesson). With BatchNorm the weights' scale no longer changes what a layer computes, and
small weights even learn faster: the same SGD step is a larger change relative to them. At test time
BatchNorm uses the running averages it kept while training.
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

STARTS = ("He", "std 0.01")


def train(start: str, batch_norm: bool, train_set: Split, test: Split, args: Any) -> History:
    """Per-epoch loss and accuracy on the training digits and the test set, SGD from ``start``."""
    model = mlp([100] * 5, start, args.seed, batch_norm=batch_norm)
    optimizer = optim.SGD(model.parameters(), lr=args.lr)
    return train_epochs(model, optimizer, train_set, test, args.epochs, args.batch_size, args.seed)


def main(argv: Sequence[str] | None = None) -> dict[str, History]:
    args = parse_args(
        __doc__ or "",
        argv,
        train_size=(2000, "training digits"),
        epochs=(10, "passes over the training digits"),
        batch_size=(100, "digits per mini-batch"),
        lr=(0.01, "SGD's learning rate"),
        seed=(0, "random seed for weights and shuffling"),
    )
    print(f"Batch normalisation (배치 정규화): MLP 784-100-100-100-100-100-10 with ReLU, SGD lr {args.lr}, "
          f"{args.train_size} training digits, batch {args.batch_size}, {args.epochs} epochs; loss on "
          "the whole training set after epochs 1, middle, last; accuracy after the last")  # fmt: skip
    (x, t), test = load_mnist_sample()
    train_set = (x[: args.train_size], t[: args.train_size])
    shown = sorted({0, args.epochs // 2, args.epochs - 1})
    histories = {}
    for start in STARTS:
        for batch_norm in (False, True):
            name = f"{start}, {'with' if batch_norm else 'without'} BatchNorm"
            histories[name] = history = train(start, batch_norm, train_set, test, args)
            losses = " -> ".join(f"{history.loss[e]:.3f}" for e in shown)
            print(f"  {name:<28} loss {losses}; accuracy {history.accuracy[-1]:.1%} on the training "
                  f"digits, {history.val_accuracy[-1]:.1%} on the test set")  # fmt: skip
    print(f"  (a loss of ln 10 = {np.log(10):.3f} is guessing evenly among the 10 digits)")
    try:
        from viz import plots

        epochs = np.arange(1, args.epochs + 1)
        path = plots.line_panels(
            epochs,
            {
                "training loss": {name: h.loss for name, h in histories.items()},
                "test accuracy": {name: h.val_accuracy for name, h in histories.items()},
            },
            args.out / "batch_norm.png",
            "the same network with and without BatchNorm, from two starts",
            xlabel="epoch",
            ylabel=("cross-entropy on the training digits", "share of test digits right"),
        )
        print(f"  wrote {path}")
    except ImportError as error:
        print(f"  no picture: {error}")
    return histories


if __name__ == "__main__":
    main()
