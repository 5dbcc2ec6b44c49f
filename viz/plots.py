"""Plots with matplotlib (the ``plot`` extra), imported only when a plot is drawn."""

from __future__ import annotations

import io
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from autograd._files import atomic_write


def _pyplot() -> Any:
    """matplotlib's pyplot on the non-interactive Agg backend, or an ImportError saying what to install."""
    try:
        import matplotlib
    except ImportError as error:
        raise ImportError("plots need matplotlib: pip install 'chainrule[plot]'") from error
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def save_figure(figure: Any, path: str | os.PathLike[str]) -> Path:
    """Write a figure atomically (PNG, SVG or PDF by suffix) and close it."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format=Path(path).suffix.lstrip(".") or "png", dpi=120, bbox_inches="tight")
    _pyplot().close(figure)
    return atomic_write(path, lambda handle: handle.write(buffer.getvalue()))


def decision_boundary(
    predict: Callable[[np.ndarray], np.ndarray],
    points: np.ndarray,
    labels: np.ndarray,
    path: str | os.PathLike[str],
    title: str = "",
    resolution: int = 60,
) -> Path:
    """Colour the plane by ``predict`` (2-D points -> scores; class = score > 0), then scatter the data."""
    plt = _pyplot()
    margin = 0.5
    x_range = np.linspace(points[:, 0].min() - margin, points[:, 0].max() + margin, resolution)
    y_range = np.linspace(points[:, 1].min() - margin, points[:, 1].max() + margin, resolution)
    grid_x, grid_y = np.meshgrid(x_range, y_range)
    scores = np.asarray(predict(np.column_stack([grid_x.ravel(), grid_y.ravel()]))).reshape(grid_x.shape)
    figure, axes = plt.subplots(figsize=(5, 4))
    axes.contourf(grid_x, grid_y, scores > 0, alpha=0.3, cmap="coolwarm")
    axes.scatter(points[:, 0], points[:, 1], c=labels, s=25, cmap="coolwarm", edgecolors="k")
    axes.set_title(title)
    return save_figure(figure, path)
