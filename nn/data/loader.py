"""Mini-batches (미니배치): ArrayDataset and a seeded DataLoader."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np

from autograd import Tensor
from nn.init import Rng, as_generator


class ArrayDataset:
    """Arrays that share their first axis, e.g. ``ArrayDataset(images, labels)``."""

    def __init__(self, *arrays: Any) -> None:
        if not arrays:
            raise ValueError("ArrayDataset needs at least one array")
        self.arrays = [np.asarray(a.data if isinstance(a, Tensor) else a) for a in arrays]
        if any(a.ndim == 0 for a in self.arrays):
            raise ValueError("ArrayDataset arrays need a first axis of samples, got a 0-d value")
        lengths = {len(a) for a in self.arrays}
        if len(lengths) != 1:
            raise ValueError(f"ArrayDataset arrays differ in length: {[len(a) for a in self.arrays]}")

    def __len__(self) -> int:
        return len(self.arrays[0])

    def __getitem__(self, index: Any) -> tuple[np.ndarray, ...]:
        return tuple(a[index] for a in self.arrays)


def _batch_item(array: np.ndarray) -> Any:
    """Float arrays become Tensors (network inputs); integer arrays (labels) stay arrays. Either is a
    fresh array, never a view of the dataset, so changing a batch in place cannot corrupt the data."""
    array = np.array(array, copy=True)
    return Tensor(array) if array.dtype.kind == "f" else array


def collate(samples: list[Any]) -> Any:
    """Stack a list of samples into a batch as PyTorch's default collate does: a sample that is a tuple
    (or list) gives a tuple of batched fields; arrays, Tensors and numbers are stacked on a new first axis."""
    first = samples[0]
    if isinstance(first, (tuple, list)):
        if any(len(sample) != len(first) for sample in samples):
            raise ValueError(
                f"collate: samples have different numbers of fields: {[len(s) for s in samples]}"
            )
        return tuple(collate([sample[i] for sample in samples]) for i in range(len(first)))
    arrays = [np.asarray(sample.data if isinstance(sample, Tensor) else sample) for sample in samples]
    shapes = {a.shape for a in arrays}
    if len(shapes) != 1:
        raise ValueError(f"collate: samples of one field have different shapes: {sorted(shapes)}")
    if arrays[0].dtype.kind not in "biuf":
        raise TypeError(f"collate: samples must be numeric, got dtype {arrays[0].dtype}")
    return _batch_item(np.stack(arrays))


class DataLoader:
    """Yields batches of ``batch_size``, reshuffled every epoch when ``shuffle`` is on, with a Generator
    seeded once so runs repeat exactly.

    ``dataset`` is a tuple of arrays sharing their first axis (or an ``ArrayDataset``), batched by slicing,
    or any map-style dataset (a list of samples, or an object with ``__len__`` and ``__getitem__``), whose
    samples are fetched one by one and collated as PyTorch does. Float fields become Tensors, integer fields
    (labels) stay arrays; batches are always copies.
    """

    def __init__(
        self,
        dataset: Any,
        batch_size: int = 1,
        shuffle: bool = False,
        drop_last: bool = False,
        seed: Rng = None,
    ) -> None:
        if isinstance(dataset, tuple):
            dataset = ArrayDataset(*dataset)
        if not (hasattr(dataset, "__len__") and hasattr(dataset, "__getitem__")):
            raise TypeError(
                f"DataLoader needs a tuple of arrays or a map-style dataset (with __len__ and __getitem__), "
                f"got {type(dataset).__name__}"
            )
        if isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)) or batch_size < 1:
            raise ValueError(f"batch_size must be an integer >= 1, got {batch_size!r}")
        self.dataset, self.batch_size, self.shuffle, self.drop_last = dataset, batch_size, shuffle, drop_last
        self.rng = as_generator(seed)

    def __len__(self) -> int:
        full, rest = divmod(len(self.dataset), self.batch_size)
        return full if self.drop_last or not rest else full + 1

    def __iter__(self) -> Iterator[Any]:
        n = len(self.dataset)
        order = self.rng.permutation(n) if self.shuffle else None
        for start in range(0, n, self.batch_size):
            stop = min(start + self.batch_size, n)
            if self.drop_last and stop - start < self.batch_size:
                return
            index = order[start:stop] if order is not None else np.arange(start, stop)
            if isinstance(self.dataset, ArrayDataset):
                yield tuple(_batch_item(a) for a in self.dataset[index])
            else:
                yield collate([self.dataset[int(i)] for i in index])
