"""The derivative table's recurrent ops: a tanh/ReLU RNN, an LSTM and a GRU run over a whole sequence as
ONE graph node each, with backpropagation through time (BPTT) written by hand.

Per time step the work is one matmul for the hidden state (all gates at once) and a few elementwise ops;
the input's projection for every step is one matmul before the loop, and the weight gradients one matmul
each after it. The step and its VJP are written once against a space ``m``: on arrays they are the fast
path, on Tensor nodes they rebuild the sequence as a differentiable graph (``create_graph``).
Gate layouts are PyTorch's (LSTM i, f, g, o; GRU r, z, n), so weights carry over unchanged.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Any

import numpy as np

from autograd.rules.spaces import ArrayMath
from autograd.rules.structural import Grads, Structural

State = tuple[Any, ...]


def _sigmoid(m: Any, x: Any) -> Any:
    """The gates' logistic function; on arrays 0.5·tanh(x/2) + 0.5 (three calls, cannot overflow)."""
    if isinstance(x, np.ndarray):
        half = np.tanh(x * x.dtype.type(0.5))
        half *= 0.5
        half += 0.5
        return half
    return m.sigmoid(x)


def _columns(m: Any, x: Any, start: int, stop: int) -> Any:
    return m.getitem(x, (slice(None), slice(start, stop)))


@dataclass(frozen=True)
class Kind(ABC):
    """One recurrent cell: ``gates`` blocks of hidden size in its weights, ``states`` carried tensors
    (1: h; 2: h and the LSTM's cell c). ``step`` gives the new state and what the VJP needs; ``step_vjp``
    turns d(new state) into d(input projection), d(hidden projection) and d(old state) not via W_hh."""

    name: str
    gates: int
    states: int = 1

    @abstractmethod
    def step(self, m: Any, xg: Any, hg: Any, state: State) -> tuple[State, tuple[Any, ...]]:
        """One time step from the input projection ``xg`` and hidden projection ``hg`` (N, gates·H)."""

    @abstractmethod
    def step_vjp(self, m: Any, cache: tuple[Any, ...], d_state: State) -> tuple[Any, Any, State]:
        """The step's VJP: d xg, d hg, and d(old state) by paths other than hg."""


class _Simple(Kind):
    """Elman's RNN: h' = act(x W_ih^T + b_ih + h W_hh^T + b_hh), act tanh or ReLU."""

    def step(self, m: Any, xg: Any, hg: Any, state: State) -> tuple[State, tuple[Any, ...]]:
        a = xg + hg
        h = m.tanh(a) if self.name == "rnn_tanh" else m.where(m.data(a) > 0, a, 0.0)
        return (h,), (h,)

    def step_vjp(self, m: Any, cache: tuple[Any, ...], d_state: State) -> tuple[Any, Any, State]:
        (h,), (dh,) = cache, d_state
        da = dh * (1.0 - h * h) if self.name == "rnn_tanh" else m.where(m.data(h) > 0, dh, 0.0)
        return da, da, (None,)


class _LSTM(Kind):
    """i, f, o = σ(.), g = tanh(.); c' = f·c + i·g; h' = o·tanh(c')."""

    def step(self, m: Any, xg: Any, hg: Any, state: State) -> tuple[State, tuple[Any, ...]]:
        h, c = state
        size = h.shape[-1]
        a = xg + hg
        sig = _sigmoid(m, a)  # g's quarter is computed and unused: one call beats three slices
        i, f, o = (_columns(m, sig, k * size, (k + 1) * size) for k in (0, 1, 3))
        g = m.tanh(_columns(m, a, 2 * size, 3 * size))
        c_new = f * c + i * g
        tc = m.tanh(c_new)
        return (o * tc, c_new), (sig, g, c, tc)

    def step_vjp(self, m: Any, cache: tuple[Any, ...], d_state: State) -> tuple[Any, Any, State]:
        sig, g, c, tc = cache
        dh, dc = d_state
        size = g.shape[-1]
        i, f, o = (_columns(m, sig, k * size, (k + 1) * size) for k in (0, 1, 3))
        through_h = dh * o * (1.0 - tc * tc)
        dc = through_h if dc is None else through_h + dc
        s_if = _columns(m, sig, 0, 2 * size)  # σ's slope s·(1 - s) for i and f together, then for o
        d_if = m.concatenate([dc * g, dc * c], 1) * (s_if * (1.0 - s_if))
        da = m.concatenate([d_if, dc * i * (1.0 - g * g), dh * tc * (o * (1.0 - o))], 1)
        return da, da, (None, dc * f)


