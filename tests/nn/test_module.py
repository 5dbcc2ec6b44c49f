"""Module: registration order, modes, state_dict, atomic save/load and the errors of bad files."""

from __future__ import annotations

import numpy as np
import pytest

import nn
from autograd import Tensor


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
