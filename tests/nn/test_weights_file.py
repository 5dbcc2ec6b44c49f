"""Saving and loading weights safely (reliability review C5, S23, S24, N12, N13): headers are checked
before data is read, errors name the file and the entry, symlinks and permissions survive a save."""

from __future__ import annotations

import io
import os
import tracemalloc
import warnings
import zipfile
from pathlib import Path

import numpy as np
import pytest

import nn
from autograd import Tensor


def _npz(path: Path, compress: bool = False, **arrays: np.ndarray) -> Path:
    (np.savez_compressed if compress else np.savez)(path, **arrays)
    return path


def _header_only(path: Path, name: str, shape: tuple[int, ...]) -> Path:
    """An .npz whose entry claims ``shape`` but holds no data (a 300-byte file claiming gigabytes)."""
    buffer = io.BytesIO()
    np.lib.format.write_array_header_1_0(buffer, {"descr": "<f8", "fortran_order": False, "shape": shape})
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(f"{name}.npy", buffer.getvalue())
    return path


def test_shapes_are_checked_before_any_data_is_read(tmp_path: Path) -> None:
    """Reliability review C5."""
    model = nn.Linear(3, 2)
    bomb = _npz(tmp_path / "bomb.npz", compress=True, weight=np.zeros((3000, 3000)), bias=np.zeros(2))
    tracemalloc.start()
    with pytest.raises(ValueError, match=r"bomb\.npz into Linear: wrong shape for weight: expected \(2, 3\)"):
        model.load(bomb)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 5_000_000  # the 72 MB array was never inflated
    huge = _header_only(tmp_path / "huge.npz", "weight", (100_000, 100_000))
    with pytest.raises(ValueError, match=r"huge\.npz into Linear: wrong shape for weight"):
        model.load(huge, strict=False)


def test_bad_entries_and_files_are_named(tmp_path: Path) -> None:
    """Reliability review C5, N12."""
    model = nn.Linear(2, 1)
    np.save(tmp_path / "single.npy", np.zeros(2))
    with pytest.raises(ValueError, match=r"single\.npy is not a readable \.npz weights file \(not a zip"):
        model.load(tmp_path / "single.npy")
    words = _npz(tmp_path / "words.npz", weight=np.array([["a", "b"]]), bias=np.zeros(1))
    with pytest.raises(ValueError, match=r"words\.npz into Linear: 'weight' has dtype <U1, not a number"):
        model.load(words)
    complex_file = _npz(tmp_path / "complex.npz", weight=np.ones((1, 2), complex), bias=np.zeros(1))
    with pytest.raises(ValueError, match="'weight' holds complex numbers"):
        model.load(complex_file)


def test_a_truncated_archive_leaves_no_open_file(tmp_path: Path) -> None:
    """Reliability review N13."""
    model = nn.Linear(2, 1)
    good = model.save(tmp_path / "good.npz")
    cut = tmp_path / "cut.npz"
    cut.write_bytes(good.read_bytes()[:200])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ValueError, match=r"cut\.npz is not a readable \.npz weights file"):
            model.load(cut)


def test_saving_writes_through_a_symlink_and_keeps_the_mode(tmp_path: Path) -> None:
    """Reliability review S23."""
    model = nn.Linear(2, 1)
    real = model.save(tmp_path / "real.npz")
    os.chmod(real, 0o600)
    link = tmp_path / "link.npz"
    link.symlink_to(real)
    model.bias.data[:] = 5.0
    model.save(link)
    assert link.is_symlink() and (real.stat().st_mode & 0o777) == 0o600
    assert nn.Linear(2, 1).load(real).bias.data.tolist() == [5.0]


def test_a_buffer_given_a_tensor_saves_and_loads(tmp_path: Path) -> None:
    """Reliability review S24."""
    norm = nn.BatchNorm1d(2)
    norm.running_mean = Tensor([1.0, 2.0])  # type: ignore[assignment]
    path = norm.save(tmp_path / "norm.npz")
    assert nn.BatchNorm1d(2).load(path).running_mean.tolist() == [1.0, 2.0]
