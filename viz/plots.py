"""Plots with matplotlib (the ``plot`` extra), imported only when a plot is drawn."""

from __future__ import annotations

import io
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from autograd._files import atomic_write_bytes


def _subplots(*grid: int, figsize: tuple[float, float], squeeze: bool = True) -> tuple[Any, Any]:
    """A new figure and its axes, drawn by the Agg renderer without pyplot: the user's matplotlib backend
    (e.g. a notebook's inline one) is never switched, and no figure lingers in pyplot's registry."""
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ImportError as error:
        raise ImportError(
            "plots need matplotlib: `pip install matplotlib` (or `pip install -e '.[plot]'` in the chainrule "
            "checkout; `make demo` installs it into .venv)"
        ) from error
    figure = Figure(figsize=figsize)
    FigureCanvasAgg(figure)
    return figure, figure.subplots(*grid, squeeze=squeeze)


def save_figure(figure: Any, path: str | os.PathLike[str]) -> Path:
    """Write a figure atomically (PNG, SVG or PDF by suffix)."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format=Path(path).suffix.lstrip(".") or "png", dpi=120, bbox_inches="tight")
    return atomic_write_bytes(path, buffer.getvalue())


def decision_boundary(
    predict: Callable[[np.ndarray], np.ndarray],
    points: np.ndarray,
    labels: np.ndarray,
    path: str | os.PathLike[str],
    title: str = "",
    resolution: int = 60,
) -> Path:
    """Colour the plane by ``predict`` (2-D points -> scores; class = score > 0), then scatter the data."""
    margin = 0.5
    x_range = np.linspace(points[:, 0].min() - margin, points[:, 0].max() + margin, resolution)
    y_range = np.linspace(points[:, 1].min() - margin, points[:, 1].max() + margin, resolution)
    grid_x, grid_y = np.meshgrid(x_range, y_range)
    scores = np.asarray(predict(np.column_stack([grid_x.ravel(), grid_y.ravel()]))).reshape(grid_x.shape)
    figure, axes = _subplots(figsize=(5, 4))
    axes.contourf(grid_x, grid_y, scores > 0, alpha=0.3, cmap="coolwarm")
    axes.scatter(points[:, 0], points[:, 1], c=labels, s=25, cmap="coolwarm", edgecolors="k")
    axes.set_title(title)
    return save_figure(figure, path)


def training_curves(history: Any, path: str | os.PathLike[str], title: str = "") -> Path:
    """Loss and accuracy per epoch (training and, when present, validation) from an ``nn.train.History``."""
    epochs = np.arange(1, len(history.loss) + 1)
    figure, (loss_axes, accuracy_axes) = _subplots(1, 2, figsize=(9, 3.5))
    loss_axes.plot(epochs, history.loss, label="training")
    if history.accuracy:  # a regression has no accuracy
        accuracy_axes.plot(epochs, history.accuracy, label="training")
    if history.val_loss:
        loss_axes.plot(epochs, history.val_loss, label="validation")
    if history.val_accuracy:
        accuracy_axes.plot(epochs, history.val_accuracy, label="validation")
    for axes, name in ((loss_axes, "loss"), (accuracy_axes, "accuracy")):
        axes.set_xlabel("epoch")
        axes.set_ylabel(name)
        if axes.lines:
            axes.legend()
        axes.grid(alpha=0.3)
    figure.suptitle(title)
    return save_figure(figure, path)


def function_curves(
    curves: dict[str, tuple[np.ndarray, np.ndarray]],
    x: np.ndarray,
    path: str | os.PathLike[str],
    columns: int = 4,
) -> Path:
    """One small panel per function: its values and its derivative over ``x`` (name -> (f(x), f'(x)))."""
    rows = -(-len(curves) // columns)
    figure, grid = _subplots(rows, columns, figsize=(3 * columns, 2.4 * rows), squeeze=False)
    for axes, (name, (values, slopes)) in zip(grid.ravel(), curves.items()):
        axes.plot(x, values, label="f(x)")
        axes.plot(x, slopes, "--", label="f'(x)")
        axes.set_title(name, fontsize=10)
        axes.axhline(0, color="grey", linewidth=0.5)
        axes.axvline(0, color="grey", linewidth=0.5)
    for axes in grid.ravel()[len(curves) :]:
        axes.axis("off")
    grid.ravel()[0].legend(fontsize=8)
    figure.tight_layout()
    return save_figure(figure, path)


def trajectories(
    function: Callable[[np.ndarray, np.ndarray], np.ndarray],
    paths: dict[str, np.ndarray],
    path: str | os.PathLike[str],
    extent: tuple[float, float, float, float] = (-10, 10, -5, 5),
) -> Path:
    """Contours of a 2-D function and one optimizer path (rows of (x, y)) per panel."""
    xs = np.linspace(extent[0], extent[1], 200)
    ys = np.linspace(extent[2], extent[3], 200)
    grid_x, grid_y = np.meshgrid(xs, ys)
    heights = function(grid_x, grid_y)
    columns = min(len(paths), 3)
    rows = -(-len(paths) // columns)
    figure, grid = _subplots(rows, columns, figsize=(4 * columns, 3 * rows), squeeze=False)
    for axes, (name, points) in zip(grid.ravel(), paths.items()):
        axes.contour(grid_x, grid_y, heights, levels=np.logspace(-2, 2, 12), colors="grey", linewidths=0.5)
        axes.plot(points[:, 0], points[:, 1], "o-", color="tab:red", markersize=2, linewidth=1)
        axes.plot(0, 0, "+", color="black")
        axes.set_title(name)
        axes.set_xlim(extent[0], extent[1])
        axes.set_ylim(extent[2], extent[3])
    for axes in grid.ravel()[len(paths) :]:
        axes.axis("off")
    figure.tight_layout()
    return save_figure(figure, path)


def curves(
    series: dict[str, Any],
    path: str | os.PathLike[str],
    xlabel: str,
    ylabel: str,
    title: str = "",
    log_y: bool = False,
) -> Path:
    """Several named lines on one set of axes (e.g. loss per iteration for each optimizer)."""
    figure, axes = _subplots(figsize=(6, 4))
    for name, values in series.items():
        axes.plot(
            np.arange(1, len(values) + 1), values, label=name, marker="o" if len(values) <= 20 else None
        )
    if log_y:
        axes.set_yscale("log")
    axes.set_xlabel(xlabel)
    axes.set_ylabel(ylabel)
    axes.set_title(title)
    axes.grid(alpha=0.3)
    axes.legend()
    return save_figure(figure, path)


def paths_on_curve(
    x: np.ndarray,
    y: np.ndarray,
    paths: dict[str, np.ndarray],
    path: str | os.PathLike[str],
    title: str,
    xlabel: str = "x",
    ylabel: str = "f(x)",
) -> Path:
    """A function's curve with each method's iterates (1-D points) marked on it, one colour per method."""
    figure, axes = _subplots(figsize=(6, 4))
    axes.plot(x, y, color="grey", linewidth=1, label="f(x)")
    for (name, points), marker in zip(paths.items(), "os^vD"):
        heights = np.interp(points, x, y)
        axes.plot(
            points,
            heights,
            marker=marker,
            markersize=4,
            linewidth=1,
            label=f"{name} ({len(points) - 1} steps)",
        )
    axes.set_xlabel(xlabel)
    axes.set_ylabel(ylabel)
    axes.set_title(title)
    axes.grid(alpha=0.3)
    axes.legend()
    return save_figure(figure, path)


def lines(
    x: np.ndarray,
    series: dict[str, np.ndarray],
    path: str | os.PathLike[str],
    title: str,
    xlabel: str = "x",
    ylabel: str = "",
    symlog: bool = False,
    log_y: bool = False,
) -> Path:
    """Several functions of the same ``x`` on one set of axes, with a legend; ``symlog`` shows curves of
    very different sizes together (linear near 0, logarithmic beyond ±1), ``log_y`` positive ones."""
    figure, axes = _subplots(figsize=(7, 4.5))
    for name, values in series.items():
        axes.plot(x, values, label=name, linewidth=1.2)
    if symlog:
        axes.set_yscale("symlog", linthresh=1.0)
    if log_y:
        axes.set_yscale("log")
    else:
        axes.axhline(0, color="grey", linewidth=0.5)
    axes.set_xlabel(xlabel)
    axes.set_ylabel(ylabel)
    axes.set_title(title)
    axes.grid(alpha=0.3)
    axes.legend(fontsize=8, ncol=2)
    return save_figure(figure, path)


def image_grid(
    images: Any,
    path: str | os.PathLike[str],
    title: str = "",
    labels: list[str] | None = None,
    columns: int = 8,
) -> Path:
    """Small greyscale images (K, H, W) in a grid, each scaled to its own range (filters, feature maps,
    gradients), with optional per-image labels."""
    stack = np.asarray(images, dtype=np.float64)
    if stack.ndim != 3:
        raise ValueError(f"image_grid expects images of shape (K, H, W), got {stack.shape}")
    columns = max(1, min(columns, len(stack)))
    rows = -(-len(stack) // columns)
    figure, axes = _subplots(rows, columns, figsize=(1.4 * columns, 1.5 * rows + 0.4), squeeze=False)
    for k, axis in enumerate(axes.flat):
        axis.axis("off")
        if k < len(stack):
            axis.imshow(stack[k], cmap="gray", interpolation="nearest")
            if labels:
                axis.set_title(labels[k], fontsize=8)
    if title:
        figure.suptitle(title)
    return save_figure(figure, path)
