"""Lesson: a feed-forward network on MNIST (28×28 digits, 10 classes), trained with mini-batches.

Uses the full MNIST when it is in the cache or downloadable, else the bundled 10,000-digit sample;
``--data DIR --kind fashion`` trains on any folder of IDX files (e.g. Fashion-MNIST).
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

import numpy as np

import nn
from autograd import Tensor, no_grad
from examples._common import lesson_parser
from nn import functional as F
from nn import optim
from nn.data import DataLoader, load_mnist, load_mnist_sample, read_folder
from nn.train import History, fit

Split = tuple[np.ndarray, np.ndarray]


def build_model(hidden: Sequence[int], dropout: float, seed: int) -> nn.Sequential:
    """784 → hidden... → 10 with ReLU and dropout after each hidden layer, He-initialised."""
    rng = np.random.default_rng(seed)
    layers: list[nn.Module] = []
    size = 784
    for width in hidden:
        layers += [
            nn.Linear(size, width, init="he_uniform", rng=rng),
            nn.ReLU(),
            nn.Dropout(dropout, rng=rng),
        ]
        size = width
    layers.append(nn.Linear(size, 10, rng=rng))
    return nn.Sequential(*layers)


def load(args: argparse.Namespace) -> tuple[Split, Split, str]:
    """(train, test, description) from --data, --sample, or the full set with the sample as fallback."""
    if args.data:
        return *read_folder(args.data), f"{args.kind} from {args.data}"
    if not args.sample:
        try:
            return *load_mnist(kind=args.kind), f"full {args.kind} MNIST"
        except FileNotFoundError as error:
            print(f"The full MNIST is not available ({str(error).split('. ')[0]}).")
    print("Using the bundled sample: 10,000 real MNIST digits (8,000 train / 2,000 test).")
    return *load_mnist_sample(), "the bundled MNIST sample"


def accuracy(model: nn.Module, x: np.ndarray, t: np.ndarray) -> float:
    model.eval()
    with no_grad():
        predictions = np.concatenate(
            [model(Tensor(x[i : i + 1000])).argmax(axis=1) for i in range(0, len(x), 1000)]
        )
    return float((predictions == t).mean())


def add_dataset_options(parser: argparse.ArgumentParser) -> None:
    """``--data DIR`` and ``--kind digits|fashion``: where ``load`` finds IDX files and what they hold."""
    parser.add_argument("--data", type=Path, help="a folder with the four IDX files")
    parser.add_argument(
        "--kind", choices=("digits", "fashion"), default="digits", help="what the IDX files hold"
    )


def parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = lesson_parser(
        __doc__ or "",
        epochs=(20, "passes over the training set"),
        batch_size=(128, "samples per mini-batch"),
        lr=(1e-3, "Adam's learning rate"),
        decay_every=(5, "halve the learning rate every N epochs"),
        dropout=(0.2, "dropout probability after each hidden layer"),
        validation=(0.1, "share of training data held out"),
        seed=(0, "random seed for weights, dropout and shuffling"),
    )
    add_dataset_options(parser)
    parser.add_argument("--sample", action="store_true", help="train on the bundled sample (offline)")
    parser.add_argument("--hidden", type=int, nargs="+", default=[512, 256], help="hidden layer widths")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> tuple[History, float]:
    args = parse(argv)
    (x, t), (x_test, t_test), source = load(args)
    order = np.random.default_rng(args.seed).permutation(len(x))
    held_out = int(len(x) * args.validation)
    validation, training = order[:held_out], order[held_out:]
    model = build_model(args.hidden, args.dropout, args.seed)
    print(f"MLP 784-{'-'.join(map(str, args.hidden))}-10 on {source}: {len(training)} training images, "
          f"{held_out} for validation, {len(x_test)} for the test; Adam lr {args.lr} halved every "
          f"{args.decay_every} epochs, "
          f"batch {args.batch_size}, {args.epochs} epochs, dropout {args.dropout}")  # fmt: skip
    print(
        "One epoch (에폭) = one pass over the training set; one iteration = one mini-batch (미니배치) step."
    )
    train_loader = DataLoader((x[training], t[training]), args.batch_size, shuffle=True, seed=args.seed)
    val_loader = DataLoader((x[validation], t[validation]), 1000) if held_out else None
    optimizer = optim.Adam(model.parameters(), lr=args.lr)
    schedule = optim.StepLR(optimizer, step_size=args.decay_every, gamma=0.5)
    history = fit(
        model,
        F.cross_entropy,
        optimizer,
        train_loader,
        args.epochs,
        val_loader=val_loader,
        scheduler=schedule,
    )
    test_accuracy = accuracy(model, x_test, t_test)
    print(f"test accuracy: {test_accuracy:.2%}")
    weights = model.save(args.out / "mnist_mlp.npz")
    print(f"  wrote {weights}")
    try:
        from viz.plots import training_curves

        print(f"  wrote {training_curves(history, args.out / 'mnist_mlp_curves.png', f'MLP on {source}')}")
    except ImportError as error:
        print(f"  no loss-curve picture: {error}")
    return history, test_accuracy


if __name__ == "__main__":
    main()
