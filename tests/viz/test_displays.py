"""What Jupyter shows: Values and Tensors with their graph, plots as their picture, and every picture a
lesson writes carries a title, labelled axes and (with more than one curve) a legend."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from IPython.core.interactiveshell import InteractiveShell

import nn
import viz
from autograd import Tensor, Value
from viz import plots

PNG = b"\x89PNG\r\n\x1a\n"


@pytest.mark.skipif(not viz.dot_available(), reason="needs graphviz's dot")
def test_values_and_tensors_show_their_graph_in_a_notebook() -> None:
    shell = InteractiveShell.instance()
    assert viz.notebook.register(shell)

    def shown(node: object) -> str:
        return shell.display_formatter.format(node)[0]["text/html"]

    a = Value(2.0, "a")
    assert shown(a * 3.0).startswith("<pre>Value(data=6") and "<svg" in shown(a * 3.0)
    assert "const" in shown(a * 3.0) and "<svg" not in shown(a)  # a leaf has no graph: its text only
    layer = nn.Linear(2, 1)
    loss = layer(Tensor(np.ones((1, 2), np.float32))).sum()
    assert "grad_fn=&lt;SumBackward&gt;" in shown(loss) and "weight" in shown(loss)
    assert "<svg" not in shown(layer.weight)  # a Parameter is a Tensor: the same formatter


def test_outside_ipython_viz_neither_imports_nor_registers_with_it() -> None:
    program = "import sys, viz; print('IPython' in sys.modules, viz.notebook.register())"
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, timeout=120)
    assert done.stdout.split() == ["False", "False"], done.stderr


def test_plots_return_their_figure_and_print_as_their_path(tmp_path: Path) -> None:
    plot = plots.lines(
        np.arange(3), {"a": np.arange(3), "b": np.ones(3)}, tmp_path / "l.png", "two lines", "x", "y"
    )
    assert str(plot) == str(tmp_path / "l.png") and Path(plot).stat().st_size > 0
    assert plot._repr_png_().startswith(PNG)
    axes = plot.figure.axes[0]
    assert axes.get_title() == "two lines" and axes.get_xlabel() == "x" and axes.get_legend() is not None


def _labelled(figure: object) -> None:
    for axes in figure.axes:  # type: ignore[attr-defined]
        if not axes.axison:
            continue
        assert axes.get_xlabel() and axes.get_ylabel(), axes
        assert len(axes.get_lines()) + len(axes.collections) < 2 or axes.get_legend() is not None, axes


def test_every_kind_of_plot_has_titles_axis_labels_and_legends(tmp_path: Path) -> None:
    points = np.random.default_rng(0).normal(size=(20, 2))
    labels = (points[:, 0] > 0).astype(float)
    boundary = plots.decision_boundary(lambda grid: grid[:, 0], points, labels, tmp_path / "b.png", "moons")
    assert boundary.figure.axes[0].get_title().startswith("moons")
    paths = {"SGD": np.array([[-7.0, 2.0], [-3.0, 1.0], [0.0, 0.0]])}
    walk = plots.trajectories(lambda x, y: x**2 / 20 + y**2, paths, tmp_path / "t.png", title="paths")
    functions = plots.function_curves(
        {"tanh": (np.tanh(np.ones(5)), np.ones(5))}, np.arange(5.0), tmp_path / "f.png", title="activations"
    )
    for plot in (boundary, walk, functions):
        _labelled(plot.figure)
    assert (
        walk.figure._suptitle.get_text() == "paths" and functions.figure._suptitle.get_text() == "activations"
    )


def test_graph_pictures_take_a_title() -> None:
    dot = viz.to_dot(Value(1.0, "x") * 2.0, title="a title")
    assert 'label="a title"; labelloc=t' in dot


def test_drawing_without_dot_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("viz.graph.dot_available", lambda: False)
    monkeypatch.setattr("viz.notebook.dot_available", lambda: False)
    with pytest.raises(
        viz.GraphvizNotFoundError, match=r"needs graphviz's 'dot' program.*apt-get install graphviz"
    ):
        viz.draw(Value(1.0) * 2.0)
    assert "<svg" not in viz.notebook.rich_html(Value(1.0) * 2.0)


def test_a_decision_boundary_shows_every_class_even_as_strings(tmp_path: Path) -> None:
    """Review K4 / C12: three classes showed two, and string labels raised a format error."""
    points = np.random.default_rng(0).normal(size=(30, 2))
    labels = np.array(["cat", "dog", "owl"])[np.argmax(np.column_stack([points, -points.sum(1)]), axis=1)]

    def scores(grid: np.ndarray) -> np.ndarray:
        return np.column_stack([grid, -grid.sum(1)])

    picture = plots.decision_boundary(scores, points, labels, tmp_path / "three.png")
    legend = [text.get_text() for text in picture.figure.axes[0].get_legend().get_texts()]
    assert legend == ["class cat", "class dog", "class owl"]
    colours = {tuple(c.get_facecolor()[0]) for c in picture.figure.axes[0].collections[-3:]}
    assert len(colours) == 3


def test_an_empty_image_grid_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="no images"):
        plots.image_grid(np.zeros((0, 3, 3)), tmp_path / "none.png")


def test_histogram_grids_and_line_panels_label_every_panel(tmp_path: Path) -> None:
    values = np.random.default_rng(0).random((2, 50))
    grid = plots.histogram_grid(
        {"fixed": list(values), "own range": [values[0] * 10]},
        tmp_path / "h.png",
        "histograms",
        columns=["layer 1", "layer 2"],
        ranges={"fixed": (0.0, 1.0)},
        notes={"fixed": ["std 0.3", "std 0.28"]},
    )
    first, second, own, unused = grid.figure.axes
    assert first.get_title() == "layer 1: std 0.3" and second.get_title() == "layer 2: std 0.28"
    assert first.get_xlim()[0] <= 0.0 and first.patches[0].get_data().values.sum() == pytest.approx(1.0)
    assert own.get_xlim()[1] > 5.0 and not unused.axison  # a row with fewer arrays leaves a blank panel
    panels = plots.line_panels(
        np.arange(3),
        {"loss": {"a": [3.0, 2.0, 1.0], "b": np.ones(3)}, "accuracy": {"a": [0.1, 0.5, 0.9]}},
        tmp_path / "p.png",
        "two panels",
        xlabel="epoch",
        ylabel=["loss", "share right"],
    )
    assert [axes.get_title() for axes in panels.figure.axes] == ["loss", "accuracy"]
    assert panels.figure.axes[1].get_ylabel() == "share right"
    for plot in (grid, panels):
        _labelled(plot.figure)
