"""Lesson: the numerical gradient (수치 미분) checks backpropagation (오차역전파).

The notes compute every derivative of the loss a second way: nudge one weight by ±h, run the network
forward twice, and divide the change in the loss by 2h (the central difference). On an MLP 784-10-10
over a few real digits, in float64, the two gradients agree to about 1e-10 for every weight; the
numerical one costs two forward passes per weight, backpropagation one backward pass for all of them.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

import numpy as np

import nn
from autograd import Tensor, no_grad
from examples._common import parse_args
from nn import functional as F
from nn.data import load_mnist_sample


def loss_of(model: nn.Module, x: Tensor, t: np.ndarray) -> Tensor:
    return F.cross_entropy(model(x), t)


def numerical_gradients(model: nn.Module, x: Tensor, t: np.ndarray, h: float) -> dict[str, np.ndarray]:
    """(L(w + h) - L(w - h)) / 2h for every weight w, one at a time, writing into the weights' memory
    (no graph is recorded, so nothing needs to know about those writes)."""
    gradients = {}
    with no_grad():
        for name, parameter in model.named_parameters():
            values = parameter.numpy()
            gradient = np.zeros_like(values)
            for index in np.ndindex(values.shape):
                kept = values[index]
                values[index] = kept + h
                above = loss_of(model, x, t).item()
                values[index] = kept - h
                below = loss_of(model, x, t).item()
                values[index] = kept
                gradient[index] = (above - below) / (2 * h)
            gradients[name] = gradient
    return gradients


def backprop_gradients(model: nn.Module, x: Tensor, t: np.ndarray) -> dict[str, np.ndarray]:
    """Every weight's gradient from one backward pass."""
    model.zero_grad()
    loss_of(model, x, t).backward()
    return {name: p.grad.numpy().copy() for name, p in model.named_parameters() if p.grad is not None}


def main(argv: Sequence[str] | None = None) -> dict[str, float]:
    args = parse_args(
        __doc__ or "",
        argv,
        hidden=(10, "hidden units"),
        batch=(3, "digits in the batch"),
        h=(1e-4, "the nudge of the central difference"),
        seed=(0, "random seed for the weights"),
    )
    (images, labels), _ = load_mnist_sample()
    x, t = Tensor(images[: args.batch].astype(np.float64)), labels[: args.batch]
    rng = np.random.default_rng(args.seed)
    model = nn.Sequential(
        nn.Linear(784, args.hidden, rng=rng, dtype=np.float64),
        nn.ReLU(),
        nn.Linear(args.hidden, 10, rng=rng, dtype=np.float64),
    )
    start = time.perf_counter()
    numerical = numerical_gradients(model, x, t, args.h)
    numerical_seconds = time.perf_counter() - start
    start = time.perf_counter()
    backprop = backprop_gradients(model, x, t)
    backprop_seconds = time.perf_counter() - start
    count = sum(g.size for g in backprop.values())
    print(f"The numerical gradient (수치 미분) against backpropagation: MLP 784-{args.hidden}-10, {count} "
          f"weights, {args.batch} digits, float64")  # fmt: skip
    differences = {}
    for name, gradient in backprop.items():
        differences[name] = float(np.abs(gradient - numerical[name]).max())
        print(f"  {name:9s} max |backprop - numerical| = {differences[name]:.2e}  (largest |gradient| "
              f"{np.abs(gradient).max():.2e})")  # fmt: skip
    speedup = numerical_seconds / backprop_seconds
    print(f"  numerical: {2 * count} forward passes in {numerical_seconds:.2f} s; backpropagation: one "
          f"backward pass in {backprop_seconds * 1e3:.2f} ms ({speedup:,.0f}x faster)")  # fmt: skip
    try:
        from viz import plots
    except ImportError:
        return differences
    shown = min(200, backprop["0.weight"].size)
    nonzero = np.flatnonzero(backprop["0.weight"])[:shown]
    written = plots.lines(
        np.arange(len(nonzero)),
        {
            "backpropagation": backprop["0.weight"].ravel()[nonzero],
            "numerical (central difference)": numerical["0.weight"].ravel()[nonzero],
        },
        args.out / "numerical_gradient.png",
        "The first layer's non-zero gradients, both ways",
        "weight (non-zero gradients, in order)",
        "dL/dw",
    )
    print(f"  wrote {written}")
    return differences


if __name__ == "__main__":
    main()
