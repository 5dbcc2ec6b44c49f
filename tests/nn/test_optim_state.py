"""Parameter groups, optimizer and scheduler state dicts (training resumes exactly, from PyTorch's too), and
the schedules against their closed forms and PyTorch's rules (chaining, plateaus, warnings)."""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np
import pytest

import chainrule as torch
import nn
from nn import optim
from nn.optim import lr_scheduler
from tests.twin import check


def _model() -> nn.Module:
    torch.manual_seed(3)
    return nn.Sequential(nn.Linear(4, 8), nn.Tanh(), nn.Linear(8, 1))


def _train(model: nn.Module, optimizer: optim.Optimizer, steps: range) -> None:
    data = np.random.default_rng(0).normal(size=(16, 4)).astype(np.float32)
    for step in steps:
        x = torch.tensor(data * (1 + step % 3))
        optimizer.zero_grad()
        (model(x) ** 2).mean().backward()
        optimizer.step()


@pytest.mark.parametrize(
    "make",
    [
        lambda p: optim.Adam(p, lr=0.01),
        lambda p: optim.SGD(p, lr=0.05, momentum=0.9, nesterov=True),
        lambda p: optim.RMSprop(p, lr=0.01),
        lambda p: optim.Adagrad(p, lr=0.1),
        lambda p: optim.Adadelta(p),
        lambda p: optim.AdamW(p, lr=0.01),
    ],
)
def test_training_resumes_exactly_from_saved_state(make, tmp_path) -> None:
    straight = _model()
    optimizer = make(straight.parameters())
    _train(straight, optimizer, range(10))

    first = _model()
    first_optimizer = make(first.parameters())
    _train(first, first_optimizer, range(5))
    torch.save({"model": first.state_dict(), "optimizer": first_optimizer.state_dict()}, tmp_path / "ckpt.pt")
    _train(first, first_optimizer, range(5, 7))  # what happens after the checkpoint must not leak into it

    checkpoint = torch.load(tmp_path / "ckpt.pt")
    resumed = _model()
    resumed_optimizer = make(resumed.parameters())
    resumed.load_state_dict(checkpoint["model"])
    resumed_optimizer.load_state_dict(checkpoint["optimizer"])
    _train(resumed, resumed_optimizer, range(5, 10))
    for a, b in zip(straight.parameters(), resumed.parameters()):
        np.testing.assert_array_equal(a.numpy(), b.numpy())


def test_parameter_groups_have_their_own_options() -> None:
    model = _model()
    optimizer = optim.SGD(
        [{"params": model[0].parameters()}, {"params": model[2].parameters(), "lr": 0.0001}],
        lr=0.1,
        momentum=0.9,
    )
    assert [g["lr"] for g in optimizer.param_groups] == [0.1, 0.0001]
    assert optimizer.param_groups[1]["momentum"] == 0.9
    before = [p.numpy().copy() for p in model.parameters()]
    _train(model, optimizer, range(1))
    moved = [np.abs(p.numpy() - b).max() for p, b in zip(model.parameters(), before)]
    assert min(moved[:2]) > 100 * max(moved[2:]) > 0
    with pytest.raises(TypeError, match="unknown option"):
        optim.SGD([{"params": model[0].parameters(), "learning_rate": 0.1}])
    with pytest.raises(ValueError, match="listed twice"):
        optim.SGD([{"params": model[0].parameters()}, {"params": model[0].parameters()}])
    other = optim.SGD(model.parameters(), lr=0.1)
    with pytest.raises(ValueError, match=r"groups of \[2, 2\] parameters, this one \[4\]"):
        other.load_state_dict(optimizer.state_dict())


def test_step_with_a_closure_returns_its_loss() -> None:
    w = nn.Parameter(torch.tensor([2.0]))
    optimizer = optim.SGD([w], lr=0.25)

    def closure():
        optimizer.zero_grad()
        loss = (w * w).sum()
        loss.backward()
        return loss

    assert float(optimizer.step(closure)) == 4.0 and w.tolist() == [1.0]


def _lrs(scheduler, optimizer, epochs: int) -> list[float]:
    out = []
    for _ in range(epochs):
        out.append(optimizer.param_groups[0]["lr"])
        optimizer.step()
        scheduler.step()
    return out


def _sgd(lr: float = 1.0) -> optim.SGD:
    return optim.SGD([nn.Parameter(torch.zeros(1))], lr=lr)


