"""The second reliability review's findings (shared/reviews/reliability-2.md), part tensors: var/std, grad-
mode decorators on generators, tensor() inference, devices, randint, dims, seeds, shapes, masked_fill,
gradcheck of float32 modules. Each is written in PyTorch's API and run on chainrule and on PyTorch
(tests/twin.py): values, gradients, dtypes, and an error of the same kind wherever PyTorch raises one."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pytest

from tests.twin import T, check, dtype_name

MATRIX = [[1.0, 2.0], [3.0, 4.0]]


# -- S5: var / std unbiased by default, with unbiased= and correction= -------------------------------


@pytest.mark.parametrize(
    ("call", "expected"),
    [
        (lambda t, a: t.var(a), T(5 / 3)),
        (lambda t, a: t.var(a, dim=0), T([2.0, 2.0])),
        (lambda t, a: t.var(a, unbiased=False), T(1.25)),
        (lambda t, a: t.var(a, correction=0), T(1.25)),
        (lambda t, a: t.var(a, False), T(1.25)),
        (lambda t, a: a.var(1, keepdim=True), T([[0.5], [0.5]])),
        (lambda t, a: a.std(), T((5 / 3) ** 0.5)),
        (lambda t, a: t.std(a, dim=1, correction=0), T([0.5, 0.5])),
    ],
)
def test_var_and_std_are_unbiased_by_default(call: Any, expected: T) -> None:
    check(lambda t: call(t, t.tensor(MATRIX)), expected)


@pytest.mark.parametrize("reduce", [lambda a: a.var(0), lambda a: a.std(1), lambda a: a.var(correction=0)])
def test_var_and_std_gradients_match(reduce: Any) -> None:
    def scenario(t: Any) -> Any:
        a = t.tensor(MATRIX, dtype=t.float64, requires_grad=True)
        reduce(a).sum().backward()
        return a.grad

    check(scenario)


def test_var_of_one_element_is_nan_with_a_warning() -> None:
    def scenario(t: Any) -> Any:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            value = t.tensor([1.0]).var()
        return value, len(caught)

    check(scenario, (T(float("nan")), 1))


def test_var_takes_one_way_of_giving_the_correction() -> None:
    import chainrule

    with pytest.raises(TypeError, match="got unbiased and correction"):
        chainrule.tensor(MATRIX).var(unbiased=True, correction=0)


@pytest.mark.parametrize("reduce", [lambda t, a: a.var(), lambda t, a: t.std(a, 0)])
def test_var_and_std_of_an_integer_tensor_are_refused(reduce: Any) -> None:
    check(lambda t: reduce(t, t.tensor([[1, 2], [3, 5]])), RuntimeError)


@pytest.mark.parametrize("op", ["var", "std"])
@pytest.mark.parametrize("shape", [(0,), (0, 3), (1,)], ids=str)
def test_var_and_std_without_degrees_of_freedom_warn_once_under_their_name(op: str, shape: Any) -> None:
    """NaN with PyTorch's one UserWarning naming the op; NumPy's 'Mean of empty slice' leaked beside it."""

    def scenario(t: Any) -> Any:
        x = t.zeros(shape, dtype=t.float64, requires_grad=True)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            value = getattr(x, op)(0)
            value.sum().backward()
        names = [str(w.message).split("(")[0] for w in caught]
        return value, x.grad, names

    check(scenario)


# -- S11: @no_grad() / @set_grad_enabled on generator functions -------------------------------------


def test_grad_mode_decorators_hold_during_each_resumption_of_a_generator() -> None:
    def scenario(t: Any) -> Any:
        @t.no_grad()
        def doubled(x: Any) -> Any:
            sent = yield x * 2
            yield (x * sent, t.is_grad_enabled())

        x = t.ones(2, requires_grad=True)
        steps = doubled(x)
        first = next(steps)
        outside = t.is_grad_enabled()
        second, inside = steps.send(3.0)
        return first.requires_grad, second.requires_grad, inside, outside, (x * 2).requires_grad

    check(scenario, (False, False, False, True, True))


def test_a_generator_under_enable_grad_records_inside_no_grad() -> None:
    def scenario(t: Any) -> Any:
        @t.enable_grad()
        def squares(x: Any) -> Any:
            yield x * x

        x = t.ones(2, requires_grad=True)
        with t.no_grad():
            first = next(squares(x))
            (only,) = list(squares(x))  # run to the end: the generator's StopIteration passes through
        return first.requires_grad, only.requires_grad

    check(scenario, (True, True))


def test_no_grad_and_enable_grad_decorate_without_parentheses() -> None:
    def scenario(t: Any) -> Any:
        @t.no_grad
        def doubled(x: Any) -> Any:
            return x * 2

        @t.enable_grad
        def squared(x: Any) -> Any:
            return x * x

        x = t.ones(2, requires_grad=True)
        with t.no_grad():
            recorded = squared(x).requires_grad
        return doubled(x).requires_grad, recorded, doubled.__name__, t.is_grad_enabled()

    check(scenario, (False, True, "doubled", True))


@pytest.mark.parametrize("mode", [1, None, len], ids=repr)
def test_set_grad_enabled_takes_a_bool_only(mode: Any) -> None:
    check(lambda t: t.set_grad_enabled(mode), TypeError)  # a bare @set_grad_enabled passes a function


# -- S10, K10, W5, C12: tensor() infers, refuses and stays silent as PyTorch ------------------------------


@pytest.mark.parametrize(
    "data",
    [2**64, 2**63, -(2**63) - 1, [1, 2**63], [1.5, 2**64], [1, 2**62], 1e40, [1e40, 1.0], [True, 2]],
    ids=repr,
)
def test_tensor_of_python_numbers(data: Any) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no NumPy overflow warning: PyTorch is silent
        check(lambda t: t.tensor(data))


@pytest.mark.parametrize("dtype", ["uint8", "int8", "int16", "int32", "float16", "float64"])
def test_tensor_of_an_array_keeps_its_dtype(dtype: str) -> None:
    import numpy as np

    check(lambda t: (t.tensor(np.array([1, 2], dtype)), t.tensor(np.array(3, dtype)[()])))


RAGGED = {
    "[[1], [2, 3]]": ([[1], [2, 3]], "expected sequence of length 1 at dim 1 (got 2)"),
    "[[1, 2], [3, 4], [5]]": ([[1, 2], [3, 4], [5]], "expected sequence of length 2 at dim 1 (got 1)"),
    "deep": ([[[1, 2], [3, 4]], [[5, 6], [7]]], "expected sequence of length 2 at dim 2 (got 1)"),
}


@pytest.mark.parametrize("case", RAGGED)
def test_a_ragged_list_is_a_value_error_naming_where(case: str) -> None:
    data, where = RAGGED[case]
    ours = check(lambda t: t.tensor(data), ValueError)
    assert where in ours[2]


def test_numbers_beside_lists_are_a_value_error_naming_the_dim() -> None:
    import chainrule

    with pytest.raises(ValueError, match="at dim 1, numbers and sequences are mixed"):
        chainrule.tensor([[1], 2])  # PyTorch: TypeError 'not a sequence'


def test_casting_nan_and_huge_floats_to_integers_is_silent() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        check(lambda t: t.tensor([float("nan"), 1e10, 2.5], dtype=t.float64).long())


NUMBERS = [-1.0, -0.5, 255.5, 256.0, -255, -256, 2147483647.5, 2**31, -(2**31) - 1, 9.2e18, 9.3e18]
NUMBERS += [2**63 - 1, -(2**63), 2**63, 2**64 - 1, 1e40, float("nan"), float("inf"), 1.5, True]
DTYPES = ["uint8", "int8", "int16", "int32", "int64", "bool", "float16", "float32", "float64", None]


FACTORIES = {
    "tensor": lambda t, number, kind: t.tensor(number, dtype=kind),
    "list": lambda t, number, kind: t.tensor([0, number], dtype=kind),
    "full": lambda t, number, kind: t.full((1,), number, dtype=kind),
}


@pytest.mark.parametrize("factory", FACTORIES)
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("number", NUMBERS, ids=repr)
def test_numbers_an_integer_dtype_cannot_hold_are_refused(
    factory: str, number: Any, dtype: str | None
) -> None:
    """tensor(300, dtype=uint8), tensor([nan], dtype=int64) and full((1,), 1e10, dtype=int32) are errors
    in PyTorch (an unsigned dtype takes ints down to -max); float and bool dtypes take any number, except
    that full() refuses a finite number beyond float32's range in float32."""

    def scenario(t: Any) -> Any:
        return FACTORIES[factory](t, number, None if dtype is None else getattr(t, dtype))

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no NumPy cast warning where PyTorch is silent
        check(scenario)


