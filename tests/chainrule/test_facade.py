"""The chainrule facade: PyTorch's names for the same objects, dtype rules and one seed for every random
source (issue 8), and PyTorch's answers and refusals for devices, dims, seeds and arguments."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import chainrule as torch
import nn
from autograd import Tensor
from nn import optim
from tests.twin import check, dtype_name


def test_attribute_paths_reach_the_same_objects() -> None:
    assert torch.nn is nn and torch.nn.Module is nn.Module and torch.optim is optim is nn.optim
    assert (
        torch.nn.functional.relu is nn.functional.relu and torch.utils.data.DataLoader is nn.data.DataLoader
    )
    assert torch.Tensor is Tensor and torch.cat is torch.autograd.concatenate
    assert torch.__version__ and torch.float32 is np.float32 and torch.long is torch.int64 is np.int64


def test_factories_infer_dtypes_as_pytorch_does() -> None:
    assert torch.tensor([1, 2]).dtype == np.int64 and torch.arange(12).dtype == np.int64
    assert torch.tensor([1.5, 2]).dtype == np.float32 and torch.arange(0.0, 1.0, 0.25).dtype == np.float32
    assert torch.tensor([True, False]).dtype == np.bool_ and torch.full((2,), 3).dtype == np.int64
    assert torch.tensor(np.ones(2)).dtype == np.float64  # a NumPy array keeps its dtype
    assert torch.FloatTensor([1, 2]).dtype == np.float32 and torch.LongTensor([1.0]).dtype == np.int64
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    assert x.requires_grad and torch.zeros(2, 3).shape == torch.ones((2, 3)).shape == (2, 3)
    assert torch.eye(3).numpy().trace() == 3 and torch.linspace(0, 1, 5).numpy().tolist()[2] == 0.5
    assert (
        torch.zeros_like(x).dtype == np.float32
        and torch.ones_like(x, dtype=torch.float64).dtype == np.float64
    )
    assert torch.randint(0, 5, (4,)).dtype == np.int64 and sorted(torch.randperm(5).numpy().tolist()) == [
        0,
        1,
        2,
        3,
        4,
    ]
    with pytest.raises(RuntimeError, match=r"negative dimension -1: \[2, -1\]"):
        torch.zeros(2, -1)


def test_manual_seed_repeats_every_default_random_source() -> None:
    def run() -> tuple:
        torch.manual_seed(7)
        layer = nn.Linear(4, 3)
        dropped = nn.Dropout(0.5)(torch.ones(1, 8)).numpy().copy()
        order = [
            b[1].tolist()
            for b in nn.data.DataLoader((np.zeros((6, 1), np.float32), np.arange(6)), 2, shuffle=True)
        ]
        return layer.weight.numpy().copy(), dropped, order, torch.randn(3).numpy(), torch.rand(2).numpy()

    first, second = run(), run()
    for a, b in zip(first, second):
        assert np.array_equal(np.asarray(a), np.asarray(b))
    with pytest.raises(ValueError, match="out of range"):
        torch.manual_seed(2**64)


def test_module_level_functions_take_pytorch_arguments() -> None:
    x = torch.tensor([[1.0, 5.0], [7.0, 2.0]])
    values, indices = torch.max(x, dim=1)
    assert values.tolist() == [5.0, 7.0] and indices.tolist() == [1, 0] and indices.dtype == np.int64
    assert torch.argmax(x).item() == 2 and torch.sum(x, dim=0).numpy().tolist() == [8.0, 7.0]
    assert torch.mean(x, dim=1, keepdim=True).shape == (2, 1)
    assert torch.allclose(torch.softmax(x, dim=1).sum(axis=1), np.ones(2))
    assert torch.allclose(torch.exp(torch.log(x)), x) and torch.matmul(x, x).shape == (2, 2)
    with torch.no_grad():
        assert not torch.is_grad_enabled()


def test_tensor_methods_under_pytorch_names() -> None:
    x = torch.ones(2, 3, requires_grad=True)
    assert x.size() == (2, 3) and x.size(1) == 3 and x.numel() == 6 and x.dim() == 2
    assert (
        x.view(3, 2).shape == (3, 2)
        and x.unsqueeze(0).shape == (1, 2, 3)
        and x.unsqueeze(-1).shape == (2, 3, 1)
    )
    assert x.unsqueeze(1).squeeze().shape == (2, 3) and x.unsqueeze(1).squeeze(1).shape == (2, 3)
    assert x.clamp(0.0, 0.5).tolist() == [[0.5] * 3] * 2 and x.long().dtype == np.int64
    assert (
        x.float().dtype == np.float32
        and x.double().dtype == np.float64
        and x.to(torch.float64).dtype == np.float64
    )
    assert x.int().dtype == np.int32 and x.bool().dtype == np.bool_
    copy = x.clone()
    (copy * 2).sum().backward()
    assert copy.requires_grad and x.grad.tolist() == [[2.0] * 3] * 2
    leaf = torch.zeros(2).requires_grad_()
    assert leaf.requires_grad
    with torch.no_grad():
        leaf.add_(1.0).mul_(3.0).sub_(1.0)
    assert leaf.tolist() == [2.0, 2.0] and leaf._version == 3
    with pytest.raises(IndexError, match=r"unsqueeze\(\): dim 4 is out of range"):
        x.unsqueeze(4)


def test_reductions_take_dim_and_keepdim_and_max_dim_gives_values_and_indices() -> None:
    x = torch.tensor([[1.0, 5.0, 5.0], [7.0, 2.0, 0.0]], requires_grad=True)
    assert x.sum(dim=1).tolist() == [11.0, 9.0] and x.mean(dim=0, keepdim=True).shape == (1, 3)
    assert x.var(dim=1, keepdim=True).shape == (2, 1) and x.max(axis=1).tolist() == [5.0, 7.0]
    values, indices = x.max(1)  # PyTorch's habit: _, predicted = outputs.max(1)
    assert values.tolist() == [5.0, 7.0] and indices.tolist() == [1, 0] and indices.dtype == np.int64
    values.sum().backward()
    assert x.grad.tolist() == [[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]]
    assert x.min(dim=1, keepdim=True).indices.shape == (2, 1) and x.argmax(dim=1).tolist() == [1, 0]
    assert x.argmax().item() == 3 and x.argmin(axis=0).tolist() == [0, 1, 1]
    with pytest.raises(ValueError, match="give axis= or dim=, not both"):
        x.sum(axis=0, dim=1)


def test_equality_is_elementwise_and_hashing_stays_by_identity() -> None:
    a, b = torch.tensor([1.0, 2.0]), torch.tensor([1.0, 3.0])
    assert (a == b).tolist() == [True, False] and (a != b).tolist() == [False, True]
    assert (a == np.array([1.0, 2.0])).all() and (a == b).dtype == np.bool_
    assert float((a == b).mean()) == 0.5  # the notes' accuracy: (predicted == labels).mean()
    assert len({a, b, a}) == 2 and {a: 1}[a] == 1


# -- Second reliability review, C8, C9, C12, K11: devices, randint, dims, arange and seeds as PyTorch --------


@pytest.mark.parametrize(
    "call",
    [
        lambda t: t.ones(2).device == "cuda",
        lambda t: t.ones(2).device == "cpu",
        lambda t: t.ones(2).device == t.device("cpu"),
        lambda t: t.ones(2).device.type,
        lambda t: (dtype_name(t.randint(5, (2,)).dtype), tuple(t.randint(5, (2,)).shape)),
        lambda t: tuple(t.randint(2, 5, (3, 1)).shape),
        lambda t: tuple(t.randint(5, size=(2,)).shape),
        lambda t: tuple(t.randint(low=1, high=5, size=(4,)).shape),
        lambda t: t.randint(3, 3, (2,)),
        lambda t: t.arange(0, 10, 0),
        lambda t: t.ones(2, 3).softmax(5),
        lambda t: t.ones(2, 3).log_softmax(-3),
        lambda t: t.ones(2, 3).softmax(1.0),
        lambda t: t.nn.functional.softmax(t.ones(2, 3), dim=2),
        lambda t: t.manual_seed(2**64),
        lambda t: t.manual_seed(-(2**63) - 1),
        lambda t: t.manual_seed(-1) is not None,
        lambda t: t.manual_seed(2**64 - 1) is not None,
    ],
)
def test_devices_random_integers_dims_and_seeds(call: Any) -> None:
    check(call)


# -- Second reliability review, S15: arguments PyTorch refuses are refused, not reinterpreted ----------------


@pytest.mark.parametrize(
    ("call", "error"),
    [
        (lambda t: t.ones(2, 3).squeeze(5), IndexError),
        (lambda t: t.ones(2, 3).squeeze(-3), IndexError),
        (lambda t: t.nn.functional.pad(t.ones(2, 2), (1.5, 1)), TypeError),
        (lambda t: t.randn(2, 3, dtype=t.int64), NotImplementedError),
        (lambda t: t.rand(2, dtype=t.int64), NotImplementedError),
        (lambda t: t.nn.BatchNorm2d(1)(t.ones(2, 1, 2, 2, dtype=t.float64)), RuntimeError),
        (lambda t: t.nn.BatchNorm2d(1).eval()(t.ones(2, 1, 2, 2, dtype=t.float64)), RuntimeError),
        (
            lambda t: t.nn.functional.conv2d(
                t.ones(1, 1, 3, 3), t.ones(1, 1, 2, 2), t.ones(1, dtype=t.float64)
            ),
            RuntimeError,
        ),
        (
            lambda t: t.nn.functional.linear(t.ones(1, 2), t.ones(3, 2), t.ones(3, dtype=t.float64)),
            RuntimeError,
        ),
        (lambda t: t.nn.Linear(2, 3)(t.ones(1, 2, dtype=t.float64)), RuntimeError),
    ],
)
def test_arguments_pytorch_refuses(call: Any, error: type) -> None:
    check(call, error)
