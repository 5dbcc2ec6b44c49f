"""MNIST and Fashion-MNIST: the bundled 10,000-digit sample, a cache folder, and verified downloads."""

from __future__ import annotations

import hashlib
import os
import time
import urllib.request
from importlib import resources
from pathlib import Path

import numpy as np

from autograd.files import atomic_write_bytes
from nn.data.idx import read_idx

FILES = {
    "train_images": "train-images-idx3-ubyte",
    "train_labels": "train-labels-idx1-ubyte",
    "test_images": "t10k-images-idx3-ubyte",
    "test_labels": "t10k-labels-idx1-ubyte",
}
# MD5 of the official .gz files (as published with torchvision's MNIST and FashionMNIST).
CHECKSUMS = {
    "digits": {
        "train-images-idx3-ubyte.gz": "f68b3c2dcbeaaa9fbdd348bbdeb94873",
        "train-labels-idx1-ubyte.gz": "d53e105ee54ea40749a09fcbcd1e9432",
        "t10k-images-idx3-ubyte.gz": "9fb629c4189551a2d022fa330f9573f3",
        "t10k-labels-idx1-ubyte.gz": "ec29112dd5afa0611ce80d1b7f02629c",
    },
    "fashion": {
        "train-images-idx3-ubyte.gz": "8d4fb7e6c68d591d4c3dfef9ec88bf0d",
        "train-labels-idx1-ubyte.gz": "25c81989df183df01b3e8a0aad5dffbe",
        "t10k-images-idx3-ubyte.gz": "bef4ecab320f06d8554ea6380940ec79",
        "t10k-labels-idx1-ubyte.gz": "bb300cfdad3c16e7a12a480ee83cd310",
    },
}
MIRRORS = {
    "digits": ("https://ossci-datasets.s3.amazonaws.com/mnist/", "http://yann.lecun.com/exdb/mnist/"),
    "fashion": ("http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",),
}
FOLDERS = {"digits": "mnist", "fashion": "fashion-mnist"}
FASHION_CLASSES = (
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
)  # fmt: skip

Split = tuple[np.ndarray, np.ndarray]


def cache_dir() -> Path:
    """Where downloads go: ``$CHAINRULE_DATA``, else ``~/.cache/chainrule``."""
    return Path(os.environ.get("CHAINRULE_DATA") or Path.home() / ".cache" / "chainrule")


def _check_kind(kind: str) -> None:
    if kind not in FOLDERS:
        raise ValueError(f"kind must be one of {tuple(FOLDERS)}, got {kind!r}")


def _find(folder: Path, stem: str) -> Path | None:
    for name in (stem + ".gz", stem):
        if (folder / name).is_file():
            return folder / name
    return None


def _prepare(images: np.ndarray, labels: np.ndarray, normalize: bool, flatten: bool, one_hot: bool) -> Split:
    """The notes' options: pixels as float32 in [0, 1], rows of 784, one-hot label rows."""
    if len(images) != len(labels):
        raise ValueError(f"{len(images)} images but {len(labels)} labels")
    x = images.astype(np.float32) / 255.0 if normalize else images
    if flatten:
        x = x.reshape(len(x), -1)
    t = labels.astype(np.int64)
    if one_hot and t.size and (t.min() < 0 or t.max() > 9):
        raise ValueError(f"one_hot needs labels 0..9, found labels from {t.min()} to {t.max()}")
    return x, (np.eye(10, dtype=np.float32)[t] if one_hot else t)


def read_folder(
    folder: str | os.PathLike[str], normalize: bool = True, flatten: bool = True, one_hot: bool = False
) -> tuple[Split, Split]:
    """((x_train, t_train), (x_test, t_test)) from a folder holding the four IDX files (raw or .gz)."""
    location = Path(folder)
    paths = {key: _find(location, stem) for key, stem in FILES.items()}
    missing = [FILES[key] for key, path in paths.items() if path is None]
    if missing:
        raise FileNotFoundError(f"{location} lacks {', '.join(missing)} (.gz or uncompressed)")
    arrays = {key: read_idx(path) for key, path in paths.items()}  # type: ignore[arg-type]
    train = _prepare(arrays["train_images"], arrays["train_labels"], normalize, flatten, one_hot)
    test = _prepare(arrays["test_images"], arrays["test_labels"], normalize, flatten, one_hot)
    return train, test


