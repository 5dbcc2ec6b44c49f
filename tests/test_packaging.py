"""Declared dependencies equal imported ones: every module imports with only numpy and graphviz."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BLOCKED = ("matplotlib", "tqdm", "hypothesis", "pytest", "torch", "scipy", "sklearn", "micrograd")

SCRIPT = f"""
import importlib, pkgutil, sys
class Block:
    def find_spec(self, name, path=None, target=None):
        if name.split('.')[0] in {BLOCKED!r}:
            raise ImportError('blocked optional dependency: ' + name)
sys.meta_path.insert(0, Block())
for package in ('autograd', 'nn', 'viz', 'examples'):
    module = importlib.import_module(package)
    for info in pkgutil.walk_packages(module.__path__, package + '.'):
        importlib.import_module(info.name)
importlib.import_module('chainrule')
print('ok')
"""


def test_every_module_imports_with_only_the_runtime_dependencies() -> None:
    result = subprocess.run([sys.executable, "-c", SCRIPT], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


def test_typed_markers_ship() -> None:
    for package in ("autograd", "nn", "viz"):
        assert (ROOT / package / "py.typed").exists()


def test_the_distribution_installs_the_chainrule_module(tmp_path: Path) -> None:
    """Outside the source tree, the installed distribution provides chainrule next to its packages."""
    script = "import chainrule, autograd, nn, viz; print(chainrule.__version__ != '0+unknown')"
    result = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True"
