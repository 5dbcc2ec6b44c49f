"""Running a model for export: in eval mode, with inputs that record, noting the innermost module of
every op and the calls of modules written whole (units). The model runs twice, the second time on other
values (and other sizes along the dynamic axes): the two graphs must match op for op, which tells the
dimensions that vary and catches constants computed from the input outside the graph."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from autograd import Tensor, enable_grad, topological_order
from nn.module import Module, evaluating
from nn.onnx.errors import OnnxExportError


@dataclass
class Call:
    """One module call seen by a forward hook: its dotted path and the Tensors in and out."""

    path: str
    module: Module
    inputs: list[Tensor]
    outputs: list[Tensor]


@dataclass
class Run:
    """One forward pass: the graph's inputs and outputs, the ops to write in order, the unit calls by
    output node, and each op's innermost module path."""

    inputs: list[Tensor]
    outputs: list[Tensor]
    order: list[Tensor]
    units: dict[Tensor, Call]
    paths: dict[Tensor, str]


def tensors_in(value: Any) -> list[Tensor]:
    """The Tensors of a (nested) tuple, list or dict, in order: how a module's arguments and results
    become graph inputs and outputs, as ``torch.onnx.export`` flattens them."""
    found: list[Tensor] = []
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, Tensor):
            found.append(item)
        elif isinstance(item, (tuple, list)):
            stack.extend(reversed(item))
        elif isinstance(item, Mapping):
            stack.extend(reversed(list(item.values())))
    return found


def run(model: Module, args: Sequence[Tensor], is_unit: Callable[[Module], bool]) -> Run:
    """Call ``model(*args)`` in eval mode with float inputs recording, hooks noting every module call."""
    inputs = [Tensor(a.numpy().copy(), dtype=a.dtype, requires_grad=a.dtype.kind == "f") for a in args]
    calls: list[Call] = []
    modules = [module for _, module in model.named_modules()]
    # backward hooks wrap a module's call in identity nodes of their own; export leaves them out, as PyTorch's
    stashed = [
        (module, module.__dict__.pop("_backward_hooks"))
        for module in modules
        if "_backward_hooks" in module.__dict__
    ]
    handles = [
        module.register_forward_hook(_recorder(path, calls), with_kwargs=True)
        for path, module in model.named_modules()
    ]
    try:
        with evaluating(model), enable_grad():
            outputs = tensors_in(model(*inputs))
    finally:
        for handle in handles:
            handle.remove()
        for module, hooks in stashed:
            module.__dict__["_backward_hooks"] = hooks
    if not outputs:
        raise OnnxExportError(f"{type(model).__name__} returned no Tensor: nothing to export")
    unit_calls = [call for call in calls if is_unit(call.module)]
    units = {out: call for call in unit_calls for out in call.outputs}
    fed = [t for call in unit_calls for t in call.inputs]  # integer inputs have no edge to the outputs
    order = _needed(topological_order(*fed, *outputs), outputs, units)
    return Run(inputs, outputs, order, units, _innermost_paths(calls))


def _recorder(path: str, calls: list[Call]) -> Callable[..., None]:
    def hook(module: Module, args: tuple[Any, ...], kwargs: dict[str, Any], output: Any) -> None:
        calls.append(Call(path, module, tensors_in(args) + tensors_in(kwargs), tensors_in(output)))

    return hook


def _needed(order: list[Tensor], outputs: list[Tensor], units: Mapping[Tensor, Call]) -> list[Tensor]:
    """The nodes of ``order`` the outputs need, a unit's output needing only the unit's inputs."""
    needed = set(outputs)
    for node in reversed(order):
        if node in needed:
            needed.update(units[node].inputs if node in units else node.parents)
    return [node for node in order if node in needed]


def _innermost_paths(calls: Iterable[Call]) -> dict[Tensor, str]:
    """Each op node's innermost module: hooks fire innermost first, so the first call whose outputs reach
    a node (walking back to that call's inputs) is the one that made it."""
    paths: dict[Tensor, str] = {}
    for call in calls:
        stop = set(call.inputs)
        stack = [out for out in call.outputs if out not in stop]
        while stack:
            node = stack.pop()
            if node in paths or not node.parents:
                continue
            paths[node] = call.path
            stack.extend(p for p in node.parents if p not in stop)
    return paths


