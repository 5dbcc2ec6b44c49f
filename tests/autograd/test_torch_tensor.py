"""Tensor habits PyTorch users bring: transpose swaps two dims, printing, ``.grad`` as a Tensor,
devices, and ``save`` / ``load`` of nested state without pickle."""

from __future__ import annotations

import zipfile

import numpy as np
import pytest

import chainrule as torch
from autograd import Tensor


def test_transpose_swaps_two_dims_and_permute_reorders_all() -> None:
    x = torch.arange(24).reshape(2, 3, 4)
    assert x.transpose(0, 2).shape == (4, 3, 2) and x.transpose(-1, 1).shape == (2, 4, 3)
    assert x.permute(2, 0, 1).shape == (4, 2, 3) and x.T.shape == (4, 3, 2)
    assert np.array_equal(x.transpose(0, 2).numpy(), np.swapaxes(x.numpy(), 0, 2))
    with pytest.raises(
        IndexError, match=r"transpose\(\): dim 3 is out of range \(expected to be in range of \[-3, 2\]\)"
    ):
        x.transpose(0, 3)
    w = torch.randn(3, 4, requires_grad=True)
    (w.transpose(0, 1) * torch.arange(3.0)).sum().backward()
    assert np.array_equal(w.grad.numpy(), np.tile(np.arange(3.0)[:, None], (1, 4)))


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


def test_devices_are_the_cpu_only() -> None:
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    x = torch.ones(2).to(device)
    assert str(x.device) == "cpu" and x.cpu() is x and x.to(device, torch.float64).dtype == np.float64
    assert x.to(torch.zeros(1, dtype=torch.int64)).dtype == np.int64
    model = torch.nn.Linear(2, 2).to(device)
    assert model.to(torch.float64).weight.dtype == np.float64
    with pytest.raises(RuntimeError, match="CPU only"):
        torch.device("cuda")


def test_save_and_load_nested_state_to_the_exact_file_name(tmp_path) -> None:
    state = {
        "model": {"0.weight": torch.randn(2, 3), "0.bias": torch.zeros(2)},
        "optimizer": {"state": {0: {"step": 3, "exp_avg": np.ones((2, 3), np.float32)}}, "param_groups": []},
        "epoch": 7,
        "best": float("inf"),
        "history": [0.5, 0.25],
        "pair": (1, "two"),
        "flags": {"done": True, "note": None},
        "scalar": np.float32(1.5),
    }
    path = torch.save(state, tmp_path / "model.pt")
    assert path.name == "model.pt" and sorted(p.name for p in tmp_path.iterdir()) == ["model.pt"]
    loaded = torch.load(tmp_path / "model.pt")
    assert isinstance(loaded["model"]["0.weight"], Tensor)
    assert np.array_equal(loaded["model"]["0.weight"].numpy(), state["model"]["0.weight"].numpy())
    assert loaded["optimizer"]["state"][0]["step"] == 3 and 0 in loaded["optimizer"]["state"]
    assert loaded["optimizer"]["state"][0]["exp_avg"].dtype == np.float32
    assert loaded["epoch"] == 7 and loaded["best"] == float("inf") and loaded["history"] == [0.5, 0.25]
    assert loaded["pair"] == (1, "two") and loaded["flags"] == {"done": True, "note": None}
    assert loaded["scalar"] == np.float32(1.5) and loaded["scalar"].dtype == np.float32
    with zipfile.ZipFile(tmp_path / "model.pt") as archive:
        assert all(name.endswith(".npy") for name in archive.namelist())


def test_save_refuses_objects_and_load_names_a_bad_file(tmp_path) -> None:
    with pytest.raises(TypeError, match=r"obj\['f'\] is a builtin_function_or_method; only dicts"):
        torch.save({"f": len}, tmp_path / "x.pt")
    assert not (tmp_path / "x.pt").exists()
    (tmp_path / "junk.pt").write_bytes(b"not a zip")
    with pytest.raises(ValueError, match=r"junk\.pt is not a readable chainrule\.save file"):
        torch.load(tmp_path / "junk.pt")
    np.savez(tmp_path / "plain.npz", a=np.ones(2))
    with pytest.raises(ValueError, match=r"not a file written by chainrule\.save"):
        torch.load(tmp_path / "plain.npz")
    with pytest.raises(FileNotFoundError, match="no file at"):
        torch.load(tmp_path / "missing.pt")


def test_all_and_any_take_dim() -> None:
    x = torch.tensor([[1, 0], [1, 1]])
    assert x.all(dim=1).tolist() == [False, True] and x.any(dim=0, keepdim=True).shape == (1, 2)
    assert bool(x.any()) and not bool(x.all())
