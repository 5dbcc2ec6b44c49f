"""The structural rules' gradients (autograd/rules/structural.py): repeated advanced indices add up, max
and min send the gradient where PyTorch does, softmax of an empty axis is empty."""

from __future__ import annotations

import warnings

import numpy as np

from autograd import Tensor


def test_every_advanced_index_form_accumulates_repeats() -> None:
    """Reliability review S1."""
    for index, expected in [
        (((0, 0),), [2.0, 0.0, 0.0]),
        ([0, 0, 2], [2.0, 0.0, 1.0]),
        (np.array([1, 1]), [0.0, 2.0, 0.0]),
        ((range(0, 1),), [1.0, 0.0, 0.0]),
    ]:
        x = Tensor(np.array([1.0, 2.0, 3.0]), requires_grad=True)
        x[index].sum().backward()
        assert x.grad.tolist() == expected, index
    a = Tensor(np.arange(6.0).reshape(2, 3), requires_grad=True)
    a[:, (0, 0)].sum().backward()
    assert a.grad.tolist() == [[2.0, 0.0, 0.0], [2.0, 0.0, 0.0]]


def test_max_and_min_send_the_gradient_where_pytorch_does() -> None:
    """Reliability review S8."""
    x = Tensor(np.array([1.0, np.nan, 3.0]), requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        x.max().backward()
    assert x.grad.tolist() == [0.0, 1.0, 0.0]
    ties = Tensor(np.array([[2.0, 5.0, 5.0], [7.0, 7.0, 1.0]]), requires_grad=True)
    ties.max(axis=1).sum().backward()  # along one axis: the first maximum, like torch.max(dim)
    assert ties.grad.tolist() == [[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]]
    ties.grad = None
    ties.max().backward()  # over everything: tied maxima share, like torch.max()
    assert ties.grad.tolist() == [[0.0, 0.0, 0.0], [0.5, 0.5, 0.0]]
    low = Tensor(np.array([3.0, 1.0, 1.0]), requires_grad=True)
    low.min(axis=0).backward()
    assert low.grad.tolist() == [0.0, 1.0, 0.0]


def test_softmax_of_an_empty_axis_is_empty() -> None:
    """Reliability review C6."""
    x = Tensor(np.zeros((2, 0)), requires_grad=True)
    assert x.softmax().shape == (2, 0) and x.log_softmax().shape == (2, 0)
