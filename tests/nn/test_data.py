"""IDX files (forged headers and gzip bombs refused), the MNIST loaders (sample, folder, cache, download
with a total deadline), DataLoader (copies, lists of samples, no batching)."""

from __future__ import annotations

import gzip
import hashlib
import io
from typing import Any

import numpy as np
import pytest

from autograd import Tensor
from nn.data import DataLoader, IDXError, load_mnist, load_mnist_sample, read_folder, read_idx, write_idx
from nn.data import mnist as mnist_module
from tests.twin import check


@pytest.mark.parametrize("suffix", ["", ".gz"])
@pytest.mark.parametrize("dtype", [np.uint8, np.int8, np.int16, np.int32, np.float32, np.float64])
def test_idx_round_trip(tmp_path, suffix: str, dtype) -> None:
    array = (np.arange(24).reshape(2, 3, 4) - 5).astype(dtype)
    if dtype == np.uint8:
        array = np.abs(array).astype(dtype)
    path = write_idx(tmp_path / f"a{suffix}", array)
    np.testing.assert_array_equal(read_idx(path), array)


def test_idx_header_is_big_endian(tmp_path) -> None:
    path = tmp_path / "labels"
    path.write_bytes(bytes([0, 0, 8, 1]) + (3).to_bytes(4, "big") + bytes([7, 8, 9]))
    assert read_idx(path).tolist() == [7, 8, 9]


@pytest.mark.parametrize(
    "payload, message",
    [
        (b"\x00\x00", "too short for an IDX header"),
        (b"PK\x03\x04rest", "not an IDX file"),
        (bytes([0, 0, 0x42, 1, 0, 0, 0, 1, 0]), "unknown IDX element type 0x42"),
        (bytes([0, 0, 8, 0]), "declares 0 dimensions"),
        (bytes([0, 0, 8, 2, 0, 0, 0, 2]), "truncated header"),
        (bytes([0, 0, 8, 1, 0, 0, 0, 5, 1, 2]), r"data truncated: shape \(5,\) needs 5 bytes, found 2"),
        (bytes([0, 0, 8, 1, 0, 0, 0, 1, 1, 2]), "trailing bytes"),
    ],
)
def test_bad_idx_files_are_named_errors(tmp_path, payload: bytes, message: str) -> None:
    path = tmp_path / "bad-idx"
    path.write_bytes(payload)
    with pytest.raises(IDXError, match=message) as error:
        read_idx(path)
    assert str(path) in str(error.value)


def test_truncated_gzip_is_a_named_error(tmp_path) -> None:
    data = gzip.compress(bytes([0, 0, 8, 1, 0, 0, 0, 200]) + bytes(200))
    path = tmp_path / "cut.gz"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(IDXError, match=r"cut\.gz: the gzip stream is damaged or truncated"):
        read_idx(path)
    with pytest.raises(FileNotFoundError, match="no IDX file at"):
        read_idx(tmp_path / "missing")


def make_mnist_folder(folder, n_train: int = 6, n_test: int = 4) -> None:
    rng = np.random.default_rng(0)
    for stem, n in (("train", n_train), ("t10k", n_test)):
        write_idx(folder / f"{stem}-images-idx3-ubyte.gz", rng.integers(0, 256, (n, 28, 28)).astype(np.uint8))
        write_idx(folder / f"{stem}-labels-idx1-ubyte", rng.integers(0, 10, n).astype(np.uint8))


def test_read_folder_options(tmp_path) -> None:
    make_mnist_folder(tmp_path)
    (x, t), (x_test, _) = read_folder(tmp_path)
    assert x.shape == (6, 784) and x.dtype == np.float32 and x.min() >= 0 and x.max() <= 1
    assert t.dtype == np.int64 and x_test.shape == (4, 784)
    (x, t), _ = read_folder(tmp_path, normalize=False, flatten=False, one_hot=True)
    assert x.shape == (6, 28, 28) and x.dtype == np.uint8 and t.shape == (6, 10)


def test_bundled_sample_is_the_documented_split() -> None:
    (x, t), (x_test, t_test) = load_mnist_sample()
    assert x.shape == (8000, 784) and x_test.shape == (2000, 784)
    assert np.bincount(t).tolist() == [784, 882, 805, 828, 789, 679, 811, 882, 755, 785]
    assert np.bincount(t_test).tolist() == [217, 245, 186, 204, 191, 184, 203, 188, 189, 193]


