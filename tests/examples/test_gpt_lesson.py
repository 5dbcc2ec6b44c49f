"""The GPT lesson: a quick run learns well below guessing, samples only the corpus's characters, saves
weights that reload to the same logits, and draws its pictures; its corpus is what its grammar writes."""

from __future__ import annotations

import contextlib
import importlib.util
import io
import math
from pathlib import Path

import numpy as np
import pytest

import chainrule as torch
from examples import gpt
from nn import functional as F

QUICK = ["--context", "32", "--steps", "200", "--eval-every", "100", "--eval-windows", "32"]


@pytest.fixture(scope="module")
def quick(tmp_path_factory: pytest.TempPathFactory) -> tuple[gpt.Run, Path, str]:
    out = tmp_path_factory.mktemp("gpt")
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        run = gpt.main(["--out", str(out), *QUICK, "--sample-length", "80"])
    return run, out, printed.getvalue()


def test_a_quick_run_learns_well_below_guessing_and_samples_corpus_characters(
    quick: tuple[gpt.Run, Path, str],
) -> None:
    run, _, printed = quick
    guessing = math.log(len(run.alphabet))
    assert run.steps == [0, 100, 200] and len(run.validation) == len(run.train) == 3
    assert abs(run.validation[0] - guessing) < 0.05  # untrained, it guesses about evenly: ln 56 = 4.03
    assert run.validation[-1] < guessing - 1.5, printed  # 200 steps reach about 2.0
    assert run.train[-1] < guessing - 1.5
    assert run.sample.startswith("The ") and len(run.sample) == len("The ") + 80
    assert set(run.sample) <= set(gpt.CORPUS.read_text()) == set(run.alphabet)
    assert "트랜스포머" in printed and "validation loss" in printed


def test_the_saved_weights_reload_into_a_fresh_model_with_the_same_logits(
    quick: tuple[gpt.Run, Path, str],
) -> None:
    run, out, _ = quick
    fresh = gpt.GPT(len(run.alphabet), layers=2, width=64, heads=4, context=32)
    fresh.load(out / "gpt.npz")
    assert fresh.head.weight is fresh.tokens.weight  # still tied after loading
    codes = torch.tensor(np.arange(64).reshape(2, 32) % len(run.alphabet))
    with torch.no_grad():
        np.testing.assert_array_equal(fresh(codes).numpy(), run.model(codes).numpy())


@pytest.mark.skipif(not importlib.util.find_spec("matplotlib"), reason="the pictures need matplotlib")
def test_the_loss_curve_and_the_attention_picture_are_written(quick: tuple[gpt.Run, Path, str]) -> None:
    _, out, _ = quick
    assert (out / "gpt_loss.png").stat().st_size > 0 and (out / "gpt_attention.png").stat().st_size > 0


def test_the_drawn_weights_are_the_ones_the_attention_node_uses(quick: tuple[gpt.Run, Path, str]) -> None:
    run, _, _ = quick
    block = run.model.blocks[0]
    x = block.norm1(run.model.embed(torch.tensor([[run.alphabet.index(c) for c in "The Fox and the Crow"]])))
    weights = block.attention.weights(x)
    future = np.triu(np.ones(weights.shape[-2:], bool), 1)
    assert (weights[..., future] == 0.0).all()  # exactly: the future gets no weight
    np.testing.assert_allclose(weights.sum(-1), 1.0, rtol=0, atol=1e-5)
    q, k, v = block.attention.split(x)
    expected = F.scaled_dot_product_attention(q, k, v, is_causal=True)
    np.testing.assert_allclose(weights @ v.detach().numpy(), expected.detach().numpy(), rtol=0, atol=1e-6)


def test_the_corpus_is_what_its_grammar_writes() -> None:
    spec = importlib.util.spec_from_file_location("fables", gpt.CORPUS.with_suffix(".py"))
    assert spec is not None and spec.loader is not None
    fables = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(fables)
    assert fables.fables() == gpt.CORPUS.read_text()
