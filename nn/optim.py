"""Optimizers (최적화): SGD with momentum / Nesterov / weight decay, AdaGrad, RMSprop, AdaDelta, Adam,
AdamW, and a step-decay learning-rate schedule. Updates are in-place NumPy, outside any graph.

Each follows PyTorch's published update rule (documented per class), so results carry over.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import numpy as np

from autograd import Tensor


class Optimizer:
    """Holds the parameters and the learning rate; ``step()`` updates every parameter that has a grad."""

    def __init__(self, params: Iterable[Tensor], lr: float) -> None:
        self.params = list(params)
        if not self.params:
            raise ValueError(f"{type(self).__name__} got an empty parameter list")
        for index, p in enumerate(self.params):
            if not isinstance(p, Tensor) or not p.requires_grad:
                raise TypeError(
                    f"{type(self).__name__}: parameter {index} is not a Tensor that requires grad"
                )
            if any(q is p for q in self.params[:index]):
                raise ValueError(
                    f"{type(self).__name__}: parameter {index} is listed twice (it would step twice)"
                )
        _check_positive("lr", lr)
        self.lr = lr
        self.state: list[dict[str, Any]] = [{} for _ in self.params]

    def zero_grad(self) -> None:
        for p in self.params:
            p.grad = None

    def step(self) -> None:
        """Update every parameter that has a gradient (an array, or a Tensor after create_graph)."""
        for p, state in zip(self.params, self.state):
            if p.grad is not None:
                with np.errstate(all="ignore"):  # a diverging run gives inf/NaN weights, as in PyTorch
                    self._update(p.data, p.grad.data if isinstance(p.grad, Tensor) else p.grad, state)
                p._version += 1  # an in-place change: a graph that used the old value can no longer backprop

    def _update(self, data: np.ndarray, grad: np.ndarray, state: dict[str, Any]) -> None:
        raise NotImplementedError


def _check_positive(name: str, value: float, allow_zero: bool = False) -> None:
    """A finite real number > 0 (>= 0 with ``allow_zero``), else an error naming the argument."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name} must be a number, got {type(value).__name__}: {value!r}")
    if not math.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value}")
    if value < 0 or (value == 0 and not allow_zero):
        bound = ">= 0" if allow_zero else "> 0"
        raise ValueError(f"{name} must be {bound}, got {value}")


def _moving_average(average: np.ndarray, value: np.ndarray, rate: float) -> np.ndarray:
    """average = rate · average + (1 - rate) · value, in place: the running means of RMSprop/AdaDelta/Adam."""
    average *= rate
    average += (1 - rate) * value
    return average


def _check_fraction(name: str, value: float) -> None:
    _check_positive(name, value, allow_zero=True)
    if not 0.0 <= value < 1.0:
        raise ValueError(f"{name} must be in [0, 1), got {value}")


class SGD(Optimizer):
    """g = grad + wd·p; with momentum μ: b = μb + g (b = g at first), then g = g + μb (Nesterov) or
    g = b; p -= lr·g. (The notes' v = αv - lr·g, p += v is the same walk when lr is constant.)"""

    def __init__(
        self,
        params: Iterable[Tensor],
        lr: float = 0.01,
        momentum: float = 0.0,
        nesterov: bool = False,
        weight_decay: float = 0.0,
    ) -> None:
        super().__init__(params, lr)
        _check_fraction("momentum", momentum)
        _check_positive("weight_decay", weight_decay, allow_zero=True)
        if nesterov and momentum == 0:
            raise ValueError("nesterov=True needs momentum > 0")
        self.momentum, self.nesterov, self.weight_decay = momentum, nesterov, weight_decay

    def _update(self, data: np.ndarray, grad: np.ndarray, state: dict[str, Any]) -> None:
        if self.weight_decay:
            grad = grad + self.weight_decay * data
        if self.momentum:
            buffer = state.get("momentum")
            if buffer is None:
                buffer = state["momentum"] = grad.copy()
            else:
                buffer *= self.momentum
                buffer += grad
            grad = grad + self.momentum * buffer if self.nesterov else buffer
        data -= self.lr * grad


class AdaGrad(Optimizer):
    """h += g²; p -= lr · g / (sqrt(h) + eps): each weight's step shrinks with its gradient history."""

    def __init__(self, params: Iterable[Tensor], lr: float = 0.01, eps: float = 1e-10) -> None:
        super().__init__(params, lr)
        _check_positive("eps", eps)
        self.eps = eps

    def _update(self, data: np.ndarray, grad: np.ndarray, state: dict[str, Any]) -> None:
        history = state.setdefault("sum_squares", np.zeros_like(data))
        history += grad * grad
        data -= self.lr * grad / (np.sqrt(history) + self.eps)


