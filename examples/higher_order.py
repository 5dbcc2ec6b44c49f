"""Lesson: derivatives of derivatives. tanh and its first six derivatives, each computed by running
backpropagation (오차역전파) through the previous derivative's graph, and pictures of how that backward
graph grows with the order."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from autograd import Tensor, Value, grad, topological_order
from examples._common import parse_args, save_graph

# tanh(x) = x - x³/3 + 2x⁵/15 - 17x⁷/315 + …, so its derivatives at 0 are these (order 0 to 6)
AT_ZERO = (0.0, 1.0, 0.0, -2.0, 0.0, 16.0, 0.0)


def tanh_derivatives(x: np.ndarray, orders: int) -> list[np.ndarray]:
    """[tanh(x), tanh'(x), …] up to ``orders``: each the gradient of the sum of the previous one,
    which is its elementwise derivative because the function acts elementwise."""
    point = Tensor(x, requires_grad=True)
    current = point.tanh()
    values = [current.numpy().copy()]
    for _ in range(orders):
        (current,) = grad(current.sum(), point, create_graph=True)
        values.append(current.numpy().copy())
    return values


def backward_graphs(position: float, orders: int) -> list[Value]:
    """The nodes d^k tanh / dx^k at ``position`` for k = 1..orders, each a graph built by backward."""
    x = Value(position, "x")
    current = x.tanh()
    current.label = "tanh(x)"
    graphs = []
    for order in range(1, orders + 1):
        (current,) = grad(current, x, create_graph=True)
        current.label = f"d{order} tanh / dx{order}"
        graphs.append(current)
    return graphs


def main(argv: Sequence[str] | None = None) -> None:
    args = parse_args(__doc__ or "", argv, orders=(6, "how many derivatives of tanh to take"))
    xs = np.linspace(-5, 5, 401)
    values = tanh_derivatives(xs, args.orders)
    at_zero = tanh_derivatives(np.zeros(1), args.orders)
    print("Derivatives of tanh by repeated backpropagation (create_graph=True)")
    print("  order | engine at x = 0 | from the Taylor series")
    for order, value in enumerate(at_zero):
        expected = AT_ZERO[order] if order < len(AT_ZERO) else float("nan")
        print(f"  {order:5d} | {float(value[0]) + 0.0:15.6g} | {expected:g}")  # + 0.0: no "-0"
    graphs = backward_graphs(0.5, args.orders)
    sizes = [len(topological_order(node)) for node in graphs]
    print("  nodes in the graph of the k-th derivative at x = 0.5: " + ", ".join(map(str, sizes)))
    save_graph(graphs[1], args.out / "tanh_second_derivative.png", "the graph of d²/dx² tanh(x)", "TB")
    save_graph(graphs[2], args.out / "tanh_third_derivative.png", "the graph of d³/dx³ tanh(x)", "TB")
    try:
        from viz import plots
    except ImportError:
        return
    names = ["tanh(x)"] + [f"order {k}" for k in range(1, args.orders + 1)]
    written = plots.lines(
        xs,
        dict(zip(names, values)),
        args.out / "tanh_derivatives.png",
        title=f"tanh and its derivatives up to order {args.orders}",
        ylabel="d^k tanh / dx^k (symmetric log scale)",
        symlog=True,
    )
    print(f"  wrote {written}")


if __name__ == "__main__":
    main()
