"""fit / evaluate: learning on the bundled digits, history (no accuracy for regression), early stopping,
modes kept through failures, an empty loader named, and flat memory."""

from __future__ import annotations

import numpy as np
import pytest

import nn
from autograd import Tensor
from nn import functional as F
from nn import optim
from nn.data import DataLoader, load_mnist_sample, make_spiral
from nn.train import evaluate, fit
from tests.memory import growth_over


def test_fit_learns_the_sample_digits() -> None:
    (x, t), (x_test, t_test) = load_mnist_sample()
    model = nn.Sequential(nn.Linear(784, 64, rng=0), nn.ReLU(), nn.Linear(64, 10, rng=1))
    lines: list[str] = []
    history = fit(
        model, F.cross_entropy, optim.SGD(model.parameters(), lr=0.1, momentum=0.9),
        DataLoader((x, t), 64, shuffle=True, seed=0), epochs=2,
        val_loader=DataLoader((x_test, t_test), 500), log=lines.append,
    )  # fmt: skip
    assert len(history.loss) == 2 and history.loss[1] < history.loss[0]
    assert history.val_accuracy[-1] > 0.9
    assert lines[0].startswith("epoch 1/2: loss") and "validation" in lines[0]
    _, accuracy = evaluate(model, F.cross_entropy, DataLoader((x_test, t_test), 500))
    assert accuracy == history.val_accuracy[-1] and model.training


def test_early_stopping_restores_the_best_weights() -> None:
    points, labels = make_spiral(40, 3, seed=0)
    points = points.astype(np.float32)
    model = nn.Sequential(nn.Linear(2, 32, rng=0), nn.ReLU(), nn.Linear(32, 3, rng=1))
    train = DataLoader((points[:60], labels[:60]), 20, shuffle=True, seed=1)
    validation = DataLoader((points[60:], labels[60:]), 60)
    history = fit(model, F.cross_entropy, optim.SGD(model.parameters(), lr=2.0), train, epochs=60,
                  val_loader=validation, patience=3, progress=False)  # fmt: skip
    best = min(history.val_loss)
    assert history.stopped_early and len(history.loss) < 60
    assert abs(evaluate(model, F.cross_entropy, validation)[0] - best) < 1e-6


def test_memory_stays_flat_over_thousands_of_steps() -> None:
    model = nn.Sequential(
        nn.Linear(20, 32, rng=0), nn.ReLU(), nn.Dropout(0.1, rng=2), nn.Linear(32, 4, rng=1)
    )
    optimizer = optim.Adam(model.parameters())
    x = Tensor(np.random.default_rng(0).normal(size=(16, 20)).astype(np.float32))
    labels = np.arange(16) % 4

    def step() -> None:
        loss = F.cross_entropy(model(x), labels)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()

    grown = growth_over(step, warmup=100, steps=3000)
    assert grown < 256 * 1024, f"memory grew by {grown} bytes over 3000 steps"


def test_progress_bar_on_a_terminal_and_plain_lines_elsewhere(monkeypatch) -> None:
    import io
    import sys

    import pytest

    pytest.importorskip("tqdm")

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    points, labels = make_spiral(20, 3, seed=0)
    model = nn.Sequential(nn.Linear(2, 8, rng=0), nn.ReLU(), nn.Linear(8, 3, rng=1))
    lines: list[str] = []
    loader = DataLoader((points.astype(np.float32), labels), 10)
    fit(model, F.cross_entropy, optim.SGD(model.parameters(), lr=0.1), loader, epochs=1, log=lines.append)
    assert "epoch 1/1" in terminal.getvalue() and "batch" in terminal.getvalue(), "tqdm drew its bar"
    assert len(lines) == 1 and lines[0].startswith("epoch 1/1: loss")
    silent: list[str] = []
    fit(
        model,
        F.cross_entropy,
        optim.SGD(model.parameters(), lr=0.1),
        loader,
        1,
        progress=False,
        log=silent.append,
    )
    assert silent == []


def test_fit_and_evaluate_keep_modes_skip_accuracy_for_regression_and_name_an_empty_loader() -> None:
    """Reliability review S12, S13, C1, C3."""
    rng = np.random.default_rng(0)
    x = rng.random((8, 2)).astype(np.float32)
    regression = nn.Linear(2, 1, rng=0)
    loader = DataLoader((x, x[:, :1] * 100), 4)
    history = fit(
        regression, F.mse_loss, optim.SGD(regression.parameters()), loader, epochs=1, progress=False
    )
    assert history.accuracy == [] and len(history.loss) == 1
    one_hot = np.eye(3, dtype=np.float32)[rng.integers(0, 3, 8)]
    classifier = nn.Sequential(nn.Linear(2, 3, rng=0), nn.BatchNorm1d(3))
    classifier[1].eval()  # deliberately frozen
    sgd = optim.SGD(classifier.parameters())
    history = fit(classifier, F.cross_entropy, sgd, DataLoader((x, one_hot), 4), epochs=1, progress=False)
    assert len(history.accuracy) == 1
    classifier[1].eval()
    evaluate(classifier, F.cross_entropy, DataLoader((x, one_hot), 4))
    assert classifier.training and not classifier[1].training

    def broken(outputs: Tensor, labels: object) -> Tensor:
        raise RuntimeError("bad loss")

    with pytest.raises(RuntimeError, match="bad loss"):
        evaluate(classifier, broken, DataLoader((x, one_hot), 4))
    assert classifier.training and not classifier[1].training
    with pytest.raises(ValueError, match="fit, epoch 1: the loader yielded no samples"):
        fit(classifier, F.cross_entropy, optim.SGD(classifier.parameters()),
            DataLoader((x, one_hot), 16, drop_last=True), epochs=1, progress=False)  # fmt: skip
