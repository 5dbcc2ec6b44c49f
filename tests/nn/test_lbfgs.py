"""optim.LBFGS against torch.optim.LBFGS: the same problems from the same weights, step after step, give
the same parameters, returned losses and state (evaluation and iteration counts, memory, step length),
with and without the strong-Wolfe line search, and the same stops; its errors, and its saved state."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import chainrule
import nn
from nn import optim
from tests.twin import check

Problem = Callable[[Any, str], tuple[list[Any], Callable[[], Any]]]  # (library, dtype) -> (params, loss)
RNG = np.random.default_rng(7)
FEATURES = RNG.normal(size=(32, 4))
WEIGHTS = RNG.normal(size=(1, 4)), RNG.normal(size=1)  # the model's starting weights
TARGETS = FEATURES @ np.array([[1.0], [-2.0], [0.5], [3.0]]) + 0.3 * RNG.normal(size=(32, 1))
LABELS = (RNG.random(size=(32, 1)) < 1 / (1 + np.exp(-TARGETS / 2))).astype(float)  # not separable


@pytest.fixture
def reference() -> Any:
    return pytest.importorskip("torch", reason="the cross-check runs PyTorch's LBFGS")


def rosenbrock(start: list[float]) -> Problem:
    """Rosenbrock's valley in len(start) dimensions, from ``start``: ill-conditioned, minimum at ones."""

    def problem(t: Any, dtype: str) -> tuple[list[Any], Callable[[], Any]]:
        x = t.tensor(start, dtype=getattr(t, dtype), requires_grad=True)
        return [x], lambda: (100 * (x[1:] - x[:-1] ** 2) ** 2 + (1 - x[:-1]) ** 2).sum()

    return problem


def regression(kind: str) -> Problem:
    """Least squares or logistic regression with an nn.Linear(4, 1), its weights set to the same values."""

    def problem(t: Any, dtype: str) -> tuple[list[Any], Callable[[], Any]]:
        model = t.nn.Linear(4, 1).to(getattr(t, dtype))
        with t.no_grad():
            model.weight.copy_(t.tensor(WEIGHTS[0]))
            model.bias.copy_(t.tensor(WEIGHTS[1]))
        x = t.tensor(FEATURES, dtype=getattr(t, dtype))
        if kind == "least_squares":
            y = t.tensor(TARGETS, dtype=getattr(t, dtype))
            return list(model.parameters()), lambda: t.nn.functional.mse_loss(model(x), y)
        y = t.tensor(LABELS, dtype=getattr(t, dtype))
        return list(model.parameters()), lambda: t.nn.functional.binary_cross_entropy_with_logits(model(x), y)

    return problem


def plain(value: Any) -> Any:
    """A state entry or parameter of either library as NumPy values (lists, None and ints kept)."""
    if isinstance(value, list):
        return [plain(item) for item in value]
    if value is None or isinstance(value, int):
        return value
    if hasattr(value, "detach"):
        value = value.detach().numpy()
    return np.array(value, dtype=np.float64)


class Run:
    """One library's LBFGS on a problem, stepped with PyTorch's closure, and what to compare after a step."""

    def __init__(self, t: Any, problem: Problem, dtype: str = "float64", **options: Any) -> None:
        self.params, self.loss_of = problem(t, dtype)
        self.optimizer = t.optim.LBFGS(self.params, **options)

    def closure(self) -> Any:
        self.optimizer.zero_grad()
        loss = self.loss_of()
        loss.backward()
        return loss

    def step(self) -> dict[str, Any]:
        """One ``step(closure)``: the parameters after it, the loss it returned and the optimizer's state."""
        loss = self.optimizer.step(self.closure)
        state = {name: plain(value) for name, value in self.optimizer.state[self.params[0]].items()}
        return {"params": [plain(p) for p in self.params], "loss": plain(loss), **state}

    def saved(self) -> tuple[list[np.ndarray], dict]:
        """The parameters' values and a copy of the optimizer's state dict (PyTorch's holds live state)."""
        return [plain(p) for p in self.params], copy.deepcopy(self.optimizer.state_dict())

    def load(self, saved: tuple[list[np.ndarray], dict], t: Any) -> None:
        with t.no_grad():
            for p, value in zip(self.params, saved[0]):
                p.copy_(t.tensor(value))
        self.optimizer.load_state_dict(saved[1])


def trajectory(t: Any, problem: Problem, steps: int, dtype: str = "float64", **options: Any) -> list[dict]:
    """What each of ``steps`` steps gives."""
    run = Run(t, problem, dtype, **options)
    return [run.step() for _ in range(steps)]


MEMORY = ("old_dirs", "old_stps", "ro", "al", "H_diag", "prev_flat_grad")  # rounding grows here first:
# y = g_k+1 - g_k and ro = 1 / y·s are differences of nearly equal gradients near a minimum (4e-9 measured
# on least squares); an error there that mattered would show in the directions, held to the tolerance


