"""Lesson: activation functions (활성화 함수), their derivatives, and vanishing gradients.

Every curve and slope here comes from the engine itself: f(x) forward, f'(x) by backward().
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

import nn
from autograd import Tensor, stack
from examples._common import parse_args

FUNCTIONS = {
    "step": lambda t: t.step(),
    "identity": lambda t: t.identity(),
    "sigmoid": lambda t: t.sigmoid(),
    "tanh": lambda t: t.tanh(),
    "ReLU": lambda t: t.relu(),
    "Leaky ReLU (0.1)": lambda t: t.leaky_relu(0.1),
    "PReLU (a=0.25)": lambda t: t.prelu(Tensor([0.25])),
    "ELU": lambda t: t.elu(),
    "SELU": lambda t: t.selu(),
    "GELU": lambda t: t.gelu(),
    "swish / SiLU": lambda t: t.swish(),
    "softplus": lambda t: t.softplus(),
    "softsign": lambda t: t.softsign(),
    "hard sigmoid": lambda t: t.hard_sigmoid(),
    "maxout (x, -x/2)": lambda t: stack([t, t * -0.5], axis=-1).maxout(2).reshape(-1),
}


def curve(function, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(f(x), f'(x)) for an element-wise function, the slope from backpropagation."""
    t = Tensor(x, requires_grad=True)
    out = function(t)
    out.backward(np.ones(out.shape))
    assert t.grad is not None
    return out.numpy(), t.grad.numpy()


def gradient_norms(activation: str, depth: int, width: int, seed: int) -> list[float]:
    """|dL/dW| for each layer of a deep net at initialisation, first layer first."""
    rng = np.random.default_rng(seed)
    init = "xavier_normal" if activation == "sigmoid" else "he_normal"
    act = nn.Sigmoid if activation == "sigmoid" else nn.ReLU
    layers: list[nn.Module] = []
    for _ in range(depth):
        layers += [nn.Linear(width, width, init=init, rng=rng), act()]
    model = nn.Sequential(*layers)
    x = Tensor(rng.normal(size=(64, width)).astype(np.float32))
    (model(x) ** 2).mean().backward()
    return [
        float(np.linalg.norm(np.asarray(layer.weight.grad)))
        for layer in model
        if isinstance(layer, nn.Linear)
    ]


def main(argv: Sequence[str] | None = None) -> None:
    args = parse_args(
        __doc__ or "",
        argv,
        depth=(10, "layers of the deep network whose gradients are measured"),
        seed=(0, "random seed"),
    )
    x = np.linspace(-4, 4, 401)
    table = {name: curve(function, x) for name, function in FUNCTIONS.items()}
    print("Activation functions (활성화 함수) at x = -2, 0, 2 (value / derivative):")
    probes = [100, 200, 300]
    for name, (values, slopes) in table.items():
        cells = "  ".join(f"{values[i] + 0.0:7.3f}/{slopes[i] + 0.0:6.3f}" for i in probes)  # no "-0.000"
        print(f"  {name:<18} {cells}")
    print("  at a kink the derivative is defined one way: ReLU'(0) = 0, step'(x) = 0 everywhere")
    logits = Tensor([1010.0, 1000.0, 990.0])
    print(
        f"\nsoftmax([1010, 1000, 990]) = [{', '.join(f'{p:.6f}' for p in logits.softmax().tolist())}] "
        "(shifted by the max: no overflow)"
    )

    print(f"\nVanishing gradients: |dL/dW| per layer of a {args.depth}-layer net, first layer first")
    norms = {name: gradient_norms(name, args.depth, 100, args.seed) for name in ("sigmoid", "relu")}
    for name, norm in norms.items():
        print(f"  {name:<8}" + " ".join(f"{v:9.2e}" for v in norm))
    ratio = {name: norm[0] / norm[-1] for name, norm in norms.items()}
    print(
        f"  first/last layer: sigmoid {ratio['sigmoid']:.1e}, ReLU {ratio['relu']:.1e}: the sigmoid's slope"
    )
    print(
        "  (at most 1/4) shrinks the gradient at every layer on its way back; ReLU's slope is 1 where active."
    )
    try:
        from viz.plots import curves, function_curves
    except ImportError:
        return
    try:
        title = "activation functions and their derivatives, computed by backpropagation"
        print(f"  wrote {function_curves(table, x, args.out / 'activations.png', title=title)}")
        path = curves(
            norms,
            args.out / "vanishing_gradients.png",
            "layer",
            "norm of dL/dW (log scale)",
            "gradient norm per layer",
            True,
        )
        print(f"  wrote {path}")
    except ImportError as error:
        print(f"  no pictures: {error}")


if __name__ == "__main__":
    main()
