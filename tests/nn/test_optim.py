"""Optimizers (nn/optim): the published update rules written out step by step, argument checks, frozen
and non-leaf parameters, lr 0, bias correction per parameter, and silence when a run diverges."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import nn
from autograd import Tensor
from nn import optim
from tests.twin import T, check


def gradient(p: np.ndarray) -> np.ndarray:
    """Of the notes' f(x, y) = x²/20 + y²."""
    return np.array([p[0] / 10, 2 * p[1]])


def run(optimizer_class, steps: int = 5, **options) -> np.ndarray:
    p = Tensor(np.array([-7.0, 2.0]), requires_grad=True)
    optimizer = optimizer_class([p], **options)
    trajectory = []
    for _ in range(steps):
        optimizer.zero_grad()
        p.grad = gradient(p.numpy())
        optimizer.step()
        trajectory.append(p.numpy().copy())
    return np.array(trajectory)


def reference(update, steps: int = 5) -> np.ndarray:
    p, state, trajectory = np.array([-7.0, 2.0]), {}, []
    for t in range(1, steps + 1):
        p = update(p, gradient(p), state, t)
        trajectory.append(p.copy())
    return np.array(trajectory)


def sgd_momentum(lr, mu, nesterov=False, wd=0.0):
    def update(p, g, s, t):
        g = g + wd * p
        s["b"] = g if t == 1 else mu * s["b"] + g
        return p - lr * (g + mu * s["b"] if nesterov else s["b"])

    return update


def adagrad(lr, eps=1e-10):
    def update(p, g, s, t):
        s["h"] = s.get("h", 0) + g * g
        return p - lr * g / (np.sqrt(s["h"]) + eps)

    return update


def rmsprop(lr, alpha=0.99, eps=1e-8):
    def update(p, g, s, t):
        s["v"] = alpha * s.get("v", 0) + (1 - alpha) * g * g
        return p - lr * g / (np.sqrt(s["v"]) + eps)

    return update


def adadelta(lr=1.0, rho=0.9, eps=1e-6):
    def update(p, g, s, t):
        s["v"] = rho * s.get("v", 0) + (1 - rho) * g * g
        delta = np.sqrt(s.get("u", 0) + eps) / np.sqrt(s["v"] + eps) * g
        s["u"] = rho * s.get("u", 0) + (1 - rho) * delta * delta
        return p - lr * delta

    return update


def adam(lr, b1=0.9, b2=0.999, eps=1e-8, wd=0.0, decoupled=False):
    def update(p, g, s, t):
        if decoupled:
            p = p - lr * wd * p
        else:
            g = g + wd * p
        s["m"] = b1 * s.get("m", 0) + (1 - b1) * g
        s["v"] = b2 * s.get("v", 0) + (1 - b2) * g * g
        m_hat, v_hat = s["m"] / (1 - b1**t), s["v"] / (1 - b2**t)
        return p - lr * m_hat / (np.sqrt(v_hat) + eps)

    return update


