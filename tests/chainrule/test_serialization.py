"""chainrule.save / load (chainrule/serialization.py): nested state to the exact file name or a file object,
without pickle; hostile or odd files are refused naming the file (review C6, K6)."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import chainrule
import chainrule as torch
from autograd import Tensor


def _write(path: Path, structure: Any, arrays: dict[str, np.ndarray] | None = None) -> Path:
    """A zip of .npy members and a structure entry, as save() writes, with whatever content is given."""
    members = dict(arrays or {})
    members["__structure__"] = np.frombuffer(json.dumps(structure).encode(), np.uint8)
    np.savez(path, **members)
    return path.with_suffix(".npz")


def _root(root: Any) -> dict:
    return {"format": "chainrule-save-1", "root": root}


@pytest.mark.parametrize(
    ("structure", "arrays", "message"),
    [
        ([1, 2], None, "unknown format"),
        (_root({"$": "dict", "items": 5}), None, "without a list of items"),
        (_root({"$": "dict", "items": [[{"$": "list", "items": []}, 1]]}), None, "dict key"),
        (_root({"$": "tensor", "name": "a0"}), None, "is missing"),
        (_root({"$": "unknown", "name": "a0"}), None, "unknown entry kind"),
        (_root({"$": "tensor", "name": "a0", "requires_grad": True}), {"a0": np.arange(3)}, "requires_grad"),
        (_root({"$": "array", "name": "a0"}), {"a0": np.array(["x"])}, "dtype <U1"),
    ],
)
def test_malformed_files_name_the_file_and_the_problem(
    tmp_path: Path, structure: Any, arrays: Any, message: str
) -> None:
    path = _write(tmp_path / "bad", structure, arrays)
    with pytest.raises(ValueError, match=message) as caught:
        chainrule.load(path)
    assert str(path) in str(caught.value)


def test_deep_nesting_is_refused_on_both_sides(tmp_path: Path) -> None:
    nested: Any = {"$": "list", "items": []}
    for _ in range(100_000):
        nested = {"$": "list", "items": [nested]}
    text = json.dumps(_root(None)).replace("null", "[" * 0 + "null")  # a valid small file first
    assert text
    path = tmp_path / "deep.npz"
    with zipfile.ZipFile(path, "w") as archive:
        payload = (
            '{"format": "chainrule-save-1", "root": '
            + '{"$": "list", "items": [' * 5000
            + "1"
            + "]}" * 5000
            + "}"
        ).encode()
        buffer = io.BytesIO()
        np.save(buffer, np.frombuffer(payload, np.uint8))
        archive.writestr("__structure__.npy", buffer.getvalue())
    with pytest.raises(ValueError, match="nested"):
        chainrule.load(path)
    deep: Any = []
    for _ in range(5000):
        deep = [deep]
    with pytest.raises(ValueError, match="nested more than"):
        chainrule.save(deep, tmp_path / "deep.pt")


def test_an_array_header_over_the_limit_is_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "huge.npz"
    with zipfile.ZipFile(path, "w") as archive:
        header = io.BytesIO()
        np.lib.format.write_array_header_1_0(
            header, {"descr": "<f8", "fortran_order": False, "shape": (100_000, 100_000)}
        )
        archive.writestr("a0.npy", b"\x93NUMPY\x01\x00" + header.getvalue()[8:])
        buffer = io.BytesIO()
        np.save(buffer, np.frombuffer(json.dumps(_root({"$": "array", "name": "a0"})).encode(), np.uint8))
        archive.writestr("__structure__.npy", buffer.getvalue())
    with pytest.raises(ValueError, match="over the limit"):
        chainrule.load(path)
    small = tmp_path / "small.pt"
    chainrule.save(np.zeros(1000), small)
    with pytest.raises(ValueError, match="over the limit"):
        chainrule.load(small, max_bytes=100)


def test_not_a_zip_and_a_missing_file(tmp_path: Path) -> None:
    junk = tmp_path / "junk.pt"
    junk.write_bytes(b"not a zip")
    with pytest.raises(ValueError, match=r"junk\.pt"):
        chainrule.load(junk)
    with pytest.raises(FileNotFoundError):
        chainrule.load(tmp_path / "absent.pt")


def test_save_under_a_file_names_the_problem(tmp_path: Path) -> None:
    (tmp_path / "file.pt").write_bytes(b"")
    with pytest.raises(NotADirectoryError, match="is a file, not a directory"):
        chainrule.save({"a": 1}, tmp_path / "file.pt" / "x.pt")


def test_file_objects_and_sharing_round_trip() -> None:
    weight = chainrule.ones(2, 3, requires_grad=True)
    buffer = io.BytesIO()
    chainrule.save({"w": weight, "again": weight, "list": [weight, 3, "x", None]}, buffer)
    buffer.seek(0)
    loaded = chainrule.load(buffer)
    assert loaded["w"] is loaded["again"] is loaded["list"][0]
    assert loaded["w"].requires_grad and loaded["w"].shape == (2, 3) and loaded["list"][1:] == [3, "x", None]


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


def test_a_safetensors_name_saves_and_loads_a_flat_state_dict_in_that_format(tmp_path) -> None:
    model = torch.nn.Sequential(torch.nn.Linear(3, 2), torch.nn.BatchNorm1d(2))
    path = torch.save(model.state_dict(), tmp_path / "x.safetensors")
    assert path.read_bytes()[8:9] == b"{"  # a JSON header after its length, not a zip
    loaded = torch.load(path)
    assert sorted(loaded) == sorted(model.state_dict())
    for name, value in model.state_dict().items():
        assert isinstance(loaded[name], Tensor) and loaded[name].dtype == value.dtype
        assert np.array_equal(loaded[name].numpy(), value.numpy())
    assert chainrule.safetensors.load_file(path).keys() == loaded.keys()
    chainrule.safetensors.save_file({"a": np.arange(3)}, tmp_path / "y.safetensors", metadata={"k": "v"})
    assert torch.load(tmp_path / "y.safetensors")["a"].numpy().tolist() == [0, 1, 2]


def test_a_safetensors_file_holds_only_a_flat_dict_and_bad_ones_are_named(tmp_path) -> None:
    with pytest.raises(TypeError, match="holds a dict of name -> Tensor, not a list"):
        torch.save([torch.ones(2)], tmp_path / "x.safetensors")
    with pytest.raises(TypeError, match="'nested' is a dict, not a Tensor or an array"):
        torch.save({"nested": {"a": torch.ones(2)}}, tmp_path / "x.safetensors")
    assert list(tmp_path.iterdir()) == []
    (tmp_path / "junk.safetensors").write_bytes(b"\x02\x00\x00\x00\x00\x00\x00\x00[]")
    with pytest.raises(
        ValueError, match=r"junk\.safetensors is not a valid safetensors file: .* not an object"
    ):
        torch.load(tmp_path / "junk.safetensors")


def test_pytorch_and_the_safetensors_package_read_what_chainrule_save_writes(tmp_path) -> None:
    real = pytest.importorskip("torch", reason="the cross-check reads the file with PyTorch")
    reference = pytest.importorskip(
        "safetensors.torch", reason="safetensors.torch reads the file for PyTorch"
    )
    state = {"w": torch.randn(3, 4, dtype=torch.float64), "n": torch.tensor(5)}
    read = reference.load_file(torch.save(state, tmp_path / "s.safetensors"))
    assert read["w"].dtype == real.float64 and np.array_equal(read["w"].numpy(), state["w"].numpy())
    assert read["n"].dtype == real.int64 and read["n"].item() == 5
    reference.save_file({"b": real.ones(2, dtype=real.bool)}, tmp_path / "t.safetensors")
    assert torch.load(tmp_path / "t.safetensors")["b"].numpy().tolist() == [True, True]
