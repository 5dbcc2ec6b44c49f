"""Neuron, Layer and MLP over scalar Values (micrograd-style): small problems and readable pictures."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from autograd import Value

ACTIVATIONS = (
    "relu", "tanh", "sigmoid", "identity", "leaky_relu", "elu", "selu", "gelu",
    "swish", "softplus", "softsign", "hard_sigmoid", "step",
)  # fmt: skip


def _check_activation(name: str) -> str:
    if name not in ACTIVATIONS:
        raise ValueError(f"unknown activation {name!r}; choose one of {', '.join(ACTIVATIONS)}")
    return name


def softmax(logits: Sequence[Value]) -> list[Value]:
    """exp(x_i - max) / sum_j exp(x_j - max) over a list of Values: the largest logit's value is
    subtracted first (a constant, so the gradient is unchanged) to keep exp finite."""
    largest = max(v.data for v in logits)
    exps = [(v - largest).exp() for v in logits]
    total = sum(exps[1:], exps[0])
    return [e / total for e in exps]


def rmsnorm(values: Sequence[Value], eps: float = 1e-5) -> list[Value]:
    """x_i / sqrt(mean(x²) + eps) over a list of Values, RMSNorm without a weight (a GPT's normaliser)."""
    mean_square = sum((v * v for v in values[1:]), values[0] * values[0]) / len(values)
    scale = (mean_square + eps) ** -0.5
    return [v * scale for v in values]


class ScalarModule:
    """Base of the scalar models: ``parameters()`` and ``zero_grad()``, as in ``nn.Module``."""

    def parameters(self) -> list[Value]:
        return []

    def zero_grad(self) -> None:
        for p in self.parameters():
            p.grad = 0.0


class Neuron(ScalarModule):
    """activation(w · x + b), weights drawn uniformly from (-1, 1) by the given Generator. ``name``
    prefixes the parameters' labels (``L0.N1.w0``), so pictures of a network tell them apart."""

    def __init__(
        self, n_inputs: int, activation: str = "relu", rng: np.random.Generator | None = None, name: str = ""
    ) -> None:
        rng = rng if rng is not None else np.random.default_rng(0)
        self.activation = _check_activation(activation)
        prefix = f"{name}." if name else ""
        self.weights = [Value(w, f"{prefix}w{i}") for i, w in enumerate(rng.uniform(-1.0, 1.0, n_inputs))]
        self.bias = Value(0.0, f"{prefix}b")

    def __call__(self, x: Sequence[Value | float]) -> Value:
        if len(x) != len(self.weights):
            raise ValueError(f"Neuron expects {len(self.weights)} inputs, got {len(x)}")
        total = sum((w * xi for w, xi in zip(self.weights, x)), self.bias)
        return getattr(total, self.activation)()

    def parameters(self) -> list[Value]:
        return [*self.weights, self.bias]

    def __repr__(self) -> str:
        return f"Neuron({len(self.weights)}, activation={self.activation!r})"


class Layer(ScalarModule):
    """``n_outputs`` neurons reading the same inputs (named ``{name}.N0``, ``{name}.N1``...)."""

    def __init__(
        self,
        n_inputs: int,
        n_outputs: int,
        activation: str = "relu",
        rng: np.random.Generator | None = None,
        name: str = "",
    ) -> None:
        rng = rng if rng is not None else np.random.default_rng(0)
        prefix = f"{name}." if name else ""
        self.neurons = [Neuron(n_inputs, activation, rng, f"{prefix}N{j}") for j in range(n_outputs)]

    def __call__(self, x: Sequence[Value | float]) -> list[Value]:
        return [neuron(x) for neuron in self.neurons]

    def parameters(self) -> list[Value]:
        return [p for neuron in self.neurons for p in neuron.parameters()]

    def __repr__(self) -> str:
        return f"Layer([{', '.join(map(repr, self.neurons))}])"


class MLP(ScalarModule):
    """A multi-layer perceptron: hidden layers with ``activation``, the last with ``output_activation``."""

    def __init__(
        self,
        n_inputs: int,
        layer_sizes: Sequence[int],
        activation: str = "tanh",
        output_activation: str = "identity",
        seed: int | np.random.Generator = 0,
    ) -> None:
        if not layer_sizes or any(size < 1 for size in layer_sizes):
            raise ValueError(f"layer_sizes must be positive integers, got {list(layer_sizes)}")
        rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
        sizes = [n_inputs, *layer_sizes]
        last = len(layer_sizes) - 1
        self.layers = [
            Layer(sizes[i], sizes[i + 1], output_activation if i == last else activation, rng, f"L{i}")
            for i in range(len(layer_sizes))
        ]

    def __call__(self, x: Sequence[Value | float]) -> Value | list[Value]:
        """The output Value, or a list of them when the last layer has several neurons."""
        out: list[Value] = list(x)  # type: ignore[arg-type]
        for layer in self.layers:
            out = layer(out)
        return out[0] if len(out) == 1 else out

    def score(self, x: Sequence[Value | float]) -> Value:
        """The single output of a network whose last layer has one neuron."""
        out = self(x)
        if not isinstance(out, Value):
            raise ValueError(f"score() needs a single output; this MLP has {len(out)}")
        return out

    def parameters(self) -> list[Value]:
        return [p for layer in self.layers for p in layer.parameters()]

    def __repr__(self) -> str:
        return f"MLP([{', '.join(map(repr, self.layers))}])"