CASES = {
    "sgd": (optim.SGD, {"lr": 0.9}, sgd_momentum(0.9, 0.0)),
    "momentum": (optim.SGD, {"lr": 0.1, "momentum": 0.9}, sgd_momentum(0.1, 0.9)),
    "nesterov": (optim.SGD, {"lr": 0.1, "momentum": 0.9, "nesterov": True}, sgd_momentum(0.1, 0.9, True)),
    "weight_decay": (
        optim.SGD,
        {"lr": 0.1, "momentum": 0.5, "weight_decay": 0.1},
        sgd_momentum(0.1, 0.5, wd=0.1),
    ),
    "adagrad": (optim.AdaGrad, {"lr": 1.5}, adagrad(1.5)),
    "rmsprop": (optim.RMSprop, {"lr": 0.1}, rmsprop(0.1)),
    "adadelta": (optim.AdaDelta, {}, adadelta()),
    "adam": (optim.Adam, {"lr": 0.3}, adam(0.3)),
    "adam_l2": (optim.Adam, {"lr": 0.3, "weight_decay": 0.1}, adam(0.3, wd=0.1)),
    "adamw": (optim.AdamW, {"lr": 0.3, "weight_decay": 0.1}, adam(0.3, wd=0.1, decoupled=True)),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_update_rule_matches_the_published_formula(name: str) -> None:
    optimizer_class, options, update = CASES[name]
    np.testing.assert_allclose(run(optimizer_class, **options), reference(update), rtol=1e-12)


@pytest.mark.parametrize("name", ["momentum", "nesterov", "adagrad", "rmsprop", "adam"])
def test_optimizers_minimise_the_notes_function(name: str) -> None:
    optimizer_class, options, _ = CASES[name]
    final = run(optimizer_class, steps=300, **options)[-1]
    assert np.abs(final).max() < 0.5, final


def test_parameters_without_grad_are_left_alone_and_bad_arguments_are_named() -> None:
    p, q = Tensor([1.0], requires_grad=True), Tensor([2.0], requires_grad=True)
    optimizer = optim.SGD([p, q], lr=0.5)
    p.grad = np.array([1.0])
    optimizer.step()
    assert (p.numpy()[0], q.numpy()[0]) == (0.5, 2.0)
    with pytest.raises(ValueError, match="lr must be >= 0, got -1"):
        optim.Adam([p], lr=-1)
    with pytest.raises(ValueError, match=r"momentum must be in \[0, 1\)"):
        optim.SGD([p], momentum=1.5)
    with pytest.raises(ValueError, match="nesterov=True needs momentum > 0"):
        optim.SGD([p], nesterov=True)
    with pytest.raises(ValueError, match="empty parameter list"):
        optim.SGD([])
    with pytest.raises(TypeError, match="parameter 0 is a list, not a Tensor"):
        optim.SGD([[1.0]])


def test_step_decay_schedule() -> None:
    optimizer = optim.SGD([Tensor([1.0], requires_grad=True)], lr=1.0)
    schedule = optim.StepLR(optimizer, step_size=2, gamma=0.5)
    lrs = []
    for _ in range(5):
        optimizer.step()
        schedule.step()
        lrs.append(schedule.get_last_lr()[0])
    assert lrs == [1.0, 0.5, 0.5, 0.25, 0.25] and optimizer.lr == 0.25


def test_float32_parameters_stay_float32() -> None:
    p = Tensor(np.ones(3, np.float32), requires_grad=True)
    for optimizer in (optim.Adam([p]), optim.SGD([p], momentum=0.9), optim.RMSprop([p]), optim.AdaDelta([p])):
        p.grad = np.ones(3, np.float32)
        optimizer.step()
        assert p.numpy().dtype == np.float32


def test_step_after_a_create_graph_backward_reads_the_gradient_nodes() -> None:
    weight = Tensor(np.array([1.0, 2.0]), requires_grad=True)
    (weight**2).sum().backward(create_graph=True)
    optim.SGD([weight], lr=0.1).step()
    assert weight.numpy().tolist() == pytest.approx([0.8, 1.6])


def test_a_backward_through_weights_a_step_changed_names_the_step() -> None:
    """The version error after optimizer.step() says which optimizer changed the value the graph saved."""
    w = Tensor(np.ones(3, np.float32), requires_grad=True)
    loss = (w * w).sum()
    optimizer = optim.Adam([w], lr=0.1)
    loss.backward()
    optimizer.step()
    with pytest.raises(
        RuntimeError, match=r"is at version 1; expected version 0 instead\. It was changed by Adam\.step\(\)"
    ):
        loss.backward()


def test_adam_corrects_bias_per_parameter() -> None:
    """Reliability review S5."""
    a, b = nn.Parameter([1.0]), nn.Parameter([1.0])
    adam = optim.Adam([a, b], lr=0.1)
    a.grad = np.ones(1, np.float32)
    adam.step()
    adam.step()
    b.grad = np.ones(1, np.float32)
    adam.step()
    assert b.data[0] == pytest.approx(0.9)  # PyTorch: b's first step is corrected as step 1


def test_optimizer_and_scheduler_arguments_are_checked() -> None:
    """Reliability review S18."""
    p = nn.Parameter([1.0])
    with pytest.raises(ValueError, match="listed twice"):
        optim.SGD([p, p], lr=0.1)
    for bad in (float("nan"), float("inf")):
        with pytest.raises(ValueError, match="lr must be finite"):
            optim.SGD([p], lr=bad)
    with pytest.raises(ValueError, match="eps must be > 0"):
        optim.Adam([p], eps=-1)
    with pytest.raises(ValueError, match="weight_decay must be finite"):
        optim.SGD([p], weight_decay=float("nan"))
    with pytest.raises(TypeError, match="lr must be a number, got str"):
        optim.SGD([p], lr="0.1")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="betas must be a pair"):
        optim.Adam([p], betas=(0.9,))  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="gamma must be > 0"):
        optim.StepLR(optim.SGD([p], lr=0.1), 1, gamma=-1)


def test_a_diverging_run_warns_nothing() -> None:
    """Reliability review N11."""
    import warnings

    p = nn.Parameter(np.array([3e38], np.float32))
    p.grad = np.array([3e38], np.float32)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        optim.SGD([p], lr=10.0).step()
        optim.Adam([p], lr=1.0).step()
    assert not np.isfinite(p.data).all()


# -- Second reliability review, S17, S18, C2, K8, K11: optimizers as PyTorch's -------------------------------


def _twin_sgd(t: Any, lr: float = 1.0) -> Any:
    p = t.nn.Parameter(t.ones(1))
    return p, t.optim.SGD([p], lr=lr)


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
        p, o = _twin_sgd(t, lr=0.0)
        (p * 3).sum().backward()
        o.step()
        return p

    check(scenario, T([1.0]))
