"""The notebooks in examples/notebooks are stored without outputs, and each runs top to bottom in a
fresh Jupyter kernel (when nbclient and ipykernel are installed: the dev extra)."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parents[2] / "examples" / "notebooks").glob("*.ipynb"))
EXPECTED = {  # what each notebook must show besides text: graphs, an animation, plots, a progress widget
    "01_graphs_and_backprop": {"text/html", "image/svg+xml"},
    "02_training_an_mlp": {"application/vnd.jupyter.widget-view+json", "image/png", "text/html"},
    "03_cnn_and_rnn": {"image/png"},
    "04_rbm": {"image/png"},
}
HAS_JUPYTER = all(importlib.util.find_spec(name) for name in ("nbclient", "nbformat", "ipykernel"))


def test_there_is_a_notebook_per_group_of_lessons_stored_without_outputs() -> None:
    assert len(NOTEBOOKS) == 4
    for path in NOTEBOOKS:
        cells = json.loads(path.read_text())["cells"]
        code = [cell for cell in cells if cell["cell_type"] == "code"]
        assert code and all(cell["outputs"] == [] and cell["execution_count"] is None for cell in code), (
            path.name
        )


@pytest.mark.skipif(not HAS_JUPYTER, reason="needs nbclient and ipykernel (the dev extra)")
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_the_notebook_runs_and_shows_rich_output(path: Path, tmp_path: Path) -> None:
    import nbformat
    from nbclient import NotebookClient

    notebook = nbformat.read(path, as_version=4)
    NotebookClient(
        notebook, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    ).execute()
    kinds = {
        kind
        for cell in notebook.cells
        if cell.cell_type == "code"
        for output in cell.outputs
        for kind in output.get("data", {})
    }
    assert EXPECTED[path.stem] <= kinds, kinds
