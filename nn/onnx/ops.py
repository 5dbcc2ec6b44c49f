"""How each rule of the derivative table is written in ONNX: one converter per rule name, reading the
node's recorded constants (``node.ctx``: axes, shapes, windows, slopes). A converter gets the names of
its inputs' values and returns the name of its output's."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from autograd import Tensor
from nn.onnx.builder import GraphBuilder
from nn.onnx.errors import OnnxExportError

INT64_MAX = 2**63 - 1
INT64_MIN = -(2**63)


@dataclass
class Context:
    """What converters share: the builder, each node's twins in the other traced runs (other sizes
    along the dynamic axes), which tell the dimensions that vary, and the graph inputs by the identity
    of their arrays (a mask or an index recorded as a constant may be an input itself)."""

    builder: GraphBuilder
    twins: list[dict[Tensor, Tensor]]
    inputs: dict[int, str] = field(default_factory=dict)

    def others(self, node: Tensor) -> list[Tensor]:
        """``node``'s twins in the other runs."""
        return [pairs.get(node, node) for pairs in self.twins]

    def varying(self, node: Tensor) -> tuple[bool, ...]:
        """Per dimension of ``node``, whether it changes with the dynamic axes."""
        seen = [other.shape for other in self.others(node)]
        return tuple(any(shape[i] != n for shape in seen) for i, n in enumerate(node.shape))

    def array(self, values: np.ndarray, dtype: Any = None) -> str:
        """The graph input whose array ``values`` is, else a constant holding it."""
        name = self.inputs.get(id(values))
        if name is not None:
            return name
        return self.builder.initializer(np.asarray(values, dtype=dtype))


Converter = Callable[[Context, Tensor, list[str]], str]

_BINARY = {"add": "Add", "sub": "Sub", "mul": "Mul", "div": "Div", "pow": "Pow"}
_UNARY = {
    "neg": "Neg", "exp": "Exp", "log": "Log", "sqrt": "Sqrt", "abs": "Abs", "sin": "Sin", "cos": "Cos",
    "erf": "Erf", "sign": "Sign", "floor": "Floor", "ceil": "Ceil", "round": "Round", "identity": "Identity",
    "sigmoid": "Sigmoid", "tanh": "Tanh", "relu": "Relu", "softplus": "Softplus", "softsign": "Softsign",
}  # fmt: skip


def _elementwise(cx: Context, node: Tensor, ins: list[str]) -> str:
    """Unary ops and binary ones, a Python number operand (``x * 0.5``, ``1 - p``) as a 0-d constant."""
    rule, b = node.rule, cx.builder
    side = getattr(rule, "constant_side", None)
    if side is not None:
        number = b.scalar(node.ctx[0], node.dtype)
        ins = [number, ins[0]] if side == 0 else [ins[0], number]
    name = rule.name  # type: ignore[union-attr]
    if name in _BINARY:
        return b.add(_BINARY[name], ins)
    return b.add(_UNARY[name], ins)


def _with_slope(op_type: str) -> Converter:
    def convert(cx: Context, node: Tensor, ins: list[str]) -> str:
        return cx.builder.add(op_type, ins, alpha=float(node.ctx[0]))

    return convert


def _selu(cx: Context, node: Tensor, ins: list[str]) -> str:
    from autograd.rules.elementwise import SELU_ALPHA, SELU_SCALE

    return cx.builder.add("Selu", ins, alpha=SELU_ALPHA, gamma=SELU_SCALE)


def _gelu(cx: Context, node: Tensor, ins: list[str]) -> str:
    """x · Φ(x) = x · (1 + erf(x / √2)) / 2, exactly as the engine computes it (through Erf)."""
    b, x, dtype = cx.builder, ins[0], node.dtype
    erf = b.add("Erf", [b.add("Mul", [x, b.scalar(1 / math.sqrt(2), dtype)])])
    return b.add("Mul", [b.add("Mul", [x, b.add("Add", [erf, b.scalar(1.0, dtype)])]), b.scalar(0.5, dtype)])


def _swish(cx: Context, node: Tensor, ins: list[str]) -> str:
    return cx.builder.add("Mul", [ins[0], cx.builder.add("Sigmoid", ins)])


def _hard_sigmoid(cx: Context, node: Tensor, ins: list[str]) -> str:
    return cx.builder.add("HardSigmoid", ins, alpha=1 / 6, beta=0.5)


