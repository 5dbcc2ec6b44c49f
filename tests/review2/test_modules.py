"""The second reliability review's findings (shared/reviews/reliability-2.md), part modules: clashing names,
state-dict names, pickling, slices, ModuleList. Each is written in PyTorch's API and run on chainrule and
on PyTorch (tests/twin.py): values, gradients, dtypes, and an error of the same kind wherever PyTorch
raises one."""

from __future__ import annotations

from typing import Any

import pytest

from tests.twin import check

# -- S16: module bookkeeping refuses clashing names -------------------------------------------------------


@pytest.mark.parametrize(
    "call",
    [
        lambda t: t.nn.Linear(2, 2).register_buffer("weight", t.zeros(2, 2)),
        lambda t: t.nn.Linear(2, 2).register_parameter("forward", None),
        lambda t: t.nn.Linear(2, 2).add_module("bias", t.nn.ReLU()),
        lambda t: t.nn.ModuleDict({"training": t.nn.Linear(1, 1)}),
        lambda t: t.nn.Sequential().add_module("a.b", t.nn.ReLU()),
    ],
)
def test_clashing_names_are_refused(call: Any) -> None:
    check(call, KeyError)


def test_registering_the_same_kind_again_replaces_it() -> None:
    def scenario(t: Any) -> Any:
        layer = t.nn.Linear(2, 2)
        layer.register_buffer("scale", t.ones(1))
        layer.register_buffer("scale", t.zeros(1))
        layer.register_parameter("bias", None)
        return sorted(layer.state_dict()), len(list(layer.parameters()))

    check(scenario)


# -- C5, C11, K5: state-dict names, pickling, slices --------------------------------------------------------


def test_tied_parameters_are_listed_under_every_name() -> None:
    def scenario(t: Any) -> Any:
        shared = t.nn.Linear(2, 2, bias=False)
        model = t.nn.Sequential(shared, t.nn.ReLU(), shared)
        model.load_state_dict(model.state_dict())
        return list(model.state_dict()), len(list(model.parameters()))

    check(scenario)


def test_a_sequential_slice_keeps_the_names() -> None:
    check(lambda t: list(t.nn.Sequential(t.nn.Linear(1, 1), t.nn.ReLU(), t.nn.Linear(1, 1))[1:].state_dict()))


def test_a_module_pickles_and_deep_copies() -> None:
    import copy
    import pickle

    def scenario(t: Any) -> Any:
        t.manual_seed(0)
        model = t.nn.Sequential(t.nn.Linear(2, 3), t.nn.ReLU(), t.nn.BatchNorm1d(3))
        clone, twin = pickle.loads(pickle.dumps(model)), copy.deepcopy(model)
        x = t.ones(4, 2)
        same = bool((clone(x) - model(x)).abs().max() == 0) and bool((twin(x) - model(x)).abs().max() == 0)
        return same, list(clone.state_dict()), clone[0].weight is not model[0].weight

    check(scenario)
