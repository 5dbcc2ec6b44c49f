"""Another package named autograd, nn or viz (HIPS autograd from PyPI, a user's own folder) must not
break chainrule silently: the import stops with an error naming the intruder and the fix."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    ("intruder", "statement"),
    [("autograd", "import nn"), ("autograd", "import viz"), ("autograd", "import chainrule"),
     ("nn", "import chainrule"), ("viz", "import chainrule")],
)  # fmt: skip
def test_a_shadowing_package_is_named_with_the_fix(tmp_path, intruder: str, statement: str) -> None:
    fake = tmp_path / "elsewhere" / intruder
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text('"""Someone else\'s package."""\n')
    # the fake comes first on the path, chainrule's own packages after it (as an installed copy would)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(fake.parent), str(REPO)])}
    run = subprocess.run(
        [sys.executable, "-c", statement], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120
    )
    assert run.returncode != 0
    assert f"chainrule's package '{intruder}' is shadowed" in run.stderr
    assert str(fake) in run.stderr and f"pip uninstall {intruder}" in run.stderr


def test_without_intruders_everything_imports(tmp_path) -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    run = subprocess.run(
        [sys.executable, "-c", "import chainrule, nn, viz; print(chainrule.nn is nn)"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert run.returncode == 0 and run.stdout.strip() == "True", run.stderr
