"""The findings of the second reliability review (shared/reviews/reliability-2.md), each
written in PyTorch's API and run on chainrule and on PyTorch (tests/twin.py): values, gradients, dtypes,
and an error of the same kind wherever PyTorch raises one."""

from __future__ import annotations

import warnings
from typing import Any

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


# -- S7: cells take one step: a 3-D input is refused ----------------------------------------------------


@pytest.mark.parametrize("cell", ["RNNCell", "LSTMCell", "GRUCell"])
def test_cells_refuse_a_sequence(cell: str) -> None:
    check(lambda t: getattr(t.nn, cell)(3, 4)(t.ones(2, 5, 3)), ValueError)


# -- S12: max-pool sends a NaN window's gradient where PyTorch does (its last NaN) -------------------------

NAN = float("nan")


@pytest.mark.parametrize(
    "window",
    [[[1.0, NAN], [3.0, 2.0]], [[NAN, NAN], [3.0, 2.0]], [[NAN, 1.0], [NAN, 2.0]], [[5.0, 1.0], [5.0, 2.0]]],
)
@pytest.mark.parametrize("kernel", [(2, 2), (2, 1)])  # (2, 2): the quartered fast path; stride 1: general
def test_max_pool_routes_a_nan_window_like_pytorch(window: list, kernel: tuple) -> None:
    def scenario(t: Any) -> Any:
        x = t.tensor([[window + window]], dtype=t.float64, requires_grad=True)  # (1, 1, 4, 2)
        out = t.nn.functional.max_pool2d(x, 2, stride=kernel)
        out.sum().backward()
        return out, x.grad

    check(scenario)


# -- S14, C10, K11: window arguments as PyTorch takes and refuses them -----------------------------------


@pytest.mark.parametrize(
    "call",
    [
        lambda t: t.nn.MaxPool2d(2, stride=0)(t.ones(1, 1, 4, 4)),
        lambda t: t.nn.AvgPool2d(2, stride=0)(t.ones(1, 1, 4, 4)),
        lambda t: t.nn.functional.max_pool2d(t.ones(1, 1, 4, 4), 2, stride=0),
        lambda t: t.nn.functional.conv2d(t.ones(1, 1, 4, 4), t.ones(1, 1, 2, 2), stride=0),
        lambda t: t.nn.functional.conv2d(t.ones(1, 1, 4, 4), t.ones(1, 1, 5, 5)),
        lambda t: t.nn.functional.max_pool2d(t.ones(1, 1, 4, 4), 2, padding=2),
        lambda t: t.nn.Conv2d(1, 1, 0)(t.ones(1, 1, 4, 4)),
    ],
)
def test_windows_that_do_not_fit_raise_runtime_errors(call: Any) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # PyTorch warns about Conv2d(1, 1, 0)'s empty weight
        check(call, RuntimeError)


def test_pool_padding_may_reach_half_the_dilated_kernel() -> None:
    check(lambda t: t.nn.functional.max_pool2d(t.arange(25.0).reshape(1, 1, 5, 5), 2, 1, 1, 2))


# -- S15: arguments PyTorch refuses are refused, not reinterpreted ---------------------------------------


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


# -- S17, S18, C2, K8, K11: optimizers and schedulers ------------------------------------------------


def _sgd(t: Any, lr: float = 1.0) -> Any:
    p = t.nn.Parameter(t.ones(1))
    return p, t.optim.SGD([p], lr=lr)


@pytest.mark.parametrize("mode", ["min", "max"])
@pytest.mark.parametrize("threshold_mode", ["rel", "abs"])
@pytest.mark.parametrize("metrics", [(-10.0, -10.5, -10.9, -11.0, -11.05), (10.0, 10.5, 10.9, 11.0, 11.05)])
def test_reduce_lr_on_plateau_improves_by_pytorch_rule(
    mode: str, threshold_mode: str, metrics: tuple
) -> None:
    def scenario(t: Any) -> Any:
        _, o = _sgd(t)
        s = t.optim.lr_scheduler.ReduceLROnPlateau(
            o, mode=mode, patience=0, threshold=0.04, threshold_mode=threshold_mode, factor=0.5
        )
        lrs = []
        for m in metrics:
            s.step(m)
            lrs.append(o.param_groups[0]["lr"])
        return lrs

    check(scenario)