def load_mnist_sample(
    normalize: bool = True, flatten: bool = True, one_hot: bool = False
) -> tuple[Split, Split]:
    """10,000 real MNIST digits shipped inside chainrule (8,000 train / 2,000 test): works offline."""
    with resources.as_file(resources.files("nn.data") / "sample") as folder:
        return read_folder(folder, normalize, flatten, one_hot)


DEFAULT_DOWNLOAD_SECONDS = 300.0
_CHUNK = 1 << 16


def _download_seconds(seconds: float | None) -> float:
    """The total time allowed: the argument, else $CHAINRULE_DOWNLOAD_TIMEOUT, else 300 s."""
    if seconds is None:
        setting = os.environ.get("CHAINRULE_DOWNLOAD_TIMEOUT", "")
        try:
            seconds = float(setting) if setting else DEFAULT_DOWNLOAD_SECONDS
        except ValueError:
            raise ValueError(
                f"CHAINRULE_DOWNLOAD_TIMEOUT must be a number of seconds, got {setting!r}"
            ) from None
    if not seconds > 0:
        raise ValueError(f"the download timeout must be > 0 seconds, got {seconds}")
    return seconds


def _fetch(url: str, deadline: float, seconds: float) -> bytes:
    """The body at ``url``, read in chunks as they arrive, given up (TimeoutError) at ``deadline``: a
    server that answers slowly, byte by byte, cannot hold the caller past it."""
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise TimeoutError(f"{url}: no time left of the {seconds:g} s allowed")
    chunks = []
    with urllib.request.urlopen(url, timeout=min(30.0, remaining)) as response:
        while chunk := response.read1(_CHUNK):
            chunks.append(chunk)
            if time.monotonic() > deadline:
                raise TimeoutError(
                    f"{url}: gave up after {seconds:g} s in total "
                    "(set CHAINRULE_DOWNLOAD_TIMEOUT to allow longer)"
                )
    return b"".join(chunks)


def download_mnist(
    kind: str = "digits", folder: str | os.PathLike[str] | None = None, timeout: float | None = None
) -> Path:
    """Fetch the four official .gz files into ``folder`` (default: the cache), checking each MD5 and
    writing atomically, so an interrupted or corrupted download never leaves a file behind. The whole
    download gives up after ``timeout`` seconds (default $CHAINRULE_DOWNLOAD_TIMEOUT or 300), however
    slowly a server answers."""
    _check_kind(kind)
    seconds = _download_seconds(timeout)
    deadline = time.monotonic() + seconds
    target = Path(folder) if folder is not None else cache_dir() / FOLDERS[kind]
    for name, expected in CHECKSUMS[kind].items():
        if (target / name).is_file():
            continue
        errors = []
        for mirror in MIRRORS[kind]:
            try:
                payload = _fetch(mirror + name, deadline, seconds)
            except OSError as error:
                errors.append(f"{mirror}{name}: {error}")
                continue
            digest = hashlib.md5(payload, usedforsecurity=False).hexdigest()
            if digest != expected:
                errors.append(f"{mirror}{name}: checksum {digest} differs from the official {expected}")
                continue
            atomic_write_bytes(target / name, payload)
            break
        else:
            raise OSError(f"could not download {name}: " + "; ".join(errors))
    return target


def load_mnist(
    root: str | os.PathLike[str] | None = None,
    kind: str = "digits",
    download: bool = True,
    normalize: bool = True,
    flatten: bool = True,
    one_hot: bool = False,
) -> tuple[Split, Split]:
    """The full MNIST (``kind="digits"``) or Fashion-MNIST: ((x_train, t_train), (x_test, t_test)).

    Looks in ``root`` if given, else in the cache folder; downloads into it when allowed; otherwise
    fails saying where it looked and how to provide the files.
    """
    _check_kind(kind)
    folder = Path(root) if root is not None else cache_dir() / FOLDERS[kind]
    if all(_find(folder, stem) for stem in FILES.values()):
        return read_folder(folder, normalize, flatten, one_hot)
    problem = "downloading is off (download=False)"
    if download:
        try:
            download_mnist(kind, folder)
            return read_folder(folder, normalize, flatten, one_hot)
        except OSError as error:
            problem = f"the download failed: {error}"
    names = ", ".join(f"{stem}.gz" for stem in FILES.values())
    raise FileNotFoundError(
        f"{kind} MNIST files not found in {folder} and {problem}. Put {names} there (or pass root=, or "
        f"set CHAINRULE_DATA); load_mnist_sample() works offline with 10,000 bundled digits."
    )
