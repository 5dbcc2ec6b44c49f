"""The second reliability review's findings (shared/reviews/reliability-2.md), part training: optimizers and
schedulers, clip_grad_norm_, state dicts from PyTorch, collate and DataLoader, RBMs. Each is written in
PyTorch's API and run on chainrule and on PyTorch (tests/twin.py): values, gradients, dtypes, and an error
of the same kind wherever PyTorch raises one."""

from __future__ import annotations

import warnings
from typing import Any

import pytest

from tests.twin import T, check

NAN = float("nan")
INF = float("inf")


# -- S17, S18, C2, K8, K11: optimizers and schedulers ------------------------------------------------


def _sgd(t: Any, lr: float = 1.0) -> Any:
    p = t.nn.Parameter(t.ones(1))
    return p, t.optim.SGD([p], lr=lr)


@pytest.mark.parametrize("mode", ["min", "max"])
@pytest.mark.parametrize("threshold_mode", ["rel", "abs"])
@pytest.mark.parametrize("metrics", [(-10.0, -10.5, -10.9, -11.0, -11.05), (10.0, 10.5, 10.9, 11.0, 11.05)])
def test_reduce_lr_on_plateau_improves_by_pytorch_rule(
    mode: str, threshold_mode: str, metrics: tuple
) -> None:
    def scenario(t: Any) -> Any:
        _, o = _sgd(t)
        s = t.optim.lr_scheduler.ReduceLROnPlateau(
            o, mode=mode, patience=0, threshold=0.04, threshold_mode=threshold_mode, factor=0.5
        )
        lrs = []
        for m in metrics:
            s.step(m)
            lrs.append(o.param_groups[0]["lr"])
        return lrs

    check(scenario)


def test_reduce_lr_on_plateau_takes_a_min_lr_per_group() -> None:
    def scenario(t: Any) -> Any:
        a, b = t.nn.Parameter(t.ones(1)), t.nn.Parameter(t.ones(1))
        o = t.optim.SGD([{"params": [a]}, {"params": [b], "lr": 0.5}], lr=1.0)
        s = t.optim.lr_scheduler.ReduceLROnPlateau(o, patience=0, min_lr=[0.3, 0.2])
        for m in (1.0, 2.0, 3.0):
            s.step(m)
        return [g["lr"] for g in o.param_groups]

    check(scenario)


def test_a_scheduler_overflow_leaves_the_lr_unchanged() -> None:
    import chainrule

    _, o = _sgd(chainrule, lr=1e300)
    s = chainrule.optim.lr_scheduler.ExponentialLR(o, gamma=1e10)
    o.step()
    with pytest.raises(ValueError, match="lr"):
        s.step()
    assert o.param_groups[0]["lr"] == 1e300


def test_frozen_parameters_are_kept_and_skipped() -> None:
    def scenario(t: Any) -> Any:
        a, b = t.nn.Parameter(t.ones(2)), t.nn.Parameter(t.ones(2))
        b.requires_grad_(False)
        o = t.optim.Adam([a, b], lr=0.1)
        (a * b).sum().backward()
        o.step()
        return a, b, len(o.param_groups[0]["params"])

    check(scenario)


def test_an_optimizer_refuses_a_non_leaf() -> None:
    check(lambda t: t.optim.SGD([t.ones(2, requires_grad=True) * 2], lr=0.1), ValueError)


def test_lr_zero_is_accepted() -> None:
    def scenario(t: Any) -> Any:
        p, o = _sgd(t, lr=0.0)
        (p * 3).sum().backward()
        o.step()
        return p

    check(scenario, T([1.0]))


def test_a_scheduler_stepped_before_its_optimizer_warns_once() -> None:
    def scenario(t: Any) -> Any:
        _, o = _sgd(t)
        s = t.optim.lr_scheduler.StepLR(o, step_size=1)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            s.step()
            s.step()
        return len([w for w in caught if "optimizer.step()" in str(w.message)])

    check(scenario, 1)


# -- S8, K7, K11: collate and DataLoader as PyTorch's defaults --------------------------------------------


@pytest.mark.parametrize(
    "samples",
    [
        [1, 2.5],
        [2.5, 1],
        [True, 2],
        [2, True],
        [True, False],
        [(1, (2, 3.5)), (4, (5, 6.5))],
        [[1, 2], [3, 4]],
    ],
)
def test_default_collate_promotes_across_samples(samples: list) -> None:
    check(lambda t: t.utils.data.default_collate(samples))


def test_default_collate_keeps_namedtuples() -> None:
    from collections import namedtuple

    Pair = namedtuple("Pair", "x y")

    def scenario(t: Any) -> Any:
        batch = t.utils.data.default_collate([Pair(1, 2.0), Pair(3, 4.0)])
        return type(batch).__name__, batch.x, batch.y

    check(scenario)


def test_a_loader_without_batch_size_converts_each_sample() -> None:
    import numpy as np

    data = [(np.array([1.0, 2.0], np.float32), 3), (np.array([4.0, 5.0], np.float32), 6)]

    def scenario(t: Any) -> Any:
        loader = t.utils.data.DataLoader(data, batch_size=None)
        return len(loader), [tuple(sample) for sample in loader]

    check(scenario)


