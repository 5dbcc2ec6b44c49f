"""The README tells the truth: its Python blocks run as written, the quick-start picture is what the
quick-start code draws, a seeded snippet gives the same numbers twice, and every row of the import
table gives the same objects as PyTorch's line does under ``use_as_torch()``."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

import viz

REPO = Path(__file__).resolve().parent.parent
README = (REPO / "README.md").read_text()
BLOCKS = re.findall(r"```python\n(.*?)```", README, re.S)
IMPORT_ROWS = re.findall(r"^\| `((?:import|from) torch[^`]*)` \| `([^`]*)` \|$", README, re.M)


def _run(code: str, folder: Path) -> str:
    """``code`` in a fresh interpreter working in ``folder``: what it printed (it must succeed)."""
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=folder, capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


CONTINUES = "# after the block above"  # a block that reads what the last block not so marked wrote


@pytest.mark.parametrize("index", range(len(BLOCKS)))
def test_every_python_block_runs_as_written(index: int, tmp_path: Path) -> None:
    code = BLOCKS[index]
    if code.startswith(CONTINUES):
        for module in re.findall(r"^(?:import|from) (\w+)", code, re.M):
            pytest.importorskip(module, reason=f"this README recipe runs {module}, which is not installed")
        start = max(i for i in range(index) if not BLOCKS[i].startswith(CONTINUES))
        _run(BLOCKS[start], tmp_path)
    _run(code, tmp_path)


@pytest.mark.skipif(
    not viz.dot_available(), reason="graphviz's dot draws the picture (make test installs it)"
)
def test_the_quick_start_picture_is_what_its_code_draws(tmp_path: Path) -> None:
    Image = pytest.importorskip("PIL.Image", reason="Pillow (the dev extra) compares the pictures")
    quick_start = BLOCKS[0]
    assert 'viz.draw(L, "graph.png")' in quick_start and "print(a.grad, b.grad)  # 6.0 -4.0" in quick_start
    assert _run(quick_start, tmp_path).split() == ["6.0", "-4.0"]
    drawn = np.asarray(Image.open(tmp_path / "graph.png").convert("L"), dtype=float)
    shown = np.asarray(Image.open(REPO / "docs" / "graph.png").convert("L"), dtype=float)
    assert drawn.shape == shown.shape, "docs/graph.png is not what the quick start draws: redraw it"
    assert np.mean(np.abs(drawn - shown) > 32) < 0.002


def test_the_seeded_training_snippet_gives_the_same_numbers_twice(tmp_path: Path) -> None:
    snippet = next(block for block in BLOCKS if "seed=0" in block)
    report = "\nimport json; print(json.dumps([history.loss, history.val_loss]))"
    runs = []
    for name in ("first", "second"):
        folder = tmp_path / name
        folder.mkdir()
        runs.append(
            (json.loads(_run(snippet + report, folder).splitlines()[-1]), np.load(folder / "mlp.npz"))
        )
    (losses, weights), (losses_again, weights_again) = runs
    assert losses == losses_again
    assert sorted(weights.files) == sorted(weights_again.files)
    assert all(np.array_equal(weights[key], weights_again[key]) for key in weights.files)


def test_the_import_table_lists_the_forms_and_each_pair_gives_the_same_objects(tmp_path: Path) -> None:
    forms = {torch_line.split(" as ")[0].split(" import ")[0] for torch_line, _ in IMPORT_ROWS}
    assert {"import torch", "import torch.nn", "from torch", "from torch.nn", "import torch.nn.functional",
            "from torch.utils.data", "import torch.optim", "from torch.optim.lr_scheduler",
            "from torch.autograd"} <= forms  # fmt: skip
    check = textwrap.dedent(
        f"""
        import chainrule
        rows = {IMPORT_ROWS!r}
        ours = []
        for _, line in rows:
            names = {{}}
            exec(line, names)
            ours.append({{k: v for k, v in names.items() if k != "__builtins__"}})
        chainrule.use_as_torch()
        for (line, _), mine in zip(rows, ours):
            theirs = {{}}
            exec(line, theirs)
            theirs.pop("__builtins__")
            assert theirs.keys() == mine.keys(), (line, theirs.keys(), mine.keys())
            assert all(theirs[k] is mine[k] for k in mine), line
        print(len(rows))
        """
    )
    assert _run(check, tmp_path).strip() == str(len(IMPORT_ROWS))