def _step(cx: Context, node: Tensor, ins: list[str]) -> str:
    b = cx.builder
    positive = b.add("Greater", [ins[0], b.scalar(0.0, node.dtype)])
    return b.add("Cast", [positive], to=_onnx_dtype(cx, node.dtype))


def _clip(cx: Context, node: Tensor, ins: list[str]) -> str:
    b = cx.builder
    low, high = node.ctx
    bounds = ["" if v is None else b.scalar(v, node.dtype) for v in (low, high)]
    return b.add("Clip", [ins[0], *bounds])


def _onnx_dtype(cx: Context, dtype: np.dtype) -> int:
    return int(cx.builder.onnx.helper.np_dtype_to_tensor_dtype(np.dtype(dtype)))


# -- products and reductions -----------------------------------------------------------------------------


def _linear(cx: Context, node: Tensor, ins: list[str]) -> str:
    """x Wᵀ + b: one Gemm for a matrix input, else MatMul with the transposed weight (and Add)."""
    b = cx.builder
    if node.parents[0].ndim == 2:
        return b.add("Gemm", ins, transB=1)
    out = b.add("MatMul", [ins[0], b.add("Transpose", [ins[1]], perm=[1, 0])])
    return b.add("Add", [out, ins[2]]) if len(ins) == 3 else out


def _matmul(cx: Context, node: Tensor, ins: list[str]) -> str:
    return cx.builder.add("MatMul", ins)


def _reduction(op_type: str) -> Converter:
    def convert(cx: Context, node: Tensor, ins: list[str]) -> str:
        axes = node.ctx["axes"]
        if not axes:
            return cx.builder.add("Identity", ins)
        return cx.builder.reduce(op_type, ins[0], axes, node.ctx["keepdims"])

    return convert


def _var(cx: Context, node: Tensor, ins: list[str]) -> str:
    """mean((x - mean x)²) · n / (n - correction), n the number of elements reduced."""
    b, x, axes = cx.builder, ins[0], node.ctx["axes"]
    if any(cx.varying(node.parents[0])[a] for a in axes):
        raise OnnxExportError("var over a dynamic axis is not exported (its count would vary)")
    n = math.prod(node.parents[0].shape[a] for a in axes)
    centred = b.add("Sub", [x, b.reduce("ReduceMean", x, axes, True)])
    mean = b.reduce("ReduceMean", b.add("Mul", [centred, centred]), axes, node.ctx["keepdims"])
    return b.add("Mul", [mean, b.scalar(n / max(n - node.ctx["correction"], 0), node.dtype)])


def _softmax(op_type: str) -> Converter:
    def convert(cx: Context, node: Tensor, ins: list[str]) -> str:
        return cx.builder.add(op_type, ins, axis=int(node.ctx["axis"]))

    return convert


# -- shapes --------------------------------------------------------------------------------------------


def _reshape(cx: Context, node: Tensor, ins: list[str]) -> str:
    """Reshape to the recorded shape; a dimension that varies with the dynamic axes is written 0 (copy
    the input's) where it is the input's own, and -1 (inferred) for at most one other."""
    shape = list(node.ctx["shape"])
    varying = cx.varying(node)
    runs = [node, *cx.others(node)]

    def own(i: int) -> bool:
        """Whether dimension i and all before it are the input's, in every run."""
        return all(t.parents[0].shape[: i + 1] == tuple(t.ctx["shape"][: i + 1]) for t in runs)

    copied = [i for i, v in enumerate(varying) if v and i < node.parents[0].ndim and own(i)]
    for i in copied:
        shape[i] = 0
    inferred = [i for i, v in enumerate(varying) if v and i not in copied]
    if len(inferred) > 1:
        raise OnnxExportError(
            f"reshape to {tuple(node.shape)}: {len(inferred)} of its dimensions vary with the dynamic axes, "
            "ONNX's Reshape can infer one"
        )
    for i in inferred:
        shape[i] = -1
    return cx.builder.add("Reshape", [ins[0], cx.builder.ints(shape)])


def _transpose(cx: Context, node: Tensor, ins: list[str]) -> str:
    return cx.builder.add("Transpose", ins, perm=[int(a) for a in node.ctx["order"]])


def _broadcast_to(cx: Context, node: Tensor, ins: list[str]) -> str:
    """Expand; a target dimension that varies must be the input's own (written 1: Expand keeps it)."""
    shape = list(node.ctx["shape"])
    source = node.parents[0]
    lead = len(shape) - source.ndim
    for i, v in enumerate(cx.varying(node)):
        if v:
            if i < lead or not cx.varying(source)[i - lead]:
                raise OnnxExportError(f"broadcast to {tuple(shape)} along a dynamic axis the input lacks")
            shape[i] = 1
    return cx.builder.add("Expand", [ins[0], cx.builder.ints(shape)])


