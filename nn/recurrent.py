"""Recurrent layers (순환 신경망): ``RNN``, ``LSTM``, ``GRU`` over whole sequences and their one-step cells
``RNNCell``, ``LSTMCell``, ``GRUCell``, with PyTorch's arguments, parameter names, layouts (LSTM gates
i, f, g, o; GRU r, z, n) and initialisation U(±1/sqrt(hidden_size)), so state dicts carry over.
A layer is one graph node per direction and layer (backpropagation through time inside it)."""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np

from autograd import Tensor, concatenate, stack
from autograd.random import Rng, as_generator
from autograd.rules.recurrent import KINDS
from autograd.tensor.promotion import float_dtype
from nn import functional as F
from nn._checks import dropout_probability, positive_ints
from nn.functional.recurrent import recurrence
from nn.module import Module, Parameter


def _rnn_mode(owner: str, nonlinearity: str) -> str:
    if nonlinearity not in ("tanh", "relu"):
        raise ValueError(f"{owner}: nonlinearity must be 'tanh' or 'relu', got {nonlinearity!r}")
    return f"rnn_{nonlinearity}"


class _Recurrent(Module):
    """Shared by layers and cells: draws PyTorch's U(±1/sqrt(hidden)) start for every parameter."""

    mode: str
    hidden_size: int

    def _draw(self, shape: tuple[int, ...], generator: np.random.Generator, dtype: Any) -> Parameter:
        bound = 1.0 / math.sqrt(self.hidden_size)
        return Parameter(generator.uniform(-bound, bound, shape).astype(dtype))

    def _zeros(self, like: Tensor, *shape: int) -> tuple[Tensor, ...]:
        return tuple(Tensor(np.zeros(shape, like.dtype)) for _ in range(KINDS[self.mode].states))


# -- cells: one time step --------------------------------------------------------------------------------


class _Cell(_Recurrent):
    """One step: ``(batch, input_size)`` (or ``(input_size,)``) in, the new state out."""

    def __init__(
        self, mode: str, input_size: int, hidden_size: int, bias: bool, rng: Rng, dtype: Any
    ) -> None:
        super().__init__()
        dtype = float_dtype(dtype)  # None: the default float dtype, as PyTorch's layers
        positive_ints(type(self).__name__, input_size=input_size, hidden_size=hidden_size)
        self.mode, self.input_size, self.hidden_size = mode, input_size, hidden_size
        generator, width = as_generator(rng), KINDS[mode].gates * hidden_size
        self.weight_ih = self._draw((width, input_size), generator, dtype)
        self.weight_hh = self._draw((width, hidden_size), generator, dtype)
        self.bias_ih: Parameter | None = None
        self.bias_hh: Parameter | None = None
        if bias:
            self.bias_ih = self._draw((width,), generator, dtype)
            self.bias_hh = self._draw((width,), generator, dtype)

    def _step(self, x: Tensor, state: Any) -> tuple[Tensor, ...]:
        name = type(self).__name__
        if not isinstance(x, Tensor):
            raise TypeError(f"{name}: the input must be a Tensor, got {type(x).__name__}")
        if x.ndim not in (1, 2):  # a 3-D input would otherwise run as a whole sequence (review S7)
            raise ValueError(f"{name}: Expected input to be 1D or 2D, got {x.ndim}D instead")
        unbatched = x.ndim == 1
        if unbatched:
            x = x.reshape(1, -1)
        if state is None:
            states = self._zeros(x, x.shape[0], self.hidden_size)
        else:
            states = tuple(state) if isinstance(state, (tuple, list)) else (state,)
            states = tuple(s.reshape(1, -1) if unbatched and isinstance(s, Tensor) else s for s in states)
        _, new = recurrence(
            self.mode, x, states, self.weight_ih, self.weight_hh, self.bias_ih, self.bias_hh, op=name
        )
        return tuple(s.reshape(-1) for s in new) if unbatched else new

    def extra_repr(self) -> str:
        extra = "" if self.bias_ih is not None else ", bias=False"
        if self.mode == "rnn_relu":
            extra += ", nonlinearity='relu'"
        return f"{self.input_size}, {self.hidden_size}{extra}"


class RNNCell(_Cell):
    """h' = tanh(x W_ih^T + b_ih + h W_hh^T + b_hh) (or ReLU); ``forward(x, h=None)`` returns h'."""

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        bias: bool = True,
        nonlinearity: str = "tanh",
        rng: Rng = None,
        dtype: Any = None,
    ) -> None:
        super().__init__(_rnn_mode("RNNCell", nonlinearity), input_size, hidden_size, bias, rng, dtype)

    def forward(self, x: Tensor, hx: Tensor | None = None) -> Tensor:
        return self._step(x, hx)[0]


