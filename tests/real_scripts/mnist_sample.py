"""The MNIST digits these scripts train on: the sample bundled with the repository, read with gzip and
NumPy into a TensorDataset shaped as torchvision's ``datasets.MNIST`` with ``ToTensor()`` (and
``Normalize((0.1307,), (0.3081,))``) gives it: the MNIST scripts' data change, in place of torchvision,
which the originals import to download MNIST."""

import gzip
from pathlib import Path

import numpy as np
import torch
from torch.utils.data import TensorDataset

SAMPLE = Path(__file__).resolve().parents[2] / "nn" / "data" / "sample"
CLASSES = ["0 - zero", "1 - one", "2 - two", "3 - three", "4 - four",
           "5 - five", "6 - six", "7 - seven", "8 - eight", "9 - nine"]  # fmt: skip


def read_idx(path):
    """The array an IDX file (gzipped) holds: its magic number's last byte is the number of dimensions."""
    with gzip.open(path, "rb") as f:
        content = f.read()
    ndim = content[3]
    shape = np.frombuffer(content, ">i4", count=ndim, offset=4)
    return np.frombuffer(content, np.uint8, offset=4 + 4 * ndim).reshape(shape)


def MNIST(root=SAMPLE, train=True, limit=None, normalize=True):
    """The first ``limit`` digits of the sample's training (8000) or test (2000) part: images (N, 1, 28, 28)
    in [0, 1] (normalised as the MNIST examples do unless ``normalize`` is False) and int64 labels."""
    prefix = "train" if train else "t10k"
    images = read_idx(Path(root) / f"{prefix}-images-idx3-ubyte.gz")[:limit]
    labels = read_idx(Path(root) / f"{prefix}-labels-idx1-ubyte.gz")[:limit]
    data = torch.from_numpy(images.astype(np.float32) / 255).unsqueeze(1)
    if normalize:
        data = (data - 0.1307) / 0.3081
    return TensorDataset(data, torch.from_numpy(labels.astype(np.int64)))