@pytest.mark.parametrize("number", [2**64, -(2**63) - 1], ids=repr)
def test_full_of_an_int_beyond_64_bits_is_an_overflow_error(number: int) -> None:
    check(lambda t: t.full((1,), number, dtype=t.float32), OverflowError)


@pytest.mark.parametrize("data", [None, [1, None], [[1.5], [None]], {1: 2}], ids=repr)
def test_data_that_is_not_numbers_names_its_type(data: Any) -> None:
    check(lambda t: t.tensor(data), RuntimeError)


# -- C8, C9, C12, K11: devices, randint, dims, arange and seeds as PyTorch ----------------------------------


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


DEVICE_FORMS = {
    "cpu:0": lambda t: (str(t.device("cpu:0")), repr(t.device("cpu:0")), t.device("cpu:0").index),
    "index": lambda t: (str(t.device("cpu", 1)), t.device("cpu", 1) == t.device("cpu:1")),
    "copy": lambda t: repr(t.device(t.device("cpu:2"))),
    "unequal": lambda t: (t.device("cpu") == t.device("cpu:0"), t.device("cpu") == t.device("cpu")),
    "negative": lambda t: t.device("cpu", -1),
    "bad string": lambda t: t.device("cpu:x"),
    "float index": lambda t: t.device("cpu", 1.0),
    "factories": lambda t: [
        str(make(device=where).device)
        for where in ("cpu", "cpu:0", t.device("cpu"), None)
        for make in (
            lambda **d: t.tensor([1.0], **d),
            lambda **d: t.zeros(2, **d),
            lambda **d: t.ones(2, **d),
            lambda **d: t.full((2,), 1.0, **d),
            lambda **d: t.zeros_like(t.ones(2), **d),
            lambda **d: t.ones_like(t.ones(2), **d),
            lambda **d: t.arange(3, **d),
            lambda **d: t.linspace(0, 1, 3, **d),
            lambda **d: t.eye(2, **d),
            lambda **d: t.randn(2, **d),
            lambda **d: t.rand(2, **d),
            lambda **d: t.randn_like(t.ones(2), **d),
            lambda **d: t.rand_like(t.ones(2), **d),
            lambda **d: t.randint(3, (2,), **d),
            lambda **d: t.randperm(3, **d),
            lambda **d: t.as_tensor([1.0], **d),
        )
    ],
}