def test_schedules_follow_their_formulas() -> None:
    sgd = _sgd()
    assert _lrs(lr_scheduler.StepLR(sgd, step_size=3, gamma=0.5), sgd, 7) == [1, 1, 1, 0.5, 0.5, 0.5, 0.25]
    sgd = _sgd()
    got = _lrs(lr_scheduler.ExponentialLR(sgd, gamma=0.9), sgd, 5)
    np.testing.assert_allclose(got, [0.9**e for e in range(5)])
    sgd = _sgd()
    got = _lrs(lr_scheduler.CosineAnnealingLR(sgd, T_max=10, eta_min=0.1), sgd, 25)
    expected = [0.1 + 0.9 * (1 + math.cos(math.pi * e / 10)) / 2 for e in range(25)]
    np.testing.assert_allclose(got, expected, atol=1e-12)


def test_reduce_on_plateau_waits_for_patience() -> None:
    sgd = _sgd()
    plateau = lr_scheduler.ReduceLROnPlateau(sgd, factor=0.5, patience=2)
    lrs = []
    for loss in [1.0, 0.9, 0.9, 0.9, 0.9, 0.8, 0.8, 0.8, 0.8]:
        plateau.step(loss)
        lrs.append(sgd.param_groups[0]["lr"])
    assert lrs == [1.0, 1.0, 1.0, 1.0, 0.5, 0.5, 0.5, 0.5, 0.25]
    accuracy = lr_scheduler.ReduceLROnPlateau(_sgd(), mode="max", patience=0)
    accuracy.step(0.5)
    accuracy.step(0.6)
    accuracy.step(0.6)
    assert accuracy.get_last_lr() == [0.1]


def test_scheduler_state_resumes(tmp_path) -> None:
    sgd = _sgd()
    schedule = lr_scheduler.CosineAnnealingLR(sgd, T_max=8)
    _lrs(schedule, sgd, 3)
    torch.save({"optimizer": sgd.state_dict(), "scheduler": schedule.state_dict()}, tmp_path / "s.pt")
    rest = _lrs(schedule, sgd, 4)
    saved = torch.load(tmp_path / "s.pt")
    again = _sgd()
    again.load_state_dict(saved["optimizer"])
    resumed = lr_scheduler.CosineAnnealingLR(again, T_max=8)
    resumed.load_state_dict(saved["scheduler"])
    assert _lrs(resumed, again, 4) == rest
    plateau = lr_scheduler.ReduceLROnPlateau(_sgd())
    plateau.step(1.0)
    torch.save(plateau.state_dict(), tmp_path / "p.pt")
    assert torch.load(tmp_path / "p.pt")["best"] == 1.0


def test_step_lr_is_chainable() -> None:
    """Reliability review S22."""
    p = nn.Parameter([1.0])
    sgd = optim.SGD([p], lr=0.2)
    first, second = optim.StepLR(sgd, 1, gamma=0.5), optim.StepLR(sgd, 1, gamma=0.5)
    sgd.step()  # (no gradient: nothing moves) the order PyTorch asks for, or the schedulers warn
    first.step()
    second.step()
    assert sgd.lr == pytest.approx(0.05)
    sgd.lr = 1.0
    first.step()
    assert sgd.lr == pytest.approx(0.5)


# -- Second reliability review, S17, S18, C2, K8, K11: schedulers as PyTorch's -------------------------------


def _twin_sgd(t: Any, lr: float = 1.0) -> Any:
    p = t.nn.Parameter(t.ones(1))
    return p, t.optim.SGD([p], lr=lr)


@pytest.mark.parametrize("mode", ["min", "max"])
@pytest.mark.parametrize("threshold_mode", ["rel", "abs"])
@pytest.mark.parametrize("metrics", [(-10.0, -10.5, -10.9, -11.0, -11.05), (10.0, 10.5, 10.9, 11.0, 11.05)])
def test_reduce_lr_on_plateau_improves_by_pytorch_rule(
    mode: str, threshold_mode: str, metrics: tuple
) -> None:
    def scenario(t: Any) -> Any:
        _, o = _twin_sgd(t)
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

    _, o = _twin_sgd(chainrule, lr=1e300)
    s = chainrule.optim.lr_scheduler.ExponentialLR(o, gamma=1e10)
    o.step()
    with pytest.raises(ValueError, match="lr"):
        s.step()
    assert o.param_groups[0]["lr"] == 1e300


def test_a_scheduler_stepped_before_its_optimizer_warns_once() -> None:
    def scenario(t: Any) -> Any:
        _, o = _twin_sgd(t)
        s = t.optim.lr_scheduler.StepLR(o, step_size=1)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            s.step()
            s.step()
        return len([w for w in caught if "optimizer.step()" in str(w.message)])

    check(scenario, 1)


# -- Second reliability review, C3, C12: a PyTorch optimizer's or scheduler's state dict loads and steps on --


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
