"""nn.Embedding: rows by index for any index shape, gradients that add up for repeated indices, a
padding row that never learns, clear errors, and (with PyTorch installed) PyTorch's results."""

from __future__ import annotations

import importlib.util

import numpy as np
import pytest

import chainrule as torch
import nn


def test_rows_by_index_and_gradients_that_add_up() -> None:
    torch.manual_seed(0)
    embed = nn.Embedding(5, 3)
    tokens = torch.tensor([[0, 2], [2, 4]])
    out = embed(tokens)
    assert out.shape == (2, 2, 3) and np.array_equal(out.numpy()[1, 0], embed.weight.numpy()[2])
    out.sum().backward()
    assert embed.weight.grad.numpy()[:, 0].tolist() == [1, 0, 2, 0, 1]
    assert repr(nn.Embedding(10, 4, padding_idx=0)) == "Embedding(10, 4, padding_idx=0)"


def test_the_padding_row_starts_at_zero_and_never_learns() -> None:
    embed = nn.Embedding(4, 2, padding_idx=-1)
    assert embed.padding_idx == 3 and not embed.weight.numpy()[3].any()
    (embed(torch.tensor([3, 1, 3])) * 2).sum().backward()
    assert embed.weight.grad.numpy()[:, 0].tolist() == [0, 2, 0, 0]


def test_bad_indices_are_named() -> None:
    embed = nn.Embedding(4, 2)
    with pytest.raises(IndexError, match=r"indices must lie in \[0, 4\), got 0\.\.4"):
        embed(torch.tensor([0, 4]))
    with pytest.raises(TypeError, match="indices must be integers"):
        embed(torch.tensor([0.0, 1.0]))


@pytest.mark.skipif(
    importlib.util.find_spec("torch") is None, reason="needs PyTorch (pip install torch==2.13.0)"
)
def test_equals_pytorch_with_copied_weights() -> None:
    import torch as real

    theirs = real.nn.Embedding(6, 3, padding_idx=2).double()
    ours = nn.Embedding(6, 3, padding_idx=2).double()
    ours.load_state_dict({"weight": theirs.weight.detach().numpy()})
    tokens = np.array([[1, 2, 5], [2, 2, 0]])
    upstream = np.random.default_rng(0).normal(size=(2, 3, 3))
    mine, reference = ours(torch.tensor(tokens)), theirs(real.tensor(tokens))
    mine.backward(upstream)
    reference.backward(real.tensor(upstream))
    np.testing.assert_allclose(mine.numpy(), reference.detach().numpy())
    np.testing.assert_allclose(ours.weight.grad.numpy(), theirs.weight.grad.numpy())
