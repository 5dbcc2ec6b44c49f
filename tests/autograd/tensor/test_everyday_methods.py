"""The everyday Tensor methods PyTorch scripts use (selection, ordering, splitting, ``new_*``, ``type``,
``logsumexp``, ``repeat``, products, ``add``/``mul``/``gt``... and ``out=``): values, dtypes, index
results and gradients equal PyTorch's, each scenario run on both libraries from the same data
(``tests.twin``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import chainrule
from tests.twin import check

DATA = np.array([[0.3, -1.2, 2.5, 0.7], [1.1, 0.4, -0.6, 1.9], [-2.2, 0.8, 0.1, -0.3]])
WEIGHTS = np.arange(1.0, 25.0).reshape(2, 3, 4)


def _with_gradient(operation: Callable[[Any, Any], Any]) -> Callable[[Any], Any]:
    """A scenario: ``operation(torch, x)`` on a float64 leaf, then the leaf's gradient of a weighted sum
    of every float output (so each output entry's gradient differs)."""

    def scenario(torch: Any) -> Any:
        x = torch.tensor(DATA, dtype=torch.float64, requires_grad=True)
        out = operation(torch, x)
        parts = out if isinstance(out, (tuple, list)) else (out,)
        floats = [p for p in parts if hasattr(p, "dtype") and p.dtype == torch.float64 and p.requires_grad]
        if floats:
            total = sum(
                (p * torch.tensor(WEIGHTS.reshape(-1)[: p.numel()].reshape(p.shape))).sum() for p in floats
            )
            total.backward()
        return (*parts, x.grad)

    return scenario


SCENARIOS: dict[str, Callable[[Any, Any], Any]] = {
    "index_select": lambda torch, x: x.index_select(1, torch.tensor([3, 0, 3])),
    "gather": lambda torch, x: x.gather(1, torch.tensor([[0, 0], [2, 1], [3, 3]])),
    "torch.gather dim 0": lambda torch, x: torch.gather(x, 0, torch.tensor([[2, 1, 0, 0]])),
    "masked_select": lambda torch, x: x.masked_select(x > 0.5),
    "masked_select broadcast": lambda torch, x: x.masked_select(torch.tensor([True, False, True, False])),
    "nonzero": lambda torch, x: (x > 0).nonzero(),
    "nonzero as_tuple": lambda torch, x: (x > 0).nonzero(as_tuple=True),
    "sort": lambda torch, x: tuple(x.sort(dim=1)),
    "sort descending dim 0": lambda torch, x: tuple(torch.sort(x, 0, descending=True)),
    "argsort": lambda torch, x: x.argsort(dim=-1, descending=True),
    "topk": lambda torch, x: tuple(x.topk(2)),
    "topk smallest dim 0": lambda torch, x: tuple(torch.topk(x, 2, dim=0, largest=False)),
    "split size": lambda torch, x: x.split(3, dim=1),
    "split sections": lambda torch, x: torch.split(x, [1, 2], 0),
    "chunk": lambda torch, x: x.chunk(3, dim=1),
    "narrow": lambda torch, x: x.narrow(1, 1, 2),
    "unbind": lambda torch, x: x.unbind(1),
    "flip": lambda torch, x: x.flip(0, 1),
    "roll": lambda torch, x: x.roll(1, 1),
    "roll flat": lambda torch, x: torch.roll(x, -2),
    "roll two dims": lambda torch, x: x.roll((1, -1), (0, 1)),
    "tril": lambda torch, x: x.tril(),
    "triu diagonal 1": lambda torch, x: torch.triu(x, diagonal=1),
    "tril diagonal -1": lambda torch, x: x.tril(-1),
    "diag of a matrix": lambda torch, x: x.diag(1),
    "diag of a vector": lambda torch, x: torch.diag(x[0], -1),
    "repeat": lambda torch, x: x.repeat(2, 1),
    "repeat more dims": lambda torch, x: x[0].repeat(2, 1, 2),
    "logsumexp": lambda torch, x: x.logsumexp(1),
    "logsumexp keepdim both dims": lambda torch, x: torch.logsumexp(x, (0, 1), keepdim=True),
    "logsumexp of -inf rows": lambda torch, x: x.masked_fill(x < 5, float("-inf")).logsumexp(1),
    "gelu exact and tanh-approximated": lambda torch, x: (
        torch.nn.functional.gelu(x),
        torch.nn.functional.gelu(x * 2, approximate="tanh"),
        torch.nn.GELU(approximate="tanh")(x.float()),
        repr(torch.nn.GELU()),
    ),
    "softmax of an all -inf row is NaN": lambda torch, x: x.masked_fill(x[:, :1] < 0, float("-inf")).softmax(
        -1
    ),
    "addmm": lambda torch, x: torch.addmm(x[:, :2], x, x.T[:, :2], beta=0.5, alpha=2.0),
    "bmm": lambda torch, x: x.reshape(1, 3, 4).bmm(x.T.reshape(1, 4, 3)),
    "mv": lambda torch, x: x.mv(x[0]),
    "dot": lambda torch, x: x[0].dot(x[1]),
    "clamp_min / clamp_max": lambda torch, x: (x.clamp_min(0.2), torch.clamp_max(x, 0.5)),
    "where method": lambda torch, x: x.where(x > 0, torch.zeros(1, dtype=torch.float64)),
    "view_as": lambda torch, x: x.view_as(torch.zeros(4, 3)),
    "eq / ne": lambda torch, x: (x.eq(x * 1), (x > 0).ne(x < 1)),
    "isnan / isinf": lambda torch, x: ((x / 0).isnan(), torch.isinf(x / 0)),
    "type": lambda torch, x: (x.type(), x.type(torch.float32), x.long().type(), x.type("torch.IntTensor")),
    "new_zeros / new_ones / new_full": lambda torch, x: (
        x.new_zeros(2, 3),
        x.new_ones((2,)),
        x.new_full((2,), 7),
    ),
    "new_tensor": lambda torch, x: (x.new_tensor([1, 2]), x.new_tensor([1, 2], dtype=torch.int64)),
    "equal / allclose": lambda torch, x: (x.equal(x * 1), x.equal(x[:2]), x.allclose(x + 1e-9)),
    "half": lambda torch, x: x.half(),
    "element_size": lambda torch, x: (x.element_size(), x.float().element_size(), x.long().element_size()),
    "full_like / empty_like shapes": lambda torch, x: (torch.full_like(x, 2.5), torch.empty_like(x).shape),
    "outer": lambda torch, x: torch.outer(x[0], x[1, :2]),
    "is_tensor": lambda torch, x: (torch.is_tensor(x), torch.is_tensor(DATA)),
    "norm": lambda torch, x: (
        x.norm(),
        torch.norm(x, dim=1),
        x.norm(p=1, dim=0, keepdim=True),
        x.norm(3, dim=1),
    ),
    "norm inf and of a zero row": lambda torch, x: (x.norm(float("inf"), dim=1), (x * (x > 5)).norm(dim=1)),
    "cumsum": lambda torch, x: (x.cumsum(1), torch.cumsum(x, dim=0), x[0, 0].cumsum(0)),
    "sign / floor / ceil / round": lambda torch, x: (
        (x * 2).sign(),
        torch.floor(x * 2),
        (x * 2).ceil(),
        torch.round(x * 2 + 0.5),
        x.sign() * x,
    ),
    "rounding keeps integers": lambda torch, x: tuple(
        f(torch.tensor([-2, 0, 3])) for f in (torch.sign, torch.floor, torch.round)
    ),
    "prod": lambda torch, x: (x.prod(), x.prod(1), torch.prod(x, 0, keepdim=True)),
    "prod with zero factors": lambda torch, x: (
        (x * (x > 0)).prod(1),
        (x * (x > 0.5)).prod(),
        (x * (x.abs() > 1)).prod(0),
    ),
    "prod of integers and with dtype=": lambda torch, x: (
        torch.tensor([[2, 3], [4, 5]], dtype=torch.uint8).prod(1),
        torch.tensor([True, True]).prod(),
        torch.tensor([2, 3]).prod(dtype=torch.float64),
    ),
    "baddbmm": lambda torch, x: torch.baddbmm(
        x.reshape(1, 3, 4), x.reshape(1, 3, 4), x.T.reshape(1, 4, 4), beta=0.5
    ),
    "fill_diagonal_": lambda torch, x: (
        (x * 1).fill_diagonal_(7.0),
        torch.zeros(7, 3).fill_diagonal_(1, wrap=True),
        torch.zeros(2, 2, 2).fill_diagonal_(3),
    ),
    "multinomial of one-hot rows": lambda torch, x: (
        torch.multinomial(torch.eye(4, dtype=torch.float64)[[2, 0]], 1),
        torch.eye(3)[1].multinomial(3, replacement=True),
        torch.tensor([[0.0, 5.0, 0.0, 1.0]]).multinomial(2).sort().values,
    ),
    "add / sub / mul / div / neg": lambda torch, x: (
        x.add(x[0], alpha=2),
        torch.add(x, 1.5),
        x.sub(x[1], alpha=0.5),
        torch.sub(2, x),
        x.mul(x[2]),
        torch.mul(x, x),
        x.div(x[0] + 3),
        torch.div(x, 4),
        x.neg(),
        torch.neg(x),
    ),
    "div of integers": lambda torch, x: (torch.tensor([3, 4]).div(2), torch.div(torch.tensor([1, 2]), 4)),
    "gt / ge / lt / le": lambda torch, x: (x.gt(0.4), torch.ge(x, x[1]), x.lt(0), torch.le(x, 0.1)),
    "amax / amin with ties": lambda torch, x: (
        x.round().amax(),
        torch.amax(x.round(), dim=1),
        x.round().amin((0, 1), keepdim=True),
        torch.amin(x, -1, True),
    ),
}


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_the_method_matches_pytorch_with_its_gradient(name: str) -> None:
    check(_with_gradient(SCENARIOS[name]), rtol=1e-6)


@pytest.mark.parametrize(
    "scenario",
    [
        lambda torch: torch.zeros(2, 3).index_select(0, torch.tensor([[0]])),
        lambda torch: torch.zeros(2, 3).gather(1, torch.tensor([0, 1])),
        lambda torch: torch.zeros(2, 3).topk(4),
        lambda torch: torch.zeros(2, 3).split([1, 1], 0),
        lambda torch: torch.zeros(2, 3).narrow(1, 2, 2),
        lambda torch: torch.zeros(2, 3).narrow(1, 5, 1),
        lambda torch: torch.zeros(2, 3).narrow(1, 0, -1),
        lambda torch: torch.zeros(3).tril(),
        lambda torch: torch.zeros(3).bmm(torch.zeros(3)),
        lambda torch: torch.zeros(2, 3).repeat(2),
        lambda torch: torch.zeros(0, 3).amax(0),
        lambda torch: torch.zeros(0).amin(),
        lambda torch: torch.zeros(2, 3).prod((0, 1)),
        lambda torch: torch.tensor([-1.0, 2.0]).multinomial(1),
        lambda torch: torch.zeros(3).multinomial(1),
        lambda torch: torch.ones(2, 2, 2).multinomial(1),
        lambda torch: torch.tensor([1, 2]).multinomial(1),
        lambda torch: torch.zeros(2, 3, 4).fill_diagonal_(1),
        lambda torch: torch.zeros(4, 3).reshape(4, 4),
        lambda torch: torch.nn.functional.gelu(torch.ones(2), approximate="erf"),
    ],
)
def test_misuse_raises_pytorchs_kind_of_error(scenario: Callable[[Any], Any]) -> None:
    check(scenario)


def test_a_leaf_is_refilled_in_place_only_without_grad() -> None:
    weight = chainrule.zeros(2, 3, requires_grad=True)
    with pytest.raises(RuntimeError, match="leaf"):
        weight.normal_()
    chainrule.manual_seed(0)
    with chainrule.no_grad():
        drawn = weight.normal_(0.0, 0.02).numpy().copy()
        weight.uniform_(-1, 1)
    assert weight._version == 2 and 0 < np.abs(drawn).max() < 0.2 and np.abs(weight.numpy()).max() <= 1
    chainrule.manual_seed(0)
    with chainrule.no_grad():
        assert np.array_equal(chainrule.zeros(2, 3).normal_(0.0, 0.02).numpy(), drawn)


def test_scatter_writes_in_place_and_lerp_moves_toward_its_end() -> None:
    def scenario(torch: Any) -> Any:
        target = torch.zeros(3, 4)
        target.scatter_(1, torch.tensor([[1], [3], [0]]), torch.tensor([[5.0], [6.0], [7.0]]))
        average = torch.ones(3)
        average.lerp_(torch.tensor([3.0, 5.0, 1.0]), 0.25)
        return target, average

    check(scenario)


def test_data_ptr_is_shared_by_views_from_the_same_start() -> None:
    x = chainrule.zeros(3, 4)
    assert x.data_ptr() == x[0].data_ptr() == x.view(12).data_ptr() != x[1].data_ptr()


def test_multinomial_draws_in_proportion_to_the_weights_and_follows_the_seed() -> None:
    weights = chainrule.tensor([[1.0, 3.0, 0.0, 6.0]])
    chainrule.manual_seed(5)
    drawn = weights.multinomial(20000, replacement=True)
    chainrule.manual_seed(5)
    assert chainrule.equal(drawn, weights.multinomial(20000, replacement=True))
    assert np.allclose(np.bincount(drawn.numpy()[0], minlength=4) / 20000, [0.1, 0.3, 0.0, 0.6], atol=0.015)
    distinct = weights.repeat(50, 1).multinomial(3).numpy()
    assert all(sorted(row) == [0, 1, 3] for row in distinct)


def test_out_writes_the_result_into_a_tensor_and_returns_it() -> None:
    def scenario(torch: Any) -> Any:
        x = torch.tensor(DATA[:2, :2])
        product, square, ints = torch.zeros_like(x), torch.zeros_like(x), torch.zeros(2, dtype=torch.int64)
        returned = torch.matmul(x, x.T, out=product)
        torch.mul(x, x, out=square)
        torch.add(torch.tensor([1, 2]), 3, out=ints)
        return returned is product, product, square, ints

    check(scenario)


@pytest.mark.parametrize(
    "scenario",
    [
        lambda torch: torch.mul(torch.ones(2, requires_grad=True), 2, out=torch.zeros(2)),
        lambda torch: torch.matmul(
            torch.ones(2, 2), torch.ones(2, 2), out=torch.zeros(2, 2, dtype=torch.int64)
        ),
    ],
)
def test_out_refuses_a_gradient_to_record_and_another_dtype(scenario: Callable[[Any], Any]) -> None:
    check(scenario, RuntimeError)
