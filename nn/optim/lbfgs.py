"""L-BFGS as ``torch.optim.LBFGS``: each ``step(closure)`` runs up to ``max_iter`` quasi-Newton iterations,
the direction from the last ``history_size`` curvature pairs by the two-loop recursion, the step fixed
(``lr``) or found by PyTorch's strong-Wolfe line search. PyTorch's tests, order and state keys, so a run
matches PyTorch's step for step."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

from autograd import Tensor, enable_grad
from autograd.extend import restore, silence
from nn._checks import positive_ints
from nn.optim.flat import FlatParameters
from nn.optim.line_search import Point, strong_wolfe
from nn.optim.optimizer import Optimizer, restored_entry

LINE_SEARCHES = (None, "strong_wolfe")
MIN_CURVATURE = 1e-10  # a pair with y·s at or below this is left out: the inverse Hessian must stay positive


class LBFGS(Optimizer):
    """L-BFGS over all parameters as one vector, so one parameter group only (as in PyTorch). Its state,
    under PyTorch's keys (``func_evals n_iter d t old_dirs old_stps ro H_diag prev_flat_grad prev_loss
    al``), is held on the first parameter; the vectors in it are flat NumPy arrays."""

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1,
        max_iter: int = 20,
        max_eval: int | None = None,
        tolerance_grad: float = 1e-7,
        tolerance_change: float = 1e-9,
        history_size: int = 100,
        line_search_fn: str | None = None,
    ) -> None:
        if max_eval is None:
            positive_ints("LBFGS", max_iter=max_iter)  # checked before it sets max_eval's default
            max_eval = max_iter * 5 // 4
        defaults = {
            "lr": lr,
            "max_iter": max_iter,
            "max_eval": max_eval,
            "tolerance_grad": tolerance_grad,
            "tolerance_change": tolerance_change,
            "history_size": history_size,
            "line_search_fn": line_search_fn,
        }
        super().__init__(params, defaults)
        self._flat = FlatParameters(self.param_groups[0]["params"], "LBFGS.step()")

    non_negative_options = ("tolerance_grad", "tolerance_change")

    def _check_options(self, group: dict[str, Any]) -> None:
        super()._check_options(group)
        counts = ("max_iter", "max_eval", "history_size")
        positive_ints("LBFGS", **{name: group[name] for name in counts})
        if group["line_search_fn"] not in LINE_SEARCHES:
            raise ValueError(
                f"LBFGS: line_search_fn must be None or 'strong_wolfe', got {group['line_search_fn']!r}"
            )

    def add_param_group(self, group: dict[str, Any]) -> None:
        """The one group; a second is refused with PyTorch's message."""
        if self.param_groups:
            raise ValueError("LBFGS doesn't support per-parameter options (parameter groups)")
        super().add_param_group(group)

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """Up to ``max_iter`` iterations; ``closure`` (zero the gradients, compute the loss, backward, return
        it) is called once or more per iteration. Returns the loss of its first call."""
        if closure is None:
            raise TypeError(
                "LBFGS.step() needs a closure: a function that zeroes the gradients, computes the loss, "
                "calls backward() and returns the loss (L-BFGS evaluates it several times per step)"
            )
        self._stepped = True
        state = self.state.setdefault(self._flat.params[0], {"func_evals": 0, "n_iter": 0})
        caller_errors = np.geterr()  # the closure runs with the caller's NumPy error handling

        def evaluate() -> tuple[Any, np.ndarray]:
            with np.errstate(**caller_errors), enable_grad():
                loss = closure()
            state["func_evals"] += 1
            return loss, self._flat.gradient()

        token = silence()  # a diverging run gives inf/NaN weights, as in PyTorch, without warnings
        try:
            return self._iterate(evaluate, state, self.param_groups[0])
        finally:
            restore(token)

    def _iterate(
        self, evaluate: Callable[[], tuple[Any, np.ndarray]], state: dict[str, Any], group: dict[str, Any]
    ) -> Any:
        """PyTorch's loop: iterate until ``max_iter`` iterations or ``max_eval`` evaluations, a gradient,
        step or loss change within tolerance, or a direction that no longer descends."""
        flat, tolerance_change = self._flat, group["tolerance_change"]
        first_evaluation = state["func_evals"]
        first_loss, grad = evaluate()
        loss = float(first_loss)
        if np.abs(grad).max() <= group["tolerance_grad"]:
            return first_loss
        for n_iter in range(1, group["max_iter"] + 1):
            state["n_iter"] += 1
            d = state["d"] = self._direction(state, grad, group["history_size"])
            prev_loss = state["prev_loss"] = loss
            state["prev_flat_grad"] = grad
            t = min(1.0, 1.0 / np.abs(grad).sum()) * group["lr"] if state["n_iter"] == 1 else group["lr"]
            state["t"] = t
            gtd = grad @ d
            if gtd > -tolerance_change:
                break
            if group["line_search_fn"] == "strong_wolfe":
                max_ls = group["max_eval"] - (state["func_evals"] - first_evaluation)
                # as PyTorch: the search keeps its own c1, c2 and tolerance_change (not the group's)
                found = strong_wolfe(self._along(evaluate, d), t, d, Point(0, loss, grad, gtd), max_ls=max_ls)
                loss, grad, t = found.f, found.g, found.t
                state["t"] = t
                flat.add(t, d)
            else:
                flat.add(t, d)
                if n_iter == group["max_iter"]:  # the last move is not evaluated: the next step() will
                    break
                raw, grad = evaluate()
                loss = float(raw)
            if (
                state["func_evals"] - first_evaluation >= group["max_eval"]
                or np.abs(grad).max() <= group["tolerance_grad"]
                or np.abs(d * t).max() <= tolerance_change
                or abs(loss - prev_loss) < tolerance_change
            ):
                break
        return first_loss

    def _along(
        self, evaluate: Callable[[], tuple[Any, np.ndarray]], d: np.ndarray
    ) -> Callable[[Any], tuple[float, np.ndarray]]:
        """The line search's objective: loss and gradient at x + t·d, the parameters put back at x after."""
        flat, x = self._flat, self._flat.values()

        def at(t: Any) -> tuple[float, np.ndarray]:
            flat.add(t, d)
            loss, grad = evaluate()
            flat.restore(x)
            return float(loss), grad

        return at

    @staticmethod
    def _direction(state: dict[str, Any], grad: np.ndarray, history_size: int) -> np.ndarray:
        """-H·g by the two-loop recursion, after adding the last step's pair (y, s) to the memory when its
        curvature y·s is positive enough; steepest descent -g on the very first iteration."""
        if state["n_iter"] == 1:
            state.update(old_dirs=[], old_stps=[], ro=[], H_diag=1)
            return -grad
        dirs, steps, ro = state["old_dirs"], state["old_stps"], state["ro"]
        y = grad - state["prev_flat_grad"]
        s = state["d"] * state["t"]
        ys = y @ s
        if ys > MIN_CURVATURE:
            if len(dirs) == history_size:
                del dirs[0], steps[0], ro[0]
            dirs.append(y)
            steps.append(s)
            ro.append(1.0 / ys)
            state["H_diag"] = ys / (y @ y)
        al = state.setdefault("al", [None] * history_size)
        q = -grad
        for i in reversed(range(len(dirs))):
            al[i] = (steps[i] @ q) * ro[i]
            q -= al[i] * dirs[i]
        r = q * state["H_diag"]
        for i in range(len(dirs)):
            r += (al[i] - (dirs[i] @ r) * ro[i]) * steps[i]
        return r

    def _restore(self, name: str, value: Any, p: Tensor) -> Any:
        """LBFGS's saved vectors span every parameter: each (in lists too) is checked against their total
        size and cast to their dtype."""
        if isinstance(value, list):
            return [self._restore(name, item, p) for item in value]
        return restored_entry(name, value, (self._flat.numel,), self._flat.dtype)
