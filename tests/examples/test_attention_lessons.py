"""The attention lessons: attention by hand equals the engine's, its gradients are right, and the scalar
GPT learns names and draws its attention step."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from autograd import Value
from examples import attention, microgpt
from tests.examples.test_examples import picture


def test_attention_by_hand_equals_the_engine_and_masks_the_future(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    result = attention.main(["--out", str(tmp_path)])
    out = capsys.readouterr().out
    np.testing.assert_allclose(result["output"], result["engine"], rtol=0, atol=1e-6)
    weights = result["weights"]
    assert (weights[np.triu_indices(len(attention.TOKENS), 1)] == 0.0).all()  # exactly, not nearly
    np.testing.assert_allclose(weights.sum(axis=1), 1.0, rtol=0, atol=1e-12)
    assert "어텐션" in out and "score[sat][cat] = (0.5·0 + 1.5·2) / √2 = 2.1213" in out
    assert "out[sat] = 0.1026·[1, 0] + 0.6010·[0, 1] + 0.2964·[2, 2] = [0.6953, 1.1937]" in out
    assert "differ from the one node's by at most 0.0e+00" in out
    assert picture(tmp_path, "attention_head") and (tmp_path / "attention_weights.png").stat().st_size > 0


def test_the_gradient_picture_shows_finite_differences_and_nothing_reaches_the_future(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    result = attention.main(["--out", str(tmp_path)])
    capsys.readouterr()

    def signal(keys: np.ndarray, values: np.ndarray) -> float:
        return float(attention.by_hand(attention.QUERIES, keys, values)["output"][attention.ASKING].sum())

    step = 1e-6
    for name, index in (("grad_key", 1), ("grad_value", 2)):
        numeric = np.zeros((len(attention.TOKENS), 2))
        for position in np.ndindex(numeric.shape):
            nudged = [attention.KEYS.copy(), attention.VALUES.copy()]
            nudged[index - 1][position] += step
            up = signal(*nudged)
            nudged[index - 1][position] -= 2 * step
            numeric[position] = (up - signal(*nudged)) / (2 * step)
        np.testing.assert_allclose(result[name], numeric, rtol=0, atol=1e-8, err_msg=name)
        assert (result[name][attention.ASKING + 1 :] == 0.0).all()  # the later token: exactly nothing
    # d sum(out_i) / d v_j is the weight of key j, in every component
    expected = np.repeat(result["weights"][attention.ASKING][:, None], 2, axis=1)
    np.testing.assert_allclose(result["grad_value"], expected, rtol=0, atol=1e-12)


def test_microgpt_learns_names_beyond_letter_pairs_and_makes_up_names_from_its_letters(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    losses, made_up = microgpt.main(["--out", str(tmp_path)])
    out = capsys.readouterr().out
    assert losses["before"] > losses["guessing"] - 0.05  # an untrained model guesses about evenly
    assert losses["after"] < losses["before"] - 0.8, out
    assert losses["after"] < losses["letter pairs"] - 0.1, out  # it uses more than the previous letter
    letters = set("".join(microgpt.NAMES.read_text().split()))
    assert len(made_up) == 10 and sum(map(bool, made_up)) >= 8, made_up
    assert all(set(name) <= letters and len(name) <= 8 for name in made_up), made_up
    assert "어텐션" in out and "held-out loss after training" in out
    assert picture(tmp_path, "microgpt_attention_step")


def test_microgpt_attention_step_is_a_weighted_mean_with_the_softmax_gradient() -> None:
    query = [Value(0.3), Value(-1.2)]
    keys = [[Value(a), Value(b)] for a, b in ((1.0, 0.5), (-0.5, 2.0), (0.0, -1.0))]
    values = [[Value(v)] for v in (2.0, -1.0, 0.5)]
    (output,) = microgpt.attend(query, keys, values)
    output.backward()
    q, k, v = (
        np.array([0.3, -1.2]),
        np.array([[1.0, 0.5], [-0.5, 2.0], [0.0, -1.0]]),
        np.array([2.0, -1.0, 0.5]),
    )
    scores = k @ q / np.sqrt(2)
    weights = np.exp(scores) / np.exp(scores).sum()
    assert output.data == pytest.approx(weights @ v, abs=1e-12)
    assert [value.grad for (value,) in values] == pytest.approx(list(weights), abs=1e-12)
    # d output / d score j = w_j (v_j - output), and the query receives Σ_j of that times k_j / √d
    grad_query = (weights * (v - weights @ v)) @ k / np.sqrt(2)
    assert [x.grad for x in query] == pytest.approx(list(grad_query), abs=1e-12)
