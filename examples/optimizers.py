"""Lesson: optimizers (최적화 기법) on the notes' f(x, y) = x²/20 + y², then on MNIST.

The gradient of f comes from the engine (backward on a Tensor), and the same optimizer classes
then train a network on the bundled MNIST digits.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy as np

import nn
from autograd import Tensor, no_grad
from examples._common import parse_args
from examples._training import train_steps
from nn import optim
from nn.data import load_mnist_sample

# The notes' settings for the 2-D comparison, starting at (-7, 2).
Make = Callable[[Iterable[Tensor]], optim.Optimizer]
SURFACE_OPTIMIZERS: dict[str, Make] = {
    "SGD (lr 0.95)": lambda p: optim.SGD(p, lr=0.95),
    "Momentum (lr 0.1, 0.9)": lambda p: optim.SGD(p, lr=0.1, momentum=0.9),
    "Nesterov (lr 0.1, 0.9)": lambda p: optim.SGD(p, lr=0.1, momentum=0.9, nesterov=True),
    "AdaGrad (lr 1.5)": lambda p: optim.AdaGrad(p, lr=1.5),
    "RMSprop (lr 0.3)": lambda p: optim.RMSprop(p, lr=0.3),
    "Adam (lr 0.3)": lambda p: optim.Adam(p, lr=0.3),
}
NETWORK_OPTIMIZERS: dict[str, Make] = {
    "SGD": lambda p: optim.SGD(p, lr=0.01),
    "Momentum": lambda p: optim.SGD(p, lr=0.01, momentum=0.9),
    "AdaGrad": lambda p: optim.AdaGrad(p, lr=0.01),
    "RMSprop": lambda p: optim.RMSprop(p, lr=0.001),
    "AdaDelta": lambda p: optim.AdaDelta(p),
    "Adam": lambda p: optim.Adam(p, lr=0.001),
}


def surface(x: Any, y: Any) -> Any:
    """The notes' f(x, y) = x²/20 + y², for Tensors or arrays alike."""
    return x * x / 20.0 + y * y


def walk(make: Make, steps: int) -> np.ndarray:
    """The points an optimizer visits on the surface, starting at (-7, 2)."""
    point = Tensor(np.array([-7.0, 2.0]), requires_grad=True)
    optimizer = make([point])
    path = [point.numpy().copy()]
    for _ in range(steps):
        optimizer.zero_grad()
        surface(point[0], point[1]).backward()
        optimizer.step()
        path.append(point.numpy().copy())
    return np.array(path)


def mnist_losses(make: Make, iterations: int, seed: int) -> tuple[list[float], float]:
    """Training loss per iteration of MLP 784-100-100-10 on the bundled digits, and its test accuracy."""
    (x, t), (x_test, t_test) = load_mnist_sample()
    rng = np.random.default_rng(seed)
    model = nn.Sequential(
        nn.Linear(784, 100, init="he_normal", rng=rng), nn.ReLU(),
        nn.Linear(100, 100, init="he_normal", rng=rng), nn.ReLU(),
        nn.Linear(100, 10, rng=rng),
    )  # fmt: skip
    losses = train_steps(model, make(model.parameters()), (x, t), iterations, 128, seed)
    with no_grad():
        accuracy = float((model(Tensor(x_test)).argmax(axis=1) == t_test).mean())
    return losses, accuracy


def main(argv: Sequence[str] | None = None) -> None:
    args = parse_args(
        __doc__ or "",
        argv,
        steps=(30, "steps on the 2-D surface"),
        iterations=(300, "MNIST iterations per optimizer"),
        seed=(0, "random seed"),
    )
    print(f"Optimizers (최적화 기법) on f(x, y) = x²/20 + y² from (-7, 2), {args.steps} steps each:")
    paths = {name: walk(make, args.steps) for name, make in SURFACE_OPTIMIZERS.items()}
    for name, path in paths.items():
        x, y = path[-1]
        print(f"  {name:<24} ends at ({x:7.3f}, {y:7.3f}), f = {surface(x, y):.5f}")
    print(
        "  (AdaDelta, which sets its own step size, starts too slowly to show here; it is in the MNIST run.)"
    )
    print(
        "\nThe same optimizers training MLP 784-100-100-10 on the bundled MNIST digits, "
        f"{args.iterations} iterations:"
    )
    results = {
        name: mnist_losses(make, args.iterations, args.seed) for name, make in NETWORK_OPTIMIZERS.items()
    }
    for name, (losses, accuracy) in results.items():
        print(
            f"  {name:<9} loss {losses[0]:.3f} -> {np.mean(losses[-20:]):.3f}, test accuracy {accuracy:.2%}"
        )
    try:
        from viz.plots import curves, trajectories
    except ImportError:
        return
    try:
        title = "f(x, y) = x²/20 + y²: each optimizer's path from (-7, 2)"
        print(f"  wrote {trajectories(surface, paths, args.out / 'optimizer_paths.png', title=title)}")
        loss_series = {name: losses for name, (losses, _) in results.items()}
        picture = curves(
            loss_series,
            args.out / "optimizer_mnist.png",
            "iteration",
            "training loss (log scale)",
            "each optimizer on MNIST: training loss per iteration",
            log_y=True,
        )
        print(f"  wrote {picture}")
    except ImportError as error:
        print(f"  no pictures: {error}")


if __name__ == "__main__":
    main()