def _sum_to(cx: Context, node: Tensor, ins: list[str]) -> str:
    """The sum over the axes a broadcast added (leading ones) or stretched (size 1 in the target, larger
    in the input in any run: a dynamic axis traced at size 1 is summed too)."""
    b, shape = cx.builder, node.ctx["shape"]
    lead = node.parents[0].ndim - len(shape)
    sources = [t.parents[0].shape for t in (node, *cx.others(node))]
    axes = list(range(lead)) + [
        i + lead for i, n in enumerate(shape) if n == 1 and any(s[i + lead] != 1 for s in sources)
    ]
    if not axes:
        return b.add("Identity", ins)
    summed = b.reduce("ReduceSum", ins[0], axes, True)
    return b.squeeze(summed, list(range(lead))) if lead else summed


def _astype(cx: Context, node: Tensor, ins: list[str]) -> str:
    return cx.builder.add("Cast", ins, to=_onnx_dtype(cx, node.ctx["dtype"]))


def _concatenate(cx: Context, node: Tensor, ins: list[str]) -> str:
    return cx.builder.add("Concat", ins, axis=int(node.ctx["axis"]))


def _stack(cx: Context, node: Tensor, ins: list[str]) -> str:
    axis = int(node.ctx["axis"])
    return cx.builder.add("Concat", [cx.builder.unsqueeze(name, [axis]) for name in ins], axis=axis)


def _pad(cx: Context, node: Tensor, ins: list[str]) -> str:
    b, widths = cx.builder, node.ctx["widths"]
    pads = [int(w[0]) for w in widths] + [int(w[1]) for w in widths]
    return b.add("Pad", [ins[0], b.ints(pads), b.scalar(node.ctx["value"], node.dtype)], mode="constant")


def _where(cx: Context, node: Tensor, ins: list[str]) -> str:
    return cx.builder.add("Where", [cx.array(node.ctx["mask"], bool), *ins])


def _getitem(cx: Context, node: Tensor, ins: list[str]) -> str:
    """Basic indexing (ints, slices, None, ...) as Slice, Squeeze and Unsqueeze; one integer array
    among full slices as Gather."""
    b, source, index = cx.builder, node.parents[0], node.ctx["index"]
    items = list(index) if isinstance(index, tuple) else [index]
    arrays = [i for i, item in enumerate(items) if isinstance(item, (np.ndarray, list))]
    if arrays:
        return _gather(cx, node, ins[0], items, arrays)
    real = sum(1 for item in items if item is not None and item is not Ellipsis)
    if Ellipsis in items:
        at = items.index(Ellipsis)
        items[at : at + 1] = [slice(None)] * (source.ndim - real)
    items += [slice(None)] * (source.ndim - sum(1 for item in items if item is not None))
    starts, ends, axes, steps, dropped, added = [], [], [], [], [], []
    axis = out_axis = 0
    for item in items:
        if item is None:
            added.append(out_axis)
            out_axis += 1
            continue
        if isinstance(item, slice):
            if item != slice(None) and item != slice(None, None, 1):
                step = 1 if item.step is None else int(item.step)
                starts.append((0 if step > 0 else -1) if item.start is None else int(item.start))
                ends.append((INT64_MAX if step > 0 else INT64_MIN) if item.stop is None else int(item.stop))
                axes.append(axis)
                steps.append(step)
            out_axis += 1
        else:
            at = int(item)
            starts.append(at)
            ends.append(INT64_MAX if at == -1 else at + 1)
            axes.append(axis)
            steps.append(1)
            dropped.append(axis)
        axis += 1
    out = ins[0]
    if axes:
        out = b.add("Slice", [out, b.ints(starts), b.ints(ends), b.ints(axes), b.ints(steps)])
    if dropped:
        out = b.squeeze(out, dropped)
    if added:
        out = b.unsqueeze(out, added)
    return out if out != ins[0] else b.add("Identity", ins)


