"""PyTorch's ``.pt`` weights load through chainrule.load as ``torch.load(weights_only=True)`` reads them:
state dicts carry over with equal outputs, and anything but tensors and containers is refused by name
without running; a whole Module is not saved (no pickle, ever)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import numpy as np
import pytest

import chainrule

torch = pytest.importorskip("torch")


def test_a_pytorch_state_dict_loads_into_the_same_model_with_equal_outputs(tmp_path: Path) -> None:
    torch.manual_seed(0)
    theirs = torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.BatchNorm1d(3), torch.nn.ReLU())
    theirs(torch.randn(8, 4))  # moves the running statistics
    torch.save(theirs.state_dict(), tmp_path / "weights.pth")
    ours = chainrule.nn.Sequential(
        chainrule.nn.Linear(4, 3), chainrule.nn.BatchNorm1d(3), chainrule.nn.ReLU()
    )
    state = chainrule.load(tmp_path / "weights.pth")
    assert ours.load_state_dict(state) == ([], []) and state["1.num_batches_tracked"].dtype == np.int64
    x = np.random.default_rng(0).normal(size=(5, 4)).astype(np.float32)
    theirs.eval(), ours.eval()
    expected = theirs(torch.from_numpy(x)).detach().numpy()
    np.testing.assert_allclose(ours(chainrule.tensor(x)).numpy(), expected, rtol=1e-6, atol=1e-6)


def test_nested_containers_views_bools_and_parameters_read_from_a_file_object() -> None:
    buffer = io.BytesIO()
    grid = torch.arange(6.0, dtype=torch.float64).reshape(2, 3)
    torch.save(
        {"t": [grid.T, grid[:, 1], torch.tensor(True)], "p": torch.nn.Parameter(torch.ones(2)), "n": 3},
        buffer,
    )
    buffer.seek(0)
    loaded = chainrule.load(buffer)
    transposed, column, flag = loaded["t"]
    assert transposed.tolist() == grid.T.tolist() and transposed.dtype == np.float64
    assert column.tolist() == [1.0, 4.0] and flag.item() is True and flag.dtype == np.bool_
    assert loaded["p"].requires_grad and loaded["n"] == 3


class _Intrusion:
    """What a malicious file holds: an object whose unpickling would create a file."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __reduce__(self) -> tuple:
        return (open, (str(self.path), "w"))


def test_anything_but_weights_is_refused_by_name_without_running(tmp_path: Path) -> None:
    witness = tmp_path / "created-by-the-file"
    torch.save({"weight": torch.ones(2), "payload": _Intrusion(witness)}, tmp_path / "evil.pt")
    with pytest.raises(ValueError, match=r"evil.pt: a PyTorch file refused: .*open is not weights"):
        chainrule.load(tmp_path / "evil.pt")
    assert not witness.exists()


def test_a_storage_shorter_than_declared_is_refused(tmp_path: Path) -> None:
    torch.save({"w": torch.ones(4)}, tmp_path / "full.pt")
    with zipfile.ZipFile(tmp_path / "full.pt") as original, zipfile.ZipFile(tmp_path / "cut.pt", "w") as cut:
        for item in original.infolist():
            data = original.read(item)
            cut.writestr(item, data[:-4] if item.filename.endswith("/data/0") else data)
    with pytest.raises(ValueError, match="does not hold 4 float32 items"):
        chainrule.load(tmp_path / "cut.pt")


def test_saving_a_whole_module_points_at_its_state_dict(tmp_path: Path) -> None:
    with pytest.raises(TypeError, match=r"whole Linear, which would need pickle: save its state_dict\(\)"):
        chainrule.save(chainrule.nn.Linear(2, 2), tmp_path / "model.pt")
    assert not (tmp_path / "model.pt").exists()
