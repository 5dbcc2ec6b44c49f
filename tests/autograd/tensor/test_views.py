"""Views with PyTorch's semantics, run on chainrule and PyTorch (tests.twin): they share memory and one
version counter with their base, and an in-place change through a view is recorded on the base."""

from __future__ import annotations

from typing import Any

import pytest

import chainrule
from tests.twin import T, check

VIEWS = {
    "view": lambda x: x.view(6),
    "reshape": lambda x: x.reshape(3, 2),
    "transpose": lambda x: x.transpose(0, 1),
    "permute": lambda x: x.permute(1, 0),
    "t": lambda x: x.t(),
    "T": lambda x: x.T,
    "unsqueeze": lambda x: x.unsqueeze(1),
    "squeeze": lambda x: x.unsqueeze(0).squeeze(0),
    "flatten": lambda x: x.flatten(),
    "int": lambda x: x[1],
    "slice": lambda x: x[:, 1:],
    "none": lambda x: x[:, None],
    "detach": lambda x: x.detach(),
    "view_of_a_view": lambda x: x.t()[1:],
}


@pytest.mark.parametrize("name", VIEWS)
def test_a_view_shares_memory_and_the_version_counter(name: str) -> None:
    def scenario(torch: Any) -> Any:
        x = torch.arange(6.0).reshape(2, 3)
        v = VIEWS[name](x)
        v.add_(100)  # every element the view shows
        x[0, 0] = -1.0  # seen through the view where it shows it
        return x, v, x._version, v._version

    check(scenario)


@pytest.mark.parametrize(
    "name",
    [
        "transpose_of_weight",
        "slice_of_weight",
        "reshape_of_weight",
        "view_then_add",
        "detach_then_add",
        "slice_assign",
    ],
)
def test_a_change_through_any_alias_is_caught_at_backward(name: str) -> None:
    def scenario(torch: Any) -> Any:
        w = torch.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
        x = torch.tensor([[1.0, 2.0]], requires_grad=True)
        if name == "transpose_of_weight":
            out = x @ w.T
            with torch.no_grad():
                w.mul_(2)
        elif name == "slice_of_weight":
            out = x @ w[0:2]
            with torch.no_grad():
                w[0, 0] = 5.0
        elif name == "reshape_of_weight":
            out = x.reshape(-1) * w.reshape(-1)[:2]
            with torch.no_grad():
                w += 1
        elif name == "view_then_add":
            y = x * 1
            out = y.view(2, 1)[0] * w
            with torch.no_grad():
                y += 100
        elif name == "detach_then_add":
            y = x.exp()
            out = y * w
            y.detach().add_(100)
        else:
            y = x.exp()
            out = y.sum()
            with torch.no_grad():
                y[:] += 1
        out.sum().backward()
        return x.grad

    check(scenario, RuntimeError)


def test_an_in_place_change_through_a_view_is_recorded_on_the_base() -> None:
    def scenario(torch: Any) -> Any:
        x = torch.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
        w = torch.tensor([10.0, 20.0], requires_grad=True)
        y = x * 2
        y[0].mul_(3)  # row 0 of y, through a view
        y.t()[1].add_(w)  # column 1, through a view of a view
        flat = y.view(-1)
        flat[3] = w[0] * w[1]
        (y * torch.tensor([[1.0, 2.0], [3.0, 4.0]])).sum().backward()
        return y, y.requires_grad, x.grad, w.grad

    check(scenario, (T([[6.0, 22.0], [6.0, 200.0]]), True, T([[6.0, 12.0], [6.0, 0.0]]), T([82.0, 40.0])))


def test_a_view_made_before_its_base_changed_sees_the_new_history() -> None:
    def scenario(torch: Any) -> Any:
        x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
        y = x * 1
        first_two = y[0:2]  # made before the change
        y.mul_(5)
        (first_two * 3).sum().backward()  # the view shows 5x now: d/dx = 15 there
        return first_two, x.grad

    check(scenario, (T([5.0, 10.0]), T([15.0, 15.0, 0.0])))