def largest_difference(ours: Any, theirs: Any, where: str = "") -> float:
    """The largest relative difference |a - b| / max(|b|, 1) between two record entries; counts, lengths
    and Nones must be equal."""
    if isinstance(theirs, list):
        assert len(ours) == len(theirs), f"{where}: {len(ours)} items, PyTorch {len(theirs)}"
        pairs = enumerate(zip(ours, theirs))
        return max((largest_difference(a, b, f"{where}[{i}]") for i, (a, b) in pairs), default=0.0)
    if theirs is None or isinstance(theirs, int):
        assert ours == theirs, f"{where}: {ours!r}, PyTorch {theirs!r}"
        return 0.0
    assert ours.shape == theirs.shape, where
    return float(np.max(np.abs(ours - theirs) / np.maximum(np.abs(theirs), 1.0), initial=0.0))


def record_differences(ours: dict[str, Any], theirs: dict[str, Any], where: str = "") -> dict[str, float]:
    """Per entry of two steps' records, its largest relative difference."""
    assert ours.keys() == theirs.keys(), where
    return {name: largest_difference(ours[name], theirs[name], f"{where}{name}") for name in theirs}


def differences(
    reference: Any, problem: Problem, steps: int, dtype: str = "float64", **options: Any
) -> dict[str, float]:
    """Both libraries' runs compared: per record entry, its largest relative difference over the steps."""
    ours = trajectory(chainrule, problem, steps, dtype, **options)
    theirs = trajectory(reference, problem, steps, dtype, **options)
    found = [record_differences(a, b, f"step {i}: ") for i, (a, b) in enumerate(zip(ours, theirs))]
    return {name: max(step[name] for step in found) for name in found[-1]}


def assert_matches(found: dict[str, float], tolerance: float = 1e-10) -> None:
    """Parameters, losses, directions and step lengths within ``tolerance``, the memory within 1000 times."""
    for name, difference in found.items():
        assert difference < tolerance * (1000 if name in MEMORY else 1), (name, difference)