class _GRU(Kind):
    """r, z = σ(.); n = tanh(x W_in + b_in + r·(h W_hn + b_hn)); h' = (1 - z)·n + z·h."""

    def step(self, m: Any, xg: Any, hg: Any, state: State) -> tuple[State, tuple[Any, ...]]:
        (h,) = state
        size = h.shape[-1]
        rz = _sigmoid(m, _columns(m, xg, 0, 2 * size) + _columns(m, hg, 0, 2 * size))
        r, z = _columns(m, rz, 0, size), _columns(m, rz, size, 2 * size)
        hn = _columns(m, hg, 2 * size, 3 * size)
        n = m.tanh(_columns(m, xg, 2 * size, 3 * size) + r * hn)
        return (n + z * (h - n),), (rz, n, hn, h)

    def step_vjp(self, m: Any, cache: tuple[Any, ...], d_state: State) -> tuple[Any, Any, State]:
        rz, n, hn, h = cache
        (dh,) = d_state
        size = n.shape[-1]
        r, z = _columns(m, rz, 0, size), _columns(m, rz, size, 2 * size)
        dan = dh * (1.0 - z) * (1.0 - n * n)
        d_rz = m.concatenate([dan * hn, dh * (h - n)], 1) * (rz * (1.0 - rz))
        return m.concatenate([d_rz, dan], 1), m.concatenate([d_rz, dan * r], 1), (dh * z,)


# -- the sequence: one node, BPTT in its VJP --------------------------------------------------------------


def _flat(m: Any, x: Any) -> Any:
    return m.reshape(x, (-1, x.shape[-1]))


def _run(
    m: Any, kind: Kind, x: Any, w_ih: Any, w_hh: Any, biases: tuple[Any, ...], state: State
) -> tuple[list[State], list[tuple[Any, ...]]]:
    """Every step's state (the initial one first) and VJP cache, for ``x`` of shape (T, N, I)."""
    # all steps' input projections in one 2-D product (NumPy loops over the steps of a 3-D one)
    xg = m.reshape(m.matmul(_flat(m, x), m.transpose(w_ih, (1, 0))), (*x.shape[:2], w_ih.shape[0]))
    hidden_bias = None
    if biases:
        b_ih, b_hh = biases
        # the GRU's hidden bias sits inside r·(h W_hn + b_hn); the others' two biases simply add up
        hidden_bias = b_hh if kind is GRU else None
        xg = xg + (b_ih if kind is GRU else b_ih + b_hh)
    w_t = m.transpose(w_hh, (1, 0))
    states, caches = [state], []
    for t in range(x.shape[0]):
        hg = m.matmul(state[0], w_t)
        if hidden_bias is not None:
            hg = hg + hidden_bias
        state, cache = kind.step(m, m.getitem(xg, t), hg, state)
        states.append(state)
        caches.append(cache)
    return states, caches


def _split(inputs: tuple[Any, ...], bias: bool) -> tuple[Any, Any, Any, tuple[Any, ...], State]:
    x, w_ih, w_hh = inputs[:3]
    first_state = 5 if bias else 3
    return x, w_ih, w_hh, tuple(inputs[3:first_state]), tuple(inputs[first_state:])


def _pack(m: Any, kind: Kind, states: list[State]) -> Any:
    """The node's one output, (T, N, H) for the steps' h, then (LSTM) one more row: the last c."""
    hs = [s[0] for s in states[1:]]
    return m.stack(hs if kind.states == 1 else [*hs, states[-1][1]], 0)


def _forward(*inputs: np.ndarray, kind: Kind, bias: bool, saved: dict) -> np.ndarray:
    x, w_ih, w_hh, biases, state = _split(inputs, bias)
    states, caches = _run(ArrayMath, kind, x if x.ndim == 3 else x[None], w_ih, w_hh, biases, state)
    saved["caches"] = caches
    return _pack(ArrayMath, kind, states)


def _bptt(
    m: Any, kind: Kind, g: Any, caches: list[tuple[Any, ...]], w_hh: Any, length: int
) -> tuple[Any, Any, State]:
    """Backpropagation through time, step by step through ``kind.step_vjp``: d(input projections) and
    d(hidden projections) of every step, (T, N, gates·H), and d(initial state)."""
    # the LSTM's last row is d loss / d c_T; every other row is d loss / d h_t from outside the recurrence
    d_state: State = (None,) if kind.states == 1 else (None, m.getitem(g, length))
    d_xgs, d_hgs = [], []
    for t in range(length - 1, -1, -1):
        d_h = m.getitem(g, t) if d_state[0] is None else m.getitem(g, t) + d_state[0]
        d_xg, d_hg, direct = kind.step_vjp(m, caches[t], (d_h, *d_state[1:]))
        d_h = m.matmul(d_hg, w_hh)
        d_state = (d_h if direct[0] is None else d_h + direct[0], *direct[1:])
        d_xgs.append(d_xg)
        d_hgs.append(d_hg)
    d_xg_all = m.stack(d_xgs[::-1], 0)
    return d_xg_all, d_xg_all if kind is not GRU else m.stack(d_hgs[::-1], 0), d_state


