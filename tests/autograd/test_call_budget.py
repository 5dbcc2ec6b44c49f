"""A guard on the hot path: the number of the library's own Python calls per op, counted with
``sys.setprofile``, must stay within the budgets written here (issue 19). On small inputs Python's cost
per call is the whole cost of an op, so a change that adds calls to these paths slows every lesson; the
count, unlike a timing, is the same on every machine. NumPy's own Python layers are not counted."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from types import FrameType
from typing import Any

import numpy as np
import pytest

import chainrule as torch

F = torch.nn.functional
ROOT = Path(__file__).resolve().parents[2]
OURS = tuple(str(ROOT / name) for name in ("autograd", "nn", "chainrule"))

# calls of the library's own functions per workload, as measured when the budget was set; raise one
# only with a reason in the commit message, lower it when a change saves calls
BUDGETS = {
    "x * y": 7,
    "x * 2.0": 5,
    "x.relu()": 8,
    "x @ w": 8,
    "x.sum()": 8,
    "F.linear(x, w, b)": 11,
    "F.cross_entropy(x, labels)": 12,
    "x[1:3]": 13,
    "(x * y).sum().backward()": 43,
    "F.linear(x, w, b).sum().backward()": 56,
    "MLP step (Linear, ReLU, Linear, cross-entropy, SGD)": 103,
}


def _workloads() -> dict[str, Callable[[], Any]]:
    rng = np.random.default_rng(0)

    def leaf(*shape: int) -> Any:
        return torch.tensor(rng.normal(size=shape).astype(np.float32), requires_grad=True)

    x, y, w, b = leaf(4, 8), leaf(4, 8), leaf(8, 8), leaf(8)
    labels = torch.tensor([1, 2, 3, 0])
    model = torch.nn.Sequential(torch.nn.Linear(8, 16), torch.nn.ReLU(), torch.nn.Linear(16, 4))
    sgd = torch.optim.SGD(model.parameters(), lr=0.01)

    def step() -> None:
        sgd.zero_grad()
        F.cross_entropy(model(x.detach()), labels).backward()
        sgd.step()

    return {
        "x * y": lambda: x * y,
        "x * 2.0": lambda: x * 2.0,
        "x.relu()": lambda: x.relu(),
        "x @ w": lambda: x @ w,
        "x.sum()": lambda: x.sum(),
        "F.linear(x, w, b)": lambda: F.linear(x, w, b),
        "F.cross_entropy(x, labels)": lambda: F.cross_entropy(x, labels),
        "x[1:3]": lambda: x[1:3],
        "(x * y).sum().backward()": lambda: (x * y).sum().backward(),
        "F.linear(x, w, b).sum().backward()": lambda: F.linear(x, w, b).sum().backward(),
        "MLP step (Linear, ReLU, Linear, cross-entropy, SGD)": step,
    }


def library_calls(run: Callable[[], Any]) -> int:
    """How many times ``run`` enters a Python function of the library (generators' resumptions count)."""
    run()  # caches and first-use allocations are not the steady state
    count = 0

    def profile(frame: FrameType, event: str, arg: Any) -> None:
        nonlocal count
        if event == "call" and frame.f_code.co_filename.startswith(OURS):
            count += 1

    sys.setprofile(profile)
    try:
        run()
    finally:
        sys.setprofile(None)
    return count


@pytest.mark.parametrize("name", list(BUDGETS))
def test_the_hot_path_stays_within_its_call_budget(name: str) -> None:
    calls = library_calls(_workloads()[name])
    assert calls <= BUDGETS[name], (
        f"{name}: {calls} calls into the library, budget {BUDGETS[name]}: this change added calls to the "
        "hot path (benchmarks/overhead.py shows what they cost)"
    )
    assert calls >= 0.8 * BUDGETS[name], (
        f"{name}: {calls} calls: lower its budget ({BUDGETS[name]}) to keep it"
    )


def test_the_counter_sees_the_library_calls() -> None:
    assert library_calls(lambda: torch.tensor([1.0]) + 1.0) >= 2
    assert library_calls(lambda: np.ones(3).sum()) == 0
