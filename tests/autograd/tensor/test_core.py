"""Tensor (autograd/tensor/core.py): every op against central differences, dtypes, backward's errors,
graphs freed, Python's and NumPy's protocols, integer casts, printing, and ``.grad`` as a Tensor."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import chainrule as torch
from autograd import Tensor, concatenate, gradcheck, stack, where
from tests.autograd.strategies import arrays, away_from_kinks, leaves, shapes, well_separated
from tests.memory import freed_without_cycle_collector

UNARY = {
    "neg": (lambda t: -t, ()),
    "exp": (lambda t: t.exp(), ()),
    "log": (lambda t: (t * t + 0.5).log(), ()),
    "sqrt": (lambda t: (t * t + 0.5).sqrt(), ()),
    "abs": (abs, (0.0,)),
    "square": (lambda t: t**2, ()),
    "rpow": (lambda t: 2.0**t, ()),
    "reciprocal": (lambda t: 1.0 / (t * t + 1.0), ()),
    "clip": (lambda t: t.clip(-1.0, 1.0), (-1.0, 1.0)),
    "sum": (lambda t: t.sum(), ()),
    "mean": (lambda t: t.mean(), ()),
    "var": (lambda t: t.var() if t.numel() > 1 else t.sum(), ()),
    "max": (lambda t: t.max(), ()),
    "min": (lambda t: t.min(), ()),
    "flatten": (lambda t: t.flatten() * 2.0, ()),
    "transpose": (lambda t: t.transpose(0, -1) * 3.0, ()),
    "pad": (lambda t: t.pad(1, value=2.0) * 1.5 if t.ndim else t * 1.5, ()),
    "softmax": (lambda t: t.softmax(axis=-1) if t.ndim else t.sigmoid(), ()),
    "log_softmax": (lambda t: t.log_softmax(axis=0) if t.ndim else t.tanh(), ()),
}


@pytest.mark.parametrize("name", sorted(UNARY))
def test_unary_and_reduction_ops_match_central_differences(name: str) -> None:
    op, kinks = UNARY[name]

    @given(leaves())
    def check(x: Tensor) -> None:
        assume(away_from_kinks(x.numpy(), kinks))
        if name in ("max", "min"):
            assume(well_separated(x.numpy()))  # a tie is a kink
        gradcheck(op, [x])

    check()


@pytest.mark.parametrize("op", ["add", "sub", "mul", "div", "pow"])
@given(data=st.data(), shapes_pair=hnp.mutually_broadcastable_shapes(num_shapes=2, max_dims=3, max_side=3))
def test_binary_ops_broadcast_and_match_central_differences(
    op: str, data: st.DataObject, shapes_pair
) -> None:
    first, second = shapes_pair.input_shapes
    a = data.draw(leaves(first, low=0.5, high=2.0))
    b = data.draw(leaves(second, low=-2.0, high=2.0))
    function = {
        "add": lambda x, y: x + y,
        "sub": lambda x, y: x - y,
        "mul": lambda x, y: x * y,
        "div": lambda x, y: y / x,
        "pow": lambda x, y: x**y,
    }[op]
    gradcheck(function, [a, b])
    out = function(a, b)
    out.backward(np.ones(out.shape))
    assert a.grad.shape == a.shape and b.grad.shape == b.shape


@pytest.mark.parametrize(
    "left, right",
    [
        ((3,), (3,)),
        ((2, 3), (3,)),
        ((3,), (3, 2)),
        ((2, 3), (3, 4)),
        ((5, 2, 3), (3, 2)),
        ((2, 2, 3), (2, 3, 1)),
    ],
)
def test_matmul_shapes(left: tuple[int, ...], right: tuple[int, ...]) -> None:
    rng = np.random.default_rng(0)
    a = Tensor(rng.normal(size=left), requires_grad=True)
    b = Tensor(rng.normal(size=right), requires_grad=True)
    gradcheck(lambda x, y: x @ y, [a, b])


@given(x=leaves(), data=st.data(), keepdims=st.booleans())
def test_reductions_over_axes(x: Tensor, data: st.DataObject, keepdims: bool) -> None:
    assume(x.ndim >= 1 and well_separated(x.numpy()))
    axes = data.draw(st.lists(st.integers(0, x.ndim - 1), min_size=1, max_size=x.ndim, unique=True))
    axis = tuple(axes) if len(axes) > 1 else axes[0]
    for name in ("sum", "mean", "max", "min"):
        out = getattr(x, name)(axis=axis, keepdims=keepdims)
        assert out.shape == getattr(np, name)(x.numpy(), axis=axis, keepdims=keepdims).shape
        gradcheck(lambda t, n=name: getattr(t, n)(axis=axis, keepdims=keepdims), [x])


def test_max_ties_share_the_gradient() -> None:
    x = Tensor([1.0, 3.0, 3.0], requires_grad=True)
    x.max().backward()
    assert x.grad.tolist() == [0.0, 0.5, 0.5]


@given(x=leaves(shape=(4, 3)))
def test_indexing_slices_integer_arrays_and_masks(x: Tensor) -> None:
    gradcheck(lambda t: t[1:3, ::2] * 2.0, [x])
    gradcheck(lambda t: t[[0, 2, 2, 3]], [x])
    gradcheck(lambda t: t[np.array([0, 0]), np.array([1, 1])], [x])
    mask = np.arange(12).reshape(4, 3) % 3 != 1
    gradcheck(lambda t: t[mask] * 3.0, [x])


def test_repeated_indices_add_up() -> None:
    x = Tensor(np.zeros(3), requires_grad=True)
    x[[0, 0, 2]].sum().backward()
    assert x.grad.tolist() == [2.0, 0.0, 1.0]


@given(a=leaves(shape=(2, 3)), b=leaves(shape=(2, 3)), c=leaves(shape=(1, 3)))
def test_concatenate_stack_where(a: Tensor, b: Tensor, c: Tensor) -> None:
    gradcheck(lambda x, y, z: concatenate([x, y, z], axis=0), [a, b, c])
    gradcheck(lambda x, y: stack([x, y], axis=1), [a, b])
    mask = np.array([[True, False, True], [False, False, True]])
    gradcheck(lambda x, y: where(mask, x, y * 2.0), [a, b])


@given(x=leaves(shape=(2, 3, 4)))
def test_reshape_and_permute(x: Tensor) -> None:
    gradcheck(lambda t: t.reshape(4, 6) * 2.0, [x])
    gradcheck(lambda t: t.reshape((3, -1)) * 2.0, [x])
    gradcheck(lambda t: t.permute(2, 0, 1) * 2.0, [x])
    gradcheck(lambda t: t.flatten(1) * 2.0, [x])
    assert x.T.shape == (4, 3, 2) and x.transpose(0, 2).shape == (4, 3, 2) and x.flatten(1).shape == (2, 12)


def test_float32_stays_float32_and_lists_become_float32() -> None:
    x = Tensor(np.ones((2, 2), np.float32), requires_grad=True)
    y = (x * 2.5 + 1).exp() @ np.ones((2, 2), np.float32) - np.arange(2)
    assert y.dtype == np.float32, "Python numbers and integer arrays take the Tensor's dtype"
    with pytest.raises(RuntimeError, match="same dtype, got float32 and float64"):
        x @ np.ones((2, 2))  # PyTorch's matmul does not promote
    y.sum().backward()
    assert x.grad.dtype == np.float32 and x.grad.shape == (2, 2)
    assert Tensor([1, 2]).dtype == np.float32 and Tensor(np.arange(3)).dtype == np.float32
    assert Tensor([1.5, 2.5]).dtype == np.float32 and Tensor(2.5).dtype == np.float32
    assert Tensor(np.float64(2.5)).dtype == np.float64, "a NumPy float keeps its dtype, as torch.tensor does"
    assert Tensor(np.ones(2, np.float16)).dtype == np.float16
    shared = np.zeros(3, np.float32)
    assert Tensor(shared).numpy() is shared, "a float array is wrapped, not copied"
    assert Tensor(np.zeros(2)).dtype == np.float64 and Tensor(3, dtype=np.float64).dtype == np.float64
    with pytest.raises(TypeError, match="numeric"):
        Tensor(["a"])
    with pytest.raises(TypeError, match="floating-point"):
        Tensor([1, 2], dtype=np.int64, requires_grad=True)


def test_backward_errors_name_the_problem() -> None:
    x = Tensor(np.ones(3), requires_grad=True)
    with pytest.raises(RuntimeError, match=r"single-element Tensor, got shape \(3,\)"):
        (x * 2).backward()
    with pytest.raises(ValueError, match=r"grad has shape \(2,\), the Tensor has shape \(3,\)"):
        (x * 2).backward(np.ones(2))
    with pytest.raises(RuntimeError, match="does not require grad"):
        Tensor([1.0]).backward()
    with pytest.raises(RuntimeError, match=r"add: shapes \(3,\) and \(2,\)"):
        x + np.ones(2)
    with pytest.raises(RuntimeError, match=r"matmul: shapes \(3,\) and \(2, 2\)"):
        x @ np.ones((2, 2))
    with pytest.raises(RuntimeError, match="cannot reshape a Tensor of shape"):
        x.reshape(2, 2)
    with pytest.raises(IndexError, match=r"sum\(\): dim 3 is out of range"):
        x.sum(axis=3)


def test_second_backward_accumulates_into_leaves_only() -> None:
    x = Tensor([2.0], requires_grad=True)
    h = x * 3.0
    y = (h * h).sum()
    y.backward()
    y.backward()
    assert x.grad.tolist() == [72.0] and h.grad.tolist() == [12.0]
    y.zero_grad()
    assert x.grad is None


def test_leaf_backward_and_grad_not_aliased() -> None:
    x = Tensor([1.0, 2.0], requires_grad=True)
    x.backward(np.array([1.0, 1.0]))
    assert x.grad.tolist() == [1.0, 1.0]
    a = Tensor([1.0], requires_grad=True)
    b = Tensor([1.0], requires_grad=True)
    s = a + b
    s.sum().backward()
    a.grad += 5
    assert b.grad.tolist() == [1.0] and s.grad.tolist() == [1.0]


@pytest.mark.parametrize("value", [-1e4, 1e4])
def test_stable_functions_do_not_warn_on_huge_inputs(value: float) -> None:
    import warnings

    x = Tensor(np.array([[value, 0.0, -value]]), requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for op in ("sigmoid", "softplus", "softmax", "log_softmax", "elu", "selu", "swish", "gelu", "tanh"):
            out = getattr(x, op)()
            assert np.all(np.isfinite(out.numpy())), op
            out.sum().backward()
            assert np.all(np.isfinite(x.grad)), op


@given(arrays(shapes(1, 2)))
def test_softmax_rows_sum_to_one(data: np.ndarray) -> None:
    out = Tensor(data).softmax(axis=-1).numpy()
    assert np.allclose(out.sum(axis=-1), 1.0)


def test_no_graph_is_recorded_under_no_grad() -> None:
    from autograd import no_grad

    w = Tensor(np.ones((3, 3)), requires_grad=True)
    with no_grad():
        out = (w @ w).relu().sum()
    assert not out.requires_grad and out.parents == () and out.op == ""
    inputs_only = Tensor(np.ones(3)) * 2.0
    assert not inputs_only.requires_grad and inputs_only.parents == ()


def test_tensor_graph_is_freed_by_reference_counting() -> None:
    w = Tensor(np.ones((4, 4)), requires_grad=True)
    assert freed_without_cycle_collector(lambda: ((w @ w).tanh() * 2.0).sum())


def test_a_long_tensor_chain_backprops_without_recursion() -> None:
    x = Tensor(np.ones(2), requires_grad=True)
    y = x
    for _ in range(20_000):
        y = y * 1.0
    y.sum().backward()
    assert x.grad.tolist() == [1.0, 1.0]


def test_a_tensor_speaks_python_and_numpy() -> None:
    """Reliability review S11, C9."""
    assert bool(Tensor([0.0])) is False and bool(Tensor(2.0)) is True
    with pytest.raises(ValueError, match="ambiguous"):
        bool(Tensor([0.0, 0.0]))
    assert float(Tensor([2.5])) == 2.5 and int(Tensor(np.array([[3.0]]))) == 3
    assert f"{Tensor(2.0):.2f}" == "2.00"
    array = np.asarray(Tensor(np.array([[1.0, 2.0]])))
    assert array.dtype == np.float64 and array.tolist() == [[1.0, 2.0]]
    assert isinstance(np.ones(2) + Tensor(np.ones(2), requires_grad=True), Tensor)
    with pytest.raises(TypeError, match="0-d Tensor"):
        iter(Tensor(1.0))
    rows = list(Tensor(np.arange(4.0).reshape(2, 2), requires_grad=True))
    assert [r.data.tolist() for r in rows] == [[0.0, 1.0], [2.0, 3.0]] and rows[0].requires_grad


def test_an_integer_cast_leaves_the_graph() -> None:
    """Reliability review S17."""
    a = Tensor(np.array([1.5, 2.5]), requires_grad=True)
    cast = a.astype(np.int32)
    assert cast.dtype == np.int32 and not cast.requires_grad


def test_detach_keeps_the_dtype() -> None:
    """Reliability review S21."""
    assert Tensor(np.ones(2), dtype=np.float16).detach().dtype == np.float16


def test_printing_follows_pytorch() -> None:
    assert repr(torch.tensor([1, 2, 3])) == "tensor([1, 2, 3])"
    assert repr(torch.tensor([0.1, 2.0])) == "tensor([0.1000, 2.0000])"
    assert repr(torch.tensor([1.0, 2.0], requires_grad=True)) == "tensor([1., 2.], requires_grad=True)"
    assert repr(torch.tensor([1.0], requires_grad=True) * 2) == "tensor([2.], grad_fn=<MulBackward>)"
    assert repr(torch.tensor(3.0, dtype=torch.float64)) == "tensor(3., dtype=float64)"
    assert repr(torch.nn.Parameter(torch.ones(2))).startswith("Parameter containing:\ntensor([1., 1.]")


def test_grad_is_a_tensor_that_accumulates_and_can_be_zeroed_in_place() -> None:
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    (x * x).sum().backward()
    assert isinstance(x.grad, Tensor) and repr(x.grad) == "tensor([2., 4.])"
    held = x.grad
    (x * x).sum().backward()
    assert held is x.grad and x.grad.tolist() == [4.0, 8.0]
    x.grad.zero_()
    (3 * x).sum().backward()
    assert x.grad.tolist() == [3.0, 3.0]
    x.grad = np.array([1.0, 1.0])
    assert isinstance(x.grad, Tensor) and x.grad.dtype == np.float32
    with pytest.raises(ValueError, match=r"gradient of shape \(3,\) to a Tensor of shape \(2,\)"):
        x.grad = np.ones(3)