class RMSprop(Optimizer):
    """v = α v + (1-α) g²; p -= lr · g / (sqrt(v) + eps): AdaGrad with a fading memory."""

    def __init__(
        self, params: Iterable[Tensor], lr: float = 0.01, alpha: float = 0.99, eps: float = 1e-8
    ) -> None:
        super().__init__(params, lr)
        _check_fraction("alpha", alpha)
        _check_positive("eps", eps)
        self.alpha, self.eps = alpha, eps

    def _update(self, data: np.ndarray, grad: np.ndarray, state: dict[str, Any]) -> None:
        average = _moving_average(
            state.setdefault("square_average", np.zeros_like(data)), grad * grad, self.alpha
        )
        data -= self.lr * grad / (np.sqrt(average) + self.eps)


class AdaDelta(Optimizer):
    """v = ρv + (1-ρ)g²; Δ = sqrt(u + eps) / sqrt(v + eps) · g; u = ρu + (1-ρ)Δ²; p -= lr · Δ."""

    def __init__(
        self, params: Iterable[Tensor], lr: float = 1.0, rho: float = 0.9, eps: float = 1e-6
    ) -> None:
        super().__init__(params, lr)
        _check_fraction("rho", rho)
        _check_positive("eps", eps)
        self.rho, self.eps = rho, eps

    def _update(self, data: np.ndarray, grad: np.ndarray, state: dict[str, Any]) -> None:
        square = _moving_average(
            state.setdefault("square_average", np.zeros_like(data)), grad * grad, self.rho
        )
        delta_square = state.setdefault("delta_average", np.zeros_like(data))
        delta = np.sqrt(delta_square + self.eps) / np.sqrt(square + self.eps) * grad
        _moving_average(delta_square, delta * delta, self.rho)
        data -= self.lr * delta


class Adam(Optimizer):
    """m = β1 m + (1-β1) g; v = β2 v + (1-β2) g²; p -= lr · m̂ / (sqrt(v̂) + eps) with bias-corrected m̂, v̂.

    ``weight_decay`` adds wd·p to the gradient (L2, as torch.optim.Adam); see AdamW for the decoupled kind.
    """

    def __init__(
        self,
        params: Iterable[Tensor],
        lr: float = 0.001,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
    ) -> None:
        super().__init__(params, lr)
        if len(betas) != 2:
            raise ValueError(f"betas must be a pair (beta1, beta2), got {betas!r}")
        _check_fraction("betas[0]", betas[0])
        _check_fraction("betas[1]", betas[1])
        _check_positive("eps", eps)
        _check_positive("weight_decay", weight_decay, allow_zero=True)
        self.betas, self.eps, self.weight_decay = betas, eps, weight_decay

    def _decay(self, data: np.ndarray, grad: np.ndarray) -> np.ndarray:
        return grad + self.weight_decay * data if self.weight_decay else grad

    def _update(self, data: np.ndarray, grad: np.ndarray, state: dict[str, Any]) -> None:
        grad = self._decay(data, grad)
        beta1, beta2 = self.betas
        step = state["step"] = state.get("step", 0) + 1  # per parameter, as PyTorch counts
        m = _moving_average(state.setdefault("m", np.zeros_like(data)), grad, beta1)
        v = _moving_average(state.setdefault("v", np.zeros_like(data)), grad * grad, beta2)
        step_size = self.lr / (1 - beta1**step)
        denominator = np.sqrt(v / (1 - beta2**step)) + self.eps
        data -= (step_size * m / denominator).astype(data.dtype, copy=False)


class AdamW(Adam):
    """Adam with decoupled weight decay (Loshchilov & Hutter): p -= lr·wd·p, then the Adam step."""

    def __init__(
        self,
        params: Iterable[Tensor],
        lr: float = 0.001,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.01,
    ) -> None:
        super().__init__(params, lr, betas, eps, weight_decay)

    def _decay(self, data: np.ndarray, grad: np.ndarray) -> np.ndarray:
        data -= self.lr * self.weight_decay * data
        return grad


class StepLR:
    """Step decay: after every ``step_size`` calls of ``step()`` (epochs), multiply the lr by ``gamma``.

    Chainable, as PyTorch's: it multiplies the optimizer's current lr, so a manual change or a second
    scheduler on the same optimizer combine with it instead of being overwritten."""

    def __init__(self, optimizer: Optimizer, step_size: int, gamma: float = 0.1) -> None:
        if isinstance(step_size, bool) or not isinstance(step_size, int) or step_size < 1:
            raise ValueError(f"step_size must be an integer >= 1, got {step_size!r}")
        _check_positive("gamma", gamma)
        self.optimizer, self.step_size, self.gamma = optimizer, step_size, gamma
        self.epoch = 0

    def step(self) -> float:
        """Count one epoch and, at each ``step_size``-th, decay (and return) the learning rate."""
        self.epoch += 1
        if self.epoch % self.step_size == 0:
            self.optimizer.lr *= self.gamma
        return self.optimizer.lr
