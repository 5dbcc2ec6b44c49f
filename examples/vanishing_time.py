"""Lesson: the vanishing gradient through time (기울기 소실), measured, and the LSTM's answer.

Backpropagation through time multiplies one Jacobian per step: d loss / d input(t) for an early step t
is a product of (last - t) of them, and for a plain tanh RNN each shrinks the signal, so early inputs
barely move the weights. The LSTM's cell state c is carried by a forget gate and added to, not squashed
through W_hh at every step, so its gradient can survive. This lesson measures the norm of
d loss(last step) / d input(step t) for every t, before and after training, and then trains both on the
adding problem: a long sequence of random numbers, two of them marked; answer their sum. Always
answering 1.0 scores a mean squared error of 1/6 ≈ 0.167; only a network whose gradient reaches back
to the marked steps can do better. First, a picture of BPTT: three steps of a one-unit RNN cell unrolled
into one graph, with every value and gradient.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

import chainrule as torch
import nn
from examples._common import parse_args, save_graph
from nn import functional as F
from nn import optim
from nn.utils import clip_grad_norm_

BASELINE = 1.0 / 6.0  # the variance of the sum of two U(0, 1) numbers: the error of answering 1.0


def adding_problem(rng: np.random.Generator, batch: int, length: int) -> tuple[np.ndarray, np.ndarray]:
    """Inputs (length, batch, 2): a U(0, 1) number and a 0/1 mark per step, one mark in each half of the
    sequence; targets (batch, 1): the sum of the two marked numbers."""
    numbers = rng.random((length, batch)).astype(np.float32)
    marks = np.zeros((length, batch), np.float32)
    columns = np.arange(batch)
    marks[rng.integers(0, length // 2, batch), columns] = 1.0
    marks[rng.integers(length // 2, length, batch), columns] = 1.0
    return np.stack([numbers, marks], axis=2), (numbers * marks).sum(axis=0)[:, None]


class LastStep(nn.Module):
    """A recurrent layer read out at the last step only: the answer must come through the recurrence."""

    def __init__(self, kind: str, hidden: int) -> None:
        super().__init__()
        self.recurrent = getattr(nn, kind)(2, hidden)
        self.head = nn.Linear(hidden, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        output, _ = self.recurrent(x)
        return self.head(output[-1])


def gradient_norms(model: LastStep, x: np.ndarray) -> np.ndarray:
    """||d loss(last step) / d input(t)|| for every step t of one sequence x (length, 1, 2)."""
    inputs = torch.tensor(x, requires_grad=True)
    model(inputs).sum().backward()
    model.zero_grad()
    gradient = inputs.grad.numpy() if inputs.grad is not None else np.zeros_like(x)
    return np.linalg.norm(gradient.reshape(len(x), -1), axis=1)


def unrolled(out: Path, seed: int) -> list[float]:
    """Backpropagation through time in a picture: a one-unit RNNCell (no biases) run by hand over three
    inputs and backward from h3, drawn with its values and gradients; returns |d h3 / d x_t| per step t."""
    cell = nn.RNNCell(1, 1, bias=False, rng=seed)
    h = torch.zeros(1, 1)
    h.label = "h0"
    inputs = []
    for t, value in enumerate((0.5, -1.0, 0.8), 1):
        x = torch.tensor([[value]], requires_grad=True)
        x.label = f"x{t}"
        h = cell(x, h)
        h.label = f"h{t}"
        inputs.append(x)
    h.backward()
    save_graph(h, out / "vanishing_time_unrolled.png", "an RNN unrolled over 3 steps, backward from h3")
    return [abs(x.grad.item()) if x.grad is not None else 0.0 for x in inputs]


def train(model: LastStep, args: Any) -> list[float]:
    """Adam on fresh batches of the adding problem; the loss of every step."""
    rng = np.random.default_rng(args.seed)
    optimizer = optim.Adam(model.parameters(), lr=args.lr)
    losses = []
    for _ in range(args.steps):
        x, target = adding_problem(rng, args.batch_size, args.length)
        loss = F.mse_loss(model(torch.tensor(x)), target)
        optimizer.zero_grad()
        loss.backward()
        clip_grad_norm_(model.parameters(), 1.0)  # an exploding step would undo what was learned
        optimizer.step()
        losses.append(loss.item())
    return losses


def test_error(model: LastStep, length: int, seed: int) -> float:
    x, target = adding_problem(np.random.default_rng(seed + 1), 1000, length)
    with torch.no_grad():
        return float(((model(torch.tensor(x)).numpy() - target) ** 2).mean())


def smoothed(losses: list[float], width: int) -> np.ndarray:
    """The mean of each ``width`` consecutive losses (a readable learning curve)."""
    usable = len(losses) // width * width
    return np.asarray(losses[:usable]).reshape(-1, width).mean(axis=1)


def main(argv: Sequence[str] | None = None) -> dict[str, float]:
    args = parse_args(
        __doc__ or "",
        argv,
        length=(50, "steps per sequence of the adding problem"),
        steps=(1500, "training steps (batches) per network"),
        batch_size=(64, "sequences per batch"),
        hidden=(32, "hidden units of each network"),
        lr=(0.01, "Adam's learning rate"),
        seed=(0, "random seed for the weights and the data"),
    )
    print("Backpropagation through time (BPTT) in a picture: a one-unit RNN cell applied to x1, x2, x3 "
          "is one graph with an rnn_tanh node per step, all three fed by the same weight_ih and "
          "weight_hh")  # fmt: skip
    through = unrolled(args.out, args.seed)
    print("  backward from h3 walks the steps in reverse and adds each step's share into the shared "
          "weights' gradients; |d h3 / d x_t| for t = 3, 2, 1: "
          + ", ".join(f"{g:.2g}" for g in reversed(through))
          + " (each step back multiplies by w_hh · tanh', smaller than 1 here)")  # fmt: skip
    probe, _ = adding_problem(np.random.default_rng(args.seed), 1, args.length)
    norms, curves, errors = {}, {}, {}
    print(f"the adding problem: sequences of {args.length} steps; always answering 1.0 scores {BASELINE:.3f}")
    for kind in ("RNN", "LSTM"):
        torch.manual_seed(args.seed)
        model = LastStep(kind, args.hidden)
        norms[f"{kind}, untrained"] = before = gradient_norms(model, probe)
        print(f"{kind}: |d loss / d input(t)| at the first step is {before[0] / before[-1]:.1e} of the last "
              f"step's before training (vanishing gradient)")  # fmt: skip
        losses = train(model, args)
        width = max(1, args.steps // 30)
        curves[kind] = smoothed(losses, width)
        report = ", ".join(
            f"step {(i + 1) * width}: {v:.3f}" for i, v in enumerate(curves[kind]) if i % 5 == 4
        )
        print(f"{kind}: training loss (MSE, mean of {width} steps) {report}")
        errors[kind] = test_error(model, args.length, args.seed)
        norms[f"{kind}, trained"] = after = gradient_norms(model, probe)
        verdict = "learned" if errors[kind] < BASELINE / 2 else "did not learn"
        print(f"{kind}: test MSE {errors[kind]:.4f} against {BASELINE:.3f} for always answering 1.0: "
              f"{verdict}; after training the first step's gradient is {after[0] / after[-1]:.1e} "
              "of the last's")  # fmt: skip
    try:
        from viz import plots

        steps = np.arange(args.length)
        gradients = plots.lines(
            steps,
            norms,
            args.out / "vanishing_time_gradients.png",
            f"|d loss(last step) / d input(t)|, sequences of {args.length} steps",
            xlabel="input step t",
            ylabel="gradient norm (log scale)",
            log_y=True,
        )
        width = max(1, args.steps // 30)
        batches = np.arange(1, len(curves["RNN"]) + 1) * width
        learning = plots.lines(
            batches,
            {**curves, "always answering 1.0": np.full(len(batches), BASELINE)},
            args.out / "vanishing_time_adding.png",
            f"the adding problem, {args.length} steps: training loss",
            xlabel="training step (batch)",
            ylabel="mean squared error",
        )
        print(f"  wrote {gradients}\n  wrote {learning}")
    except ImportError as error:
        print(f"  no pictures: {error}")
    return errors


if __name__ == "__main__":
    main()
