"""Mini-batches (미니배치), as ``torch.utils.data``: ``Dataset``, ``TensorDataset``, ``Subset``,
``random_split``, PyTorch's default ``collate`` and a seeded ``DataLoader``."""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

import numpy as np

from autograd import Tensor
from autograd.random import Rng, as_generator


class Dataset:
    """A map-style dataset: subclass it and define ``__len__`` and ``__getitem__(index)``, returning one
    sample (a Tensor, an array, a number, or a tuple / list / dict of them)."""

    def __getitem__(self, index: int) -> Any:
        raise NotImplementedError(f"{type(self).__name__} must define __getitem__")

    def __len__(self) -> int:
        raise NotImplementedError(f"{type(self).__name__} must define __len__")


class TensorDataset(Dataset):
    """Tensors (or arrays) that share their first axis, e.g. ``TensorDataset(images, labels)``; sample i is
    the tuple of their i-th rows. The DataLoader batches it by indexing the arrays at once."""

    def __init__(self, *tensors: Any) -> None:
        if not tensors:
            raise ValueError(f"{type(self).__name__} needs at least one Tensor or array")
        self.arrays = [np.asarray(t.numpy() if isinstance(t, Tensor) else t) for t in tensors]
        if any(a.ndim == 0 for a in self.arrays):
            raise ValueError(f"{type(self).__name__} needs a first axis of samples, got a 0-d value")
        lengths = [len(a) for a in self.arrays]
        if len(set(lengths)) != 1:
            raise ValueError(f"{type(self).__name__} arrays differ in length: {lengths}")

    def __len__(self) -> int:
        return len(self.arrays[0])

    def __getitem__(self, index: Any) -> tuple[Tensor, ...]:
        return tuple(_tensor(a[index]) for a in self.arrays)

    def batch(self, indices: np.ndarray) -> list[Tensor]:
        """The samples at ``indices`` collated at once (fresh arrays, never views of the data)."""
        return [_tensor(a[indices]) for a in self.arrays]


ArrayDataset = TensorDataset  # the name earlier versions used


class Subset(Dataset):
    """The samples of ``dataset`` at ``indices``, in that order."""

    def __init__(self, dataset: Any, indices: Sequence[int]) -> None:
        self.dataset, self.indices = dataset, [int(i) for i in indices]

    def __getitem__(self, index: int) -> Any:
        return self.dataset[self.indices[index]]

    def __len__(self) -> int:
        return len(self.indices)


def random_split(dataset: Any, lengths: Sequence[float], generator: Rng = None) -> list[Subset]:
    """Split into non-overlapping random Subsets of the given sizes, or fractions summing to 1 (the
    remainder goes one by one to the first parts, as in PyTorch)."""
    n = len(dataset)
    sizes = [float(x) for x in lengths]
    if sizes and all(0 <= x <= 1 for x in sizes) and math.isclose(sum(sizes), 1.0) and sum(sizes) != n:
        counts = [math.floor(n * x) for x in sizes]
        for i in range(n - sum(counts)):
            counts[i % len(counts)] += 1
    else:
        counts = [int(x) for x in sizes]
        if any(c != x or c < 0 for c, x in zip(counts, sizes)) or sum(counts) != n:
            raise ValueError(
                f"random_split: lengths {list(lengths)} must be counts summing to the dataset's {n} samples, "
                "or fractions summing to 1"
            )
    order = as_generator(generator).permutation(n)
    stops = np.cumsum(counts)
    return [Subset(dataset, order[stop - count : stop].tolist()) for count, stop in zip(counts, stops)]


def _tensor(value: Any) -> Tensor:
    array = np.array(value.numpy() if isinstance(value, Tensor) else value, copy=True)
    return Tensor(array, dtype=array.dtype)


def collate(samples: list[Any]) -> Any:
    """Stack samples into a batch as PyTorch's default collate does: Tensors and arrays are stacked on a new
    first axis (dtype kept); Python numbers as ``torch.tensor`` would take them all (float64 when the first
    is a float, else the default float if any is a float, int64 if any is an int, else bool); a tuple or
    list sample gives a list of batched fields, a namedtuple the same namedtuple, a dict a dict, strings a
    list."""
    first = samples[0]
    if isinstance(first, Mapping):
        return {key: collate([sample[key] for sample in samples]) for key in first}
    if isinstance(first, (tuple, list)):
        if any(len(sample) != len(first) for sample in samples):
            raise ValueError(
                f"collate: samples have different numbers of fields: {[len(s) for s in samples]}"
            )
        fields = [collate([sample[i] for sample in samples]) for i in range(len(first))]
        return type(first)(*fields) if _is_namedtuple(first) else fields
    if isinstance(first, str):
        return list(samples)
    if _is_python_number(first):
        dtype = _number_dtype(samples)
        return Tensor(np.array(samples, dtype=dtype), dtype=dtype)
    arrays = [np.asarray(sample.numpy() if isinstance(sample, Tensor) else sample) for sample in samples]
    shapes = {a.shape for a in arrays}
    if len(shapes) != 1:
        raise ValueError(f"collate: samples of one field have different shapes: {sorted(shapes)}")
    if arrays[0].dtype.kind not in "biuf":
        raise TypeError(f"collate: samples must be numeric, got dtype {arrays[0].dtype}")
    stacked = np.stack(arrays)
    return Tensor(stacked, dtype=stacked.dtype)


