"""``export``: a model's recorded forward graph written as an ONNX file (``torch.onnx.export``'s
signature), for onnxruntime, Netron and every serving stack."""

from __future__ import annotations

import io
import os
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from autograd import Tensor
from autograd.files import atomic_write_bytes
from nn.module import Module
from nn.onnx.builder import MAX_OPSET, MIN_OPSET, GraphBuilder
from nn.onnx.errors import OnnxExportError, UnsupportedOperatorError
from nn.onnx.ops import CONVERTERS, Context
from nn.onnx.trace import Run, run, twins, varied
from nn.onnx.units import unit_for

DynamicAxes = Mapping[str, Mapping[int, str] | Sequence[int]]


def export(
    model: Module,
    args: Any,
    f: str | os.PathLike[str] | io.BufferedIOBase,
    input_names: Sequence[str] | None = None,
    output_names: Sequence[str] | None = None,
    dynamic_axes: DynamicAxes | None = None,
    opset_version: int = MIN_OPSET,
) -> None:
    """Run ``model(*args)`` once in eval mode and write the graph it records to ``f`` as ONNX: the graph
    ``viz.draw`` shows is the graph exported, op for op (BatchNorm, Embedding, the recurrent layers and a
    global average pool are written as their one ONNX op). Parameters and buffers become initializers
    under their ``state_dict`` names; ``dynamic_axes`` (``{"x": {0: "batch"}}``) leave sizes open. An op
    without an ONNX form stops the export naming the op, its module and the opset; nothing is written then
    (the file appears whole or not at all). Needs the ``onnx`` package (``pip install chainrule[onnx]``)."""
    onnx = _onnx()
    if not isinstance(model, Module):
        raise TypeError(f"export: model must be an nn.Module, got {type(model).__name__}")
    if not MIN_OPSET <= opset_version <= MAX_OPSET:
        raise ValueError(f"export: opset_version must lie in {MIN_OPSET}..{MAX_OPSET}, got {opset_version}")
    inputs = _example_inputs(args)
    in_names = _names(input_names, len(inputs), "input", "input_names")
    by_input = _dynamic_by_input(dynamic_axes or {}, in_names, inputs)
    if not hasattr(f, "write") and not Path(f).parent.is_dir():
        raise FileNotFoundError(f"export: the folder of {f} does not exist")
    is_unit = lambda module: unit_for(module) is not None  # noqa: E731
    first = run(model, inputs, is_unit)
    out_names = _names(output_names, len(first.outputs), "output", "output_names")
    unknown = set(dynamic_axes or {}) - set(in_names) - set(out_names)
    if unknown:
        raise ValueError(
            f"export: dynamic_axes names {sorted(unknown)}, which are neither inputs nor outputs"
        )
    pairs = [twins(first, _rerun(model, inputs, by_input, is_unit), model)]
    probes = [_probe(model, [Tensor(np.zeros_like(a.numpy()), dtype=a.dtype) for a in inputs], is_unit)]
    if by_input:  # sizes that one more row does not change (n // 2 for n = 8) change at 2n + 1
        probes.append(_probe(model, varied(inputs, by_input, lambda n, j: 2 * n + 1 + j), is_unit))
    pairs += [twins(first, probe, model) for probe in probes if probe is not None]
    graph = _Writer(onnx, opset_version, model, first, pairs)
    proto = graph.proto(in_names, out_names, dynamic_axes or {})
    onnx.checker.check_model(proto, full_check=True)
    data = proto.SerializeToString()
    if hasattr(f, "write"):
        f.write(data)
    else:
        atomic_write_bytes(Path(f), data)


def _rerun(
    model: Module,
    inputs: list[Tensor],
    dynamic: dict[int, dict[int, int]],
    is_unit: Callable[[Module], bool],
) -> Run:
    """The model run again on other values and sizes along the dynamic axes (see ``varied``)."""
    try:
        return run(model, varied(inputs, dynamic, lambda n, j: n + 1 + j), is_unit)
    except Exception as error:  # the model's own refusal of those sizes, whatever its type
        raise OnnxExportError(
            f"{type(model).__name__} could not run on other values and sizes along the dynamic axes, which "
            f"export tries to learn what varies ({type(error).__name__}: {error}); axes that must be one "
            'size take one label in dynamic_axes (e.g. {"x": {0: "batch"}, "h0": {1: "batch"}})'
        ) from error


