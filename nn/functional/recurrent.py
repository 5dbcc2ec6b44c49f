"""Recurrent layers as functions: run an RNN, LSTM or GRU cell over a sequence (or one step) with
PyTorch's weight layouts, after checking every shape and dtype with a message that names the layer."""

from __future__ import annotations

from typing import Any

import numpy as np

from autograd import Tensor
from autograd.extend import apply
from autograd.rules.recurrent import KINDS, RULES

State = tuple[Tensor, ...]


def _check(op: str, what: str, t: Any, shape: tuple[int, ...], dtype: np.dtype) -> None:
    if not isinstance(t, Tensor):
        raise TypeError(f"{op}: {what} must be a Tensor, got {type(t).__name__}")
    if t.shape != shape:
        raise ValueError(f"{op}: expected {what} of shape {shape}, got {t.shape}")
    if t.dtype != dtype:
        raise TypeError(f"{op}: {what} has dtype {t.dtype}, the input {dtype}; convert one of them")


def recurrence(
    mode: str,
    x: Tensor,
    state: State,
    w_ih: Tensor,
    w_hh: Tensor,
    b_ih: Tensor | None = None,
    b_hh: Tensor | None = None,
    *,
    op: str = "",
) -> tuple[Tensor, State]:
    """Run cell ``mode`` ("rnn_tanh", "rnn_relu", "lstm", "gru") from ``state`` ((h,) or, for the LSTM,
    (h, c), each (N, H)) over ``x`` (T, N, I): returns the output (T, N, H) and the final state. A 2-D ``x``
    (N, I) is one step; the output is then the new h. One graph node either way."""
    op = op or mode
    if mode not in KINDS:
        raise ValueError(f"unknown recurrent mode {mode!r}; choose one of {', '.join(KINDS)}")
    kind = KINDS[mode]
    if not isinstance(x, Tensor):
        raise TypeError(f"{op}: the input must be a Tensor, got {type(x).__name__}")
    if x.ndim not in (2, 3) or x.dtype.kind != "f":
        raise ValueError(
            f"{op}: expected a floating-point input of shape (seq_len, batch, input_size) or, for one step, "
            f"(batch, input_size); got shape {x.shape}, dtype {x.dtype}"
        )
    if x.ndim == 3 and x.shape[0] == 0:
        raise ValueError(
            f"{op}: the sequence is empty (seq_len 0, input shape {x.shape}); give at least one step"
        )
    if not isinstance(w_hh, Tensor) or w_hh.ndim != 2:
        raise ValueError(f"{op}: weight_hh must be a 2-D Tensor, got {getattr(w_hh, 'shape', w_hh)!r}")
    size = w_hh.shape[1]
    width = kind.gates * size
    _check(op, "weight_ih", w_ih, (width, x.shape[-1]), x.dtype)
    _check(op, "weight_hh", w_hh, (width, size), x.dtype)
    if (b_ih is None) != (b_hh is None):
        raise ValueError(f"{op}: give both biases (bias_ih and bias_hh) or neither")
    biases = () if b_ih is None else (b_ih, b_hh)
    for name, b in zip(("bias_ih", "bias_hh"), biases):
        _check(op, name, b, (width,), x.dtype)
    if len(state) != kind.states:
        raise ValueError(f"{op}: the state is {kind.states} Tensor(s) ((h, c) for an LSTM), got {len(state)}")
    batch = x.shape[-2]
    for name, s in zip(("h", "c"), state):
        _check(op, f"the initial {name}", s, (batch, size), x.dtype)
    packed = apply(RULES[mode], (x, w_ih, w_hh, *biases, *state), kind=kind, bias=bool(biases), saved={})
    if x.ndim == 2:  # one step: packed is (states, N, H)
        new = (packed.reshape(batch, size),) if kind.states == 1 else (packed[0], packed[1])
        return new[0], new
    if kind.states == 1:
        return packed, (packed[-1],)
    return packed[:-1], (packed[-2], packed[-1])