class LSTMCell(_Cell):
    """The LSTM's step: ``forward(x, (h, c)=None)`` returns ``(h', c')``; c is the long-term memory that
    a forget gate scales and an input gate adds to, so gradients need not vanish through it."""

    def __init__(
        self, input_size: int, hidden_size: int, bias: bool = True, rng: Rng = None, dtype: Any = None
    ) -> None:
        super().__init__("lstm", input_size, hidden_size, bias, rng, dtype)

    def forward(self, x: Tensor, hx: tuple[Tensor, Tensor] | None = None) -> tuple[Tensor, Tensor]:
        h, c = self._step(x, hx)
        return h, c


class GRUCell(_Cell):
    """The GRU's step (reset gate r, update gate z, candidate n): ``forward(x, h=None)`` returns h'."""

    def __init__(
        self, input_size: int, hidden_size: int, bias: bool = True, rng: Rng = None, dtype: Any = None
    ) -> None:
        super().__init__("gru", input_size, hidden_size, bias, rng, dtype)

    def forward(self, x: Tensor, hx: Tensor | None = None) -> Tensor:
        return self._step(x, hx)[0]


# -- layers: whole sequences, stacked and optionally bidirectional ---------------------------------------


class _Layer(_Recurrent):
    """``num_layers`` recurrences stacked (each reads the previous one's output sequence), with dropout
    between them in training and, if ``bidirectional``, a second recurrence per layer reading backwards."""

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        num_layers: int = 1,
        bias: bool = True,
        batch_first: bool = False,
        dropout: float = 0.0,
        bidirectional: bool = False,
        rng: Rng = None,
        dtype: Any = None,
        *,
        mode: str | None = None,
    ) -> None:
        super().__init__()
        dtype = float_dtype(dtype)  # None: the default float dtype, as PyTorch's layers
        name = type(self).__name__
        positive_ints(name, input_size=input_size, hidden_size=hidden_size, num_layers=num_layers)
        dropout_probability(name, dropout)
        if dropout and num_layers == 1:
            warnings.warn(
                f"{name}: dropout option adds dropout after all but last recurrent layer, so non-zero "
                f"dropout expects num_layers greater than 1, but got dropout={dropout} and "
                f"num_layers={num_layers}",
                UserWarning,
                stacklevel=2,
            )
        self.mode, self.input_size, self.hidden_size = mode or self.mode, input_size, hidden_size
        self.num_layers, self.bias, self.batch_first = num_layers, bias, batch_first
        self.dropout, self.bidirectional = float(dropout), bidirectional
        generator, width = as_generator(rng), KINDS[self.mode].gates * hidden_size
        directions = 2 if bidirectional else 1
        for layer in range(num_layers):
            fan_in = input_size if layer == 0 else hidden_size * directions
            for suffix in ("", "_reverse")[:directions]:
                self.register_parameter(
                    f"weight_ih_l{layer}{suffix}", self._draw((width, fan_in), generator, dtype)
                )
                self.register_parameter(
                    f"weight_hh_l{layer}{suffix}", self._draw((width, hidden_size), generator, dtype)
                )
                if bias:
                    self.register_parameter(
                        f"bias_ih_l{layer}{suffix}", self._draw((width,), generator, dtype)
                    )
                    self.register_parameter(
                        f"bias_hh_l{layer}{suffix}", self._draw((width,), generator, dtype)
                    )

    def _weights(self, layer: int, suffix: str) -> tuple[Any, ...]:
        names = ("weight_ih", "weight_hh", "bias_ih", "bias_hh") if self.bias else ("weight_ih", "weight_hh")
        return tuple(getattr(self, f"{n}_l{layer}{suffix}") for n in names)

    def _initial(self, x: Tensor, hx: Any, unbatched: bool) -> list[Tensor]:
        """The initial states as (num_layers·directions, N, H) Tensors, zeros when not given."""
        name = type(self).__name__
        count = KINDS[self.mode].states
        rows, batch = self.num_layers * (2 if self.bidirectional else 1), x.shape[1]
        if hx is None:
            return list(self._zeros(x, rows, batch, self.hidden_size))
        given = list(hx) if isinstance(hx, (tuple, list)) else [hx]
        if len(given) != count:
            what = "(h_0, c_0)" if count == 2 else "h_0"
            raise ValueError(f"{name}: the initial state is {what}; got {len(given)} Tensor(s)")
        expected = (rows, batch, self.hidden_size)
        for i, state in enumerate(given):
            if not isinstance(state, Tensor):
                raise TypeError(f"{name}: initial states must be Tensors, got {type(state).__name__}")
            if unbatched and state.ndim == 2:  # an unbatched sequence takes unbatched states
                given[i] = state = state.reshape(rows, 1, self.hidden_size)
            if state.shape != expected:
                raise ValueError(
                    f"{name}: expected initial states of shape (num_layers·directions, batch, hidden_size) "
                    f"= {expected}, got {state.shape}"
                )
        return given

    def _run(self, x: Tensor, hx: Any) -> tuple[Tensor, list[Tensor]]:
        name = type(self).__name__
        if not isinstance(x, Tensor):
            raise TypeError(f"{name}: the input must be a Tensor, got {type(x).__name__}")
        if x.ndim not in (2, 3) or x.shape[-1] != self.input_size:
            layout = "(batch, seq_len, input_size)" if self.batch_first else "(seq_len, batch, input_size)"
            raise ValueError(
                f"{name}: expected an input of shape {layout} with input_size {self.input_size} (or an "
                f"unbatched (seq_len, input_size)), got {x.shape}"
            )
        unbatched = x.ndim == 2
        steps = (
            x.reshape(x.shape[0], 1, x.shape[1])
            if unbatched
            else x.transpose(0, 1)
            if self.batch_first
            else x
        )
        initial = self._initial(steps, hx, unbatched)
        finals: list[list[Tensor]] = [[] for _ in initial]
        directions = ("", "_reverse") if self.bidirectional else ("",)
        for layer in range(self.num_layers):
            if layer and self.dropout and self.training:
                steps = F.dropout(steps, self.dropout)
            outputs = []
            for d, suffix in enumerate(directions):
                row = layer * len(directions) + d
                sequence = steps[::-1] if suffix else steps
                out, state = recurrence(
                    self.mode,
                    sequence,
                    tuple(s[row] for s in initial),
                    *self._weights(layer, suffix),
                    op=name,
                )
                outputs.append(out[::-1] if suffix else out)
                for kept, s in zip(finals, state):
                    kept.append(s)
            steps = outputs[0] if len(outputs) == 1 else concatenate(outputs, axis=2)
        output = (
            steps.reshape(steps.shape[0], -1)
            if unbatched
            else steps.transpose(0, 1)
            if self.batch_first
            else steps
        )
        last = [stack(kept, 0) for kept in finals]
        return output, [s.reshape(s.shape[0], -1) for s in last] if unbatched else last

    def extra_repr(self) -> str:
        extra = [f"{self.input_size}, {self.hidden_size}"]
        defaults = {
            "num_layers": 1,
            "bias": True,
            "batch_first": False,
            "dropout": 0.0,
            "bidirectional": False,
        }
        extra += [f"{k}={getattr(self, k)}" for k, v in defaults.items() if getattr(self, k) != v]
        if self.mode == "rnn_relu":
            extra.append("nonlinearity='relu'")
        return ", ".join(extra)


