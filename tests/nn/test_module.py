"""Module (nn/module.py): registration (order, clashing names, in-place updates), modes, state_dict (tied,
missing, unexpected keys), pickling, atomic save/load and the errors of bad files and folders."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import nn
from autograd import Tensor, no_grad
from tests.twin import check


class TwoLayer(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.first = nn.Linear(3, 4, rng=0)
        self.norm = nn.BatchNorm1d(4)
        self.second = nn.Linear(4, 2, rng=1)
        self.scale = nn.Parameter(np.ones(1, np.float32))

    def forward(self, x: Tensor) -> Tensor:
        return self.second(self.norm(self.first(x)).relu()) * self.scale


def test_parameters_are_registered_in_definition_order() -> None:
    names = [name for name, _ in TwoLayer().named_parameters()]
    assert names == [
        "scale",
        "first.weight",
        "first.bias",
        "norm.weight",
        "norm.bias",
        "second.weight",
        "second.bias",
    ]


def test_zero_grad_train_eval() -> None:
    model = TwoLayer()
    assert list(model.children()) == [model.first, model.norm, model.second]
    model(Tensor(np.ones((5, 3), np.float32))).sum().backward()
    assert all(p.grad is not None for p in model.parameters())
    model.zero_grad()
    assert all(p.grad is None for p in model.parameters())
    model.eval()
    assert not model.training and not model.norm.training
    model.train()
    assert model.norm.training


def test_state_dict_includes_buffers_and_round_trips(tmp_path) -> None:
    model = TwoLayer()
    model(Tensor(np.random.default_rng(0).normal(size=(8, 3)).astype(np.float32)))
    state = model.state_dict()
    assert {"norm.running_mean", "norm.running_var"} <= set(state)
    path = model.save(tmp_path / "weights.npz")
    other = TwoLayer()
    for p in other.parameters():
        p.data[...] = 0
    other.load(path)
    for name, value in other.state_dict().items():
        np.testing.assert_array_equal(value, state[name], err_msg=name)
    assert not list(tmp_path.glob(".*tmp")), "no temporary file is left behind"
    with np.load(path, allow_pickle=False) as archive:
        assert sorted(archive.files) == sorted(state)


def test_load_names_missing_extra_and_misshapen_arrays(tmp_path) -> None:
    model = TwoLayer()
    state = model.state_dict()
    del state["first.bias"]
    state["extra"] = np.zeros(2)
    state["second.weight"] = np.zeros((3, 3))
    with pytest.raises(
        ValueError, match=r"wrong shape for second.weight: expected \(2, 4\), got \(3, 3\)"
    ) as error:
        model.load_state_dict(state)
    assert "missing first.bias" in str(error.value) and "unexpected extra" in str(error.value)
    state["second.weight"] = np.zeros((2, 4))
    model.load_state_dict(state, strict=False)
    np.testing.assert_array_equal(model.second.weight.data, 0)


def test_corrupt_or_missing_files_are_clear_errors(tmp_path) -> None:
    with pytest.raises(FileNotFoundError, match="no weights file at"):
        TwoLayer().load(tmp_path / "nothing.npz")
    bad = tmp_path / "bad.npz"
    bad.write_bytes(b"not a zip file at all")
    with pytest.raises(ValueError, match=r"bad\.npz is not a readable \.npz weights file"):
        TwoLayer().load(bad)
    truncated = tmp_path / "truncated.npz"
    good = TwoLayer().save(tmp_path / "good.npz").read_bytes()
    truncated.write_bytes(good[: len(good) // 2])
    with pytest.raises(ValueError, match=r"truncated\.npz"):
        TwoLayer().load(truncated)


def test_save_failure_keeps_the_old_file(tmp_path, monkeypatch) -> None:
    path = TwoLayer().save(tmp_path / "weights.npz")
    before = path.read_bytes()

    def explode(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(np, "savez", explode)
    with pytest.raises(OSError, match="disk full"):
        TwoLayer().save(path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["weights.npz"]


def test_module_without_super_init_is_a_clear_error() -> None:
    class Broken(nn.Module):
        def __init__(self) -> None:
            self.layer = nn.Linear(2, 2)

    with pytest.raises(AttributeError, match="must call super"):
        Broken()


def test_in_place_updates_keep_the_parameter_registered() -> None:
    """Reliability review S3."""
    model = nn.Linear(2, 2)
    weight = model.weight
    with no_grad():
        model.weight -= 0.5
        model.weight *= 2.0
        model.weight += 1.0
        model.weight /= 4.0
        model.bias[0] = 7.0
    assert model.weight is weight and len(list(model.parameters())) == 2 and model.bias.data[0] == 7.0
    assert model.weight.dtype == np.float32
    with pytest.raises(TypeError, match="cannot assign ndarray as parameter 'weight'"):
        model.weight = np.zeros((2, 2))  # type: ignore[assignment]
    with pytest.raises(RuntimeError, match="leaf Tensor that requires grad cannot be changed in place"):
        model.weight -= 0.1
    with pytest.raises(
        RuntimeError, match=r"item assignment: a leaf Tensor that requires grad cannot be changed in place"
    ):
        model.bias[0] = 1.0
    hidden = model(Tensor(np.ones((1, 2), np.float32)))
    hidden *= 3.0  # a recorded non-leaf: the update stays in the graph
    hidden.sum().backward()
    assert np.allclose(model.bias.grad, [3.0, 3.0])


def test_a_deleted_parameter_is_forgotten_and_loading_lists_missing_and_unexpected_keys() -> None:
    """Reliability review K5, K9."""
    model = nn.Linear(2, 1)
    del model.bias
    assert [name for name, _ in model.named_parameters()] == ["weight"] and "bias" not in model.state_dict()
    result = nn.Linear(2, 1).load_state_dict(
        {"weight": Tensor(np.ones((1, 2))), "extra": np.ones(1)}, strict=False
    )
    assert result.missing_keys == ["bias"] and result.unexpected_keys == ["extra"]


def test_saving_into_a_read_only_folder_is_named(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Reliability review K8."""
    import os

    folder = tmp_path / "locked"
    folder.mkdir()
    os.chmod(folder, 0o500)
    try:
        if os.access(folder, os.W_OK):
            pytest.skip("running as a user who can write anywhere (root)")
        with pytest.raises(PermissionError, match=r"cannot write .*m\.npz: no permission"):
            nn.Linear(2, 1).save(folder / "m.npz")
    finally:
        os.chmod(folder, 0o700)


# -- Second reliability review, S16: module bookkeeping refuses clashing names -------------------------------


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


# -- Second reliability review, C5, C11, K5: state-dict names, pickling --------------------------------------


def test_tied_parameters_are_listed_under_every_name() -> None:
    def scenario(t: Any) -> Any:
        shared = t.nn.Linear(2, 2, bias=False)
        model = t.nn.Sequential(shared, t.nn.ReLU(), shared)
        model.load_state_dict(model.state_dict())
        return list(model.state_dict()), len(list(model.parameters()))

    check(scenario)


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


# -- Second reliability review, C12: a state-dict value that is not a number ---------------------------------


def test_load_state_dict_names_a_value_that_is_not_a_number() -> None:
    import numpy as np

    import chainrule

    layer = chainrule.nn.Linear(1, 1)
    with pytest.raises(ValueError, match=r"not numbers for weight \(<U1\)"):
        layer.load_state_dict({"weight": np.array([["a"]]), "bias": np.zeros(1)})
