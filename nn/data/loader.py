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
        lengths = {len(a) for a in self.arrays}
        if len(lengths) != 1:
            raise ValueError(f"ArrayDataset arrays differ in length: {[len(a) for a in self.arrays]}")

    def __len__(self) -> int:
        return len(self.arrays[0])

    def __getitem__(self, index: Any) -> tuple[np.ndarray, ...]:
        return tuple(a[index] for a in self.arrays)


def _batch_item(array: np.ndarray) -> Any:
    """Float arrays become Tensors (network inputs); integer arrays (labels) stay arrays."""
    return Tensor(array) if array.dtype.kind == "f" else array


class DataLoader:
    """Yields batches of ``batch_size``: (Tensor inputs, label array), reshuffled every epoch when
    ``shuffle`` is on, with a Generator seeded once so runs repeat exactly."""

    def __init__(
        self,
        dataset: ArrayDataset | tuple[Any, ...],
        batch_size: int = 1,
        shuffle: bool = False,
        drop_last: bool = False,
        seed: Rng = None,
    ) -> None:
        if isinstance(dataset, tuple):
            dataset = ArrayDataset(*dataset)
        if batch_size < 1:
            raise ValueError(f"batch_size must be >= 1, got {batch_size}")
        self.dataset, self.batch_size, self.shuffle, self.drop_last = dataset, batch_size, shuffle, drop_last
        self.rng = as_generator(seed)

    def __len__(self) -> int:
        full, rest = divmod(len(self.dataset), self.batch_size)
        return full if self.drop_last or not rest else full + 1

    def __iter__(self) -> Iterator[tuple[Any, ...]]:
        n = len(self.dataset)
        order = self.rng.permutation(n) if self.shuffle else None
        for start in range(0, n, self.batch_size):
            stop = min(start + self.batch_size, n)
            if self.drop_last and stop - start < self.batch_size:
                return
            index = order[start:stop] if order is not None else slice(start, stop)
            yield tuple(_batch_item(a) for a in self.dataset[index])