def test_load_mnist_uses_the_cache_then_fails_clearly(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("CHAINRULE_DATA", str(tmp_path))
    with pytest.raises(FileNotFoundError, match="downloading is off") as error:
        load_mnist(kind="fashion", download=False)
    assert str(tmp_path / "fashion-mnist") in str(error.value) and "load_mnist_sample()" in str(error.value)
    make_mnist_folder(tmp_path / "mnist")
    (x, _), _ = load_mnist(download=False)
    assert x.shape == (6, 784)
    with pytest.raises(ValueError, match="kind must be one of"):
        load_mnist(kind="letters")


def fake_server(monkeypatch, files: dict[str, bytes]) -> list[str]:
    requested: list[str] = []

    def urlopen(url: str, timeout: float = 0):
        requested.append(url)
        name = url.rsplit("/", 1)[1]
        if name not in files:
            raise OSError(f"404 for {name}")
        return io.BytesIO(files[name])

    monkeypatch.setattr(mnist_module.urllib.request, "urlopen", urlopen)
    return requested


def test_download_verifies_checksums_and_writes_atomically(tmp_path, monkeypatch) -> None:
    source = tmp_path / "source"
    make_mnist_folder(source)
    files = {p.name if p.suffix == ".gz" else p.name + ".gz": p.read_bytes() for p in source.iterdir()}
    files = {name: data if data[:2] == b"\x1f\x8b" else gzip.compress(data) for name, data in files.items()}
    checksums = {name: hashlib.md5(data).hexdigest() for name, data in files.items()}
    monkeypatch.setitem(mnist_module.CHECKSUMS, "digits", checksums)
    requested = fake_server(monkeypatch, files)
    (x, _), _ = load_mnist(root=tmp_path / "cache")
    assert x.shape == (6, 784) and len(requested) == 4
    assert sorted(p.name for p in (tmp_path / "cache").iterdir()) == sorted(files)

    corrupted = dict(files, **{"t10k-labels-idx1-ubyte.gz": b"garbage"})
    fake_server(monkeypatch, corrupted)
    with pytest.raises(FileNotFoundError, match=r"checksum \w+ differs from the official"):
        load_mnist(root=tmp_path / "other")
    assert "t10k-labels-idx1-ubyte.gz" not in [p.name for p in (tmp_path / "other").iterdir()]
    assert not list((tmp_path / "other").glob(".*tmp"))


def test_dataloader_batches_shuffles_reproducibly_and_drops_last() -> None:
    x = np.arange(10, dtype=np.float32).reshape(10, 1)
    t = np.arange(10)
    loader = DataLoader((x, t), batch_size=4)
    batches = list(loader)
    assert len(loader) == 3 and [len(b[1]) for b in batches] == [4, 4, 2]
    assert (
        isinstance(batches[0][0], Tensor)
        and batches[0][1].dtype == np.int64
        and batches[0][0].dtype == np.float32
    )
    assert len(DataLoader((x, t), batch_size=4, drop_last=True)) == 2
    assert len(list(DataLoader((x, t), batch_size=4, drop_last=True))) == 2
    first = [b[1].tolist() for b in DataLoader((x, t), 3, shuffle=True, seed=5)]
    again = [b[1].tolist() for b in DataLoader((x, t), 3, shuffle=True, seed=5)]
    assert (
        first == again
        and sorted(i for batch in first for i in batch) == list(range(10))
        and first[0] != [0, 1, 2]
    )
    shuffled = DataLoader((x, t), 10, shuffle=True, seed=5)
    assert next(iter(shuffled))[1].tolist() != next(iter(shuffled))[1].tolist(), "a new order every epoch"
    with pytest.raises(ValueError, match="differ in length"):
        DataLoader((x, t[:5]))
    with pytest.raises(ValueError, match="batch_size must be an integer >= 1"):
        DataLoader((x, t), batch_size=0)


def test_a_slow_server_cannot_hold_a_download_past_its_total_deadline(tmp_path, monkeypatch) -> None:
    """Reliability review C2."""
    clock = [0.0]

    class Drip(io.BytesIO):
        """A server that sends one byte per read, each taking 2 s of (fake) time."""

        def read1(self, size: int = -1) -> bytes:
            clock[0] += 2.0
            return super().read1(1)

    monkeypatch.setattr(mnist_module.time, "monotonic", lambda: clock[0])
    monkeypatch.setattr(mnist_module.urllib.request, "urlopen", lambda url, timeout=0: Drip(b"x" * 10_000))
    with pytest.raises(OSError, match=r"gave up after 60 s in total \(set CHAINRULE_DOWNLOAD_TIMEOUT"):
        mnist_module.download_mnist("fashion", tmp_path, timeout=60)
    assert clock[0] <= 64
    monkeypatch.setenv("CHAINRULE_DOWNLOAD_TIMEOUT", "soon")
    with pytest.raises(ValueError, match="CHAINRULE_DOWNLOAD_TIMEOUT must be a number of seconds"):
        mnist_module.download_mnist("fashion", tmp_path)


def test_forged_idx_headers_and_0d_arrays_are_refused(tmp_path) -> None:
    """Reliability review C11."""
    huge = tmp_path / "huge"
    huge.write_bytes(
        bytes([0, 0, 0x08, 2]) + np.array([4_000_000_000, 4_000_000_000], ">u4").tobytes() + b"x"
    )
    with pytest.raises(
        IDXError, match=r"data truncated: shape \(4000000000, 4000000000\) needs 16000000000000000000"
    ):
        read_idx(huge)
    wrap = tmp_path / "wrap"
    wrap.write_bytes(bytes([0, 0, 0x08, 4]) + np.array([65536] * 4, ">u4").tobytes())
    with pytest.raises(IDXError, match="data truncated"):
        read_idx(wrap)
    with pytest.raises(ValueError, match="cannot store a 0-d array"):
        write_idx(tmp_path / "scalar", np.array(3, np.uint8))


def test_a_gzip_bomb_is_refused(tmp_path, monkeypatch) -> None:
    """Reliability review C11."""
    from nn.data import idx as idx_module

    monkeypatch.setattr(idx_module, "MAX_BYTES", 1 << 20)
    bomb = tmp_path / "bomb.gz"
    bomb.write_bytes(
        gzip.compress(bytes([0, 0, 0x08, 1]) + np.array([3 << 20], ">u4").tobytes() + bytes(3 << 20))
    )
    with pytest.raises(IDXError, match="inflates to more than 1048576 bytes"):
        read_idx(bomb)


def test_one_hot_names_labels_out_of_range(tmp_path) -> None:
    """Reliability review C10."""
    from nn.data.mnist import _prepare

    with pytest.raises(ValueError, match=r"one_hot needs labels 0\.\.9, found labels from 0 to 200"):
        _prepare(np.zeros((2, 2, 2), np.uint8), np.array([0, 200]), True, True, True)


def test_batches_are_copies_and_a_list_is_a_dataset_of_samples() -> None:
    """Reliability review S14."""
    x = np.zeros((4, 2), np.float32)
    batch, _ = next(iter(DataLoader((x, np.zeros(4, int)), 2)))
    batch += 1
    assert x[0].tolist() == [0.0, 0.0]
    samples = [(np.full(2, i, np.float32), i) for i in range(5)]
    batches = list(DataLoader(samples, 2))
    assert [b[0].shape for b in batches] == [(2, 2), (2, 2), (1, 2)]
    assert batches[0][1].tolist() == [0, 1] and batches[0][1].dtype.kind == "i"
    with pytest.raises(ValueError, match="different shapes"):
        list(DataLoader([np.zeros((10, 2)), np.zeros(10)], 2))


# -- Second reliability review, S8, K7, K11: a loader without batch_size, as PyTorch's -----------------------


def test_a_loader_without_batch_size_converts_each_sample() -> None:
    import numpy as np

    data = [(np.array([1.0, 2.0], np.float32), 3), (np.array([4.0, 5.0], np.float32), 6)]

    def scenario(t: Any) -> Any:
        loader = t.utils.data.DataLoader(data, batch_size=None)
        return len(loader), [tuple(sample) for sample in loader]

    check(scenario)