def varied(
    args: Sequence[Tensor], dynamic: Mapping[int, Mapping[int, int]], grow: Callable[[int, int], int]
) -> list[Tensor]:
    """``args`` with other values (flipped along every axis, then floats scaled and shifted, bools negated,
    integers moved by one toward 0 where they can, so indices stay in range) and size ``grow(n, group)``
    along each dynamic axis of size n (the last row repeated; axes of different groups never grow alike,
    so a reshape that swaps two of them shows)."""
    result = []
    for position, arg in enumerate(args):
        array = np.flip(arg.numpy())
        for axis, group in dynamic.get(position, {}).items():
            extra = grow(array.shape[axis], group) - array.shape[axis]
            last = np.take(array, [-1], axis=axis)
            array = np.concatenate([array, np.repeat(last, extra, axis=axis)], axis=axis)
        if array.dtype.kind == "f":
            array = array * array.dtype.type(0.875) + array.dtype.type(0.0123)
        elif array.dtype.kind == "b":
            array = ~array
        elif array.size:
            array = np.where(array > 0, array - 1, array + 1).astype(array.dtype)
        result.append(Tensor(np.ascontiguousarray(array), dtype=array.dtype))
    return result


def twins(first: Run, second: Run, model: Module) -> dict[Tensor, Tensor]:
    """Each node of ``first`` paired with the same op of ``second``; an error if the graphs differ, or if
    an op's recorded constants (a mask, an index, a number) differ other than through the inputs
    themselves: they were computed from the input outside the graph."""
    inputs = {id(t.numpy()) for run in (first, second) for t in run.inputs}
    modules = dict(model.named_modules())
    for a, b in zip(first.order, second.order):
        path = first.paths.get(a, "")
        where = f"{path} ({type(modules[path]).__name__})" if path in modules and path else "the top module"
        if a.rule is not b.rule or len(a.shape) != len(b.shape):
            raise OnnxExportError(
                f"the graph of {where} changed when the input changed ({_name(a)} became {_name(b)}): "
                "its forward branches on the data or on the sizes, which one exported graph cannot follow"
            )
        drifted = None if a in first.units else _drifted(a.ctx, b.ctx, inputs)  # a unit writes its own
        if drifted is not None:
            raise OnnxExportError(
                f"the op {_name(a)!r} in {where} uses a constant ({drifted}) that changed with the input: it "
                "is computed from the input outside the graph (a mask from a comparison, an index, a size), "
                "which one exported graph cannot follow"
            )
    if len(first.order) != len(second.order) or len(first.outputs) != len(second.outputs):
        raise OnnxExportError(
            f"{type(model).__name__}'s graph grew or shrank when the input's values (or dynamic sizes) "
            "changed: its forward branches on the data, which one exported graph cannot follow"
        )
    return dict(zip(first.order, second.order))


SIZES = frozenset({"saved", "shape", "seed", "allowed"})  # follow the sizes, or read by converters


def _drifted(first: Any, second: Any, inputs: set[int]) -> str | None:
    """The name of a recorded constant that differs between two runs of one op, or None."""
    items = first.items() if isinstance(first, dict) else enumerate(first)
    others = second if isinstance(second, dict) else dict(enumerate(second))
    for key, value in items:
        if key not in SIZES and not _same(value, others[key], inputs):
            return f"its {key}" if isinstance(key, str) else f"parameter {key}"
    return None


def _same(a: Any, b: Any, inputs: set[int]) -> bool:
    if hasattr(a, "kernel") and hasattr(a, "image"):  # a pooling or convolution Window: all but the image
        return bool(
            (a.kernel, a.stride, a.padding, a.dilation) == (b.kernel, b.stride, b.padding, b.dilation)
        )
    if isinstance(a, np.ndarray):
        in_graph = id(a) in inputs and id(b) in inputs  # an input's own array: written as that input
        return in_graph or (isinstance(b, np.ndarray) and a.shape == b.shape and np.array_equal(a, b))
    if isinstance(a, (tuple, list)):
        return (
            isinstance(b, (tuple, list))
            and len(a) == len(b)
            and all(_same(x, y, inputs) for x, y in zip(a, b))
        )
    if isinstance(a, (int, float, np.number, np.bool_, slice, str, type(None))):
        return bool(a == b) or (isinstance(a, float) and a != a and b != b)
    return True


def _name(node: Tensor) -> str:
    return node.rule.name if node.rule is not None else f"a constant of shape {node.shape}"
