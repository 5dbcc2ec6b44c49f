"""``nn.summary(model, input_size)``: the layers of a model with their output shapes and parameter counts,
as Keras's ``model.summary()`` and torchinfo print them, found by running one input through the model."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from autograd import Tensor, no_grad
from nn.module import Module, evaluating


@dataclass(frozen=True)
class Row:
    """One layer: its path and type, the shape(s) of its output, its own parameter count."""

    name: str
    kind: str
    output: str
    parameters: int


@dataclass(frozen=True)
class Summary:
    """The table (``str(summary)``; shown as text in a notebook) and its totals."""

    rows: tuple[Row, ...]
    total: int
    trainable: int
    input_size: tuple[int, ...]

    def __str__(self) -> str:
        header = ("Layer (type)", "Output shape", "Param #")
        layer = lambda r: f"{r.name} ({r.kind})" if r.name else r.kind  # noqa: E731
        cells = [header, *((layer(r), r.output, f"{r.parameters:,}") for r in self.rows)]
        widths = [max(len(cell[i]) for cell in cells) for i in range(3)]
        line = "-" * (sum(widths) + 6)
        text = [
            line,
            f"{header[0]:<{widths[0]}}   {header[1]:<{widths[1]}}   {header[2]:>{widths[2]}}",
            line.replace("-", "="),
        ]
        text += [f"{a:<{widths[0]}}   {b:<{widths[1]}}   {c:>{widths[2]}}" for a, b, c in cells[1:]]
        megabytes = self.total * 4 / 2**20
        text += [
            line,
            f"Total params: {self.total:,}",
            f"Trainable params: {self.trainable:,}",
            f"Non-trainable params: {self.total - self.trainable:,}",
            f"Input size: {self.input_size}; params: {megabytes:.2f} MB as float32",
            line,
        ]
        return "\n".join(text)

    def __repr__(self) -> str:
        return str(self)


def _shapes(output: Any) -> str:
    if isinstance(output, Tensor):
        return str(tuple(output.shape))
    if isinstance(output, (tuple, list)):
        return "(" + ", ".join(_shapes(item) for item in output) + ")"
    return type(output).__name__


def summary(model: Module, input_size: tuple[int, ...], dtype: Any = np.float32) -> Summary:
    """Run zeros of ``input_size`` (batch included) through ``model`` in eval mode without recording a
    graph, and list every layer that holds parameters or has no sub-layers, in the order they ran."""
    if not isinstance(model, Module):
        raise TypeError(f"summary: expected an nn.Module, got {type(model).__name__}")
    if not isinstance(input_size, tuple) or not all(isinstance(n, int) and n > 0 for n in input_size):
        raise ValueError(
            f"summary: input_size must be a tuple of positive ints (batch first), got {input_size!r}"
        )
    names = {module: name for name, module in model.named_modules() if name} or {model: ""}
    ran: list[tuple[Module, str]] = []
    handles = [
        module.register_forward_hook(lambda m, inputs, output: ran.append((m, _shapes(output))))
        for module in names
        if not module._modules or module._parameters
    ]
    try:
        with evaluating(model), no_grad():
            model(Tensor(np.zeros(input_size, dtype)))
    finally:
        for handle in handles:
            handle.remove()
    seen, rows = set(), []
    for module, shape in ran:
        if module in seen:
            continue
        seen.add(module)
        own = sum(p.numel() for p in module._parameters.values() if p is not None)
        rows.append(Row(names[module], type(module).__name__, shape, own))
    parameters = list(model.parameters())
    total = sum(p.numel() for p in parameters)
    trainable = sum(p.numel() for p in parameters if p.requires_grad)
    return Summary(tuple(rows), total, trainable, input_size)
