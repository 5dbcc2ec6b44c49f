"""Learning-rate schedules (학습률 감소), as ``torch.optim.lr_scheduler``: call ``step()`` once per epoch
(``ReduceLROnPlateau.step(val_loss)``). Each is chainable as PyTorch's: it changes the optimizer's current
lr, so a manual change or a second scheduler combine with it. ``state_dict()`` resumes a schedule."""

from __future__ import annotations

import math
import warnings
from typing import Any

from nn._checks import fraction, positive_number
from nn.optim.optimizer import Optimizer


def _check_optimizer(optimizer: Any, name: str) -> None:
    if not isinstance(optimizer, Optimizer):
        raise TypeError(f"{name} needs an Optimizer, got {type(optimizer).__name__}")


class LRScheduler:
    """The base: remembers each group's starting lr and counts epochs in ``last_epoch`` (0 after
    construction, as PyTorch's); subclasses give the next lr of one group from its current lr."""

    def __init__(self, optimizer: Optimizer, last_epoch: int = -1) -> None:
        _check_optimizer(optimizer, type(self).__name__)
        self.optimizer = optimizer
        for group in optimizer.param_groups:
            group.setdefault("initial_lr", group["lr"])
        self.base_lrs = [group["initial_lr"] for group in optimizer.param_groups]
        self.last_epoch = last_epoch
        self._order_checked = False
        self.step()

    def _next_lr(self, lr: float, base_lr: float) -> float:
        raise NotImplementedError

    def step(self) -> None:
        """Count one epoch and set every group's lr for the next one."""
        groups = self.optimizer.param_groups
        if not self._order_checked and self.last_epoch >= 0:  # the first step after the constructor's
            self._order_checked = True
            if not self.optimizer._stepped:
                warnings.warn(
                    "Detected a call of `lr_scheduler.step()` before `optimizer.step()`: call them in the "
                    "order optimizer.step(), then lr_scheduler.step(), or the first value of the schedule is "
                    "skipped (PyTorch warns the same)",
                    UserWarning,
                    stacklevel=2,
                )
        self.last_epoch += 1  # the formulas read it
        try:
            lrs = [
                g["lr"] if self.last_epoch == 0 else self._next_lr(g["lr"], base)
                for g, base in zip(groups, self.base_lrs)
            ]
            for lr in lrs:  # all checked before any is set: an overflow leaves the optimizer as it was
                positive_number("lr", lr, allow_zero=True)
        except ValueError:
            self.last_epoch -= 1
            raise
        for group, lr in zip(groups, lrs):
            group["lr"] = lr
        self._last_lr = [group["lr"] for group in self.optimizer.param_groups]

    def get_last_lr(self) -> list[float]:
        """The lr of every group after the last ``step()``."""
        return list(self._last_lr)

    def state_dict(self) -> dict[str, Any]:
        """Everything but the optimizer (numbers and lists)."""
        return {key: value for key, value in vars(self).items() if key != "optimizer"}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Resume from ``state_dict()`` (a PyTorch scheduler's too: its private bookkeeping entries, such as
        ``_step_count``, are skipped; an unknown public entry is an error)."""
        known = set(vars(self))
        unknown = {k for k in state_dict if k not in known and not k.startswith("_")} - {"verbose"}
        if unknown:
            raise ValueError(f"{type(self).__name__}.load_state_dict: unknown entries {sorted(unknown)}")
        vars(self).update({k: v for k, v in state_dict.items() if k in known})


class StepLR(LRScheduler):
    """Multiply the lr by ``gamma`` every ``step_size`` epochs."""

    def __init__(
        self, optimizer: Optimizer, step_size: int, gamma: float = 0.1, last_epoch: int = -1
    ) -> None:
        if isinstance(step_size, bool) or not isinstance(step_size, int) or step_size < 1:
            raise ValueError(f"step_size must be an integer >= 1, got {step_size!r}")
        positive_number("gamma", gamma)
        self.step_size, self.gamma = step_size, gamma
        super().__init__(optimizer, last_epoch)

    def _next_lr(self, lr: float, base_lr: float) -> float:
        return lr * self.gamma if self.last_epoch % self.step_size == 0 else lr


class ExponentialLR(LRScheduler):
    """Multiply the lr by ``gamma`` every epoch."""

    def __init__(self, optimizer: Optimizer, gamma: float, last_epoch: int = -1) -> None:
        positive_number("gamma", gamma)
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def _next_lr(self, lr: float, base_lr: float) -> float:
        return lr * self.gamma


class CosineAnnealingLR(LRScheduler):
    """lr = eta_min + (base_lr - eta_min)·(1 + cos(π·epoch / T_max)) / 2, written as PyTorch's recursive
    form (so it chains with other changes), rising again after ``T_max`` epochs."""

    def __init__(self, optimizer: Optimizer, T_max: int, eta_min: float = 0.0, last_epoch: int = -1) -> None:
        if isinstance(T_max, bool) or not isinstance(T_max, int) or T_max < 1:
            raise ValueError(f"T_max must be an integer >= 1, got {T_max!r}")
        positive_number("eta_min", eta_min, allow_zero=True)
        self.T_max, self.eta_min = T_max, eta_min
        super().__init__(optimizer, last_epoch)

    def _next_lr(self, lr: float, base_lr: float) -> float:
        epoch, period, low = self.last_epoch, self.T_max, self.eta_min
        if (epoch - 1 - period) % (2 * period) == 0:
            return lr + (base_lr - low) * (1 - math.cos(math.pi / period)) / 2
        now, before = 1 + math.cos(math.pi * epoch / period), 1 + math.cos(math.pi * (epoch - 1) / period)
        return now / before * (lr - low) + low


class ReduceLROnPlateau:
    """Multiply the lr by ``factor`` when the watched metric (``step(val_loss)``) has not improved for
    ``patience`` epochs; ``mode='max'`` for a metric that should grow (accuracy)."""

    def __init__(
        self,
        optimizer: Optimizer,
        mode: str = "min",
        factor: float = 0.1,
        patience: int = 10,
        threshold: float = 1e-4,
        threshold_mode: str = "rel",
        cooldown: int = 0,
        min_lr: float | list[float] = 0.0,
        eps: float = 1e-8,
    ) -> None:
        _check_optimizer(optimizer, "ReduceLROnPlateau")
        groups = len(optimizer.param_groups)
        min_lrs = list(min_lr) if isinstance(min_lr, (list, tuple)) else [min_lr] * groups
        if len(min_lrs) != groups:
            raise ValueError(
                f"ReduceLROnPlateau: expected {groups} min_lrs (one per group), got {len(min_lrs)}"
            )
        if mode not in ("min", "max") or threshold_mode not in ("rel", "abs"):
            raise ValueError(
                f"mode must be 'min' or 'max' and threshold_mode 'rel' or 'abs', "
                f"got {mode!r}, {threshold_mode!r}"
            )
        fraction("factor", factor)
        if factor == 0:
            raise ValueError("factor must be in (0, 1), got 0")
        for name, count in (("patience", patience), ("cooldown", cooldown)):
            if isinstance(count, bool) or not isinstance(count, int) or count < 0:
                raise ValueError(f"{name} must be an integer >= 0, got {count!r}")
        self.optimizer = optimizer
        self.mode, self.factor, self.patience, self.cooldown = mode, factor, patience, cooldown
        self.threshold, self.threshold_mode, self.min_lrs, self.eps = threshold, threshold_mode, min_lrs, eps
        self.best = math.inf if mode == "min" else -math.inf
        self.num_bad_epochs, self.cooldown_counter, self.last_epoch = 0, 0, 0
        self._last_lr = [group["lr"] for group in optimizer.param_groups]

    def _improved(self, value: float) -> bool:
        """PyTorch's test: beyond best·(1 ∓ threshold) ('rel', right for negative metrics too) or
        best ∓ threshold ('abs')."""
        sign = -1.0 if self.mode == "min" else 1.0
        if self.threshold_mode == "rel":
            bound = self.best * (1.0 + sign * self.threshold)
        else:
            bound = self.best + sign * self.threshold
        return value < bound if self.mode == "min" else value > bound

    def step(self, metrics: float) -> None:
        """Record this epoch's metric and reduce the lr after ``patience`` epochs without improvement."""
        value = float(metrics)
        self.last_epoch += 1
        if self._improved(value):
            self.best, self.num_bad_epochs = value, 0
        else:
            self.num_bad_epochs += 1
        if self.cooldown_counter > 0:
            self.cooldown_counter -= 1
            self.num_bad_epochs = 0
        if self.num_bad_epochs > self.patience:
            for group, min_lr in zip(self.optimizer.param_groups, self.min_lrs):
                reduced = max(group["lr"] * self.factor, min_lr)
                if group["lr"] - reduced > self.eps:
                    group["lr"] = reduced
            self.cooldown_counter, self.num_bad_epochs = self.cooldown, 0
        self._last_lr = [group["lr"] for group in self.optimizer.param_groups]

    get_last_lr = LRScheduler.get_last_lr
    state_dict = LRScheduler.state_dict
    load_state_dict = LRScheduler.load_state_dict