def test_reduce_lr_on_plateau_takes_a_min_lr_per_group() -> None:
    def scenario(t: Any) -> Any:
        a, b = t.nn.Parameter(t.ones(1)), t.nn.Parameter(t.ones(1))
        o = t.optim.SGD([{"params": [a]}, {"params": [b], "lr": 0.5}], lr=1.0)
        s = t.optim.lr_scheduler.ReduceLROnPlateau(o, patience=0, min_lr=[0.3, 0.2])
        for m in (1.0, 2.0, 3.0):
            s.step(m)
        return [g["lr"] for g in o.param_groups]

    check(scenario)


def test_a_scheduler_overflow_leaves_the_lr_unchanged() -> None:
    import chainrule

    _, o = _sgd(chainrule, lr=1e300)
    s = chainrule.optim.lr_scheduler.ExponentialLR(o, gamma=1e10)
    o.step()
    with pytest.raises(ValueError, match="lr"):
        s.step()
    assert o.param_groups[0]["lr"] == 1e300


def test_frozen_parameters_are_kept_and_skipped() -> None:
    def scenario(t: Any) -> Any:
        a, b = t.nn.Parameter(t.ones(2)), t.nn.Parameter(t.ones(2))
        b.requires_grad_(False)
        o = t.optim.Adam([a, b], lr=0.1)
        (a * b).sum().backward()
        o.step()
        return a, b, len(o.param_groups[0]["params"])

    check(scenario)


def test_an_optimizer_refuses_a_non_leaf() -> None:
    check(lambda t: t.optim.SGD([t.ones(2, requires_grad=True) * 2], lr=0.1), ValueError)


def test_lr_zero_is_accepted() -> None:
    def scenario(t: Any) -> Any:
        p, o = _sgd(t, lr=0.0)
        (p * 3).sum().backward()
        o.step()
        return p

    check(scenario, T([1.0]))


def test_a_scheduler_stepped_before_its_optimizer_warns_once() -> None:
    def scenario(t: Any) -> Any:
        _, o = _sgd(t)
        s = t.optim.lr_scheduler.StepLR(o, step_size=1)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            s.step()
            s.step()
        return len([w for w in caught if "optimizer.step()" in str(w.message)])

    check(scenario, 1)


# -- S8, K7, K11: collate and DataLoader as PyTorch's defaults --------------------------------------------


@pytest.mark.parametrize(
    "samples",
    [
        [1, 2.5],
        [2.5, 1],
        [True, 2],
        [2, True],
        [True, False],
        [(1, (2, 3.5)), (4, (5, 6.5))],
        [[1, 2], [3, 4]],
    ],
)
def test_default_collate_promotes_across_samples(samples: list) -> None:
    check(lambda t: t.utils.data.default_collate(samples))


def test_default_collate_keeps_namedtuples() -> None:
    from collections import namedtuple

    Pair = namedtuple("Pair", "x y")

    def scenario(t: Any) -> Any:
        batch = t.utils.data.default_collate([Pair(1, 2.0), Pair(3, 4.0)])
        return type(batch).__name__, batch.x, batch.y

    check(scenario)


def test_a_loader_without_batch_size_converts_each_sample() -> None:
    import numpy as np

    data = [(np.array([1.0, 2.0], np.float32), 3), (np.array([4.0, 5.0], np.float32), 6)]

    def scenario(t: Any) -> Any:
        loader = t.utils.data.DataLoader(data, batch_size=None)
        return len(loader), [tuple(sample) for sample in loader]

    check(scenario)


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


def test_a_ragged_list_is_a_value_error() -> None:
    check(lambda t: t.tensor([[1], [2, 3]]), ValueError)


def test_casting_nan_and_huge_floats_to_integers_is_silent() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        check(lambda t: t.tensor([float("nan"), 1e10, 2.5], dtype=t.float64).long())


