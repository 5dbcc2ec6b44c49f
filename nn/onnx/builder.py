"""The ONNX graph being written: unique value names, nodes in order, initializers by name, and the few
helpers whose form changed between opsets (axes as an attribute or as an input)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from nn.onnx.errors import OnnxExportError

MIN_OPSET = 17  # LayerNormalization; Squeeze/Unsqueeze/ReduceSum take axes as inputs from 13
MAX_OPSET = 21
_AXES_AS_INPUT = 18  # from opset 18 every Reduce* op takes axes as an input, not an attribute


class GraphBuilder:
    """Collects the nodes and initializers of one ONNX graph; the exporter turns them into a model."""

    def __init__(self, onnx: Any, opset: int) -> None:
        self.onnx = onnx
        self.opset = opset
        self.nodes: list[Any] = []
        self.initializers: dict[str, np.ndarray] = {}
        self._taken: set[str] = set()
        self._by_identity: dict[int, tuple[np.ndarray, str]] = {}

    def fresh(self, hint: str) -> str:
        """A value name not used before, readable in a viewer: ``hint``, else ``hint_1``, ``hint_2``..."""
        name, k = hint, 0
        while name in self._taken:
            k += 1
            name = f"{hint}_{k}"
        self._taken.add(name)
        return name

    def claim(self, name: str) -> str:
        """Reserve ``name`` exactly (graph inputs and outputs, parameters): two of them may not share one."""
        if name in self._taken:
            raise OnnxExportError(f"the name {name!r} is given to two values of the graph")
        self._taken.add(name)
        return name

    def add(
        self, op_type: str, inputs: Sequence[str], outputs: int = 1, hint: str = "", **attributes: Any
    ) -> Any:
        """Append one node; returns its output name (a list of them when ``outputs`` > 1)."""
        names = [self.fresh(hint or op_type.lower()) for _ in range(outputs)]
        self.nodes.append(self.onnx.helper.make_node(op_type, list(inputs), names, **attributes))
        return names[0] if outputs == 1 else names

    def initializer(self, array: np.ndarray, name: str = "", hint: str = "const") -> str:
        """A constant of the graph holding ``array`` (the same array object is stored once), named
        ``name`` exactly or after ``hint``."""
        known = self._by_identity.get(id(array))
        if known is not None and known[0] is array:
            return known[1]
        name = self.claim(name) if name else self.fresh(hint)
        self.initializers[name] = np.array(array, order="C")  # a copy that keeps a 0-d array 0-d
        self._by_identity[id(array)] = (array, name)
        return name

    def ints(self, values: Sequence[int]) -> str:
        """A 1-D int64 constant (shapes, axes, slice bounds)."""
        return self.initializer(np.asarray(list(values), dtype=np.int64))

    def scalar(self, value: float, dtype: np.dtype) -> str:
        """A 0-d constant of ``dtype`` (the other operand of ``x * 0.5``)."""
        return self.initializer(np.asarray(value, dtype=dtype))

    def reduce(self, op_type: str, x: str, axes: Sequence[int], keepdims: bool) -> str:
        """``ReduceSum`` / ``ReduceMean`` / ``ReduceMax``... over ``axes``, in the form the opset wants."""
        keep = int(keepdims)
        if op_type == "ReduceSum" or self.opset >= _AXES_AS_INPUT:
            return self.add(op_type, [x, self.ints(axes)], keepdims=keep)
        return self.add(op_type, [x], axes=list(axes), keepdims=keep)

    def unsqueeze(self, x: str, axes: Sequence[int]) -> str:
        return self.add("Unsqueeze", [x, self.ints(axes)])

    def squeeze(self, x: str, axes: Sequence[int]) -> str:
        return self.add("Squeeze", [x, self.ints(axes)])