def test_a_view_of_a_constant_becomes_part_of_the_graph_when_its_base_does() -> None:
    def scenario(torch: Any) -> Any:
        w = torch.tensor(2.0, requires_grad=True)
        out = torch.zeros(3)
        row = out[0:2]
        out[1] = w * w
        (row * 10).sum().backward()
        return row, w.grad

    check(scenario, (T([0.0, 4.0]), T(40.0)))


def test_item_assignment_through_chained_indexing() -> None:
    def scenario(torch: Any) -> Any:
        w = torch.tensor(3.0, requires_grad=True)
        grid = torch.zeros(2, 2)
        grid[1][0] = w * 2  # grid[1] is a view; the assignment reaches grid
        (grid * grid).sum().backward()
        return grid, w.grad

    check(scenario, (T([[0.0, 0.0], [6.0, 0.0]]), T(24.0)))


def test_view_refuses_a_layout_that_needs_a_copy_and_reshape_copies() -> None:
    def refused(torch: Any) -> Any:
        return torch.arange(6.0).reshape(2, 3).t().view(6)

    def copied(torch: Any) -> Any:
        x = torch.arange(6.0).reshape(2, 3)
        flat = x.t().reshape(6)
        flat[0] = 100.0  # a copy: x keeps its values
        return x, flat, x.t().is_contiguous(), x.t().contiguous().view(6)

    check(refused, RuntimeError)
    check(copied)


def test_writing_into_a_broadcast_view_is_refused() -> None:
    def scenario(torch: Any) -> Any:
        x = torch.tensor([1.0, 2.0])
        x.expand(3, 2).add_(1)  # several elements share one memory location
        return x

    check(scenario, RuntimeError)


def test_chainrule_also_refuses_a_single_element_write_into_a_broadcast_view() -> None:
    """A deliberate difference: PyTorch writes ``x.expand(3, 2)[0, 0] = 5`` into ``x[0]``; NumPy's
    broadcast views are read-only, and chainrule refuses every write into one, naming the fix."""
    x = chainrule.tensor([1.0, 2.0])
    with pytest.raises(RuntimeError, match=r"broadcast view .* write into a copy \(.clone\(\)\)"):
        x.expand(3, 2)[0, 0] = 5.0


def test_expand_shares_memory_and_sums_its_gradient_back() -> None:
    def scenario(torch: Any) -> Any:
        x = torch.tensor([[1.0], [2.0]], requires_grad=True)
        wide = x.expand(2, 3)
        also = x.expand_as(torch.zeros(4, 2, 3))
        (wide * torch.arange(6.0).reshape(2, 3)).sum().backward()
        return wide, also.shape == (4, 2, 3), x.grad

    check(scenario, (T([[1.0, 1.0, 1.0], [2.0, 2.0, 2.0]]), True, T([[3.0], [12.0]])))


def test_a_view_of_a_leaf_that_requires_grad_is_not_changed_in_place() -> None:
    def scenario(torch: Any) -> Any:
        w = torch.tensor([1.0, 2.0], requires_grad=True)
        w[0].mul_(2)
        return w

    check(scenario, RuntimeError)


def test_detach_shares_the_version_counter_but_not_the_graph() -> None:
    def scenario(torch: Any) -> Any:
        x = torch.tensor([1.0, 2.0], requires_grad=True)
        d = x.detach()
        with torch.no_grad():
            x.mul_(2)
        return d, d.requires_grad, d._version, x._version

    check(scenario, (T([2.0, 4.0]), False, 1, 1))


def test_squeeze_of_a_dim_out_of_range_is_an_error() -> None:
    def scenario(torch: Any) -> Any:
        return torch.zeros(2, 1).squeeze(5)

    check(scenario, IndexError)
