"""The attention lessons: attention by hand equals the engine's, its gradients are right, and the scalar
GPT learns names and draws its attention step."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from examples import attention
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
