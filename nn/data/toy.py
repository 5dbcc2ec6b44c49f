"""Small seeded data sets for the lessons: logic-gate truth tables, XOR, two moons, spirals."""

from __future__ import annotations

import numpy as np

GATE_INPUTS = np.array([[0, 0], [1, 0], [0, 1], [1, 1]], dtype=np.float64)
_GATE_TARGETS = {
    "and": [0, 0, 0, 1],
    "nand": [1, 1, 1, 0],
    "or": [0, 1, 1, 1],
    "xor": [0, 1, 1, 0],
}


def gate(name: str) -> tuple[np.ndarray, np.ndarray]:
    """The four input pairs (in the notes' order 00, 10, 01, 11) and the gate's outputs."""
    key = name.lower()
    if key not in _GATE_TARGETS:
        raise ValueError(f"unknown gate {name!r}; choose one of {', '.join(sorted(_GATE_TARGETS))}")
    return GATE_INPUTS.copy(), np.array(_GATE_TARGETS[key], dtype=np.int64)


def xor() -> tuple[np.ndarray, np.ndarray]:
    """XOR's truth table: the classic problem one perceptron cannot solve."""
    return gate("xor")


def make_moons(n_samples: int = 100, noise: float = 0.1, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaving half circles (like scikit-learn's), labels 0 and 1, shuffled with ``seed``."""
    if n_samples < 2:
        raise ValueError(f"n_samples must be at least 2, got {n_samples}")
    rng = np.random.default_rng(seed)
    n_outer = n_samples // 2
    n_inner = n_samples - n_outer
    outer_angle = np.linspace(0.0, np.pi, n_outer)
    inner_angle = np.linspace(0.0, np.pi, n_inner)
    points = np.concatenate(
        [
            np.stack([np.cos(outer_angle), np.sin(outer_angle)], axis=1),
            np.stack([1.0 - np.cos(inner_angle), 0.5 - np.sin(inner_angle)], axis=1),
        ]
    )
    labels = np.concatenate([np.zeros(n_outer, dtype=np.int64), np.ones(n_inner, dtype=np.int64)])
    points += rng.normal(0.0, noise, points.shape)
    order = rng.permutation(n_samples)
    return points[order], labels[order]


def make_spiral(
    n_per_class: int = 100, n_classes: int = 3, noise: float = 0.2, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Interleaved spiral arms, one class per arm (CS231n's set): not linearly separable."""
    if n_per_class < 1 or n_classes < 2:
        raise ValueError(f"need n_per_class >= 1 and n_classes >= 2, got {n_per_class}, {n_classes}")
    rng = np.random.default_rng(seed)
    radius = np.tile(np.linspace(0.0, 1.0, n_per_class), n_classes)
    labels = np.repeat(np.arange(n_classes), n_per_class)
    angle = labels * (2 * np.pi / n_classes) + radius * 4.0 + rng.normal(0.0, noise, radius.shape)
    points = np.stack([radius * np.sin(angle), radius * np.cos(angle)], axis=1)
    order = rng.permutation(len(labels))
    return points[order], labels[order].astype(np.int64)