# -- S13, W4, C12: RBMs refuse what they cannot train on ---------------------------------------------------


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda rbm, np: rbm.fit(np.full((3, 4), np.nan), log=None), ValueError, "NaN or inf"),
        (lambda rbm, np: rbm.fit(np.zeros((0, 4)), log=None), ValueError, "no data"),
        (lambda rbm, np: rbm.score_samples(np.ones((2, 4)), flipped=[9, 0]), IndexError, "outside 0..3"),
        (lambda rbm, np: rbm.score_samples(np.full((1, 4), np.inf)), ValueError, "NaN or inf"),
    ],
)
def test_rbms_refuse_bad_data_without_warnings(call: Any, error: type, match: str) -> None:
    import numpy as np

    from nn.rbm import RBM

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(error, match=match):
            call(RBM(4, 2, rng=0), np)


# -- S16: module bookkeeping refuses clashing names -------------------------------------------------------


@pytest.mark.parametrize(
    "call",
    [
        lambda t: t.nn.Linear(2, 2).register_buffer("weight", t.zeros(2, 2)),
        lambda t: t.nn.Linear(2, 2).register_parameter("forward", None),
        lambda t: t.nn.Linear(2, 2).add_module("bias", t.nn.ReLU()),
        lambda t: t.nn.ModuleDict({"training": t.nn.Linear(1, 1)}),
        lambda t: t.nn.Sequential().add_module("a.b", t.nn.ReLU()),
    ],
)
def test_clashing_names_are_refused(call: Any) -> None:
    check(call, KeyError)


def test_registering_the_same_kind_again_replaces_it() -> None:
    def scenario(t: Any) -> Any:
        layer = t.nn.Linear(2, 2)
        layer.register_buffer("scale", t.ones(1))
        layer.register_buffer("scale", t.zeros(1))
        layer.register_parameter("bias", None)
        return sorted(layer.state_dict()), len(list(layer.parameters()))

    check(scenario)


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


# -- W3, K9, C12: clip_grad_norm_ as PyTorch --------------------------------------------------------------

INF = float("inf")


@pytest.mark.parametrize(
    ("grads", "dtype", "norm_type"),
    [
        ([[3.0, 4.0]], "float32", 2.0),
        ([[3.0, 4.0], [1.0]], "float64", 2.0),
        ([[1e20, 1e20]], "float32", 2.0),
        ([[1.0, INF]], "float32", 2.0),
        ([[1.0, NAN]], "float32", 2.0),
        ([[3.0, -4.0], [0.0, 2.0]], "float32", 0),
        ([[3.0, -4.0]], "float32", "inf"),
        ([[3.0, -4.0], [0.5]], "float32", 1.0),
    ],
)
def test_clip_grad_norm_matches_pytorch_silently(grads: list, dtype: str, norm_type: Any) -> None:
    def scenario(t: Any) -> Any:
        params = []
        for g in grads:
            p = t.nn.Parameter(t.zeros(len(g), dtype=getattr(t, dtype)))
            p.grad = t.tensor(g, dtype=getattr(t, dtype))
            params.append(p)
        total = t.nn.utils.clip_grad_norm_(params, 1.0, norm_type=norm_type)
        return total, [p.grad for p in params]

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        check(scenario)


# -- W1, W2: losses on empty or NaN input, silently as PyTorch -----------------------------------------


def test_cross_entropy_of_an_empty_batch_is_nan_silently() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        check(lambda t: t.nn.functional.cross_entropy(t.ones(0, 3), t.ones(0, dtype=t.int64)), T(NAN))


def test_binary_cross_entropy_refuses_a_nan_probability_without_warnings() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        check(
            lambda t: t.nn.functional.binary_cross_entropy(t.tensor([NAN, 0.5]), t.tensor([1.0, 0.0])),
            RuntimeError,
        )


# -- K8, K11: dropout of 1, BatchNorm momentum 0, a one-layer RNN's dropout warns ---------------------------


@pytest.mark.parametrize(
    "call",
    [
        lambda t: t.nn.Dropout(p=1)(t.ones(3)),
        lambda t: t.nn.Dropout2d(p=1)(t.ones(1, 2, 2, 2)),
        lambda t: t.nn.functional.dropout(t.ones(3), p=1.0),
        lambda t: t.nn.Dropout(p=1.5),
        lambda t: t.nn.BatchNorm1d(2, momentum=0)(t.tensor([[1.0, 2.0], [3.0, 5.0]])),
    ],
)
def test_dropout_and_batchnorm_arguments_pytorch_accepts(call: Any) -> None:
    check(call)


