"""PyTorch code (the notes' code and everyday scripts) runs on chainrule with only its imports changed and,
when PyTorch is installed, agrees with PyTorch (exactly where no random numbers are involved)."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import numpy as np
import pytest

from examples import notes_pytorch
from examples._porting import port_imports, run_script
from nn.data import load_mnist_sample

NOTES = Path(notes_pytorch.__file__).parent / "notes_code"
SCRIPTS = Path(__file__).resolve().parent.parent / "pytorch_scripts"
HAS_TORCH = importlib.util.find_spec("torch") is not None
ALL = [NOTES / f"{name}.py" for name in notes_pytorch.SCRIPTS] + sorted(SCRIPTS.glob("*.py"))


def _data() -> dict[str, object]:
    (x_train, y_train), (x_test, y_test) = load_mnist_sample()
    return {
        "x_train": x_train[:3000],
        "y_train": y_train[:3000],
        "x_test": x_test,
        "y_test": y_test,
        "epochs": 1,
    }


def _run(path: Path, port: bool) -> str:
    source = path.read_text()
    if port:
        source, _ = port_imports(source)
    return run_script(source, str(path), **(_data() if path.stem == "dropout_mnist" else {}))


@pytest.mark.parametrize("path", ALL, ids=lambda p: p.stem)
def test_only_import_lines_change(path: Path) -> None:
    source = path.read_text()
    ported, changes = port_imports(source)
    differing = [(a, b) for a, b in zip(source.splitlines(), ported.splitlines()) if a != b]
    assert differing == changes and changes
    assert all(re.match(r"(import|from) ", old) for old, _ in changes)
    assert "torch." not in "".join(new for _, new in changes if "chainrule" not in new)


def _expectations(name: str, out: str) -> None:
    if name == "net_relu_softmax":
        assert (
            "  (softmax): Softmax(dim=1)\n)" in out
            and "row sums: [1.0, 1.0]" in out
            and "parameters: 67" in out
        )
    elif name == "losses":
        prediction, target = np.array([[0.5, 1.5], [2.0, -1.0]]), np.array([[1.0, 1.0], [2.5, 0.0]])
        assert f"MSELoss(reduction='sum'): {((prediction - target) ** 2).sum()}" in out
        logits = np.array([[2.0, 1.0, 0.1], [0.5, 2.5, 0.3]])
        log_p = logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))
        assert f"CrossEntropyLoss: {round(-(log_p[0, 0] + log_p[1, 1]) / 2, 4)}" in out
    elif name == "custom_dataset":
        costs = [float(c) for c in re.findall(r"Cost: ([\d.]+)", out)]
        prediction = float(re.search(r"prediction for \[73, 80, 75\]: ([\d.]+)", out).group(1))
        assert max(costs[:3]) > 1000 > 50 > max(costs[-3:]) and 140 < prediction < 165
    elif name == "dropout_mnist":
        assert float(re.search(r"test accuracy: ([\d.]+)", out).group(1)) > 0.85
    elif name == "regression_by_hand":
        fitted = [float(v) for v in re.findall(r"[wb] = (-?[\d.]+)", out)]
        assert np.allclose(fitted, [3.0, 2.0, 3.0, 2.0], atol=0.05), out
        assert "final loss below 0.02: True" in out and "lr = 0.0063" in out
    elif name == "classifier_checkpoint":
        assert "parameters: 1218" in out and "test accuracy above 0.9: True" in out
        assert "reloaded outputs equal: True" in out and "epoch: 30 groups: 2" in out


@pytest.mark.parametrize("path", ALL, ids=lambda p: p.stem)
def test_runs_on_chainrule_and_agrees_with_pytorch(path: Path) -> None:
    out = _run(path, port=True)
    _expectations(path.stem, out)
    if not HAS_TORCH:
        return  # the cross-run needs PyTorch (pip install torch==2.13.0)
    reference = _run(path, port=False)
    _expectations(path.stem, reference)
    if path.stem in ("losses", "net_relu_softmax"):
        assert out == reference


def test_the_lesson_shows_each_change_and_prints_what_pytorch_prints(capsys) -> None:
    outputs = notes_pytorch.main(["--epochs", "1", "--train-samples", "2000"])
    shown = capsys.readouterr().out
    assert "import torch                                 -> import chainrule as torch" in shown
    assert "== dropout_mnist.py: 3 import line(s) changed, nothing else" in shown
    assert set(outputs) == set(notes_pytorch.SCRIPTS) and "test accuracy" in outputs["dropout_mnist"]