def _gather(cx: Context, node: Tensor, x: str, items: list[Any], arrays: list[int]) -> str:
    position = arrays[0]
    if len(arrays) > 1 or any(item != slice(None) for i, item in enumerate(items) if i != position):
        raise OnnxExportError(
            "indexing with an array is exported only as one integer array among full slices (x[:, idx]); "
            f"got the index {items!r}"
        )
    chosen = np.asarray(items[position])
    given = cx.inputs.get(id(items[position]))  # an index that is a graph input stays one
    if chosen.dtype == bool and given is not None:
        raise OnnxExportError(
            f"indexing with the bool mask input {given!r} selects as many elements as it holds True: no "
            "fixed-shape ONNX form (pass integer indices, or use the mask with torch.where)"
        )
    if chosen.dtype == bool:
        chosen = np.flatnonzero(chosen) if chosen.ndim == 1 else None  # type: ignore[assignment]
    if chosen is None or chosen.dtype.kind not in "iu":
        raise OnnxExportError("indexing with a multi-dimensional bool mask has no fixed-shape ONNX form")
    return cx.builder.add("Gather", [x, given or cx.array(chosen.astype(np.int64))], axis=position)


# -- windows, normalisation, attention ------------------------------------------------------------------


def _window_attributes(window: Any) -> dict[str, Any]:
    return {
        "kernel_shape": list(window.kernel),
        "strides": list(window.stride),
        "pads": [*window.padding, *window.padding],
    }


def _conv2d(cx: Context, node: Tensor, ins: list[str]) -> str:
    window = node.ctx["window"]
    return cx.builder.add(
        "Conv",
        ins,
        dilations=list(window.dilation),
        group=int(node.ctx["groups"]),
        **_window_attributes(window),
    )


def _max_pool2d(cx: Context, node: Tensor, ins: list[str]) -> str:
    window = node.ctx["window"]
    return cx.builder.add("MaxPool", ins, dilations=list(window.dilation), **_window_attributes(window))


def _avg_pool2d(cx: Context, node: Tensor, ins: list[str]) -> str:
    window = node.ctx["window"]
    if window.dilation != (1, 1):
        raise OnnxExportError("avg_pool2d with dilation has no AveragePool form before opset 19")
    return cx.builder.add("AveragePool", ins, count_include_pad=1, **_window_attributes(window))


def _layer_norm(cx: Context, node: Tensor, ins: list[str]) -> str:
    """LayerNormalization over the last ``dims`` axes (a scale of ones when the layer has none)."""
    b, dims, x = cx.builder, node.ctx["dims"], node.parents[0]
    scale = ins[1:] if node.ctx["scaled"] else [_ones(cx, x, dims, ins[0])]
    return b.add("LayerNormalization", [ins[0], *scale], axis=-dims, epsilon=float(node.ctx["eps"]))


def _ones(cx: Context, x: Tensor, dims: int, name: str) -> str:
    """Ones over the last ``dims`` axes of ``x``: a constant, or made from x's shape in the graph when
    one of those axes is dynamic."""
    b = cx.builder
    if not any(cx.varying(x)[-dims:]):
        return b.initializer(np.ones(x.shape[-dims:], dtype=x.dtype))
    size = b.add("Slice", [b.add("Shape", [name]), b.ints([-dims]), b.ints([INT64_MAX])])
    return b.add("ConstantOfShape", [size], value=b.onnx.numpy_helper.from_array(np.ones(1, dtype=x.dtype)))


def _rms_norm(cx: Context, node: Tensor, ins: list[str]) -> str:
    """x / sqrt(mean(x²) + eps) · weight over the last ``dims`` axes."""
    b, dims, x = cx.builder, node.ctx["dims"], ins[0]
    axes = list(range(-dims, 0))
    mean_square = b.reduce("ReduceMean", b.add("Mul", [x, x]), axes, True)
    root = b.add("Sqrt", [b.add("Add", [mean_square, b.scalar(node.ctx["eps"], node.dtype)])])
    out = b.add("Div", [x, root])
    return b.add("Mul", [out, ins[1]]) if node.ctx["scaled"] else out


def _attention(cx: Context, node: Tensor, ins: list[str]) -> str:
    """softmax(q kᵀ · scale + mask) v as the engine's rule computes it: a bool mask added as 0 / -inf, a
    query row with every key masked out giving zeros."""
    b, dtype, ctx = cx.builder, node.dtype, node.ctx
    if ctx["p"] > 0:
        raise OnnxExportError("scaled_dot_product_attention with dropout_p > 0: export in eval mode")
    q, k, v = ins[:3]
    rank = node.parents[1].ndim
    keys = b.add("Transpose", [k], perm=[*range(rank - 2), rank - 1, rank - 2])
    scores = b.add("MatMul", [b.add("Mul", [q, b.scalar(ctx["scale"], dtype)]), keys])
    dead = None
    if ctx["allowed"] is not None:
        blocked, dead = _blocked(cx, node, q, k)
        scores = b.add("Add", [scores, blocked])
    if len(ins) > 3:
        scores = b.add("Add", [scores, ins[3]])
    weights = b.add("Softmax", [scores], axis=-1)
    if dead is not None:
        weights = b.add("Where", [dead, b.scalar(0.0, dtype), weights])
    return b.add("MatMul", [weights, v])