def test_a_one_layer_recurrent_net_with_dropout_warns() -> None:
    def scenario(t: Any) -> Any:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            t.nn.LSTM(2, 3, num_layers=1, dropout=0.5)
            t.nn.GRU(2, 3, num_layers=2, dropout=0.5)
        return ["num_layers greater than 1" in str(w.message) for w in caught]

    check(scenario, [True])


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


# -- C5, C11, K5: state-dict names, pickling, slices --------------------------------------------------------


def test_tied_parameters_are_listed_under_every_name() -> None:
    def scenario(t: Any) -> Any:
        shared = t.nn.Linear(2, 2, bias=False)
        model = t.nn.Sequential(shared, t.nn.ReLU(), shared)
        model.load_state_dict(model.state_dict())
        return list(model.state_dict()), len(list(model.parameters()))

    check(scenario)


def test_a_sequential_slice_keeps_the_names() -> None:
    check(lambda t: list(t.nn.Sequential(t.nn.Linear(1, 1), t.nn.ReLU(), t.nn.Linear(1, 1))[1:].state_dict()))


def test_a_module_pickles_and_deep_copies() -> None:
    import copy
    import pickle

    def scenario(t: Any) -> Any:
        t.manual_seed(0)
        model = t.nn.Sequential(t.nn.Linear(2, 3), t.nn.ReLU(), t.nn.BatchNorm1d(3))
        clone, twin = pickle.loads(pickle.dumps(model)), copy.deepcopy(model)
        x = t.ones(4, 2)
        same = bool((clone(x) - model(x)).abs().max() == 0) and bool((twin(x) - model(x)).abs().max() == 0)
        return same, list(clone.state_dict()), clone[0].weight is not model[0].weight

    check(scenario)


# -- C7: gradcheck of a float32 module names the fix -----------------------------------------------------


def test_gradcheck_of_a_float32_module_says_to_convert_it() -> None:
    import chainrule

    conv = chainrule.nn.Conv2d(1, 1, 2)
    x = chainrule.ones(1, 1, 3, 3, requires_grad=True)
    with pytest.raises(TypeError, match=r"model\.double\(\)"):
        chainrule.autograd.gradcheck(lambda a: conv(a).sum(), [x])
    conv.double()
    assert chainrule.autograd.gradcheck(lambda a: conv(a).sum(), [x.double().detach().requires_grad_()])


# -- C3: a PyTorch optimizer's state dict loads and steps on ------------------------------------------------


def test_a_pytorch_adam_state_dict_resumes_the_same_steps() -> None:
    torch = pytest.importorskip("torch")
    import chainrule

    def run(t: Any, steps: int, state: Any = None) -> Any:
        p = t.nn.Parameter(t.tensor([1.0, -2.0]))
        optimizer = t.optim.Adam([p], lr=0.1)
        if state is not None:
            with t.no_grad():
                p.copy_(t.tensor(state[0]))
            optimizer.load_state_dict(state[1])
        for _ in range(steps):
            optimizer.zero_grad()
            (p * p * t.tensor([1.0, 3.0])).sum().backward()
            optimizer.step()
        return p, optimizer

    reference, _ = run(torch, 4)
    halfway, optimizer = run(torch, 2)
    resumed, _ = run(chainrule, 2, (halfway.detach().numpy().copy(), optimizer.state_dict()))
    np_resumed, np_reference = resumed.numpy(), reference.detach().numpy()
    assert abs(np_resumed - np_reference).max() < 1e-6


def test_a_state_dict_with_options_we_lack_is_refused() -> None:
    torch = pytest.importorskip("torch")
    import chainrule

    p = torch.nn.Parameter(torch.ones(1))
    state = torch.optim.Adam([p], amsgrad=True).state_dict()
    with pytest.raises(ValueError, match="amsgrad=True"):
        chainrule.optim.Adam([chainrule.nn.Parameter(chainrule.ones(1))]).load_state_dict(state)


def test_masked_fill_matches_pytorch() -> None:
    def scenario(t: Any) -> Any:
        x = t.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
        out = x.masked_fill(t.tensor([[False, True], [False, False]]), float("-inf")).softmax(-1)
        out[:, 0].sum().backward()
        return out, x.grad

    check(scenario)


