"""Lesson: a recurrent network (순환 신경망) learns a noisy sine wave, then continues a cosine.

Data that changes over time: each value depends on the ones before it. A recurrent network reads the
series one step at a time and carries a hidden state (its memory of the past) to the next step. Here a
plain RNN and an LSTM each learn to predict the next value of 1,000 noisy sine samples. Training runs
over windows of ``--bptt`` steps and carries the state from one window to the next, detached
(``h.detach()``): truncated backpropagation through time, so a step's gradient never reaches back
further than its window. Then both read a clean cosine they never saw; the picture shows their
predictions against the truth.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

import chainrule as torch
import nn
from examples._common import parse_args
from nn import functional as F
from nn import optim

PERIOD = 50  # samples per period of the wave
WARM_UP = 10  # steps a network needs, from a zero state, to find where on the wave it is


class NextValue(nn.Module):
    """A recurrent layer (``kind``: "RNN" or "LSTM") and a linear read-out of each step's hidden state."""

    def __init__(self, kind: str, hidden: int) -> None:
        super().__init__()
        self.recurrent = getattr(nn, kind)(1, hidden)
        self.head = nn.Linear(hidden, 1)

    def forward(self, x: torch.Tensor, state: Any = None) -> tuple[torch.Tensor, Any]:
        """x (steps, 1, 1) -> the predicted next values (steps, 1, 1) and the state after the last step."""
        output, state = self.recurrent(x, state)
        return self.head(output), state


def detached(state: Any) -> Any:
    """The carried state cut from its graph: h, or the LSTM's (h, c)."""
    return tuple(s.detach() for s in state) if isinstance(state, tuple) else state.detach()


def noisy_sine(points: int, noise: float, seed: int) -> np.ndarray:
    steps = np.arange(points)
    wave = np.sin(2 * np.pi * steps / PERIOD)
    return (wave + np.random.default_rng(seed).uniform(-noise, noise, points)).astype(np.float32)


def train(kind: str, series: np.ndarray, args: Any) -> tuple[NextValue, list[float]]:
    """Truncated BPTT over ``series``: windows of ``args.bptt`` steps, the state carried across, detached."""
    torch.manual_seed(args.seed)
    model = NextValue(kind, args.hidden)
    optimizer = optim.Adam(model.parameters(), lr=args.lr)
    inputs, targets = series[:-1].reshape(-1, 1, 1), series[1:].reshape(-1, 1, 1)
    losses = []
    for _ in range(args.epochs):
        state, total = None, 0.0
        for start in range(0, len(inputs), args.bptt):
            window = slice(start, start + args.bptt)
            prediction, state = model(torch.tensor(inputs[window]), state)
            loss = F.mse_loss(prediction, targets[window])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            state = detached(state)  # keep the memory, drop the graph behind it
            total += loss.item() * len(inputs[window])
        losses.append(total / len(inputs))
    return model, losses


def predict(model: NextValue, series: np.ndarray) -> np.ndarray:
    """The model's next-value prediction at every step of ``series``, reading the true values."""
    with torch.no_grad():
        prediction, _ = model(torch.tensor(series.reshape(-1, 1, 1)))
    return prediction.numpy().ravel()


def main(argv: Sequence[str] | None = None) -> dict[str, float]:
    args = parse_args(
        __doc__ or "",
        argv,
        epochs=(30, "passes over the sine wave"),
        hidden=(32, "hidden units of each network"),
        bptt=(30, "steps per window of truncated backpropagation through time"),
        lr=(0.005, "Adam's learning rate"),
        noise=(0.05, "largest noise added to each sample"),
        seed=(0, "random seed for the noise and the weights"),
    )
    series = noisy_sine(1000, args.noise, args.seed)
    cosine = np.cos(2 * np.pi * np.arange(3 * PERIOD) / PERIOD).astype(np.float32)
    print(
        f"1,000 noisy sine samples ({PERIOD} per period, noise up to ±{args.noise}); predict the next value"
    )
    print(f"truncated backpropagation through time (BPTT, 오차역전파): windows of {args.bptt} steps, "
          f"the state carried across windows with detach()")  # fmt: skip
    errors, predictions = {}, {}
    for kind in ("RNN", "LSTM"):
        model, losses = train(kind, series, args)
        shown = sorted({0, len(losses) // 2, len(losses) - 1})
        print(f"{kind}: training loss (MSE) " + ", ".join(f"epoch {e + 1}: {losses[e]:.4f}" for e in shown))
        predictions[kind] = predict(model, cosine[:-1])
        squared = (predictions[kind] - cosine[1:]) ** 2
        errors[kind] = float(squared[WARM_UP:].mean())
        print(f"{kind}: mean squared error on a cosine it never saw: {squared.mean():.5f} over all "
              f"steps, {errors[kind]:.5f} after the first {WARM_UP} (its state has then caught the "
              "phase)")  # fmt: skip
    try:
        from viz import plots

        steps = np.arange(1, len(cosine))
        path = plots.lines(
            steps,
            {"cosine (truth)": cosine[1:], **{f"{k} prediction": v for k, v in predictions.items()}},
            args.out / "sine_rnn.png",
            "next-value prediction on a cosine, after training on a noisy sine",
            xlabel="time step",
            ylabel="value",
        )
        print(f"  wrote {path}")
    except ImportError as error:
        print(f"  no picture: {error}")
    return errors


if __name__ == "__main__":
    main()