# -- S13, W4, C12: RBMs refuse what they cannot train on ---------------------------------------------------


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda rbm, np: rbm.fit(np.full((3, 4), np.nan), log=None), ValueError, "NaN or inf"),
        (lambda rbm, np: rbm.fit(np.zeros((0, 4)), log=None), ValueError, "no data"),
        (lambda rbm, np: rbm.score_samples(np.ones((2, 4)), flipped=[9, 0]), IndexError, "outside 0..3"),
        (lambda rbm, np: rbm.score_samples(np.full((1, 4), np.inf)), ValueError, "NaN or inf"),
    ],
)
def test_rbms_refuse_bad_data_without_warnings(call: Any, error: type, match: str) -> None:
    import numpy as np

    from nn.rbm import RBM

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(error, match=match):
            call(RBM(4, 2, rng=0), np)


# -- W3, K9, C12: clip_grad_norm_ as PyTorch --------------------------------------------------------------


@pytest.mark.parametrize(
    ("grads", "dtype", "norm_type"),
    [
        ([[3.0, 4.0]], "float32", 2.0),
        ([[3.0, 4.0], [1.0]], "float64", 2.0),
        ([[1e20, 1e20]], "float32", 2.0),
        ([[1.0, INF]], "float32", 2.0),
        ([[1.0, NAN]], "float32", 2.0),
        ([[3.0, -4.0], [0.0, 2.0]], "float32", 0),
        ([[3.0, -4.0]], "float32", "inf"),
        ([[3.0, -4.0], [0.5]], "float32", 1.0),
    ],
)
def test_clip_grad_norm_matches_pytorch_silently(grads: list, dtype: str, norm_type: Any) -> None:
    def scenario(t: Any) -> Any:
        params = []
        for g in grads:
            p = t.nn.Parameter(t.zeros(len(g), dtype=getattr(t, dtype)))
            p.grad = t.tensor(g, dtype=getattr(t, dtype))
            params.append(p)
        total = t.nn.utils.clip_grad_norm_(params, 1.0, norm_type=norm_type)
        return total, [p.grad for p in params]

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        check(scenario)


# -- C3: a PyTorch optimizer's state dict loads and steps on ------------------------------------------------


def test_a_pytorch_adam_state_dict_resumes_the_same_steps() -> None:
    torch = pytest.importorskip("torch")
    import chainrule

    def run(t: Any, steps: int, state: Any = None) -> Any:
        p = t.nn.Parameter(t.tensor([1.0, -2.0]))
        optimizer = t.optim.Adam([p], lr=0.1)
        if state is not None:
            with t.no_grad():
                p.copy_(t.tensor(state[0]))
            optimizer.load_state_dict(state[1])
        for _ in range(steps):
            optimizer.zero_grad()
            (p * p * t.tensor([1.0, 3.0])).sum().backward()
            optimizer.step()
        return p, optimizer

    reference, _ = run(torch, 4)
    halfway, optimizer = run(torch, 2)
    resumed, _ = run(chainrule, 2, (halfway.detach().numpy().copy(), optimizer.state_dict()))
    np_resumed, np_reference = resumed.numpy(), reference.detach().numpy()
    assert abs(np_resumed - np_reference).max() < 1e-6


def test_a_state_dict_with_options_we_lack_is_refused() -> None:
    torch = pytest.importorskip("torch")
    import chainrule

    p = torch.nn.Parameter(torch.ones(1))
    state = torch.optim.Adam([p], amsgrad=True).state_dict()
    with pytest.raises(ValueError, match="amsgrad=True"):
        chainrule.optim.Adam([chainrule.nn.Parameter(chainrule.ones(1))]).load_state_dict(state)


def test_module_lists_change_like_python_lists() -> None:
    def scenario(t: Any) -> Any:
        layers = t.nn.ModuleList([t.nn.Linear(1, 1), t.nn.ReLU(), t.nn.Tanh()])
        layers[1] = t.nn.Sigmoid()
        layers.insert(0, t.nn.Identity())
        del layers[-1]
        layers += [t.nn.ReLU()]
        joined = layers + t.nn.ModuleList([t.nn.Tanh()])
        return (
            [type(m).__name__ for m in layers],
            list(layers.state_dict()),
            len(joined),
            type(joined).__name__,
        )

    check(scenario)


# -- C12: state dicts with odd values, PyTorch's scheduler state ------------------------------------------


def test_load_state_dict_names_a_value_that_is_not_a_number() -> None:
    import numpy as np

    import chainrule

    layer = chainrule.nn.Linear(1, 1)
    with pytest.raises(ValueError, match=r"not numbers for weight \(<U1\)"):
        layer.load_state_dict({"weight": np.array([["a"]]), "bias": np.zeros(1)})


def test_a_pytorch_step_lr_state_resumes() -> None:
    torch = pytest.importorskip("torch")
    import chainrule

    def scheduler(t: Any) -> Any:
        optimizer = t.optim.SGD([t.nn.Parameter(t.ones(1))], lr=1.0)
        return optimizer, t.optim.lr_scheduler.StepLR(optimizer, step_size=2, gamma=0.5)

    theirs_optimizer, theirs = scheduler(torch)
    for _ in range(3):
        theirs_optimizer.step()
        theirs.step()
    ours_optimizer, ours = scheduler(chainrule)
    ours.load_state_dict(theirs.state_dict())
    ours_optimizer.param_groups[0]["lr"] = theirs_optimizer.param_groups[0]["lr"]
    for _ in range(3):
        theirs_optimizer.step()
        theirs.step()
        ours_optimizer.step()
        ours.step()
        assert ours.get_last_lr() == pytest.approx(theirs.get_last_lr())