def _probe(model: Module, arguments: list[Tensor], is_unit: Callable[[Module], bool]) -> Run | None:
    """One more run, on inputs chosen to show what the first two may not (all zeros: a padding mask that
    the example's tokens never trigger; 2n + 1 rows), or None if the model cannot take them."""
    try:
        return run(model, arguments, is_unit)
    except Exception:  # the model's own refusal of those inputs: this probe then tells nothing
        return None


def _onnx() -> Any:
    try:
        import onnx
    except ImportError as error:
        raise ImportError(
            "export needs the onnx package: pip install 'chainrule[onnx]' (or pip install onnx)"
        ) from error
    return onnx


def _example_inputs(args: Any) -> list[Tensor]:
    items = list(args) if isinstance(args, (tuple, list)) else [args]
    for position, item in enumerate(items):
        if not isinstance(item, Tensor):
            raise TypeError(
                f"export: args[{position}] is a {type(item).__name__}; pass example inputs as Tensors "
                "(a Tensor or a tuple of them)"
            )
    return items


def _names(given: Sequence[str] | None, count: int, stem: str, argument: str) -> list[str]:
    if given is None:
        return [stem] if count == 1 else [f"{stem}_{i}" for i in range(count)]
    names = list(given)
    if len(names) > count or len(set(names)) != len(names):
        raise ValueError(
            f"export: {argument} {names} must be distinct and at most {count} (the model has {count})"
        )
    default = _names(None, count, stem, argument)
    return names + default[len(names) :]


def _axes(spec: Mapping[int, str] | Sequence[int], name: str) -> dict[int, str]:
    """``{0: "batch"}`` as given, or ``[0, 1]`` with PyTorch's generated labels."""
    if isinstance(spec, Mapping):
        return {int(axis): str(label) for axis, label in spec.items()}
    return {int(axis): f"{name}_dynamic_axes_{i + 1}" for i, axis in enumerate(spec)}


def _dynamic_by_input(
    dynamic: DynamicAxes, names: list[str], inputs: list[Tensor]
) -> dict[int, dict[int, int]]:
    """Per input position, its dynamic axes and each one's group: axes that share a label (``"batch"``
    on two inputs) are one size and grow alike in the probing runs; the list form labels each axis apart,
    as PyTorch does."""
    found: dict[int, dict[int, int]] = {}
    groups: dict[str, int] = {}
    for position, (name, tensor) in enumerate(zip(names, inputs)):
        if name in dynamic:
            axes = _axes(dynamic[name], name)
            bad = [a for a in axes if not 0 <= a < tensor.ndim]
            if bad:
                raise ValueError(f"export: dynamic_axes for {name!r} name axes {bad}; it has {tensor.ndim}")
            found[position] = {axis: groups.setdefault(label, len(groups)) for axis, label in axes.items()}
    return found


