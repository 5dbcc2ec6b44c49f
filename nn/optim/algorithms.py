"""The notes' optimizers (최적화): SGD with momentum / Nesterov / weight decay, AdaGrad, RMSprop,
AdaDelta, Adam and AdamW. Each follows PyTorch's published update rule (documented per class) and reads
its options from the parameter's group, so per-group learning rates work and results carry over."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from nn._checks import fraction
from nn.optim.optimizer import Optimizer


def _moving_average(average: np.ndarray, value: np.ndarray, rate: float) -> np.ndarray:
    """average = rate · average + (1 - rate) · value, in place: the running means of RMSprop/AdaDelta/Adam."""
    average *= rate
    average += (1 - rate) * value
    return average


class SGD(Optimizer):
    """g = grad + wd·p; with momentum μ: b = μb + (1 - dampening)·g (b = g at first), then g = g + μb
    (Nesterov) or g = b; p -= lr·g. (The notes' v = αv - lr·g, p += v is the same walk for a constant lr.)"""

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 0.001,
        momentum: float = 0.0,
        dampening: float = 0.0,
        weight_decay: float = 0.0,
        nesterov: bool = False,
    ) -> None:
        options = {"lr": lr, "momentum": momentum, "dampening": dampening, "weight_decay": weight_decay}
        super().__init__(params, {**options, "nesterov": nesterov})

    fraction_options = ("momentum", "dampening")
    non_negative_options = ("weight_decay",)

    def _check_options(self, group: dict[str, Any]) -> None:
        super()._check_options(group)
        if group["nesterov"] and (group["momentum"] == 0 or group["dampening"] != 0):
            raise ValueError("nesterov=True needs momentum > 0 and dampening 0")

    def _update(
        self, data: np.ndarray, grad: np.ndarray, state: dict[str, Any], group: dict[str, Any]
    ) -> None:
        momentum = group["momentum"]
        if group["weight_decay"]:
            grad = grad + group["weight_decay"] * data
        if momentum:
            buffer = state.get("momentum_buffer")
            if buffer is None:
                buffer = state["momentum_buffer"] = grad.copy()
            else:
                buffer *= momentum
                buffer += (1 - group["dampening"]) * grad
            grad = grad + momentum * buffer if group["nesterov"] else buffer
        data -= group["lr"] * grad


class AdaGrad(Optimizer):
    """h += g²; p -= lr · g / (sqrt(h) + eps): each weight's step shrinks with its gradient history."""

    def __init__(self, params: Iterable[Any], lr: float = 0.01, eps: float = 1e-10) -> None:
        super().__init__(params, {"lr": lr, "eps": eps})

    positive_options = ("eps",)

    def _update(
        self, data: np.ndarray, grad: np.ndarray, state: dict[str, Any], group: dict[str, Any]
    ) -> None:
        history = state.setdefault("sum", np.zeros_like(data))
        history += grad * grad
        data -= group["lr"] * grad / (np.sqrt(history) + group["eps"])


class RMSprop(Optimizer):
    """v = α v + (1-α) g²; p -= lr · g / (sqrt(v) + eps): AdaGrad with a fading memory."""

    def __init__(
        self, params: Iterable[Any], lr: float = 0.01, alpha: float = 0.99, eps: float = 1e-8
    ) -> None:
        super().__init__(params, {"lr": lr, "alpha": alpha, "eps": eps})

    positive_options = ("eps",)
    fraction_options = ("alpha",)

    def _update(
        self, data: np.ndarray, grad: np.ndarray, state: dict[str, Any], group: dict[str, Any]
    ) -> None:
        average = _moving_average(
            state.setdefault("square_avg", np.zeros_like(data)), grad * grad, group["alpha"]
        )
        data -= group["lr"] * grad / (np.sqrt(average) + group["eps"])


class AdaDelta(Optimizer):
    """v = ρv + (1-ρ)g²; Δ = sqrt(u + eps) / sqrt(v + eps) · g; u = ρu + (1-ρ)Δ²; p -= lr · Δ."""

    def __init__(self, params: Iterable[Any], lr: float = 1.0, rho: float = 0.9, eps: float = 1e-6) -> None:
        super().__init__(params, {"lr": lr, "rho": rho, "eps": eps})

    positive_options = ("eps",)
    fraction_options = ("rho",)

    def _update(
        self, data: np.ndarray, grad: np.ndarray, state: dict[str, Any], group: dict[str, Any]
    ) -> None:
        rho, eps = group["rho"], group["eps"]
        square = _moving_average(state.setdefault("square_avg", np.zeros_like(data)), grad * grad, rho)
        delta_square = state.setdefault("acc_delta", np.zeros_like(data))
        delta = np.sqrt(delta_square + eps) / np.sqrt(square + eps) * grad
        _moving_average(delta_square, delta * delta, rho)
        data -= group["lr"] * delta


class Adam(Optimizer):
    """m = β1 m + (1-β1) g; v = β2 v + (1-β2) g²; p -= lr · m̂ / (sqrt(v̂) + eps) with bias-corrected m̂, v̂.

    ``weight_decay`` adds wd·p to the gradient (L2, as torch.optim.Adam); see AdamW for the decoupled kind.
    """

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 0.001,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
    ) -> None:
        super().__init__(params, {"lr": lr, "betas": betas, "eps": eps, "weight_decay": weight_decay})

    positive_options = ("eps",)
    non_negative_options = ("weight_decay",)

    def _check_options(self, group: dict[str, Any]) -> None:
        super()._check_options(group)
        betas = group["betas"]
        if not isinstance(betas, (tuple, list)) or len(betas) != 2:
            raise ValueError(f"betas must be a pair (beta1, beta2), got {betas!r}")
        fraction("betas[0]", betas[0])
        fraction("betas[1]", betas[1])

    def _decay(self, data: np.ndarray, grad: np.ndarray, group: dict[str, Any]) -> np.ndarray:
        return grad + group["weight_decay"] * data if group["weight_decay"] else grad

    def _update(
        self, data: np.ndarray, grad: np.ndarray, state: dict[str, Any], group: dict[str, Any]
    ) -> None:
        grad = self._decay(data, grad, group)
        beta1, beta2 = group["betas"]
        step = state["step"] = state.get("step", 0) + 1  # per parameter, as PyTorch counts
        m = _moving_average(state.setdefault("exp_avg", np.zeros_like(data)), grad, beta1)
        v = _moving_average(state.setdefault("exp_avg_sq", np.zeros_like(data)), grad * grad, beta2)
        step_size = group["lr"] / (1 - beta1**step)
        denominator = np.sqrt(v / (1 - beta2**step)) + group["eps"]
        data -= (step_size * m / denominator).astype(data.dtype, copy=False)


class AdamW(Adam):
    """Adam with decoupled weight decay (Loshchilov & Hutter): p -= lr·wd·p, then the Adam step."""

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 0.001,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.01,
    ) -> None:
        super().__init__(params, lr, betas, eps, weight_decay)

    def _decay(self, data: np.ndarray, grad: np.ndarray, group: dict[str, Any]) -> np.ndarray:
        data -= group["lr"] * group["weight_decay"] * data
        return grad


Adagrad = AdaGrad  # PyTorch's spellings
Adadelta = AdaDelta
