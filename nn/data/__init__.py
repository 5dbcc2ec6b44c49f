"""Data: MNIST / Fashion-MNIST loaders (bundled sample, cache, download), IDX files, datasets and batching
(``Dataset``, ``TensorDataset``, ``random_split``, ``DataLoader``, as ``torch.utils.data``), toy sets."""

from nn.data.idx import IDXError, read_idx, write_idx
from nn.data.loader import (
    ArrayDataset,
    DataLoader,
    Dataset,
    Subset,
    TensorDataset,
    collate,
    convert,
    random_split,
)
from nn.data.mnist import (
    FASHION_CLASSES,
    cache_dir,
    download_mnist,
    load_mnist,
    load_mnist_sample,
    read_folder,
)
from nn.data.toy import gate, make_moons, make_spiral, xor

default_collate, default_convert = collate, convert  # PyTorch's names

__all__ = [
    "FASHION_CLASSES",
    "ArrayDataset",
    "DataLoader",
    "Dataset",
    "IDXError",
    "Subset",
    "TensorDataset",
    "cache_dir",
    "collate",
    "convert",
    "default_collate",
    "default_convert",
    "download_mnist",
    "gate",
    "load_mnist",
    "load_mnist_sample",
    "make_moons",
    "make_spiral",
    "random_split",
    "read_folder",
    "read_idx",
    "write_idx",
    "xor",
]
