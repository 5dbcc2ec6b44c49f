"""The notes' lessons on training well (weight initialisation, batch normalisation, overfitting) tell
their story in numbers and write their pictures."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from examples import batch_norm, initialization, overfitting

GUESSING = math.log(10)  # the loss of spreading belief evenly over the 10 digits


def stds(start: str, activation: str) -> list[float]:
    return [float(values.std()) for values, _ in initialization.forward(start, activation, 5, 100, 1000, 0)]


def test_each_weight_start_does_to_the_signal_what_the_notes_show() -> None:
    for values, slopes in initialization.forward("std 1", "sigmoid", 5, 100, 1000, 0):
        assert np.mean((values < 0.1) | (values > 0.9)) > 0.5  # piled up near 0 and 1
        assert initialization.flat_share("sigmoid", slopes) > 0.5  # where the slope is almost 0
    for values, _ in initialization.forward("std 0.01", "sigmoid", 5, 100, 1000, 0):
        assert abs(values.mean() - 0.5) < 0.01 and values.std() < 0.03  # every unit says about 0.5
    xavier, small = stds("Xavier", "tanh"), stds("std 0.01", "tanh")
    assert min(xavier) > 0.25 and small[-1] < 1e-3
    last_layer = initialization.forward("Xavier", "tanh", 5, 100, 1000, 0)[-1][1]
    assert initialization.flat_share("tanh", last_layer) < 0.05  # spread, not saturated
    he, xavier_relu, big = stds("He", "ReLU"), stds("Xavier", "ReLU"), stds("std 1", "ReLU")
    assert all(0.8 < s / he[0] < 1.25 for s in he)  # He keeps ReLU's spread from layer to layer
    assert xavier_relu[-1] / xavier_relu[0] < 0.5 and big[-1] / big[0] > 100


def test_initialization_lesson_learns_only_from_the_good_starts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows, losses = initialization.main(["--out", str(tmp_path)])
    out = capsys.readouterr().out
    assert "가중치 초기값" in out and len(rows) == 12 and "not a number from step" in out
    final = {start: float(np.mean(steps[-20:])) for start, steps in losses.items()}
    assert not np.isfinite(losses["std 1"]).all()  # the signal overflows
    assert final["std 0.01"] > GUESSING - 0.01  # learned nothing
    assert final["He"] < final["Xavier"] < 2.0, final
    for name in ("initialization_histograms.png", "initialization_mnist.png"):
        assert (tmp_path / name).stat().st_size > 0


def test_batch_norm_reaches_a_lower_loss_in_the_same_steps(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    histories = batch_norm.main(["--out", str(tmp_path)])
    out = capsys.readouterr().out
    assert "배치 정규화" in out
    for start in batch_norm.STARTS:
        without = histories[f"{start}, without BatchNorm"]
        with_bn = histories[f"{start}, with BatchNorm"]
        assert with_bn.loss[-1] < without.loss[-1] - 0.05, (start, out)
    assert histories["std 0.01, without BatchNorm"].loss[-1] > GUESSING - 0.01
    assert histories["std 0.01, with BatchNorm"].val_accuracy[-1] > 0.85
    assert (tmp_path / "batch_norm.png").stat().st_size > 0


def test_weight_decay_and_dropout_narrow_the_overfitting_gap(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    gaps = overfitting.main(["--out", str(tmp_path)])
    out = capsys.readouterr().out
    assert "오버피팅" in out and "no regularisation  training 100.0%" in out
    plain = gaps["no regularisation"]
    assert plain > 0.1 and gaps["weight decay 0.02"] < plain - 0.01 and gaps["dropout 0.5"] < plain - 0.01
    assert (tmp_path / "overfitting.png").stat().st_size > 0
