"""Lesson: what a convolution (합성곱) computes, by hand and by the engine.

1. A 3×3 input convolved with a 2×2 filter, every output written out number by number next to
   ``F.conv2d``'s result: each output is the sum of one window times the filter (a filter, 필터).
2. Hand-made edge filters (Sobel) on one digit: vertical and horizontal strokes light up.
3. The gradient of one output pixel of conv 5×5 → max-pool 2 → conv 5×5 with respect to the input image:
   non-zero exactly inside that pixel's receptive field (수용 영역), 14×14 pixels.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

import chainrule as torch
import nn
from examples._common import parse_args
from nn import functional as F
from nn.data import load_mnist_sample

SOBEL = np.array([[-1.0, 0.0, 1.0], [-2.0, 0.0, 2.0], [-1.0, 0.0, 1.0]], np.float32)


def by_hand() -> tuple[np.ndarray, np.ndarray]:
    """Print each output of a 3×3 input convolved with a 2×2 filter as its sum; return (by hand, engine)."""
    image = np.array([[1.0, 2.0, 0.0], [0.0, 1.0, 3.0], [2.0, 1.0, 1.0]], np.float32)
    kernel = np.array([[1.0, -1.0], [2.0, 0.0]], np.float32)
    print("input:", image.tolist(), " filter:", kernel.tolist())
    hand = np.zeros((2, 2), np.float32)
    for i in range(2):
        for j in range(2):
            window = image[i : i + 2, j : j + 2]
            terms = " + ".join(f"{a:g}·{b:g}" for a, b in zip(window.ravel(), kernel.ravel()))
            hand[i, j] = float((window * kernel).sum())
            print(f"  out[{i}][{j}] = {terms} = {hand[i, j]:g}")
    engine = F.conv2d(torch.tensor(image[None, None]), torch.tensor(kernel[None, None])).numpy()[0, 0]
    print(
        f"  F.conv2d gives {engine.tolist()}: {'the same' if np.array_equal(hand, engine) else 'DIFFERENT'}"
    )
    return hand, engine


def edges(digit: np.ndarray) -> np.ndarray:
    """The digit, its vertical-edge and its horizontal-edge responses (Sobel filters, padding 1)."""
    filters = torch.tensor(np.stack([SOBEL, SOBEL.T])[:, None])
    responses = F.conv2d(torch.tensor(digit[None, None]), filters, padding=1).numpy()[0]
    return np.concatenate([digit[None], responses])


def receptive_field(digit: np.ndarray) -> tuple[np.ndarray, tuple[int, int]]:
    """|d out[0, 0, 4, 4] / d input| through conv 5×5 → max-pool 2 → conv 5×5, and the size of the
    region where it is non-zero (random weights: which pixels matter does not depend on them)."""
    torch.manual_seed(0)
    stack = nn.Sequential(nn.Conv2d(1, 4, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(4, 1, 5))
    image = torch.tensor(digit[None, None] + 0.5, requires_grad=True)  # no dead ReLUs on the background
    stack(image)[0, 0, 4, 4].backward()
    assert image.grad is not None
    gradient = np.abs(image.grad.numpy()[0, 0])
    rows, columns = np.nonzero(gradient.any(axis=1))[0], np.nonzero(gradient.any(axis=0))[0]
    return gradient, (int(np.ptp(rows)) + 1, int(np.ptp(columns)) + 1)


def main(argv: Sequence[str] | None = None) -> None:
    args = parse_args(__doc__ or "", argv)
    print("1. Convolution by hand: slide the filter, multiply, add")
    by_hand()
    (x, t), _ = load_mnist_sample()
    digit = x[0].reshape(28, 28)
    maps = edges(digit)
    print(f"2. Sobel filters on a {int(t[0])}: the strongest vertical-edge response is {maps[1].max():.2f}, "
          f"horizontal {maps[2].max():.2f} (a flat region gives 0)")  # fmt: skip
    gradient, (height, width) = receptive_field(digit)
    print(f"3. One output pixel of conv 5×5 → max-pool 2 → conv 5×5 depends on a {height}×{width} patch of "
          "the input: 5 + 1 + (5 - 1)·2 = 14 (backpropagation shows it)")  # fmt: skip
    try:
        from viz import plots

        labels = ["digit", "vertical edges", "horizontal edges"]
        print(
            f"  wrote {plots.image_grid(maps, args.out / 'convolution_edges.png', 'Sobel filters', labels)}"
        )
        path = args.out / "convolution_receptive_field.png"
        title = "|d out / d input| of one output pixel"
        print(
            f"  wrote {plots.image_grid(gradient[None], path, title, [f'{height}×{width} receptive field'])}"
        )
    except ImportError as error:
        print(f"  no pictures: {error}")


if __name__ == "__main__":
    main()
