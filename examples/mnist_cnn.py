"""Lesson: a convolutional network (합성곱 신경망) on MNIST: LeNet-5, or ``--model wide``.

Convolution keeps the image's layout and shares each small filter across every position, so LeNet-5
has about 62,000 parameters where the MLP lesson's network has 536,000; pooling (풀링) keeps the strongest
responses and halves the resolution. Trains on the bundled 10,000-digit sample by default, with small
random shifts of the training images (data augmentation); ``--data DIR --kind fashion`` trains on any
folder of IDX files (e.g. Fashion-MNIST). Saves the weights, the learning curves, the first layer's
learned filters and the feature maps of one test image after each convolution and pooling stage.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

import numpy as np

import chainrule as torch
import nn
from examples._common import lesson_parser
from examples.mnist_mlp import accuracy, add_dataset_options, load
from nn import functional as F
from nn import optim
from nn.data import DataLoader, Dataset
from nn.train import History, fit

MLP_PARAMETERS = 784 * 512 + 512 + 512 * 256 + 256 + 256 * 10 + 10  # the mnist_mlp lesson's network


def lenet5() -> nn.Sequential:
    """LeNet-5 (LeCun et al., 1998) with ReLU and max pooling: conv 1→6 5×5 pad 2, pool 2, conv 6→16 5×5,
    pool 2, then 400-120-84-10."""
    return nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
        nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10),
    )  # fmt: skip


def wide() -> nn.Sequential:
    """conv 1→32 3×3 pad 1, pool 2, conv 32→64 3×3 pad 1, pool 2, then 3136-128-10 with dropout."""
    return nn.Sequential(
        nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
        nn.Linear(3136, 128), nn.ReLU(), nn.Dropout(0.3), nn.Linear(128, 10),
    )  # fmt: skip


MODELS = {"lenet": lenet5, "wide": wide}


class Shifted(Dataset):
    """Images (N, 1, 28, 28) moved by up to ``shift`` pixels in each direction, freshly for every sample
    drawn: the network sees a slightly different digit each epoch (데이터 증강, data augmentation)."""

    def __init__(self, images: np.ndarray, labels: np.ndarray, shift: int, seed: int) -> None:
        self.images, self.labels, self.shift = images, labels, shift
        self.padded = np.pad(images, ((0, 0), (0, 0), (shift, shift), (shift, shift)))
        self.rng = np.random.default_rng(seed)

    def __len__(self) -> int:
        return len(self.images)

    def __getitem__(self, index: int) -> tuple[np.ndarray, int]:
        dy, dx = self.rng.integers(0, 2 * self.shift + 1, 2)
        return self.padded[index, :, dy : dy + 28, dx : dx + 28], int(self.labels[index])


def parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = lesson_parser(
        __doc__ or "",
        epochs=(20, "passes over the training set"),
        batch_size=(64, "samples per mini-batch"),
        lr=(2e-3, "Adam's starting learning rate (cosine-annealed to 0)"),
        shift=(2, "largest random shift of a training image in pixels (0: no augmentation)"),
        validation=(0.1, "share of training data held out for the validation curve"),
        seed=(0, "random seed for weights, shifts and shuffling"),
    )
    parser.add_argument(
        "--model", choices=tuple(MODELS), default="lenet", help="the network (default: lenet)"
    )
    add_dataset_options(parser)
    parser.add_argument(
        "--full", action="store_true", help="the full MNIST (cache or download), not the sample"
    )
    args = parser.parse_args(argv)
    args.sample = not args.full
    return args


def stages(model: nn.Sequential, image: np.ndarray) -> list[tuple[str, np.ndarray]]:
    """The feature maps of one image after each convolution (+ReLU) and each pooling layer."""
    maps, x = [], torch.tensor(image[None])
    with torch.no_grad():
        for index, layer in enumerate(model):
            x = layer(x)
            if isinstance(layer, nn.MaxPool2d) or (index and isinstance(model[index - 1], nn.Conv2d)):
                maps.append((f"{index}: after {type(layer).__name__}", x.numpy()[0]))
            if isinstance(layer, nn.Flatten):
                break
    return maps


def main(argv: Sequence[str] | None = None) -> tuple[History, float]:
    args = parse(argv)
    (x, t), (x_test, t_test), source = load(args)
    x, x_test = x.reshape(-1, 1, 28, 28), x_test.reshape(-1, 1, 28, 28)
    order = np.random.default_rng(args.seed).permutation(len(x))
    held_out = int(len(x) * args.validation)
    validation, kept = order[:held_out], order[held_out:]
    torch.manual_seed(args.seed)
    model = MODELS[args.model]()
    parameters = sum(p.numel() for p in model.parameters())
    print(f"{args.model} on {source}: {len(kept)} training images, {held_out} for validation, "
          f"{len(x_test)} for the test; Adam lr {args.lr}, batch {args.batch_size}, {args.epochs} epochs, "
          f"random shifts up to {args.shift} px")  # fmt: skip
    print(f"parameters: {parameters:,} here against {MLP_PARAMETERS:,} in the MLP lesson's 784-512-256-10 "
          f"({MLP_PARAMETERS / parameters:.1f}x more): filters are shared across the image")  # fmt: skip
    print(model)
    training = Shifted(x[kept], t[kept], args.shift, args.seed) if args.shift else (x[kept], t[kept])
    optimizer = optim.Adam(model.parameters(), lr=args.lr)
    history = fit(
        model,
        F.cross_entropy,
        optimizer,
        DataLoader(training, args.batch_size, shuffle=True),
        args.epochs,
        val_loader=DataLoader((x[validation], t[validation]), 1000) if held_out else None,
        scheduler=optim.lr_scheduler.CosineAnnealingLR(optimizer, args.epochs),
    )
    test_accuracy = accuracy(model, x_test, t_test)
    print(f"test accuracy: {test_accuracy:.2%}")
    print(f"  wrote {model.save(args.out / f'mnist_cnn_{args.model}.npz')}")
    try:
        from viz import plots

        curves = plots.training_curves(
            history, args.out / f"mnist_cnn_{args.model}_curves.png", f"{args.model} on {source}"
        )
        filters = model[0].weight.numpy()[:, 0]
        grid = plots.image_grid(
            filters, args.out / f"mnist_cnn_{args.model}_filters.png", "first layer's learned filters"
        )
        print(f"  wrote {curves}\n  wrote {grid}")
        for number, (name, maps) in enumerate(stages(model, x_test[0])):
            path = args.out / f"mnist_cnn_{args.model}_maps{number}.png"
            print(f"  wrote {plots.image_grid(maps, path, f'feature maps of test image 0, {name}')}")
    except ImportError as error:
        print(f"  no pictures: {error}")
    return history, test_accuracy


if __name__ == "__main__":
    main()
