"""Lesson: weight initialisation (가중치 초기값): what the starting weights do to the signal and to learning.

The notes' experiment: 1,000 random inputs through 5 layers of 100 units, weights drawn with std 1,
std 0.01, Xavier (std sqrt(2/(n_in + n_out)), here sqrt(1/n)) or He (std sqrt(2/n_in)), each with
sigmoid, tanh and ReLU. With std 1 sigmoid and tanh saturate (slope ≈ 0: backprop passes nothing back);
with std 0.01 every unit outputs nearly the same value (the layers could as well be one unit); Xavier
keeps sigmoid and tanh spread, and He keeps ReLU's spread the same from layer to layer. The histograms
show each layer's activations; the numbers below give each layer's std and the share of units whose
slope (computed by backward) is under 10% of its largest. Then the same four starts train a ReLU MLP
on the bundled MNIST digits.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

import nn
from autograd import Tensor, no_grad
from examples._common import parse_args
from examples._training import INITS, mlp, train_steps
from examples.activations import curve
from nn import optim
from nn.data import load_mnist_sample

ACTIVATIONS: dict[str, Callable[[Tensor], Tensor]] = {
    "sigmoid": lambda z: z.sigmoid(),
    "tanh": lambda z: z.tanh(),
    "ReLU": lambda z: z.relu(),
}
STEEPEST = {"sigmoid": 0.25, "tanh": 1.0, "ReLU": 1.0}  # each activation's largest slope
RANGES = {"sigmoid": (0.0, 1.0), "tanh": (-1.0, 1.0), "ReLU": None}  # ReLU's values have no fixed range


def forward(start: str, activation: str, depth: int, width: int, samples: int, seed: int) -> list[Any]:
    """Each layer's (activations, slopes by backward) for ``samples`` N(0, 1) inputs; one seed draws the
    same inputs and, up to scale, the same weights for every start."""
    rng = np.random.default_rng(seed)
    signal = rng.normal(size=(samples, width)).astype(np.float32)
    layers = []
    for _ in range(depth):
        layer = nn.Linear(width, width, bias=False, rng=rng)
        INITS[start](layer.weight, rng)
        with no_grad():
            summed = layer(Tensor(signal)).numpy()
        signal, slope = curve(ACTIVATIONS[activation], summed)
        layers.append((signal, slope))
    return layers


def flat_share(activation: str, slopes: np.ndarray) -> float:
    """The share of units whose slope is under 10% of the activation's largest: saturated (sigmoid,
    tanh) or off (ReLU), they pass almost no gradient back."""
    return float((slopes < 0.1 * STEEPEST[activation]).mean())


def histograms(args: Any) -> dict[str, list[Any]]:
    """Every activation × start: print its per-layer std and flat share; return the layers by row name."""
    print(f"Weight initialisation (가중치 초기값): {args.samples} N(0, 1) inputs through {args.depth} "
          f"layers of {args.width} units; per layer: std of the activations / share of units with "
          "slope ≈ 0")  # fmt: skip
    rows = {}
    for activation in ACTIVATIONS:
        for start in INITS:
            layers = forward(start, activation, args.depth, args.width, args.samples, args.seed)
            cells = "  ".join(
                f"{values.std():8.3g} /{flat_share(activation, slopes):4.0%}" for values, slopes in layers
            )
            print(f"  {activation:<7} {start:<8} {cells}")
            rows[f"{activation}, {start}"] = layers
    return rows


def learning(args: Any) -> dict[str, list[float]]:
    """Each start's training loss per step: MLP 784-100-100-100-100-10 with ReLU, SGD, on the digits."""
    train, _ = load_mnist_sample()
    print(f"\nWhat each start does to learning: MLP 784-100-100-100-100-10 with ReLU, SGD lr {args.lr}, "
          f"batch {args.batch_size}, {args.steps} steps on the bundled MNIST digits")  # fmt: skip
    losses = {}
    for start in INITS:
        model = mlp([100] * 4, start, args.seed)
        optimizer = optim.SGD(model.parameters(), lr=args.lr)
        losses[start] = steps = train_steps(model, optimizer, train, args.steps, args.batch_size, args.seed)
        finite = np.isfinite(steps)
        if finite.all():
            print(f"  {start:<8} loss {steps[0]:.3f} -> {np.mean(steps[-20:]):.3f} (mean of the last 20)")
        else:
            print(f"  {start:<8} loss {steps[0]:.3g} at the first step, not a number from step "
                  f"{int(np.argmin(finite)) + 1}: the signal overflowed")  # fmt: skip
    print(f"  (guessing evenly among 10 digits scores ln 10 = {np.log(10):.3f}: a start that stays there "
          "learned nothing)")  # fmt: skip
    return losses


def main(argv: Sequence[str] | None = None) -> tuple[dict[str, list[Any]], dict[str, list[float]]]:
    args = parse_args(
        __doc__ or "",
        argv,
        depth=(5, "layers of the histogram network"),
        width=(100, "units per layer"),
        samples=(1000, "random inputs"),
        steps=(300, "training steps (mini-batches) per start on MNIST"),
        batch_size=(128, "digits per mini-batch"),
        lr=(0.01, "SGD's learning rate"),
        seed=(0, "random seed for inputs, weights and shuffling"),
    )
    rows = histograms(args)
    losses = learning(args)
    try:
        from viz import plots

        layers = [f"layer {k + 1}" for k in range(args.depth)]
        grid = plots.histogram_grid(
            {name: [values for values, _ in pairs] for name, pairs in rows.items()},
            args.out / "initialization_histograms.png",
            "activations per layer for each activation and weight start",
            columns=layers,
            ranges={name: RANGES[name.split(",")[0]] for name in rows},
            notes={name: [f"std {values.std():.2g}" for values, _ in pairs] for name, pairs in rows.items()},
            xlabel="activation",
        )
        finite = {start: steps for start, steps in losses.items() if np.isfinite(steps).all()}
        left_out = ", ".join(sorted(losses.keys() - finite.keys()))
        curves = plots.curves(
            finite,
            args.out / "initialization_mnist.png",
            "step (mini-batch)",
            "training loss",
            "MLP with ReLU on MNIST: training loss per weight start"
            + (f"\n({left_out} overflowed to NaN: not drawn)" if left_out else ""),
        )
        print(f"  wrote {grid}\n  wrote {curves}")
    except ImportError as error:
        print(f"  no pictures: {error}")
    return rows, losses


if __name__ == "__main__":
    main()
