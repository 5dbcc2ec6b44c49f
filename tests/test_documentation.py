"""Everything a user reaches is documented: every public Tensor method and property, and every lesson's
command-line option (``python -m examples.NAME --help``)."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
import subprocess
import sys
import types
from pathlib import Path

import pytest

import examples
import nn
from autograd import Tensor
from autograd.tensor.base import TensorBase
from nn import optim
from nn.data import DataLoader

REPO = Path(__file__).resolve().parent.parent
LESSONS = sorted(m.name for m in pkgutil.iter_modules(examples.__path__) if not m.name.startswith("_"))


def test_every_public_tensor_attribute_has_a_docstring() -> None:
    missing = []
    for name in dir(Tensor):
        if name.startswith("_"):
            continue
        attribute = inspect.getattr_static(Tensor, name)
        if isinstance(attribute, types.MemberDescriptorType):  # a slot, documented in __slots__
            doc = TensorBase.__slots__[name]
        else:
            target = (
                attribute.fget
                if isinstance(attribute, property)
                else getattr(attribute, "__func__", attribute)
            )
            doc = getattr(target, "__doc__", None)
        if not (doc or "").strip():
            missing.append(name)
    assert missing == []


def test_module_optimizer_and_loader_methods_have_docstrings() -> None:
    classes = [nn.Module, nn.Linear, nn.Sequential, nn.MSELoss, optim.Adam, optim.lr_scheduler.StepLR]
    missing = [
        f"{cls.__name__}.{name}"
        for cls in [*classes, DataLoader]
        for name in dir(cls)
        if not name.startswith("_")
        and callable(getattr(cls, name))
        and not inspect.getdoc(getattr(cls, name))
    ]
    assert missing == []


@pytest.mark.parametrize("lesson", LESSONS)
def test_every_lesson_explains_itself_and_each_option(lesson: str) -> None:
    module = importlib.import_module(f"examples.{lesson}")
    assert (module.__doc__ or "").strip(), lesson
    run = subprocess.run(
        [sys.executable, "-m", f"examples.{lesson}", "--help"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 0 and run.stdout.startswith(f"usage: python -m examples.{lesson}"), run.stdout
    lines = run.stdout.splitlines()
    for line, following in zip(lines, [*lines[1:], ""]):
        if line.strip().startswith("--"):
            has_help = "  " in line.strip() or (
                following.startswith(" " * 10) and not following.strip().startswith("-")
            )
            assert has_help, f"{lesson}: option without help: {line!r}"


@pytest.mark.parametrize("lesson", LESSONS)
def test_make_demo_runs_every_lesson_and_the_readme_lists_it(lesson: str) -> None:
    makefile = (REPO / "Makefile").read_text().replace("\\\n", " ")
    demo_lessons = re.search(r"^LESSONS \?=(.*)$", makefile, re.M)
    assert demo_lessons is not None and lesson in demo_lessons.group(1).split()
    assert f"| `{lesson}` |" in (REPO / "README.md").read_text()
