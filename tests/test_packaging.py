"""Declared dependencies equal imported ones: every module imports with only numpy and graphviz."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
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
for package in ('autograd', 'nn', 'viz', 'chainrule', 'examples'):
    module = importlib.import_module(package)
    for info in pkgutil.walk_packages(module.__path__, package + '.'):
        importlib.import_module(info.name)
print('ok')
"""


def test_every_module_imports_with_only_the_runtime_dependencies() -> None:
    result = subprocess.run([sys.executable, "-c", SCRIPT], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


def test_typed_markers_ship() -> None:
    for package in ("autograd", "nn", "viz", "chainrule"):
        assert (ROOT / package / "py.typed").exists()


def test_the_wheel_holds_every_module_of_the_source_tree(tmp_path: Path) -> None:
    """Every .py of the four packages (rooms included) and the shadowing guard ship in the wheel (built
    from a copy of the tree, so no build/ folder is left in the checkout)."""
    skipped = shutil.ignore_patterns(".*", "out", "build", "*.egg-info", "__pycache__", "notes_code")
    source = shutil.copytree(ROOT, tmp_path / "source", ignore=skipped)
    command = [
        sys.executable,
        "-m",
        "pip",
        "wheel",
        "--no-deps",
        "--no-build-isolation",
        "-q",
        "-w",
        tmp_path,
    ]
    built = subprocess.run([*command, source], capture_output=True, text=True, timeout=300)
    assert built.returncode == 0, built.stderr
    (wheel,) = tmp_path.glob("chainrule-*.whl")
    shipped = set(zipfile.ZipFile(wheel).namelist())
    sources = {
        str(path.relative_to(ROOT))
        for package in ("autograd", "nn", "viz", "chainrule")
        for path in (ROOT / package).rglob("*.py")
    }
    assert sources | {"chainrule_guard.py", "nn/data/sample/train-images-idx3-ubyte.gz"} <= shipped


def test_the_distribution_installs_the_chainrule_module(tmp_path: Path) -> None:
    """Outside the source tree, the installed distribution provides chainrule next to its packages."""
    script = "import chainrule, autograd, nn, viz; print(chainrule.__version__ != '0+unknown')"
    result = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True"
