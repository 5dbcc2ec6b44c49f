"""Plots with matplotlib (the ``plot`` extra), imported only when a plot is drawn."""

from __future__ import annotations

import io
import os
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from autograd.files import atomic_write_bytes

CLASS_COLOURS = ("tab:blue", "tab:red", "tab:green", "tab:orange", "tab:purple", "tab:brown", "tab:pink",
                 "tab:gray", "tab:olive", "tab:cyan")  # fmt: skip


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


class Plot:
    """What every plot returns: the matplotlib ``figure`` and the ``path`` it was saved to. It prints as
    the path (``f"wrote {plot}"``), opens as one (``os.fspath``), and a notebook shows the picture."""

    def __init__(self, figure: Any, path: Path) -> None:
        self.figure, self.path = figure, path

    def __str__(self) -> str:
        return str(self.path)

    def __repr__(self) -> str:
        return f"Plot({str(self.path)!r})"

    def __fspath__(self) -> str:
        return str(self.path)

    def _repr_png_(self) -> bytes:
        """Jupyter: the figure itself, drawn by its own Agg canvas (no pyplot, no backend switch)."""
        buffer = io.BytesIO()
        self.figure.savefig(buffer, format="png", dpi=100, bbox_inches="tight")
        return buffer.getvalue()


def save_figure(figure: Any, path: str | os.PathLike[str]) -> Plot:
    """Write a figure atomically (PNG, SVG or PDF by suffix); returns it with its path."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format=Path(path).suffix.lstrip(".") or "png", dpi=120, bbox_inches="tight")
    return Plot(figure, atomic_write_bytes(path, buffer.getvalue()))


def decision_boundary(
    predict: Callable[[np.ndarray], np.ndarray],
    points: np.ndarray,
    labels: np.ndarray,
    path: str | os.PathLike[str],
    title: str = "",
    resolution: int = 60,
    axis_labels: tuple[str, str] = ("x₁", "x₂"),
) -> Plot:
    """Colour the plane by ``predict`` (2-D points -> scores: one column, class = score > 0, or one column
    per class, class = the largest), then scatter the data, one colour and legend entry per label (any
    number of classes; labels may be numbers or strings, in sorted order matching the score columns)."""
    classes = np.unique(np.asarray(labels))
    colours = [CLASS_COLOURS[k % len(CLASS_COLOURS)] for k in range(max(len(classes), 2))]
    margin = 0.5
    x_range = np.linspace(points[:, 0].min() - margin, points[:, 0].max() + margin, resolution)
    y_range = np.linspace(points[:, 1].min() - margin, points[:, 1].max() + margin, resolution)
    grid_x, grid_y = np.meshgrid(x_range, y_range)
    scores = np.asarray(predict(np.column_stack([grid_x.ravel(), grid_y.ravel()])))
    if scores.ndim == 2 and scores.shape[1] > 1:
        predicted = scores.argmax(axis=1)
    else:
        predicted = (scores.reshape(-1) > 0).astype(int)
    figure, axes = _subplots(figsize=(5, 4))
    levels = np.arange(len(colours) + 1) - 0.5
    axes.contourf(grid_x, grid_y, predicted.reshape(grid_x.shape), levels=levels, colors=colours, alpha=0.2)
    for value, colour in zip(classes, colours):
        chosen = np.asarray(labels) == value
        name = f"{value:g}" if isinstance(value, (float, np.floating)) else str(value)
        axes.scatter(*points[chosen].T, s=25, color=colour, edgecolors="k", label=f"class {name}")
    axes.set_title(title + ("\n" if title else "") + "shaded: the class the network predicts", fontsize=10)
    axes.set_xlabel(axis_labels[0])
    axes.set_ylabel(axis_labels[1])
    axes.legend(loc="upper right", fontsize=8)
    return save_figure(figure, path)


def training_curves(history: Any, path: str | os.PathLike[str], title: str = "") -> Plot:
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
    title: str = "",
) -> Plot:
    """One small panel per function: its values and its derivative over ``x`` (name -> (f(x), f'(x))),
    each panel with its legend and axis labels."""
    rows = -(-len(curves) // columns)
    figure, grid = _subplots(rows, columns, figsize=(3 * columns, 2.4 * rows), squeeze=False)
    for axes, (name, (values, slopes)) in zip(grid.ravel(), curves.items()):
        axes.plot(x, values, label="f(x)")
        axes.plot(x, slopes, "--", label="f'(x)")
        axes.set_title(name, fontsize=10)
        axes.set_xlabel("x", fontsize=8)
        axes.set_ylabel("value", fontsize=8)
        axes.legend(fontsize=7)
        axes.axhline(0, color="grey", linewidth=0.5)
        axes.axvline(0, color="grey", linewidth=0.5)
    for axes in grid.ravel()[len(curves) :]:
        axes.axis("off")
    if title:
        figure.suptitle(title)
    figure.tight_layout()
    return save_figure(figure, path)


def trajectories(
    function: Callable[[np.ndarray, np.ndarray], np.ndarray],
    paths: dict[str, np.ndarray],
    path: str | os.PathLike[str],
    extent: tuple[float, float, float, float] = (-10, 10, -5, 5),
    title: str = "",
) -> Plot:
    """Contours of a 2-D function and one optimizer path (rows of (x, y)) per panel: the start, the
    path and the minimum at (0, 0) marked and named in each panel's legend."""
    xs = np.linspace(extent[0], extent[1], 200)
    ys = np.linspace(extent[2], extent[3], 200)
    grid_x, grid_y = np.meshgrid(xs, ys)
    heights = function(grid_x, grid_y)
    columns = min(len(paths), 3)
    rows = -(-len(paths) // columns)
    figure, grid = _subplots(rows, columns, figsize=(4 * columns, 3 * rows), squeeze=False)
    for axes, (name, points) in zip(grid.ravel(), paths.items()):
        axes.contour(grid_x, grid_y, heights, levels=np.logspace(-2, 2, 12), colors="grey", linewidths=0.5)
        axes.plot(points[:, 0], points[:, 1], "o-", color="tab:red", markersize=2, linewidth=1, label="path")
        axes.plot(*points[0], "s", color="tab:green", markersize=6, label="start")
        axes.plot(0, 0, "+", color="black", markersize=10, label="minimum")
        axes.set_title(name)
        axes.set_xlabel("x")
        axes.set_ylabel("y")
        axes.set_xlim(extent[0], extent[1])
        axes.set_ylim(extent[2], extent[3])
        axes.legend(fontsize=7, loc="lower right")
    for axes in grid.ravel()[len(paths) :]:
        axes.axis("off")
    if title:
        figure.suptitle(title)
    figure.tight_layout()
    return save_figure(figure, path)


def curves(
    series: dict[str, Any],
    path: str | os.PathLike[str],
    xlabel: str,
    ylabel: str,
    title: str = "",
    log_y: bool = False,
) -> Plot:
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
) -> Plot:
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
) -> Plot:
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


def line_panels(
    x: np.ndarray,
    panels: Mapping[str, Mapping[str, Sequence[float] | np.ndarray]],
    path: str | os.PathLike[str],
    title: str = "",
    xlabel: str = "x",
    ylabel: str | Sequence[str] = "",
    sharey: bool = False,
) -> Plot:
    """Panels side by side, each named and holding several named lines over the same ``x`` (e.g. a loss
    panel and an accuracy panel, or train and test accuracy per setting); ``ylabel`` is one label for
    every panel or one per panel."""
    labels = [ylabel] * len(panels) if isinstance(ylabel, str) else list(ylabel)
    figure, grid = _subplots(1, len(panels), figsize=(4.5 * len(panels), 3.8), squeeze=False)
    if sharey:
        for axes in grid[0, 1:]:
            axes.sharey(grid[0, 0])
    for axes, (name, series), label in zip(grid[0], panels.items(), labels):
        for line, values in series.items():
            axes.plot(x, values, label=line, linewidth=1.2, marker="o" if len(x) <= 20 else None)
        axes.set_title(name, fontsize=10)
        axes.set_xlabel(xlabel)
        axes.set_ylabel(label)
        axes.grid(alpha=0.3)
        axes.legend(fontsize=8)
    if title:
        figure.suptitle(title)
    figure.tight_layout()
    return save_figure(figure, path)


def histogram_grid(
    rows: dict[str, Sequence[np.ndarray]],
    path: str | os.PathLike[str],
    title: str = "",
    columns: Sequence[str] = (),
    ranges: Mapping[str, tuple[float, float] | None] | None = None,
    notes: Mapping[str, Sequence[str]] | None = None,
    xlabel: str = "value",
    bins: int = 30,
) -> Plot:
    """One row of histograms per name, a panel per array in its list (e.g. a layer's activations), each
    bar the share of the array's values. ``columns`` titles the top panels; ``ranges`` fixes a row's
    x-range (else each panel spans its own values); ``notes`` adds a short text to each panel's title."""
    width = max(len(arrays) for arrays in rows.values())
    figure, grid = _subplots(len(rows), width, figsize=(2.4 * width, 1.7 * len(rows)), squeeze=False)
    for r, (row, (name, arrays)) in enumerate(zip(grid, rows.items())):
        span = (ranges or {}).get(name)
        texts = (notes or {}).get(name, ())
        for k, axes in enumerate(row):
            if k >= len(arrays):
                axes.axis("off")
                continue
            counts, edges = np.histogram(arrays[k], bins=bins, range=span)
            axes.stairs(counts / max(counts.sum(), 1), edges, fill=True)  # one artist: fast to lay out
            axes.set_xlabel(xlabel, fontsize=7)
            axes.set_ylabel(f"{name}\nshare" if k == 0 else "share", fontsize=7)
            axes.tick_params(labelsize=6)
            heading = [columns[k]] if r == 0 and k < len(columns) else []
            axes.set_title(": ".join(heading + list(texts[k : k + 1])), fontsize=8)
    if title:
        figure.suptitle(title)
    top = 1.0 - 0.9 / figure.get_figheight()  # room for the title; tight_layout is slow on many panels
    figure.subplots_adjust(left=0.06, right=0.99, bottom=0.04, top=top, hspace=0.75, wspace=0.35)
    return save_figure(figure, path)


def image_grid(
    images: Any,
    path: str | os.PathLike[str],
    title: str = "",
    labels: list[str] | None = None,
    columns: int = 8,
) -> Plot:
    """Small greyscale images (K, H, W) in a grid, each scaled to its own range (filters, feature maps,
    gradients), with optional per-image labels."""
    stack = np.asarray(images, dtype=np.float64)
    if stack.ndim != 3:
        raise ValueError(f"image_grid expects images of shape (K, H, W), got {stack.shape}")
    if not len(stack):
        raise ValueError("image_grid: no images to show (K = 0)")
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