class RNN(_Layer):
    """Elman RNN over a sequence: ``forward(x, h_0=None)`` returns ``(output, h_n)``; output holds the
    last layer's h for every step, h_n every layer's last h, (num_layers·directions, N, H). Arguments
    as PyTorch's: ``(input_size, hidden_size, num_layers=1, nonlinearity="tanh", bias=True,
    batch_first=False, dropout=0.0, bidirectional=False)``, plus ``rng`` and ``dtype``."""

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        num_layers: int = 1,
        nonlinearity: str = "tanh",
        *args: Any,
        **kwargs: Any,
    ) -> None:
        mode = _rnn_mode("RNN", nonlinearity)
        super().__init__(input_size, hidden_size, num_layers, *args, mode=mode, **kwargs)

    def forward(self, x: Tensor, hx: Tensor | None = None) -> tuple[Tensor, Tensor]:
        output, (h_n,) = self._run(x, hx)
        return output, h_n


class LSTM(_Layer):
    """LSTM over a sequence: ``forward(x, (h_0, c_0)=None)`` returns ``(output, (h_n, c_n))``. Arguments
    as PyTorch's ``(input_size, hidden_size, num_layers=1, bias=True, batch_first=False, dropout=0.0,
    bidirectional=False)``, plus ``rng`` and ``dtype``; ``proj_size`` is refused."""

    mode = "lstm"

    def __init__(self, *args: Any, proj_size: int = 0, **kwargs: Any) -> None:
        if proj_size:
            raise NotImplementedError("LSTM: proj_size (projected hidden states) is not supported")
        super().__init__(*args, **kwargs)

    def forward(
        self, x: Tensor, hx: tuple[Tensor, Tensor] | None = None
    ) -> tuple[Tensor, tuple[Tensor, Tensor]]:
        output, (h_n, c_n) = self._run(x, hx)
        return output, (h_n, c_n)


class GRU(_Layer):
    """GRU over a sequence: ``forward(x, h_0=None)`` returns ``(output, h_n)``. Arguments as the LSTM's."""

    mode = "gru"

    def forward(self, x: Tensor, hx: Tensor | None = None) -> tuple[Tensor, Tensor]:
        output, (h_n,) = self._run(x, hx)
        return output, h_n
