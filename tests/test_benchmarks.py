"""The benchmark scripts load and explain themselves (they run in ``make bench``, not here: they time
against PyTorch and others), and their header says which BLAS kernels NumPy runs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"
SCRIPTS = sorted(path.name for path in BENCHMARKS.glob("*.py") if path.stem != "blas_kernels")


@pytest.mark.parametrize("script", SCRIPTS)
def test_benchmark_script_imports_and_prints_its_help(script: str) -> None:
    run = subprocess.run([sys.executable, str(BENCHMARKS / script), "--help"], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert "usage:" in run.stdout


def test_blas_description_names_numpy_and_a_pinned_core(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(BENCHMARKS))
    from blas_kernels import describe

    monkeypatch.setenv("OPENBLAS_CORETYPE", "Prescott")
    assert describe().startswith(f"NumPy {np.__version__} on ")
    assert describe().endswith("(OPENBLAS_CORETYPE=Prescott is set)")
    monkeypatch.delenv("OPENBLAS_CORETYPE")
    assert "OPENBLAS_CORETYPE" not in describe()