ROSENBROCK_2D = rosenbrock([-1.5, 2.0])
ROSENBROCK_6D = rosenbrock([-1.2, 1.0, -0.5, 0.3, 1.3, 0.8])
WOLFE = {"line_search_fn": "strong_wolfe"}
CASES = {  # Rosenbrock's runs kept to 20 iterations: in its ill-conditioned valley rounding differences grow
    "rosenbrock_2d": (ROSENBROCK_2D, {"max_iter": 5}),
    "rosenbrock_2d_wolfe": (ROSENBROCK_2D, {"max_iter": 5, **WOLFE}),
    "rosenbrock_6d": (ROSENBROCK_6D, {"max_iter": 5}),
    "rosenbrock_6d_wolfe": (ROSENBROCK_6D, {"max_iter": 5, **WOLFE}),
    "least_squares": (regression("least_squares"), {}),
    "least_squares_wolfe": (regression("least_squares"), WOLFE),
    "logistic": (regression("logistic"), {"lr": 0.5}),
    "logistic_wolfe": (regression("logistic"), WOLFE),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_steps_match_pytorch_in_float64(reference: Any, name: str) -> None:
    problem, options = CASES[name]
    assert_matches(differences(reference, problem, 4, **options))


@pytest.mark.parametrize("name", ["rosenbrock_2d_wolfe", "rosenbrock_6d", "least_squares", "logistic_wolfe"])
def test_steps_match_pytorch_in_float32(reference: Any, name: str) -> None:
    """Two steps of 5 iterations, before the loss settles (there float32's noise meets the tolerances)."""
    problem, options = CASES[name]
    found = differences(reference, problem, 2, "float32", **{**options, "max_iter": 5})
    assert found["func_evals"] == found["n_iter"] == 0
    assert max(found["params"], found["loss"]) < 1e-5, found


def test_float32_parameters_keep_float32_state() -> None:
    run = Run(chainrule, ROSENBROCK_2D, "float32", max_iter=3)
    run.step()
    state = run.optimizer.state[run.params[0]]
    dtypes = {run.params[0].dtype, state["d"].dtype, state["old_dirs"][0].dtype, state["ro"][0].dtype}
    assert dtypes == {np.dtype(np.float32)}


@pytest.mark.parametrize(
    "options",
    [
        {"max_iter": 3, "max_eval": 10},
        {"max_iter": 3},  # max_eval's default, 3, stops it first
        {"max_iter": 30, "max_eval": 12, **WOLFE},
        {"history_size": 2},
        {"history_size": 2, **WOLFE},
        {"tolerance_grad": 1e-2},
        {"tolerance_grad": 1e-2, **WOLFE},
        {"tolerance_change": 1e-3},
        {"tolerance_change": 1e-3, **WOLFE},
    ],
)
def test_stopping_rules_match_pytorch(reference: Any, options: dict[str, Any]) -> None:
    """Each stops the steps early here (a tolerance_grad met at a step's start returns at once)."""
    assert_matches(differences(reference, regression("logistic"), 3, **options))


def test_stopping_rules_stop_where_documented() -> None:
    def run(**options: Any) -> list[dict]:
        return trajectory(chainrule, ROSENBROCK_6D, 3, **options)

    assert [r["n_iter"] for r in run(max_iter=3, max_eval=10)] == [3, 6, 9]
    assert [r["n_iter"] for r in run(max_iter=3)] == [2, 4, 6]  # max_eval = 3 * 5 // 4 evaluations first
    assert [r["func_evals"] for r in run(max_iter=4, max_eval=2)] == [2, 4, 6]
    assert [len(r["old_dirs"]) for r in run(max_iter=4, history_size=2)] == [2, 2, 2]
    at_minimum = trajectory(chainrule, rosenbrock([1.0, 1.0, 1.0]), 2)
    assert [(r["func_evals"], r["n_iter"], "d" in r) for r in at_minimum] == [(1, 0, False), (2, 0, False)]


def test_a_parameter_without_gradient_stays_and_counts_in_the_flat_vectors(reference: Any) -> None:
    def problem(t: Any, dtype: str) -> tuple[list[Any], Callable[[], Any]]:
        (x,), loss = ROSENBROCK_2D(t, dtype)
        unused = t.tensor([[3.0, 4.0]], dtype=getattr(t, dtype), requires_grad=True)
        return [unused, x], loss

    ours = trajectory(chainrule, problem, 2, max_iter=5)
    assert ours[-1]["params"][0].tolist() == [[3.0, 4.0]] and ours[-1]["d"].shape == (4,)
    assert_matches(differences(reference, problem, 2, max_iter=5))


def test_errors_name_what_is_wrong() -> None:
    x = nn.Parameter(chainrule.ones(2))
    with pytest.raises(TypeError, match=r"LBFGS\.step\(\) needs a closure"):
        optim.LBFGS([x]).step()
    with pytest.raises(
        ValueError, match="LBFGS doesn't support per-parameter options \\(parameter groups\\)"
    ):
        optim.LBFGS([{"params": [x]}, {"params": [nn.Parameter(chainrule.ones(1))], "lr": 0.1}])
    with pytest.raises(ValueError, match="line_search_fn must be None or 'strong_wolfe', got 'armijo'"):
        optim.LBFGS([x], line_search_fn="armijo")
    with pytest.raises(ValueError, match="max_iter must be a positive integer, got 0"):
        optim.LBFGS([x], max_iter=0)
    with pytest.raises(ValueError, match="tolerance_grad must be >= 0"):
        optim.LBFGS([x], tolerance_grad=-1.0)


def test_errors_are_of_pytorchs_kinds() -> None:
    def no_closure(t: Any) -> Any:
        return t.optim.LBFGS([t.nn.Parameter(t.ones(2))]).step()

    def two_groups(t: Any) -> Any:
        a, b = t.nn.Parameter(t.ones(2)), t.nn.Parameter(t.ones(2))
        return t.optim.LBFGS([{"params": [a]}, {"params": [b]}])

    check(no_closure, TypeError)
    check(two_groups, ValueError)


def test_it_is_torch_optim_lbfgs_under_chainrule() -> None:
    import chainrule as torch

    assert torch.optim.LBFGS is optim.LBFGS
    run = Run(torch, ROSENBROCK_2D, **WOLFE)
    for _ in range(4):
        run.step()
    np.testing.assert_allclose(run.params[0].detach().numpy(), [1.0, 1.0], atol=1e-4)


def halfway(t: Any, **options: Any) -> tuple[tuple[list[np.ndarray], dict], dict[str, Any]]:
    """Logistic regression: what two steps leave saved, and the record of the fourth step."""
    run = Run(t, regression("logistic"), **options)
    run.step()
    run.step()
    saved = run.saved()
    run.step()
    return saved, run.step()


def resumed(saved: tuple[list[np.ndarray], dict], **options: Any) -> dict[str, Any]:
    """chainrule's record of the fourth step, resumed from what ``halfway`` saved."""
    run = Run(chainrule, regression("logistic"), **options)
    run.load(saved, chainrule)
    run.step()
    return run.step()


@pytest.mark.parametrize("options", [{"max_iter": 4, "history_size": 3}, {"max_iter": 4, **WOLFE}])
def test_training_resumes_exactly_from_a_saved_state(tmp_path, options: dict[str, Any]) -> None:
    (values, state_dict), straight = halfway(chainrule, **options)
    assert isinstance(state_dict["state"][0]["old_dirs"][0], np.ndarray)
    chainrule.save(state_dict, tmp_path / "lbfgs.pt")
    again = resumed((values, chainrule.load(tmp_path / "lbfgs.pt")), **options)
    assert max(record_differences(again, straight).values()) == 0.0


def test_a_pytorch_lbfgs_state_resumes_the_same_steps(reference: Any) -> None:
    options = {"max_iter": 4, "history_size": 3, **WOLFE}
    saved, straight = halfway(reference, **options)
    assert_matches(record_differences(resumed(saved, **options), straight))
    wrong = [nn.Parameter(chainrule.ones(3, dtype=chainrule.float64)) for _ in range(2)]
    with pytest.raises(ValueError, match=r"state 'd' has shape \(5,\), expected \(6,\)"):
        optim.LBFGS(wrong).load_state_dict(saved[1])
