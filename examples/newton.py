"""Lesson: Newton's method with the second derivative from the engine (gradients of gradients).

Minimise f(x) = x⁴ - 2x² from x = 2. Gradient descent steps by -lr·f'(x); Newton's method divides f'(x)
by the curvature f''(x), which ``autograd.grad(..., create_graph=True)`` gives by differentiating the
derivative: the chain rule (연쇄법칙) applied to the backward pass itself.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from autograd import Value, grad
from examples._common import parse_args


def function(x: Value) -> Value:
    return x**4 - 2 * x**2


def derivatives(position: float) -> tuple[float, float]:
    """(f'(x), f''(x)) at ``position``, both by backpropagation: the second through the first's graph."""
    x = Value(position, "x")
    (slope,) = grad(function(x), x, create_graph=True)
    (curvature,) = grad(slope, x)
    return slope.data, curvature.data


def newton(start: float, max_steps: int = 50) -> list[float]:
    """Iterates x ← x - f'(x) / f''(x) until the step no longer changes x."""
    path = [start]
    for _ in range(max_steps):
        slope, curvature = derivatives(path[-1])
        following = path[-1] - slope / curvature
        if following == path[-1]:
            break
        path.append(following)
    return path


def gradient_descent(start: float, lr: float, tolerance: float, max_steps: int = 10_000) -> list[float]:
    """Iterates x ← x - lr·f'(x) until |f'(x)| < tolerance."""
    path = [start]
    for _ in range(max_steps):
        slope, _ = derivatives(path[-1])
        if abs(slope) < tolerance:
            break
        path.append(path[-1] - lr * slope)
    return path


def main(argv: Sequence[str] | None = None) -> None:
    args = parse_args(
        __doc__ or "",
        argv,
        start=(2.0, "the starting point x0"),
        lr=(0.02, "gradient descent's learning rate"),
        tolerance=(1e-10, "stop when a step is smaller than this"),
    )
    newton_path = newton(args.start)
    descent_path = gradient_descent(args.start, args.lr, args.tolerance)
    slope, curvature = derivatives(args.start)
    print("Newton's method with second derivatives from backpropagation (오차역전파) of the gradient")
    print(f"  f(x) = x^4 - 2x^2 at x = {args.start:g}: f'(x) = {slope:g}, f''(x) = {curvature:g}")
    print("  (by hand: f'(x) = 4x^3 - 4x = 24 and f''(x) = 12x^2 - 4 = 44 at x = 2)")
    print("  Newton iterates: " + " -> ".join(repr(x) for x in newton_path))
    print(f"  Newton's method:  {len(newton_path) - 1} steps to x = {newton_path[-1]!r}")
    steps = len(descent_path) - 1
    print(f"  gradient descent: {steps} steps (lr = {args.lr:g}) to x = {descent_path[-1]:.12f}")
    try:
        from viz import plots
    except ImportError:
        return
    xs = np.linspace(-0.2, 2.1, 400)
    written = plots.paths_on_curve(
        xs,
        xs**4 - 2 * xs**2,
        {"Newton": np.array(newton_path), "gradient descent": np.array(descent_path)},
        args.out / "newton.png",
        title="minimising x⁴ - 2x² from x = 2",
    )
    print(f"  wrote {written}")


if __name__ == "__main__":
    main()
