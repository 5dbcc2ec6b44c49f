"""Toy data sets: shapes, labels, seeding."""

import numpy as np
import pytest

from nn.data import make_moons, make_spiral


def test_moons_are_seeded_and_balanced() -> None:
    points, labels = make_moons(100, seed=3)
    assert points.shape == (100, 2) and sorted(set(labels.tolist())) == [0, 1]
    assert labels.sum() == 50
    again, _ = make_moons(100, seed=3)
    assert np.array_equal(points, again)
    with pytest.raises(ValueError, match="n_samples"):
        make_moons(1)


def test_spiral_classes() -> None:
    points, labels = make_spiral(50, 3, seed=0)
    assert points.shape == (150, 2) and np.bincount(labels).tolist() == [50, 50, 50]