@pytest.mark.parametrize("form", DEVICE_FORMS)
def test_devices_take_an_index_and_every_factory_takes_device(form: str) -> None:
    check(DEVICE_FORMS[form])


def test_factories_refuse_a_device_other_than_the_cpu() -> None:
    import chainrule

    for make in (lambda: chainrule.zeros(2, device="cuda"), lambda: chainrule.randn(2, device="cuda:0")):
        with pytest.raises(RuntimeError, match="chainrule runs on the CPU only"):
            make()


def _shape_and_dtype(x: Any) -> Any:
    return tuple(x.shape), dtype_name(x.dtype)


@pytest.mark.parametrize(
    "call",
    [
        lambda t: t.zeros(2, -1),
        lambda t: t.ones((2, 2.0)),
        lambda t: t.full((-1,), 1.0),
        lambda t: t.randn(-1),
        lambda t: t.rand(2.0),
        lambda t: t.arange(0, -3),
        lambda t: t.arange(0, 10, -1),
        lambda t: t.arange(3, 0, -1),
        lambda t: t.arange(0, 0),
        lambda t: t.arange(0, 10, float("nan")),
        lambda t: t.arange(float("nan")),
        lambda t: t.arange(0, float("inf")),
        lambda t: t.arange(5, dtype=t.bool),
        lambda t: t.arange("a"),
        lambda t: t.linspace(0, 1, -1),
        lambda t: t.linspace(0, 1, 2.5),
        lambda t: t.linspace(0, 1, 3, dtype=t.int64),
        lambda t: t.eye(-1),
        lambda t: t.eye(2, -1),
        lambda t: t.eye(2.5),
        lambda t: t.eye(0),
        lambda t: t.randperm(-1),
        lambda t: t.randperm(2.5),
        lambda t: t.randperm(3, dtype=t.bool),
        lambda t: t.randperm(300, dtype=t.uint8),
        lambda t: _shape_and_dtype(t.randperm(3, dtype=t.int32)),
        lambda t: _shape_and_dtype(t.randperm(0)),
        lambda t: t.randint(0.5, 3.5, (2,)),
        lambda t: t.randint(True, (2,)),
        lambda t: t.randint(2**63, (1,)),
        lambda t: t.randint(-(2**63) - 1, 0, (1,)),
        lambda t: t.randint(0, 300, (1,), dtype=t.uint8),
        lambda t: t.randint(-1, 2, (1,), dtype=t.uint8),
        lambda t: t.randint(0, 3, (1,), dtype=t.bool),
        lambda t: t.randint(0, 70000, (1,), dtype=t.float16),
        lambda t: _shape_and_dtype(t.randint(0, 2, (3,), dtype=t.bool)),
        lambda t: _shape_and_dtype(t.randint(0, 256, (3,), dtype=t.uint8)),
        lambda t: _shape_and_dtype(t.randint(-(2**63), 2**63 - 1, (3,))),
        lambda t: t.randn_like(t.zeros(2, dtype=t.int64)),
        lambda t: t.rand_like(t.zeros(2, dtype=t.int32)),
        lambda t: _shape_and_dtype(t.randn_like(t.zeros(2, 3, dtype=t.float64))),
        lambda t: _shape_and_dtype(t.rand_like(t.zeros(2, dtype=t.int64), dtype=t.float16)),
    ],
)
def test_factory_arguments_pytorch_refuses(call: Any) -> None:
    """Sizes, ranges, counts and bounds as PyTorch checks them: an arange that walks away from its end,
    a randint bound its dtype cannot hold or a negative size was an empty or wrapped Tensor."""
    check(call)


