"""Modules written whole, as the one ONNX op made for them, instead of op by op: BatchNorm in eval mode
(BatchNormalization, its running statistics as initializers), Embedding (Gather on the index input, which
the graph cannot record: indices are integers), AdaptiveAvgPool2d to 1×1 (GlobalAveragePool, any
image size), Softplus (its switch to x past the threshold in the graph, not the example's mask) and the
recurrent layers RNN / LSTM / GRU (ONNX's ops of those names, one per layer:
``nn.onnx.recurrent``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from nn.activations import Softplus
from nn.conv import AdaptiveAvgPool2d
from nn.embedding import Embedding
from nn.layers import BatchNorm1d, BatchNorm2d
from nn.module import Module
from nn.onnx.builder import GraphBuilder
from nn.onnx.recurrent import recurrent
from nn.onnx.trace import Call
from nn.recurrent import GRU, LSTM, RNN

# a unit: (builder, the module's call, the names of its input values, a name per parameter/buffer)
# -> one value name per Tensor the module returned
Unit = Callable[[GraphBuilder, Call, list[str], Callable[[Any], str]], list[str]]


def _batch_norm(b: GraphBuilder, call: Call, ins: list[str], name: Callable[[Any], str]) -> list[str]:
    module: Any = call.module
    stats = [name(t) for t in (module.weight, module.bias, module.running_mean, module.running_var)]
    return [b.add("BatchNormalization", [ins[0], *stats], epsilon=float(module.eps))]


def _embedding(b: GraphBuilder, call: Call, ins: list[str], name: Callable[[Any], str]) -> list[str]:
    module: Any = call.module
    return [b.add("Gather", [name(module.weight), ins[0]], axis=0)]


def _global_average(b: GraphBuilder, call: Call, ins: list[str], name: Callable[[Any], str]) -> list[str]:
    return [b.add("GlobalAveragePool", ins)]


def _softplus(b: GraphBuilder, call: Call, ins: list[str], name: Callable[[Any], str]) -> list[str]:
    """log(1 + e^(beta·x)) / beta, and x where beta·x > threshold: the switch in the graph, where the
    recorded one is a mask of the example's values."""
    module: Any = call.module
    beta, threshold = float(module.options["beta"]), float(module.options["threshold"])
    dtype = call.inputs[0].dtype
    scaled = b.add("Mul", [ins[0], b.scalar(beta, dtype)])
    smooth = b.add("Div", [b.add("Softplus", [scaled]), b.scalar(beta, dtype)])
    past = b.add("Greater", [scaled, b.scalar(threshold, dtype)])
    return [b.add("Where", [past, ins[0], smooth])]


def _to_one(module: AdaptiveAvgPool2d) -> bool:
    size = module.output_size
    return size in (1, (1, 1), [1, 1])


def unit_for(module: Module) -> Unit | None:
    """How ``module`` is written whole, or None when its recorded ops are written one by one: a subclass
    with a forward of its own, or a module with forward hooks of its own, is written as it ran."""
    if module.__dict__.get("_forward_hooks") or module.__dict__.get("_forward_pre_hooks"):
        return None
    for kind, unit in _WHOLE.items():
        if isinstance(module, kind) and type(module).forward is kind.forward:
            return None if kind is AdaptiveAvgPool2d and not _to_one(module) else unit  # type: ignore[arg-type]
    return None


_WHOLE: dict[type[Module], Unit] = {
    BatchNorm1d: _batch_norm, BatchNorm2d: _batch_norm, Embedding: _embedding, Softplus: _softplus,
    AdaptiveAvgPool2d: _global_average, RNN: recurrent, LSTM: recurrent, GRU: recurrent,
}  # fmt: skip
