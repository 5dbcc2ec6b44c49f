"""The export lesson: ONNX in onnxruntime and safetensors in PyTorch give chainrule's answers, and a
missing package is skipped with what to install."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from examples import export


@pytest.mark.parametrize("model", ["mlp", "cnn"])
def test_the_exported_model_answers_as_chainrule_does_in_onnxruntime_and_pytorch(
    model: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pytest.importorskip("onnxruntime", reason="onnxruntime (the onnx extra, Python >= 3.11) runs the file")
    pytest.importorskip("torch", reason="PyTorch reads the safetensors file")
    result = export.main(["--out", str(tmp_path), "--model", model, "--epochs", "1"])
    out = capsys.readouterr().out
    accuracy = f"{result['accuracy']:.2%}"
    difference = float(re.search(r"scores ([0-9.e+-]+), same answer on 100\.00%", out).group(1))  # type: ignore[union-attr]
    assert difference < 1e-4
    assert f"accuracy {accuracy}" in out.split("onnxruntime:")[1].split("\n")[0]
    assert "the same scores: True" in out
    assert re.search(rf"PyTorch .* read export_{model}\.safetensors .*: accuracy {re.escape(accuracy)}", out)
    assert result["accuracy"] > 0.8
    assert (tmp_path / f"export_{model}.onnx").stat().st_size > 0


def test_without_onnx_the_lesson_says_what_to_install_and_still_saves_the_weights(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("onnx", "onnxruntime", "torch", "safetensors.torch"):
        monkeypatch.setitem(sys.modules, name, None)
    export.main(["--out", str(tmp_path), "--epochs", "1"])
    out = capsys.readouterr().out
    assert "skipped: onnx is not installed (pip install 'chainrule[onnx]')" in out
    assert "skipped: torch is not installed" in out
    assert "the same scores: True" in out and not (tmp_path / "export_mlp.onnx").exists()
