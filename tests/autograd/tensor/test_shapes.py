"""Shape ops (autograd/tensor/shapes.py): transpose swaps two dims and takes negative ones, permute
reorders all, flatten checks its axes."""

from __future__ import annotations

import numpy as np
import pytest

import chainrule as torch
from autograd import Tensor


def test_transpose_swaps_two_dims_and_permute_reorders_all() -> None:
    x = torch.arange(24).reshape(2, 3, 4)
    assert x.transpose(0, 2).shape == (4, 3, 2) and x.transpose(-1, 1).shape == (2, 4, 3)
    assert x.permute(2, 0, 1).shape == (4, 2, 3) and x.T.shape == (4, 3, 2)
    assert np.array_equal(x.transpose(0, 2).numpy(), np.swapaxes(x.numpy(), 0, 2))
    with pytest.raises(
        IndexError, match=r"transpose\(\): dim 3 is out of range \(expected to be in range of \[-3, 2\]\)"
    ):
        x.transpose(0, 3)
    w = torch.randn(3, 4, requires_grad=True)
    (w.transpose(0, 1) * torch.arange(3.0)).sum().backward()
    assert np.array_equal(w.grad.numpy(), np.tile(np.arange(3.0)[:, None], (1, 4)))


def test_transpose_and_permute_accept_negative_axes() -> None:
    """Reliability review C8."""
    x = Tensor(np.ones((2, 3)), requires_grad=True)
    assert x.transpose(-1, -2).shape == (3, 2) and x.permute(-1, 0).shape == (3, 2)


def test_flatten_checks_its_axes() -> None:
    """Reliability review S10."""
    t = Tensor(np.ones((2, 3)))
    with pytest.raises(IndexError, match=r"flatten\(\): dim 5 is out of range"):
        t.flatten(5)
    with pytest.raises(RuntimeError, match="start_dim 1 comes after end_dim 0 in"):
        t.flatten(1, 0)
    assert t.flatten(-2).shape == (6,)
