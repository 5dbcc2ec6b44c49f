"""torch.utils.data habits: Dataset subclasses fetched per item, TensorDataset, PyTorch's default collate
(promotion across samples, namedtuples), random_split, and shuffling seeded by manual_seed."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import chainrule as torch
from autograd import Tensor
from nn.data import DataLoader, Dataset, TensorDataset, collate, random_split
from tests.twin import check


class Squares(Dataset):
    def __init__(self, n: int) -> None:
        self.x = [[float(i), float(i) ** 2] for i in range(n)]

    def __len__(self) -> int:
        return len(self.x)

    def __getitem__(self, index: int):
        return torch.FloatTensor(self.x[index]), index % 2


def test_a_per_item_dataset_is_collated_into_batched_tensors() -> None:
    batches = list(DataLoader(Squares(5), batch_size=2))
    x, y = batches[0]
    assert isinstance(batches[0], list) and x.shape == (2, 2) and x.dtype == np.float32
    assert isinstance(y, Tensor) and y.dtype == np.int64 and y.tolist() == [0, 1]
    assert x.tolist() == [[0.0, 0.0], [1.0, 1.0]] and batches[-1][0].shape == (1, 2)


def test_default_collate_types_follow_pytorch() -> None:
    assert collate([1.5, 2.0]).dtype == np.float64 and collate([1, 2]).dtype == np.int64
    assert collate([True, False]).dtype == np.bool_ and collate(["a", "b"]) == ["a", "b"]
    batch = collate([{"x": np.zeros(3, np.float32), "y": 1}, {"x": np.ones(3, np.float32), "y": 0}])
    assert batch["x"].shape == (2, 3) and batch["y"].tolist() == [1, 0]
    with pytest.raises(ValueError, match="different shapes"):
        collate([np.zeros(2), np.zeros(3)])


def test_tensor_dataset_batches_copies_in_their_dtypes() -> None:
    images, labels = torch.randn(10, 3), torch.arange(10)
    dataset = TensorDataset(images, labels)
    assert len(dataset) == 10 and dataset[3][1].item() == 3
    x, y = next(iter(DataLoader(dataset, batch_size=4)))
    assert x.dtype == np.float32 and y.dtype == np.int64 and y.tolist() == [0, 1, 2, 3]
    x.data[...] = 0
    assert images.numpy()[0].any()
    with pytest.raises(ValueError, match=r"differ in length: \[10, 9\]"):
        TensorDataset(images, labels[:9])


def test_random_split_counts_and_fractions() -> None:
    parts = random_split(range(10), [7, 3], generator=np.random.default_rng(0))
    assert [len(p) for p in parts] == [7, 3]
    assert sorted(parts[0].indices + parts[1].indices) == list(range(10))
    assert [len(p) for p in random_split(range(10), [0.34, 0.33, 0.33])] == [4, 3, 3]
    with pytest.raises(ValueError, match="must be counts summing to the dataset's 10 samples"):
        random_split(range(10), [5, 4])


def test_manual_seed_makes_shuffling_repeat() -> None:
    def order() -> list[int]:
        torch.manual_seed(7)
        return [y.item() for _, y in DataLoader(Squares(6), batch_size=1, shuffle=True)]

    first = order()
    assert first == order() and sorted(first) == [0, 0, 0, 1, 1, 1]
    seen = [int(i) for i in next(iter(DataLoader(TensorDataset(torch.arange(50)), 50, shuffle=True)))[0]]
    assert sorted(seen) == list(range(50)) and seen != list(range(50))
    with pytest.raises(ValueError, match="num_workers must be an integer >= 0"):
        DataLoader(Squares(2), num_workers=-1)


def test_a_torch_generator_makes_random_split_repeat() -> None:
    first = random_split(range(20), [0.75, 0.25], generator=torch.Generator().manual_seed(42))
    again = random_split(range(20), [0.75, 0.25], generator=torch.Generator().manual_seed(42))
    assert first[0].indices == again[0].indices and len(first[1]) == 5
    seeded = torch.Generator().manual_seed(1)
    loader = DataLoader(TensorDataset(torch.arange(8)), 8, shuffle=True, generator=seeded)
    order = [int(i) for i in next(iter(loader))[0]]
    assert sorted(order) == list(range(8))


# -- Second reliability review, S8, K7, K11: collate as PyTorch's default ------------------------------------


@pytest.mark.parametrize(
    "samples",
    [
        [1, 2.5],
        [2.5, 1],
        [True, 2],
        [2, True],
        [True, False],
        [(1, (2, 3.5)), (4, (5, 6.5))],
        [[1, 2], [3, 4]],
    ],
)
def test_default_collate_promotes_across_samples(samples: list) -> None:
    check(lambda t: t.utils.data.default_collate(samples))


def test_default_collate_keeps_namedtuples() -> None:
    from collections import namedtuple

    Pair = namedtuple("Pair", "x y")

    def scenario(t: Any) -> Any:
        batch = t.utils.data.default_collate([Pair(1, 2.0), Pair(3, 4.0)])
        return type(batch).__name__, batch.x, batch.y

    check(scenario)