def test_module_lists_change_like_python_lists() -> None:
    def scenario(t: Any) -> Any:
        layers = t.nn.ModuleList([t.nn.Linear(1, 1), t.nn.ReLU(), t.nn.Tanh()])
        layers[1] = t.nn.Sigmoid()
        layers.insert(0, t.nn.Identity())
        del layers[-1]
        layers += [t.nn.ReLU()]
        joined = layers + t.nn.ModuleList([t.nn.Tanh()])
        return (
            [type(m).__name__ for m in layers],
            list(layers.state_dict()),
            len(joined),
            type(joined).__name__,
        )

    check(scenario)


# -- K11: cross-entropy and NLL with weight, ignore_index and label_smoothing ------------------------------

LOGITS = [[1.0, 2.0, 0.5], [0.1, -1.0, 2.0], [0.3, 0.3, 0.3], [2.0, 1.0, -1.0]]


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize(
    "options",
    [
        {"weight": [1.0, 2.0, 0.5]},
        {"ignore_index": 1},
        {"label_smoothing": 0.2},
        {"weight": [1.0, 2.0, 0.5], "ignore_index": 0, "label_smoothing": 0.1},
        {"ignore_index": -100},
    ],
    ids=str,
)
@pytest.mark.parametrize("loss", ["cross_entropy", "nll_loss", "CrossEntropyLoss"])
def test_cross_entropy_options_match_pytorch(reduction: str, options: dict, loss: str) -> None:
    if loss == "nll_loss" and "label_smoothing" in options:
        pytest.skip("nll_loss has no label smoothing")

    def scenario(t: Any) -> Any:
        logits = t.tensor(LOGITS, dtype=t.float64, requires_grad=True)
        labels = t.tensor([1, 2, 0, 1])
        kwargs = {k: (t.tensor(v, dtype=t.float64) if k == "weight" else v) for k, v in options.items()}
        if loss == "nll_loss":
            out = t.nn.functional.nll_loss(logits.log_softmax(1), labels, reduction=reduction, **kwargs)
        elif loss == "cross_entropy":
            out = t.nn.functional.cross_entropy(logits, labels, reduction=reduction, **kwargs)
        else:
            out = t.nn.CrossEntropyLoss(reduction=reduction, **kwargs)(logits, labels)
        (out * t.tensor(1.5, dtype=t.float64)).sum().backward()
        return out, logits.grad

    check(scenario, rtol=1e-8)


@pytest.mark.parametrize("options", [{"label_smoothing": 0.3}, {"weight": [1.0, 2.0, 0.5]}], ids=str)
def test_cross_entropy_options_on_probability_targets(options: dict) -> None:
    def scenario(t: Any) -> Any:
        logits = t.tensor(LOGITS, dtype=t.float64, requires_grad=True)
        targets = t.tensor([[0.2, 0.8, 0.0]] * 4, dtype=t.float64)
        kwargs = {k: (t.tensor(v, dtype=t.float64) if k == "weight" else v) for k, v in options.items()}
        out = t.nn.functional.cross_entropy(logits, targets, **kwargs)
        out.backward()
        return out, logits.grad

    check(scenario, rtol=1e-8)


def test_everything_ignored_is_nan() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        check(lambda t: t.nn.functional.cross_entropy(t.ones(2, 3), t.tensor([1, 1]), ignore_index=1), T(NAN))


# -- C12: state dicts with odd values, PyTorch's scheduler state ------------------------------------------


def test_load_state_dict_names_a_value_that_is_not_a_number() -> None:
    import numpy as np

    import chainrule

    layer = chainrule.nn.Linear(1, 1)
    with pytest.raises(ValueError, match=r"not numbers for weight \(<U1\)"):
        layer.load_state_dict({"weight": np.array([["a"]]), "bias": np.zeros(1)})


