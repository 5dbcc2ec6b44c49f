"""In-place ops and item assignment (autograd/tensor/inplace.py) with PyTorch's semantics, run on chainrule
and PyTorch (tests.twin): the Tensor becomes a new node's output; saved values are version-checked."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from tests.autograd.strategies import arrays
from tests.twin import T, check


def _leaf(torch: Any, values: Any = (1.0, 2.0)) -> Any:
    return torch.tensor(list(values), requires_grad=True)


def test_mul_in_place_changes_the_callers_tensor_and_its_gradient() -> None:
    def scenario(torch: Any) -> Any:
        x = _leaf(torch)
        y = x * 2
        z = y.mul_(10)  # the return value ignored, as PyTorch code writes it
        y.sum().backward()
        return y, x.grad, z is y

    check(scenario, (T([20.0, 40.0]), T([20.0, 20.0]), True))


def test_the_operators_change_the_same_object() -> None:
    def scenario(torch: Any) -> Any:
        x = _leaf(torch)
        y = x * 2
        alias = y
        y += 1
        y *= x
        y -= 0.5
        y /= 2
        (y * y).sum().backward()
        return alias is y, alias, x.grad

    check(scenario, (True, T([1.25, 4.75]), T([6.25, 42.75])))


def test_ops_recorded_before_the_change_keep_the_old_value() -> None:
    def scenario(torch: Any) -> Any:
        x = _leaf(torch)
        h = x * 2
        first = h.sum()  # recorded before the change: d first / dx = 2
        h.mul_(10)  # afterwards h is 20x: d h.sum() / dx = 20
        (first + h.sum()).backward()
        return x.grad

    check(scenario, T([22.0, 22.0]))


@pytest.mark.parametrize(
    "change",
    [
        "add_",
        "sub_",
        "mul_",
        "div_",
        "pow_",
        "clamp_",
        "relu_",
        "neg_",
        "masked_fill_",
        "fill_",
        "zero_",
        "copy_",
    ],
)
def test_every_in_place_op_matches_pytorch_in_values_and_gradients(change: str) -> None:
    def scenario(torch: Any) -> Any:
        x = torch.tensor([-1.5, 0.5, 2.0], requires_grad=True)
        w = torch.tensor([3.0, -2.0, 0.5], requires_grad=True)
        y = x * 1.5
        calls = {
            "add_": lambda: y.add_(w, alpha=2.0),
            "sub_": lambda: y.sub_(w),
            "mul_": lambda: y.mul_(w),  # reads y's old values for w's gradient: kept for it
            "div_": lambda: y.div_(w),
            "pow_": lambda: y.pow_(2),
            "clamp_": lambda: y.clamp_(-1.0, 1.0),
            "relu_": lambda: y.relu_(),
            "neg_": lambda: y.neg_(),
            "masked_fill_": lambda: y.masked_fill_(torch.tensor([True, False, True]), 7.0),
            "fill_": lambda: y.fill_(w[0]),
            "zero_": lambda: y.zero_(),
            "copy_": lambda: y.copy_(w * w),
        }
        returned = calls[change]()
        (y * torch.tensor([1.0, 2.0, 3.0])).sum().backward()
        return returned is y, y, x.grad, w.grad

    check(scenario)


def test_an_in_place_change_of_a_saved_value_is_refused_at_backward() -> None:
    def scenario(torch: Any) -> Any:
        x = _leaf(torch)
        y = x.exp()  # exp's backward reads its output
        y.add_(1)
        y.sum().backward()
        return x.grad

    ours = check(scenario, RuntimeError)
    assert "its output (shape (2,), float32) of 'exp' is at version 1; expected version 0" in ours[2]
    assert "It was changed by add_" in ours[2]


def test_a_change_no_backward_reads_is_allowed() -> None:
    def scenario(torch: Any) -> Any:
        x = _leaf(torch)
        y = x * 2  # reads only the constant 2
        y.add_(1)
        y.sum().backward()
        return y, x.grad

    check(scenario, (T([3.0, 5.0]), T([2.0, 2.0])))


def test_in_place_on_a_leaf_that_requires_grad_is_refused_but_allowed_under_no_grad() -> None:
    def scenario(torch: Any) -> Any:
        x = _leaf(torch)
        with torch.no_grad():
            x.mul_(3)
        try:
            x.add_(1)
        except RuntimeError:
            return x, "refused"
        return x, "allowed"

    check(scenario, (T([3.0, 6.0]), "refused"))


@pytest.mark.parametrize(
    "case",
    ["int", "slice", "mask", "list", "tensor_index", "negative", "ellipsis", "two_axes", "mask_of_itself"],
)
def test_item_assignment_records_an_index_put(case: str) -> None:
    def scenario(torch: Any) -> Any:
        w = torch.tensor(1.5, requires_grad=True)
        v = torch.tensor([1.0, -2.0, 3.0], requires_grad=True)
        out = torch.zeros(3, 3)
        if case == "int":
            out[0] = w * 2
            out[1] = w * w
        elif case == "slice":
            out[1:, ::2] = v[:2] * w
        elif case == "mask":
            out[torch.tensor([[True, False, True]] * 3)] = torch.cat([v, v]) * w
        elif case == "list":
            out[[0, 2]] = v * w
        elif case == "tensor_index":
            out[torch.tensor([2, 0])] = v.exp()
        elif case == "negative":
            out[-1, -1] = w.sin()
        elif case == "ellipsis":
            out[...] = v * w
        elif case == "two_axes":
            out[0, 1] = w
            out[:, 2] = v
        else:  # the masking idiom: logits[logits < v] = -inf
            out = v.reshape(3, 1) * torch.ones(3, 3) * w
            out[out < 0] = float("-inf")
            out = out.softmax(dim=1)
        (out * torch.arange(9.0).reshape(3, 3)).sum().backward()
        return out, out.requires_grad, w.grad, v.grad

    check(scenario)


def test_preallocated_outputs_of_a_loop_give_the_gradient_of_stacking() -> None:
    def scenario(torch: Any) -> Any:
        weight = torch.tensor([[0.5, -0.2], [0.1, 0.3]], requires_grad=True)
        h = torch.tensor([1.0, -1.0])
        outputs = torch.zeros(4, 2)
        for t in range(4):
            h = (weight @ h).tanh()
            outputs[t] = h
        outputs.pow(2).sum().backward()
        return outputs, weight.grad

    check(scenario)


def test_assignment_into_a_tensor_that_requires_grad_without_a_graph_value() -> None:
    def scenario(torch: Any) -> Any:
        x = _leaf(torch, (1.0, 2.0, 3.0))
        y = x * x
        y[1] = 0.0  # a constant: no gradient reaches x[1] through y
        y.sum().backward()
        return y, x.grad

    check(scenario, (T([1.0, 0.0, 9.0]), T([2.0, 0.0, 6.0])))


def test_dtypes_of_in_place_ops_follow_pytorch() -> None:
    def float_into_int(torch: Any) -> Any:
        y = torch.tensor([1, 2])
        y += 0.5
        return y

    def int_into_float(torch: Any) -> Any:
        y = torch.tensor([1.5, 2.5])
        y += torch.tensor([1, 2])
        return y

    def double_into_float(torch: Any) -> Any:
        y = torch.tensor([1.5, 2.5])
        y.mul_(torch.tensor([2.0, 3.0], dtype=torch.float64))
        return y

    def float_into_long_by_assignment(torch: Any) -> Any:
        y = torch.zeros(3, dtype=torch.long)
        y[0] = 2.7
        return y

    check(float_into_int, RuntimeError)
    check(int_into_float, T([2.5, 4.5]))
    check(double_into_float, T([3.0, 7.5]))
    check(float_into_long_by_assignment, T([2, 0, 0], "int64"))


def test_shapes_that_do_not_fit_are_refused_naming_them() -> None:
    def broadcast_grows(torch: Any) -> Any:
        y = torch.zeros(3)
        y += torch.ones(2, 3)
        return y

    def wrong_value(torch: Any) -> Any:
        y = torch.zeros(3)
        y[0:2] = torch.ones(3)
        return y

    def leading_ones_are_dropped(torch: Any) -> Any:
        y = torch.zeros(3)
        y[0] = torch.tensor([5.0])
        return y

    check(broadcast_grows, RuntimeError)
    check(wrong_value, RuntimeError)
    check(leading_ones_are_dropped, T([5.0, 0.0, 0.0]))


def test_a_second_write_to_the_same_place_replaces_the_first_gradient_path() -> None:
    def scenario(torch: Any) -> Any:
        a = torch.tensor(2.0, requires_grad=True)
        b = torch.tensor(3.0, requires_grad=True)
        out = torch.zeros(2)
        out[0] = a
        read = out[0] * 10  # reads a's value, before it is overwritten
        out[0] = b
        (out.sum() + read).backward()
        return out, a.grad, b.grad

    check(scenario, (T([3.0, 0.0]), T(10.0), T(1.0)))


def test_changes_to_a_raw_copy_through_data_are_not_tracked() -> None:
    def scenario(torch: Any) -> Any:
        a = torch.tensor([1.0], requires_grad=True)
        b = torch.tensor([3.0], requires_grad=True)
        y = (a * b).sum()
        b.data[0] = 100.0  # .data has its own version counter, as in PyTorch
        y.backward()
        return a.grad, b._version

    check(scenario, (T([100.0]), 0))


def test_the_classic_manual_update_through_data() -> None:
    def scenario(torch: Any) -> Any:
        p = torch.tensor([1.0, -1.0], requires_grad=True)
        for _ in range(3):
            loss = (p * p).sum()
            loss.backward()
            p.data.add_(-0.25 * p.grad)
            p.grad.zero_()
        return p

    check(scenario, T([0.125, -0.125]))


def test_numpy_scalars_and_arrays_as_assigned_values() -> None:
    def scenario(torch: Any) -> Any:
        y = torch.zeros(2, 2)
        y[0] = np.float64(4.0)
        y[1, 1] = 1
        return y

    check(scenario, T([[4.0, 4.0], [0.0, 1.0]]))


# -- random chains of in-place ops, views and item assignments, against the same chain out of place -----

REGIONS = {
    "all": lambda y, i, j: y,
    "row": lambda y, i, j: y[i],
    "column_through_t": lambda y, i, j: y.t()[j],
    "rows_from": lambda y, i, j: y[i:],
    "element_through_view": lambda y, i, j: y.view(-1)[i * y.shape[1] + j : i * y.shape[1] + j + 1],
    "strided": lambda y, i, j: y[:, ::2],
}
CHANGES = {
    "add_": lambda a, c: a + c,
    "sub_": lambda a, c: a - c,
    "mul_": lambda a, c: a * c,
    "div_": lambda a, c: a / c,
    "clamp_": lambda a, c: a.clamp(-abs(c), abs(c)),
    "relu_": lambda a, c: a.relu(),
    "assign": None,  # region[...] = c * x.sum(): a value that requires grad
}


def _in_place_step(y: Any, x: Any, step: tuple[str, str, int, int, float]) -> None:
    change, region, i, j, c = step
    target = REGIONS[region](y, i, j)
    if change == "assign":
        target[...] = x.sum() * c
    elif change in ("clamp_",):
        target.clamp_(-abs(c), abs(c))
    elif change == "relu_":
        target.relu_()
    else:
        getattr(target, change)(c)


def _out_of_place_step(y: Any, x: Any, step: tuple[str, str, int, int, float]) -> Any:
    import autograd

    change, region, i, j, c = step
    mask = np.zeros(y.shape, dtype=bool)
    REGIONS[region](mask.view(_MaskView), i, j)[...] = True  # the same indexing marks the region
    new = (x.sum() * c).broadcast_to(y.shape) if change == "assign" else CHANGES[change](y, c)
    return autograd.where(mask, new, y)


class _MaskView(np.ndarray):
    """A bool array that also answers ``t()`` and ``view(-1)`` (PyTorch's names), for ``REGIONS``."""

    def t(self) -> np.ndarray:
        return self.T

    def view(self, *shape: Any) -> Any:  # type: ignore[override]
        return self.reshape(*shape) if shape else super().view(_MaskView)


@settings(deadline=None)
@given(data=st.data(), rows=st.integers(1, 4), columns=st.integers(1, 4))
def test_random_chains_of_in_place_ops_equal_the_chain_out_of_place(
    data: st.DataObject, rows: int, columns: int
) -> None:
    import autograd

    steps = data.draw(
        st.lists(
            st.tuples(
                st.sampled_from(sorted(CHANGES)),
                st.sampled_from(sorted(REGIONS)),
                st.integers(0, rows - 1),
                st.integers(0, columns - 1),
                st.sampled_from([0.5, 2.0, -1.5]),
            ),
            min_size=1,
            max_size=5,
        )
    )
    # relu_ saves its output (as PyTorch's does): a later change to the Tensor is then refused, rightly
    assume(all(step[0] != "relu_" for step in steps[:-1]))
    values = data.draw(arrays((rows, columns)))
    weights = np.arange(1.0, rows * columns + 1).reshape(rows, columns)
    results = []
    for in_place in (True, False):
        x = autograd.Tensor(values, requires_grad=True)
        y = x * 1.5
        for step in steps:
            if in_place:
                _in_place_step(y, x, step)
            else:
                y = _out_of_place_step(y, x, step)
        (y * weights).sum().backward()
        results.append((y.numpy().copy(), x.grad.numpy().copy()))
    (ours, ours_grad), (reference, reference_grad) = results
    np.testing.assert_allclose(ours, reference, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(ours_grad, reference_grad, rtol=1e-12, atol=1e-12)
