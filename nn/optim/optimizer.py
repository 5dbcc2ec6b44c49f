"""The optimizer base: parameter groups with their own options, per-parameter state, and a state dict
from which training resumes exactly (PyTorch's layout: ``{"state": {index: ...}, "param_groups": [...]}``)."""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable
from typing import Any, ClassVar

import numpy as np

from autograd import Tensor, enable_grad
from autograd.extend import grad_array, increment_version, restore, silence
from nn._checks import fraction, positive_number


class Optimizer:
    """Holds ``param_groups`` (each a dict: ``params`` plus options such as ``lr``) and each parameter's
    ``state``; ``step()`` updates every parameter that has a gradient, outside any graph.

    ``params`` is an iterable of Tensors, or of dicts ``{"params": [...], "lr": ...}`` for per-group
    options; options a group leaves out come from the constructor's arguments (``defaults``)."""

    def __init__(self, params: Iterable[Any], defaults: dict[str, Any]) -> None:
        self.defaults = defaults
        self.param_groups: list[dict[str, Any]] = []
        self.state: dict[Tensor, dict[str, Any]] = {}
        self._stepped = False  # for the schedulers' warning about calling them before the first step()
        items: list[Any] = [params] if isinstance(params, Tensor) else list(params)
        if not items:
            raise ValueError(f"{type(self).__name__} got an empty parameter list")
        groups: list[dict[str, Any]] = items if isinstance(items[0], dict) else [{"params": items}]
        for group in groups:
            self.add_param_group(group)

    def add_param_group(self, group: dict[str, Any]) -> None:
        """Add parameters with their own options (e.g. a smaller ``lr`` for a pretrained part)."""
        if not isinstance(group, dict) or "params" not in group:
            raise TypeError(
                f"{type(self).__name__}: a parameter group is a dict with 'params', got {group!r}"
            )
        params = group["params"]
        params = [params] if isinstance(params, Tensor) else list(params)
        known = [p for g in self.param_groups for p in g["params"]]
        for index, p in enumerate(params):
            if not isinstance(p, Tensor):
                raise TypeError(
                    f"{type(self).__name__}: parameter {index} is a {type(p).__name__}, not a Tensor"
                )
            if not p.is_leaf:  # a frozen parameter (requires_grad=False) is kept and skipped, as in PyTorch
                raise ValueError(
                    f"{type(self).__name__}: can't optimize a non-leaf Tensor (parameter {index})"
                )
            if any(q is p for q in [*known, *params[:index]]):
                raise ValueError(
                    f"{type(self).__name__}: parameter {index} is listed twice (it would step twice)"
                )
        unknown = sorted(set(group) - set(self.defaults) - {"params", "initial_lr"})
        if unknown:
            raise TypeError(
                f"{type(self).__name__}: unknown option(s) {', '.join(unknown)} in a parameter group"
            )
        full = {**self.defaults, **group, "params": params}
        self._check_options(full)
        self.param_groups.append(full)

    positive_options: ClassVar[tuple[str, ...]] = ()  # each must be > 0
    non_negative_options: ClassVar[tuple[str, ...]] = ()  # each must be >= 0
    fraction_options: ClassVar[tuple[str, ...]] = ()  # each must be in [0, 1)

    def _check_options(self, group: dict[str, Any]) -> None:
        """Raise for an option out of range, by the kinds the class declares (and its own checks)."""
        positive_number("lr", group["lr"], allow_zero=True)  # lr=0 is allowed, as in PyTorch
        for name in self.positive_options:
            positive_number(name, group[name])
        for name in self.non_negative_options:
            positive_number(name, group[name], allow_zero=True)
        for name in self.fraction_options:
            fraction(name, group[name])

    @property
    def lr(self) -> float:
        """The first group's learning rate; setting it sets every group's."""
        return float(self.param_groups[0]["lr"])

    @lr.setter
    def lr(self, value: float) -> None:
        positive_number("lr", value, allow_zero=True)
        for group in self.param_groups:
            group["lr"] = value

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Forget the gradients (None, PyTorch's default) or fill them with zeros."""
        for group in self.param_groups:
            for p in group["params"]:
                if set_to_none or p.grad is None:
                    p.grad = None
                else:
                    p.grad.zero_()

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """Update every parameter that has a gradient; ``closure`` (re-evaluating the loss) is called
        first when given, and its loss returned, as PyTorch's optimizers do."""
        loss = None
        if closure is not None:
            with enable_grad():
                loss = closure()
        self._stepped = True
        token = silence()  # a diverging run gives inf/NaN weights, as in PyTorch
        try:
            states, update, by = self.state, self._update, f"{type(self).__name__}.step()"
            for group in self.param_groups:
                for p in group["params"]:
                    grad = grad_array(p)
                    if grad is not None:
                        state = states.get(p)
                        if state is None:
                            state = states[p] = {}
                        update(p._data, grad, state, group)
                        increment_version(p, by)  # a graph that used the old value can no longer backprop
        finally:
            restore(token)
        return loss

    def _update(
        self, data: np.ndarray, grad: np.ndarray, state: dict[str, Any], group: dict[str, Any]
    ) -> None:
        raise NotImplementedError

    # -- saving and resuming --------------------------------------------------------------------------

    def _ordered(self) -> list[Tensor]:
        return [p for group in self.param_groups for p in group["params"]]

    def state_dict(self) -> dict[str, Any]:
        """A copy of the options and the per-parameter state, parameters named by their position."""
        position = {id(p): i for i, p in enumerate(self._ordered())}
        groups = [
            {
                **{k: copy.deepcopy(v) for k, v in g.items() if k != "params"},
                "params": [position[id(p)] for p in g["params"]],
            }
            for g in self.param_groups
        ]
        state = {position[id(p)]: copy.deepcopy(s) for p, s in self.state.items() if id(p) in position}
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore what ``state_dict()`` saved into an optimizer built over the same parameters."""
        if not isinstance(state_dict, dict) or set(state_dict) != {"state", "param_groups"}:
            raise ValueError(
                "load_state_dict: expected a dict with 'state' and 'param_groups' (an optimizer's state)"
            )
        saved_groups = state_dict["param_groups"]
        sizes = [len(g["params"]) for g in self.param_groups]
        saved_sizes = [len(g["params"]) for g in saved_groups]
        if sizes != saved_sizes:
            raise ValueError(
                f"load_state_dict: the saved optimizer has groups of {saved_sizes} parameters, "
                f"this one {sizes}"
            )
        ordered = self._ordered()
        restored: dict[Tensor, dict[str, Any]] = {}
        for key, entry in state_dict["state"].items():
            index = int(key)
            if not 0 <= index < len(ordered):
                raise ValueError(
                    f"load_state_dict: state for parameter {index}, but there are {len(ordered)}"
                )
            p = ordered[index]
            restored[p] = {name: self._restore(name, value, p) for name, value in entry.items()}
        for group, saved in zip(self.param_groups, saved_groups):
            known = {*group, "initial_lr"}  # initial_lr: a scheduler's, as in PyTorch
            options = {k: v for k, v in saved.items() if k != "params" and (k in known or v)}
            unknown = sorted(set(options) - known)
            if unknown:  # e.g. PyTorch's amsgrad=True or maximize=True: the steps would silently differ
                raise ValueError(
                    f"load_state_dict: the saved optimizer uses options {type(self).__name__} does not "
                    f"have: {', '.join(f'{k}={options[k]!r}' for k in unknown)}"
                )
            self._check_options({**group, **options})
            group.update(copy.deepcopy(options))
        self.state = restored

    def _restore(self, name: str, value: Any, p: Tensor) -> Any:
        """A saved state entry of ``p``'s, arrays checked against its shape and cast to its dtype."""
        return restored_entry(name, value, p.shape, p.dtype)


def restored_entry(name: str, value: Any, shape: tuple[int, ...], dtype: Any) -> Any:
    """A saved state entry as this library holds it: arrays of ``shape`` cast to ``dtype``, copied."""
    if isinstance(value, Tensor):
        value = value.numpy()
    elif hasattr(value, "detach") and hasattr(value, "numpy"):  # a PyTorch tensor (its state dicts hold them)
        value = np.asarray(value.detach().cpu().numpy())
    if isinstance(value, np.ndarray) and value.ndim:
        if value.shape != shape:
            raise ValueError(f"load_state_dict: state {name!r} has shape {value.shape}, expected {shape}")
        return np.array(value, dtype=dtype, copy=True)
    return copy.deepcopy(value.item() if isinstance(value, np.ndarray) else value)