def test_randint_warns_where_a_float_dtype_cannot_hold_every_integer() -> None:
    def scenario(t: Any) -> Any:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            values = t.randint(0, 2**25, (3,), dtype=t.float32)
        return dtype_name(values.dtype), len(caught)

    check(scenario, ("float32", 1))


# -- C12: every op that takes a dim checks it as PyTorch does ---------------------------------------------

DIM_OPS = {
    "sum": lambda t, a, d: a.sum(d),
    "mean": lambda t, a, d: a.mean(dim=d, keepdim=True),
    "var": lambda t, a, d: a.var(d, correction=0),
    "all": lambda t, a, d: a.all(d),
    "max": lambda t, a, d: a.max(d),
    "argmax": lambda t, a, d: a.argmax(d, keepdim=True),
    "softmax": lambda t, a, d: a.softmax(d),
    "transpose": lambda t, a, d: a.transpose(0, d) if a.ndim else a.transpose(d, -1),
    "permute": lambda t, a, d: a.permute(d, 0) if a.ndim else a.permute(()),
    "unsqueeze": lambda t, a, d: a.unsqueeze(d),
    "squeeze": lambda t, a, d: a.squeeze(d),
    "flatten": lambda t, a, d: a.flatten(d),
    "stack": lambda t, a, d: t.stack([a, a], dim=d),
    "cat": lambda t, a, d: t.cat([a, a], dim=d) if a.ndim else t.cat([a.reshape(1)], dim=d),
}


@pytest.mark.parametrize("op", DIM_OPS)
@pytest.mark.parametrize(
    ("shape", "dim"),
    [((2, 3), -1), ((2, 3), 1), ((2, 3), 2), ((2, 3), -3), ((2, 3), 5), ((), 0), ((), -1), ((), 1)],
)
def test_dims_out_of_range_are_index_errors(op: str, shape: tuple[int, ...], dim: int) -> None:
    """In range: PyTorch's values (a 0-d Tensor takes dim 0 and -1); out of range: its IndexError."""
    check(lambda t: DIM_OPS[op](t, t.arange(float(np.prod(shape))).reshape(shape), dim))


@pytest.mark.parametrize(
    "call",
    [
        lambda t: t.ones(2, 3).sum((0, -2)),
        lambda t: t.ones(2, 3).permute(1, 1),
        lambda t: t.ones(2, 3).permute(0),
        lambda t: t.ones(2, 3, 4).flatten(2, 1),
        lambda t: t.ones(2, 3).transpose(0, 1.0),
        lambda t: t.ones(2, 3).unsqueeze(1.0),
        lambda t: t.ones(2, 3).argmax(0.5),
    ],
)
def test_repeated_missing_and_non_integer_dims(call: Any) -> None:
    check(call)


# -- C12: shapes that do not fit are PyTorch's RuntimeError -----------------------------------------------


@pytest.mark.parametrize(
    "call",
    [
        lambda t: t.ones(2) + t.ones(3),
        lambda t: t.ones(2, 3) @ t.ones(2, 3),
        lambda t: t.ones(2).add_(t.ones(3)),
    ],
)
def test_shapes_that_do_not_fit_are_runtime_errors(call: Any) -> None:
    check(call, RuntimeError)


# -- C7: gradcheck of a float32 module names the fix -----------------------------------------------------


def test_gradcheck_of_a_float32_module_says_to_convert_it() -> None:
    import chainrule

    conv = chainrule.nn.Conv2d(1, 1, 2)
    x = chainrule.ones(1, 1, 3, 3, requires_grad=True)
    with pytest.raises(TypeError, match=r"model\.double\(\)"):
        chainrule.autograd.gradcheck(lambda a: conv(a).sum(), [x])
    conv.double()
    assert chainrule.autograd.gradcheck(lambda a: conv(a).sum(), [x.double().detach().requires_grad_()])


def test_masked_fill_matches_pytorch() -> None:
    def scenario(t: Any) -> Any:
        x = t.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
        out = x.masked_fill(t.tensor([[False, True], [False, False]]), float("-inf")).softmax(-1)
        out[:, 0].sum().backward()
        return out, x.grad

    check(scenario)