class _Writer:
    """Turns one traced run into ONNX nodes, values and initializers."""

    def __init__(
        self, onnx: Any, opset: int, model: Module, first: Run, pairs: list[dict[Tensor, Tensor]]
    ) -> None:
        self.onnx, self.model, self.first = onnx, model, first
        self.builder = GraphBuilder(onnx, opset)
        self.context = Context(self.builder, pairs)
        self.owned = {id(t): name for name, t in [*model.named_parameters(), *model.named_buffers()]}
        self.values: dict[Tensor, str] = {}
        self._output_names: set[str] = set()

    def proto(self, in_names: list[str], out_names: list[str], dynamic: DynamicAxes) -> Any:
        helper, b, first = self.onnx.helper, self.builder, self.first
        inputs = []
        for node, name in zip(first.inputs, in_names):
            self.values[node] = self.context.inputs[id(node.numpy())] = b.claim(name)
            inputs.append(self._value_info(name, node, _axes(dynamic.get(name, {}), name)))
        for name in out_names:  # before any node takes a name, so outputs may be called "softmax"
            b.claim(name)
        for node in first.order:
            if node not in self.values:
                self._write(node)
        outputs = []
        for node, name in zip(first.outputs, out_names):
            self._name_output(node, name)
            outputs.append(self._value_info(name, node, _axes(dynamic.get(name, {}), name)))
        initializers = [self.onnx.numpy_helper.from_array(a, name) for name, a in b.initializers.items()]
        graph = helper.make_graph(b.nodes, type(self.model).__name__, inputs, outputs, initializers)
        opsets = [helper.make_opsetid("", b.opset)]
        return helper.make_model(
            graph,
            opset_imports=opsets,
            producer_name="chainrule",
            ir_version=helper.find_min_ir_version_for(opsets),
        )

    def _write(self, node: Tensor) -> None:
        first, b = self.first, self.builder
        if node in first.units:
            self._write_unit(node)
        elif node.rule is None:
            self.values[node] = self._leaf(node)
        else:
            convert = CONVERTERS.get(node.rule.name)
            if convert is None:
                where = first.paths.get(node, "")
                module = self._module_at(where)
                raise UnsupportedOperatorError(
                    f"the op {node.rule.name!r} (in {where or 'the top module'}: {module}) has no ONNX form "
                    f"at opset {b.opset} in chainrule's exporter"
                )
            self.values[node] = convert(self.context, node, [self.values[p] for p in node.parents])

    def _write_unit(self, node: Tensor) -> None:
        call = self.first.units[node]
        unit = unit_for(call.module)
        assert unit is not None
        names = unit(self.builder, call, [self.values[t] for t in call.inputs], self._parameter)
        for out, name in zip(call.outputs, names):
            self.values.setdefault(out, name)

    def _parameter(self, tensor: Tensor) -> str:
        """The initializer holding a parameter or buffer, under its state_dict name."""
        name = self.owned.get(id(tensor))
        if name is None:
            return self.builder.initializer(tensor.numpy())
        if name not in self.builder.initializers:
            self.builder.initializer(tensor.numpy(), name)
        return name

    def _leaf(self, node: Tensor) -> str:
        """A parameter or buffer by name; any other constant checked to be the same in the second run."""
        if id(node) in self.owned:
            return self._parameter(node)
        twins = self.context.others(node)
        if any(
            t.shape != node.shape or not np.array_equal(t.numpy(), node.numpy(), equal_nan=True)
            for t in twins
        ):
            users = [
                self.first.paths.get(n, "") for n in self.first.order if any(p is node for p in n.parents)
            ]
            where = next((p for p in users if p), "the top module")
            raise OnnxExportError(
                f"a constant of shape {node.shape} used in {where} changes with the input: it is computed "
                "outside the graph (from .numpy(), integers or sizes), so the exported graph cannot follow it"
            )
        return self.builder.initializer(node.numpy(), hint=node.label or "constant")

    def _module_at(self, path: str) -> str:
        module = dict(self.model.named_modules()).get(path, self.model)
        return type(module).__name__

    def _name_output(self, node: Tensor, name: str) -> None:
        """Give the graph output ``name`` to the value of ``node`` (an Identity when that value is an
        input, an initializer or another output already)."""
        current = self.values[node]
        produced = [n for n in self.builder.nodes if current in n.output]
        if not produced or current in self._output_names:
            self.builder.nodes.append(self.onnx.helper.make_node("Identity", [current], [name]))
        else:
            for n in self.builder.nodes:
                for field in (n.input, n.output):
                    for i, value in enumerate(field):
                        if value == current:
                            field[i] = name
            self.values = {t: (name if v == current else v) for t, v in self.values.items()}
        self._output_names.add(name)

    def _value_info(self, name: str, node: Tensor, labels: dict[int, str]) -> Any:
        varying = self.context.varying(node)
        dims: list[int | str] = [
            labels.get(i, f"{name}_dim_{i}") if (i in labels or varying[i]) else int(n)
            for i, n in enumerate(node.shape)
        ]
        dtype = self.onnx.helper.np_dtype_to_tensor_dtype(node.dtype)
        return self.onnx.helper.make_tensor_value_info(name, dtype, dims)
