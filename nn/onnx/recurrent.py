"""``nn.RNN`` / ``LSTM`` / ``GRU`` as ONNX's RNN / LSTM / GRU ops, one per layer. The parameters stay
initializers under their state_dict names; Split/Concat/Unsqueeze nodes put them in ONNX's gate order and
[directions, ...] stacks, which runtimes fold once when they load the file."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from nn.onnx.builder import GraphBuilder
from nn.onnx.trace import Call

# per mode: the ONNX op, and PyTorch's gates in ONNX's order (LSTM i,f,g,o -> i,o,f,c; GRU r,z,n -> z,r,h)
_KINDS = {
    "rnn_tanh": ("RNN", (0,)),
    "rnn_relu": ("RNN", (0,)),
    "lstm": ("LSTM", (0, 3, 1, 2)),
    "gru": ("GRU", (1, 0, 2)),
}


def recurrent(b: GraphBuilder, call: Call, ins: list[str], name: Callable[[Any], str]) -> list[str]:
    """A recurrent layer's call, reading x (and h_0, or (h_0, c_0), when given) and giving what the module
    returns: the output sequence, then h_n (and c_n) of shape (num_layers·directions, batch, H). An
    unbatched call (x of shape (L, input)) runs as a batch of one, its batch axis removed again."""
    module: Any = call.module
    if call.inputs[0].ndim == 2:
        batched = _call(b, module, [b.unsqueeze(x, [1]) for x in ins], name, batch_first=False)
        return [b.squeeze(x, [1]) for x in batched]
    return _call(b, module, ins, name, module.batch_first)


def _call(
    b: GraphBuilder, module: Any, ins: list[str], name: Callable[[Any], str], batch_first: bool
) -> list[str]:
    op_type, order = _KINDS[module.mode]
    suffixes = ("", "_reverse") if module.bidirectional else ("",)
    count = len(suffixes)
    split = b.ints([module.hidden_size] * len(order)) if len(order) > 1 else ""

    def stacked(layer: int, *kinds: str) -> str:
        """The layer's ``kinds`` of parameter as one ONNX [directions, gates·H, ...] in ONNX's gate order."""
        per_direction = [
            _onnx_gates(b, [name(getattr(module, f"{k}_l{layer}{s}")) for k in kinds], order, split)
            for s in suffixes
        ]
        return _stacked(b, per_direction)

    steps = b.add("Transpose", [ins[0]], perm=[1, 0, 2]) if batch_first else ins[0]
    finals: list[list[str]] = [[] for _ in range(2 if op_type == "LSTM" else 1)]
    for layer in range(module.num_layers):
        bias = stacked(layer, "bias_ih", "bias_hh") if module.bias else ""
        given = [_rows(b, state, layer * count, count, module.num_layers) for state in ins[1:]]
        inputs = [steps, stacked(layer, "weight_ih"), stacked(layer, "weight_hh"), bias, "", *given]
        y, *states = b.add(
            op_type, _without_trailing_blanks(inputs), outputs=1 + len(finals), **_attributes(module, count)
        )
        for kept, state in zip(finals, states):
            kept.append(state)
        steps = (
            b.squeeze(y, [1])
            if count == 1
            else b.add("Reshape", [b.add("Transpose", [y], perm=[0, 2, 1, 3]), b.ints([0, 0, -1])])
        )
    output = b.add("Transpose", [steps], perm=[1, 0, 2]) if batch_first else steps
    return [output, *(kept[0] if len(kept) == 1 else b.add("Concat", kept, axis=0) for kept in finals)]


def _attributes(module: Any, directions: int) -> dict[str, Any]:
    """The op's attributes; ONNX's defaults (tanh, and the GRU's reset before R·h) differ from PyTorch's."""
    attributes: dict[str, Any] = {
        "hidden_size": module.hidden_size,
        "direction": "bidirectional" if directions == 2 else "forward",
    }
    if module.mode == "rnn_relu":
        attributes["activations"] = ["Relu"] * directions
    if module.mode == "gru":
        attributes["linear_before_reset"] = 1  # PyTorch applies the reset gate after R·h + its bias
    return attributes


def _onnx_gates(b: GraphBuilder, params: Sequence[str], order: Sequence[int], split: str) -> str:
    """``params`` (each [gates·H, ...] in PyTorch's gate order) end to end along axis 0, each in ONNX's
    gate order: one for a weight, two (W's bias, then R's) for the bias."""
    pieces: list[str] = []
    for param in params:
        gates = b.add("Split", [param, split], outputs=len(order), axis=0) if split else [param]
        pieces += [gates[k] for k in order]
    return pieces[0] if len(pieces) == 1 else b.add("Concat", pieces, axis=0)


def _stacked(b: GraphBuilder, per_direction: list[str]) -> str:
    """ONNX's [directions, ...] from one array per direction."""
    rows = [b.unsqueeze(p, [0]) for p in per_direction]
    return rows[0] if len(rows) == 1 else b.add("Concat", rows, axis=0)


def _rows(b: GraphBuilder, state: str, start: int, count: int, layers: int) -> str:
    """One layer's rows of a given initial state (num_layers·directions, batch, H)."""
    if layers == 1:
        return state
    return b.add("Slice", [state, b.ints([start]), b.ints([start + count]), b.ints([0])])


def _without_trailing_blanks(inputs: list[str]) -> list[str]:
    """An op's inputs with the unused optional ones at the end left off ("" marks one in between)."""
    while inputs and not inputs[-1]:
        inputs = inputs[:-1]
    return inputs