def convert(sample: Any) -> Any:
    """One sample without batching (``DataLoader(batch_size=None)``), as PyTorch's default convert: arrays
    become Tensors, containers are converted field by field, anything else stays as it is."""
    if isinstance(sample, np.ndarray) and sample.dtype.kind in "biuf":
        return Tensor(sample, dtype=sample.dtype)
    if isinstance(sample, Mapping):
        return {key: convert(value) for key, value in sample.items()}
    if _is_namedtuple(sample):
        return type(sample)(*(convert(value) for value in sample))
    if isinstance(sample, (tuple, list)):
        return type(sample)(convert(value) for value in sample)
    return sample


def _is_namedtuple(value: Any) -> bool:
    return isinstance(value, tuple) and hasattr(value, "_fields")


def _is_python_number(value: Any) -> bool:
    return isinstance(value, (bool, np.bool_)) or (
        isinstance(value, numbers.Number) and not hasattr(value, "dtype")
    )


def _number_dtype(samples: list[Any]) -> Any:
    """The dtype ``torch.tensor`` (default collate) gives a list of Python numbers led by ``samples[0]``."""
    if isinstance(samples[0], float):
        return np.float64
    if any(isinstance(v, float) for v in samples):
        return np.float32
    if any(not isinstance(v, (bool, np.bool_)) for v in samples):
        return np.int64
    return bool


class DataLoader:
    """Yields batches of ``batch_size`` samples, reshuffled every epoch when ``shuffle`` is on.

    ``dataset`` is any map-style dataset (a ``Dataset``, a list of samples, anything with ``__len__`` and
    ``__getitem__``) or a tuple of arrays sharing their first axis. Samples are collated by ``collate_fn``
    (PyTorch's default collate unless given) into Tensors; a ``TensorDataset`` is batched by indexing its
    arrays at once. ``generator`` (or ``seed``) drives the shuffling; by default the global generator that
    ``manual_seed`` seeds. ``num_workers`` and ``pin_memory`` are accepted for PyTorch's signature: loading
    happens in this process, on the CPU.
    """

    def __init__(
        self,
        dataset: Any,
        batch_size: int | None = 1,
        shuffle: bool = False,
        num_workers: int = 0,
        collate_fn: Callable[[list[Any]], Any] | None = None,
        pin_memory: bool = False,
        drop_last: bool = False,
        generator: Rng = None,
        seed: Rng = None,
    ) -> None:
        if isinstance(dataset, tuple):
            dataset = TensorDataset(*dataset)
        if not (hasattr(dataset, "__len__") and hasattr(dataset, "__getitem__")):
            raise TypeError(
                f"DataLoader needs a tuple of arrays or a map-style dataset (with __len__ and __getitem__), "
                f"got {type(dataset).__name__}"
            )
        if batch_size is not None and (
            isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)) or batch_size < 1
        ):
            raise ValueError(f"batch_size must be an integer >= 1 or None (no batching), got {batch_size!r}")
        if isinstance(num_workers, bool) or not isinstance(num_workers, int) or num_workers < 0:
            raise ValueError(f"num_workers must be an integer >= 0, got {num_workers!r}")
        if generator is not None and seed is not None:
            raise TypeError("DataLoader: give generator or seed, not both")
        self.dataset, self.batch_size, self.shuffle, self.drop_last = dataset, batch_size, shuffle, drop_last
        self.collate_fn = collate_fn
        self.num_workers, self.pin_memory = num_workers, pin_memory
        self.rng = as_generator(seed if generator is None else generator)

    def __len__(self) -> int:
        if self.batch_size is None:
            return len(self.dataset)
        full, rest = divmod(len(self.dataset), self.batch_size)
        return full if self.drop_last or not rest else full + 1

    def __iter__(self) -> Iterator[Any]:
        n = len(self.dataset)
        order = self.rng.permutation(n) if self.shuffle else np.arange(n)
        if self.batch_size is None:  # samples one by one, converted but not batched (PyTorch's None)
            for i in order:
                yield (self.collate_fn or convert)(self.dataset[int(i)])
            return
        whole_arrays = isinstance(self.dataset, TensorDataset) and self.collate_fn is None
        collate_fn = self.collate_fn or collate
        for start in range(0, n, self.batch_size):
            index = order[start : start + self.batch_size]
            if self.drop_last and len(index) < self.batch_size:
                return
            if whole_arrays:
                yield self.dataset.batch(index)
            else:
                yield collate_fn([self.dataset[int(i)] for i in index])
