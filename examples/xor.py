"""Lesson: an MLP learns XOR by backpropagation (오차역전파), which one perceptron cannot."""

from __future__ import annotations

from collections.abc import Sequence

from autograd import Value, no_grad
from examples._common import parse_args, save_graph
from nn.data import xor
from nn.scalar import MLP


def train(steps: int, lr: float, seed: int) -> tuple[MLP, list[float]]:
    """MLP 2-4-1 (tanh hidden, sigmoid output), squared error, full-batch gradient descent."""
    inputs, targets = xor()
    model = MLP(2, [4, 1], activation="tanh", output_activation="sigmoid", seed=seed)
    losses = []
    for _ in range(steps):
        outputs = [model.score(row.tolist()) for row in inputs]
        loss = sum(((out - float(t)) ** 2 for out, t in zip(outputs, targets)), Value(0.0)) * 0.5
        model.zero_grad()
        loss.backward()
        with no_grad():
            for p in model.parameters():
                p.data -= lr * p.grad
        losses.append(loss.data)
    return model, losses


def main(argv: Sequence[str] | None = None) -> None:
    args = parse_args(
        __doc__ or "",
        argv,
        steps=(500, "gradient-descent steps"),
        lr=(1.0, "learning rate"),
        seed=(0, "random seed"),
    )
    model, losses = train(args.steps, args.lr, args.seed)
    print("An MLP 2-4-1 (tanh, sigmoid output) learns XOR by backpropagation (오차역전파)")
    for step in (0, len(losses) // 4, len(losses) // 2, len(losses) - 1):
        print(f"  step {step + 1:4d}: loss {losses[step]:.5f}")
    inputs, targets = xor()
    correct = 0
    print("x1 x2 | target | output")
    with no_grad():
        for row, target in zip(inputs, targets):
            out = model.score(row.tolist())
            correct += int((out.data > 0.5) == bool(target))
            print(f" {int(row[0])}  {int(row[1])} |   {target}    | {out.data:.3f}")
    print(f"  {correct}/4 correct")
    x = [Value(1.0, "x1"), Value(0.0, "x2")]
    out = model.score(x)
    out.label = "y"
    model.zero_grad()  # the picture shows this input's gradients, not the last training step's as well
    out.backward()
    save_graph(out, args.out / "xor_mlp.png", "MLP 2-4-1 on input (1, 0); grad = dy / d node")


if __name__ == "__main__":
    main()