def _blocked(cx: Context, node: Tensor, q: str, k: str) -> tuple[str, str | None]:
    """The additive mask (0 where a query attends, -inf elsewhere) and the rows that attend nowhere (None
    when there are none): the causal mask built from the sizes in the graph, a mask given as an input
    turned into one in the graph, any other mask a constant, which must be the same in every run."""
    b, dtype, allowed = cx.builder, node.dtype, node.ctx["allowed"]
    others = [t.ctx["allowed"] for t in cx.others(node)]
    if node.ctx["causal"]:  # no query sees nothing: key 0 is every row's
        size = b.add("Concat", [_last_but_one(b, q), _last_but_one(b, k)], axis=0)
        minus = cx.builder.onnx.numpy_helper.from_array(np.full(1, -np.inf, dtype=dtype))
        return b.add("Trilu", [b.add("ConstantOfShape", [size], value=minus), b.ints([1])], upper=1), None
    if id(allowed) in cx.inputs:
        mask = cx.inputs[id(allowed)]
        additive = b.add("Where", [mask, b.scalar(0.0, dtype), b.scalar(-np.inf, dtype)])
        some = b.reduce(
            "ReduceMax", b.add("Cast", [mask], to=_onnx_dtype(cx, np.dtype(np.int32))), [-1], True
        )
        return additive, b.add("Equal", [some, b.initializer(np.zeros((), np.int32))])
    if any(other.shape != allowed.shape or not np.array_equal(other, allowed) for other in others):
        raise OnnxExportError(
            "scaled_dot_product_attention: its mask changed with the input but is not an input itself "
            "(computed outside the graph); pass the mask as an input or use is_causal"
        )
    dead = ~allowed.any(axis=-1, keepdims=True)
    return b.initializer(np.where(allowed, 0.0, -np.inf).astype(dtype)), b.initializer(
        dead
    ) if dead.any() else None


def _last_but_one(b: GraphBuilder, x: str) -> str:
    """The size of ``x``'s last-but-one axis (the sequence), as a 1-element int64 tensor."""
    return b.add("Slice", [b.add("Shape", [x]), b.ints([-2]), b.ints([-1])])


def _recurrent(cx: Context, node: Tensor, ins: list[str]) -> str:
    kind = node.rule.name  # type: ignore[union-attr]
    raise OnnxExportError(
        f"a {kind} sequence is written as ONNX's own recurrent op only from a whole nn.RNN / LSTM / GRU "
        "call: not from a subclass with a forward of its own, nor one with forward hooks (remove them "
        "for the export)"
    )


CONVERTERS: dict[str, Converter] = {
    **dict.fromkeys(("rnn_tanh", "rnn_relu", "lstm", "gru"), _recurrent),
    **{name: _elementwise for name in (*_BINARY, *_UNARY)},
    "leaky_relu": _with_slope("LeakyRelu"),
    "elu": _with_slope("Elu"),
    "selu": _selu,
    "gelu": _gelu,
    "swish": _swish,
    "hard_sigmoid": _hard_sigmoid,
    "step": _step,
    "clip": _clip,
    "linear": _linear,
    "@": _matmul,
    "sum": _reduction("ReduceSum"),
    "mean": _reduction("ReduceMean"),
    "max": _reduction("ReduceMax"),
    "min": _reduction("ReduceMin"),
    "prod": _reduction("ReduceProd"),
    "var": _var,
    "softmax": _softmax("Softmax"),
    "log_softmax": _softmax("LogSoftmax"),
    "reshape": _reshape,
    "transpose": _transpose,
    "broadcast_to": _broadcast_to,
    "sum_to": _sum_to,
    "astype": _astype,
    "concatenate": _concatenate,
    "stack": _stack,
    "pad": _pad,
    "where": _where,
    "getitem": _getitem,
    "conv2d": _conv2d,
    "max_pool2d": _max_pool2d,
    "avg_pool2d": _avg_pool2d,
    "layer_norm": _layer_norm,
    "rms_norm": _rms_norm,
    "scaled_dot_product_attention": _attention,
}