def _lstm_bptt_on_arrays(g: np.ndarray, caches: list[tuple[Any, ...]], w_hh: np.ndarray) -> tuple[Any, State]:
    """``_bptt`` for the LSTM on arrays with the same arithmetic regrouped: every factor that does not
    depend on the incoming gradient (the gates' slopes, o·tanh'(c), f) is computed for all steps at
    once, so a step is five NumPy calls and a matmul instead of about twenty (issue 19)."""
    sig, gate_g, c, tc = (np.stack(parts) for parts in zip(*caches))  # (T, N, 4H) and (T, N, H)
    size = gate_g.shape[-1]
    i, f, o = sig[..., :size], sig[..., size : 2 * size], sig[..., 3 * size :]
    through_h = o * (1.0 - tc * tc)  # d c / d h along h = o·tanh(c)
    # d gates = [dc, dc, dc, dh] · per_gate: σ'(i)·g, σ'(f)·c, i·tanh'(g), σ'(o)·tanh(c)
    per_gate = np.concatenate(
        [gate_g * (i * (1.0 - i)), c * (f * (1.0 - f)), i * (1.0 - gate_g * gate_g), tc * (o * (1.0 - o))], -1
    )
    length = sig.shape[0]
    d_gates = np.empty_like(sig)
    d_h_recurrent: Any = None
    d_c = g[length]
    for t in range(length - 1, -1, -1):
        d_h = g[t] if d_h_recurrent is None else g[t] + d_h_recurrent
        d_c = d_h * through_h[t] + d_c
        np.multiply(np.concatenate((d_c, d_c, d_c, d_h), 1), per_gate[t], out=d_gates[t])
        d_c = d_c * f[t]
        d_h_recurrent = d_gates[t] @ w_hh
    return d_gates, (d_h_recurrent, d_c)


def _backward(
    m: Any, g: Any, out: Any, inputs: Grads, needs: tuple[bool, ...], kind: Kind, bias: bool, saved: dict
) -> Grads:
    x, w_ih, w_hh, biases, state0 = _split(inputs, bias)
    steps = m.reshape(x, (1, *x.shape)) if x.ndim == 2 else x  # a cell's one step is a sequence of one
    length = steps.shape[0]
    if isinstance(g, np.ndarray):
        caches = saved["caches"]
    else:  # create_graph: the forward again, on nodes, so the gradient is a function of the inputs
        states, caches = _run(m, kind, steps, w_ih, w_hh, biases, state0)
        out = _pack(m, kind, states)
    if kind is LSTM and isinstance(g, np.ndarray):
        d_xg_all, d_state = _lstm_bptt_on_arrays(g, caches, w_hh)
        d_hg_all = d_xg_all
    else:
        d_xg_all, d_hg_all, d_state = _bptt(m, kind, g, caches, w_hh, length)
    grads: list[Any] = [None] * len(inputs)
    if needs[0]:
        grads[0] = m.reshape(m.matmul(_flat(m, d_xg_all), w_ih), x.shape)
    if needs[1]:
        grads[1] = m.matmul(m.transpose(_flat(m, d_xg_all), (1, 0)), _flat(m, steps))
    if needs[2]:  # Σ_t d_hg_t^T h_(t-1): the first step meets h_0, the others the output's rows
        grads[2] = m.matmul(m.transpose(m.getitem(d_hg_all, 0), (1, 0)), state0[0])
        if length > 1:
            later = m.transpose(_flat(m, m.getitem(d_hg_all, slice(1, None))), (1, 0))
            grads[2] = grads[2] + m.matmul(later, _flat(m, m.getitem(out, slice(0, length - 1))))
    if biases:
        grads[3] = m.sum(d_xg_all, axis=(0, 1)) if needs[3] else None
        grads[4] = m.sum(d_hg_all, axis=(0, 1)) if needs[4] else None
    first_state = 5 if biases else 3
    for k, d in enumerate(d_state):
        grads[first_state + k] = d
    return tuple(grads)


RNN_TANH, RNN_RELU, LSTM, GRU = (
    _Simple("rnn_tanh", 1),
    _Simple("rnn_relu", 1),
    _LSTM("lstm", 4, 2),
    _GRU("gru", 3),
)
KINDS = {kind.name: kind for kind in (RNN_TANH, RNN_RELU, LSTM, GRU)}
RULES = {name: Structural(name, _forward, _backward) for name in KINDS}  # by cell name, one rule each
