"""Every lesson runs, prints the notes' numbers and writes its picture."""

from __future__ import annotations

import importlib
from pathlib import Path

import numpy as np
import pytest

import viz


def run(name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], *args: str) -> str:
    importlib.import_module(f"examples.{name}").main(["--out", str(tmp_path), *args])
    return capsys.readouterr().out


def picture(tmp_path: Path, stem: str) -> bool:
    suffix = ".png" if viz.dot_available() else ".dot"
    return (tmp_path / f"{stem}{suffix}").stat().st_size > 0


def test_gates(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = run("gates", tmp_path, capsys)
    assert "XOR  did NOT converge" in out and "AND  converged" in out and "퍼셉트론" in out
    assert " 1  1 | 0" in out


def test_apple(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = run("apple", tmp_path, capsys)
    expected = [
        ("price = 220", "d apple        = 2.2", "d apple count  = 110", "d tax          = 200"),
        ("price = 715", "d orange       = 3.3", "d orange count = 165", "d tax          = 650"),
    ]
    for line in (line for group in expected for line in group):
        assert line in out
    assert picture(tmp_path, "apple") and picture(tmp_path, "apple_orange")


def test_chain_rule(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = run("chain_rule", tmp_path, capsys, "--x", "3", "--y", "1")
    assert "so dz/dx = dz/dy = 8" in out and "dz/dx = 8, dz/dy = 8" in out and "연쇄법칙" in out
    assert picture(tmp_path, "chain_rule")


def test_numerical_gradient_agrees_with_backpropagation(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    differences = importlib.import_module("examples.numerical_gradient").main(["--out", str(tmp_path)])
    out = capsys.readouterr().out
    assert set(differences) == {"0.weight", "0.bias", "2.weight", "2.bias"}
    assert max(differences.values()) < 1e-8 and "수치 미분" in out and "15920 forward passes" in out
    assert (tmp_path / "numerical_gradient.png").stat().st_size > 0


def test_xor(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = run("xor", tmp_path, capsys)
    assert "4/4 correct" in out and picture(tmp_path, "xor_mlp")


def test_moons_reaches_full_training_accuracy(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = run("moons", tmp_path, capsys)
    assert "training accuracy: 100%" in out
    assert (tmp_path / "moons.png").stat().st_size > 0


def test_activations_show_vanishing_gradients(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from examples.activations import gradient_norms

    out = run("activations", tmp_path, capsys)
    assert "활성화 함수" in out and "softmax([1010, 1000, 990]) = [0.999955, 0.000045, 0.000000]" in out
    sigmoid, relu = gradient_norms("sigmoid", 10, 100, 0), gradient_norms("relu", 10, 100, 0)
    assert sigmoid[0] / sigmoid[-1] < 1e-4 < relu[0] / relu[-1]
    assert (tmp_path / "activations.png").stat().st_size > 0
    assert (tmp_path / "vanishing_gradients.png").stat().st_size > 0


def test_optimizers_on_the_surface_and_on_mnist(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = run("optimizers", tmp_path, capsys, "--iterations", "60")
    assert "최적화" in out and "RMSprop (lr 0.3)" in out and "AdaDelta  loss" in out
    assert (tmp_path / "optimizer_paths.png").stat().st_size > 0


def test_mnist_mlp_defaults_reach_95_percent_on_the_bundled_sample(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from examples.mnist_mlp import main

    history, accuracy = main(["--sample", "--out", str(tmp_path)])
    out = capsys.readouterr().out
    assert accuracy >= 0.95, out
    assert len(history.loss) == 20 and history.loss[-1] < history.loss[0]
    assert (tmp_path / "mnist_mlp.npz").stat().st_size > 0 and (tmp_path / "mnist_mlp_curves.png").exists()
    import nn
    from examples.mnist_mlp import accuracy as measure
    from examples.mnist_mlp import build_model
    from nn.data import load_mnist_sample

    restored = build_model([512, 256], 0.2, seed=99).load(tmp_path / "mnist_mlp.npz")
    _, (x_test, t_test) = load_mnist_sample()
    assert isinstance(restored, nn.Module) and measure(restored, x_test, t_test) == accuracy


def test_mnist_mlp_reads_an_idx_folder_or_falls_back_to_the_sample(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from examples.mnist_mlp import main
    from nn.data import mnist as mnist_module
    from tests.nn.test_data import make_mnist_folder

    make_mnist_folder(tmp_path / "idx", n_train=40, n_test=10)
    main(["--data", str(tmp_path / "idx"), "--kind", "fashion", "--epochs", "1", "--out", str(tmp_path)])
    assert "fashion from" in capsys.readouterr().out

    def offline(*args: object, **kwargs: object) -> None:
        raise OSError("network is unreachable")

    monkeypatch.setenv("CHAINRULE_DATA", str(tmp_path / "empty-cache"))
    monkeypatch.setattr(mnist_module.urllib.request, "urlopen", offline)
    main(["--epochs", "1", "--hidden", "16", "--out", str(tmp_path)])
    out = capsys.readouterr().out
    assert "The full MNIST is not available" in out and "Using the bundled sample" in out


def test_newton_follows_the_issue_iterates(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = run("newton", tmp_path, capsys)
    iterates = "2.0 -> 1.4545454545454546 -> 1.1510467893775467 -> 1.0253259289766978 -> 1.0009084519430513"
    assert iterates in out and out.count("->") == 7 and "-> 1.0\n" in out
    assert "Newton's method:  7 steps to x = 1.0" in out and "gradient descent: 138 steps" in out
    assert "f'(x) = 24, f''(x) = 44" in out and "오차역전파" in out
    assert (tmp_path / "newton.png").stat().st_size > 0


def test_higher_order_matches_the_taylor_series(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from examples.higher_order import AT_ZERO, tanh_derivatives

    out = run("higher_order", tmp_path, capsys)
    values = [float(v[0]) for v in tanh_derivatives(np.zeros(1), 6)]
    assert values == pytest.approx(list(AT_ZERO), abs=1e-12)
    sizes = [int(n) for n in out.split("x = 0.5: ")[1].split("\n")[0].split(", ")]
    assert len(sizes) == 6 and sizes == sorted(sizes)
    assert picture(tmp_path, "tanh_second_derivative") and picture(tmp_path, "tanh_third_derivative")
    assert (tmp_path / "tanh_derivatives.png").stat().st_size > 0


def test_anomaly_lesson_finds_where_the_nan_is_born(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = run("anomaly", tmp_path, capsys)
    assert "without anomaly mode, losses: 2.324, nan" in out
    assert "with anomaly mode: FloatingPointError: anomaly in the forward pass: 'linear' produced NaN" in out
    assert "'log' produced -Inf" in out and "anomaly.py:" in out


def test_mnist_cnn_lenet_reaches_98_percent_on_the_bundled_sample(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from examples import mnist_cnn

    history, accuracy = mnist_cnn.main(["--out", str(tmp_path)])
    out = capsys.readouterr().out
    assert accuracy >= 0.98, out
    assert "7200 training images, 800 for validation, 2000 for the test" in out  # the curve is not the test
    assert len(history.val_accuracy) == 20 and history.val_accuracy[-1] != accuracy
    assert "parameters: 61,706 here against 535,818 in the MLP lesson's" in out
    names = [
        "mnist_cnn_lenet.npz",
        "mnist_cnn_lenet_filters.png",
        "mnist_cnn_lenet_maps0.png",
        "mnist_cnn_lenet_maps3.png",
    ]
    assert all((tmp_path / name).stat().st_size > 0 for name in names)


def test_convolution_lesson_by_hand_edges_and_receptive_field(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = run("convolution", tmp_path, capsys)
    assert (
        "out[0][1] = 2·1 + 0·-1 + 1·2 + 3·0 = 4" in out
        and "F.conv2d gives [[-1.0, 4.0], [3.0, 0.0]]: the same" in out
    )
    assert "depends on a 14×14 patch of the input" in out
    assert (tmp_path / "convolution_receptive_field.png").stat().st_size > 0


def test_sine_rnn_predicts_a_cosine_it_never_saw(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from examples import sine_rnn

    errors = sine_rnn.main(["--out", str(tmp_path)])
    out = capsys.readouterr().out
    assert errors["RNN"] < 0.01 and errors["LSTM"] < 0.01, out
    assert "the state carried across windows with detach()" in out
    assert (tmp_path / "sine_rnn.png").stat().st_size > 0


def test_vanishing_time_the_lstm_learns_the_adding_problem_and_the_rnn_does_not(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from examples import vanishing_time

    errors = vanishing_time.main(["--out", str(tmp_path)])
    out = capsys.readouterr().out
    assert errors["LSTM"] < 0.05 and errors["RNN"] > 0.1, out
    assert "RNN: |d loss / d input(t)| at the first step is" in out and "LSTM: test MSE" in out
    assert all(
        (tmp_path / f"vanishing_time_{name}.png").stat().st_size > 0 for name in ("gradients", "adding")
    )


def test_addition_rnn_adds_problems_it_never_saw(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from examples import addition_rnn

    assert addition_rnn.answer(502, 3) == "2050" and addition_rnn.question(37, 465, 3) == " 37+465="
    accuracy = addition_rnn.main(["--out", str(tmp_path)])
    out = capsys.readouterr().out
    assert accuracy >= 0.95, out
    assert "(right)" in out and "test problems answered right" in out
    assert (tmp_path / "addition_rnn_2digits.npz").stat().st_size > 0


def test_rbm_lesson_learns_and_draws(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from examples import rbm

    error = rbm.main(["--out", str(tmp_path), "--epochs", "3"])
    out = capsys.readouterr().out
    assert error < 0.03, out
    assert "epoch 3/3: reconstruction error" in out and "pseudo-likelihood" in out
    names = ("rbm_filters.png", "rbm_reconstructions.png", "rbm_gibbs_chain.png")
    assert all((tmp_path / name).stat().st_size > 0 for name in names)


def test_dbn_lesson_reports_pretrained_against_random(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from examples import dbn

    results = dbn.main(["--out", str(tmp_path)])
    out = capsys.readouterr().out
    assert results["pretrained, 8000 labels"] > 0.85 and results["pretrained, 300 labels"] > 0.6, out
    assert "step 2: RBM 256-128 on RBM 1's hidden probabilities (frozen)" in out
    assert "The notes claim pretraining" in out


def test_vanishing_time_draws_an_unrolled_rnn_whose_gradient_shrinks_step_by_step(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from examples.vanishing_time import unrolled

    first, second, third = unrolled(tmp_path, 0)
    assert 0 < first < second < third < 1  # d h3 / d x_t: smaller with every step back
    assert (
        picture(tmp_path, "vanishing_time_unrolled") and "vanishing_time_unrolled" in capsys.readouterr().out
    )