def test_a_pytorch_step_lr_state_resumes() -> None:
    torch = pytest.importorskip("torch")
    import chainrule

    def scheduler(t: Any) -> Any:
        optimizer = t.optim.SGD([t.nn.Parameter(t.ones(1))], lr=1.0)
        return optimizer, t.optim.lr_scheduler.StepLR(optimizer, step_size=2, gamma=0.5)

    theirs_optimizer, theirs = scheduler(torch)
    for _ in range(3):
        theirs_optimizer.step()
        theirs.step()
    ours_optimizer, ours = scheduler(chainrule)
    ours.load_state_dict(theirs.state_dict())
    ours_optimizer.param_groups[0]["lr"] = theirs_optimizer.param_groups[0]["lr"]
    for _ in range(3):
        theirs_optimizer.step()
        theirs.step()
        ours_optimizer.step()
        ours.step()
        assert ours.get_last_lr() == pytest.approx(theirs.get_last_lr())


# -- K11: padding='same' with even kernels, in Conv2d and F.conv2d ---------------------------------------


@pytest.mark.filterwarnings("ignore:Using padding=.same.:UserWarning")  # PyTorch notes its own padded copy
@pytest.mark.parametrize(
    ("kernel", "dilation"), [((2, 2), 1), ((2, 3), 1), ((4, 1), 2), ((3, 3), 1), ((2, 2), 3)]
)
def test_same_padding_matches_pytorch_for_any_kernel(kernel: tuple, dilation: int) -> None:
    import numpy as np

    values = np.random.default_rng(0).normal(size=(2, 2, 5, 6))
    weights = np.random.default_rng(1).normal(size=(3, 2, *kernel))

    def scenario(t: Any) -> Any:
        x = t.tensor(values, requires_grad=True)
        w = t.tensor(weights, requires_grad=True)
        out = t.nn.functional.conv2d(x, w, padding="same", dilation=dilation)
        (out * out).sum().backward()
        conv = t.nn.Conv2d(2, 3, kernel, padding="same", dilation=dilation, bias=False).double()
        with t.no_grad():
            conv.weight.copy_(w)
        return out, x.grad, w.grad, conv(x), repr(conv)

    check(scenario, rtol=1e-9)


def test_same_padding_refuses_a_stride() -> None:
    check(lambda t: t.nn.Conv2d(1, 1, 2, stride=2, padding="same"), ValueError)


# -- K11: pooling's ceil_mode, count_include_pad, divisor_override and return_indices -------------------

POOL_CASES = [  # (input H, W), kernel, stride, padding, dilation
    ((5, 5), 2, 2, 0, 1),
    ((7, 6), 3, 2, 1, 1),
    ((6, 7), (3, 2), (2, 3), (1, 1), 1),
    ((8, 8), 2, 3, 1, 2),
    ((4, 4), 4, 1, 2, 1),
]


@pytest.mark.parametrize("case", POOL_CASES, ids=str)
@pytest.mark.parametrize("ceil_mode", [False, True])
def test_max_pool_options_match_pytorch(case: tuple, ceil_mode: bool) -> None:
    import numpy as np

    size, kernel, stride, padding, dilation = case
    values = np.random.default_rng(2).normal(size=(2, 2, *size)).round(1)  # ties included

    def scenario(t: Any) -> Any:
        x = t.tensor(values, requires_grad=True)
        out, indices = t.nn.functional.max_pool2d(
            x, kernel, stride, padding, dilation, ceil_mode=ceil_mode, return_indices=True
        )
        (out * out).sum().backward()
        module = t.nn.MaxPool2d(kernel, stride, padding, dilation, return_indices=True, ceil_mode=ceil_mode)
        return out, indices, x.grad, module(x)[1]

    check(scenario, rtol=1e-12)


@pytest.mark.parametrize("case", [c for c in POOL_CASES if c[4] == 1], ids=str)
@pytest.mark.parametrize("ceil_mode", [False, True])
@pytest.mark.parametrize("count_include_pad", [True, False])
@pytest.mark.parametrize("divisor_override", [None, 3])
def test_avg_pool_options_match_pytorch(
    case: tuple, ceil_mode: bool, count_include_pad: bool, divisor_override: Any
) -> None:
    import numpy as np

    size, kernel, stride, padding, _ = case
    values = np.random.default_rng(3).normal(size=(2, 2, *size))

    def scenario(t: Any) -> Any:
        x = t.tensor(values, requires_grad=True)
        pool = t.nn.AvgPool2d(kernel, stride, padding, ceil_mode, count_include_pad, divisor_override)
        out = pool(x)
        (out * out).sum().backward()
        return out, x.grad

    check(scenario, rtol=1e-12)
