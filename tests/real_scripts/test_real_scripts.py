"""Fourteen kinds of real PyTorch script (pytorch/examples, pytorch/tutorials, PyTorch Korea's tutorial,
micrograd's test, nanoGPT), written here as the originals are, only the data swapped, run unchanged with
``python -m chainrule``; with PyTorch installed, each also runs as ``python script.py`` first, and the
printed numbers are compared from the same starting weights (``--save-init`` / ``--init``): the
deterministic ones tightly, the ends of random trainings loosely. The table CASES says what is
compared for each script and why that tightly."""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
HAS_TORCH = importlib.util.find_spec("torch") is not None
TOKEN = re.compile(r"(?<![\w.])[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?(?![\w.])|\bTrue\b|\bFalse\b")
SCRIPTS = sorted(p.name for p in HERE.glob("*.py") if p.name not in ("__init__.py", Path(__file__).name))
ENGINE_IMPORT = re.compile(r"^\s*(?:import autograd\b|from autograd\b)", re.M)
BOOLEANS = {"True": 1.0, "False": 0.0}


def values(pattern: str, out: str) -> list[float]:
    """The numbers (True and False as 1 and 0) in the first group of every match of ``pattern``."""
    found = [t for m in re.finditer(pattern, out, re.M) for t in TOKEN.findall(m.group(1))]
    return [BOOLEANS[t] if t in BOOLEANS else float(t) for t in found]


@dataclass(frozen=True)
class Same:
    """Printed by a deterministic part of the script: equal in both runs within ``rtol`` and ``atol``."""

    pattern: str
    rtol: float
    atol: float
    why: str

    def compare(self, ours: str, theirs: str) -> None:
        """Every value of chainrule's run against PyTorch's."""
        mine, reference = values(self.pattern, ours), values(self.pattern, theirs)
        where = f"{self.pattern} ({self.why})"
        assert len(mine) == len(reference) > 0, f"{where}: {mine} against PyTorch's {reference}"
        for a, b in zip(mine, reference):
            assert abs(a - b) <= self.atol + self.rtol * abs(b), (
                f"{where}: {mine} against PyTorch's {reference}"
            )


@dataclass(frozen=True)
class Near:
    """The last value at the end of a random training (dropout, shuffling, random data): within
    ``factor`` of PyTorch's."""

    pattern: str
    factor: float
    why: str

    def compare(self, ours: str, theirs: str) -> None:
        """chainrule's last value against PyTorch's."""
        a, b = values(self.pattern, ours)[-1], values(self.pattern, theirs)[-1]
        assert b / self.factor <= a <= b * self.factor, f"{self.pattern} ({self.why}): {a}, PyTorch's {b}"


@dataclass(frozen=True)
class Case:
    """A run of one script: its arguments, the loss that must fall (first value above last) in every
    run, a bound the last loss must be below in every run, and what is compared with PyTorch."""

    script: str
    args: tuple[str, ...]
    falls: str | None
    compared: tuple[Same | Near, ...]
    below: tuple[str, float] | None = None

    @property
    def has_model(self) -> bool:
        """Whether the script builds a model (and so takes --init and --save-init)."""
        return "--init" in (HERE / self.script).read_text()


TEST_LOSS = r"Average loss: (\S+),"
INITIAL_LOSS = r"initial loss on the first validation characters: (\S+)"
PRINTED_4 = "printed with 4 decimals, so the last digit may round either way"
F32_STEPS = "float32 in both; BLAS and summation order differ by ~1e-7 a step, over a few dozen steps"
LM_PPL = tuple(
    Same(pattern, 1e-4, 0.01, f"dropout 0: deterministic; {F32_STEPS}; 2 decimals")
    for pattern in (r"\| ppl\s+(\S+)", r"valid ppl\s+(\S+)", r"test ppl\s+(\S+)")
)
CASES = {
    "mnist": Case(
        "mnist.py",
        ("--epochs", "2", "--log-interval", "1"),
        TEST_LOSS,
        (Near(TEST_LOSS, 1.25, "two epochs of dropout with other masks (PyTorch's random stream)"),),
    ),
    "mnist at init": Case(
        "mnist.py",
        ("--lr", "0", "--epochs", "1", "--dry-run", "--test-size", "200"),
        None,
        (
            Same(TEST_LOSS, 0, 1.5e-4, f"lr 0 keeps the initial weights, tested in eval mode; {PRINTED_4}"),
            Same(r"Accuracy: (\d+)/", 0, 1, "an argmax of near-equal initial logits may flip on float32"),
        ),
    ),
    "mnist_rnn": Case(
        "mnist_rnn.py",
        ("--lr", "1", "--train-size", "1280", "--epochs", "2", "--log-interval", "5"),
        TEST_LOSS,
        (Near(TEST_LOSS, 1.3, "shuffled batches and Dropout2d masks come from each library's stream"),),
    ),
    "mnist_rnn at init": Case(
        "mnist_rnn.py",
        ("--lr", "0", "--epochs", "1", "--train-size", "256", "--batch-size", "256", "--test-size", "500"),
        None,
        (
            Same(
                TEST_LOSS,
                0,
                1.5e-4,
                "lr 0, one batch of every digit: BatchNorm's running statistics do not "
                f"depend on the shuffled order; {PRINTED_4}",
            ),
            Same(r"Accuracy: (\d+)/", 0, 1, "an argmax of near-equal initial logits may flip on float32"),
        ),
    ),
    "regression": Case(
        "regression.py",
        (),
        None,
        (),  # random targets and batches (torch.randn): only that both runs reach the stop, below
        below=(r"Loss: (\S+) after", 1e-3),
    ),
    "word_language_model": Case("word_language_model.py", ("--dropout", "0"), r"valid loss\s+(\S+)", LM_PPL),
    "word_language_model with AdamW": Case(
        "word_language_model.py",
        ("--dropout", "0", "--use-optimizer", "--lr", "0.01"),
        r"valid loss\s+(\S+)",
        LM_PPL,
    ),
    "time_sequence_prediction": Case(
        "time_sequence_prediction.py",
        ("--steps", "3"),
        r"test loss: (\S+)",
        (
            Same(
                r"^loss: (\S+)",
                1e-5,
                0,
                "float64; L-BFGS amplifies rounding: 1e-9 by step 3, 1e-6 by step 4",
            ),
            Same(r"test loss: (\S+)", 1e-5, 0, "float64 in both; L-BFGS amplifies rounding"),
        ),
    ),
    "quickstart": Case(
        "quickstart.py",
        ("--epochs", "3"),
        r"Avg loss: (\S+)",
        (
            Same(r"^loss: (\S+)", 1e-5, 1e-6, f"no shuffling, no dropout: deterministic; {F32_STEPS}"),
            Same(r"Avg loss: (\S+)", 1e-5, 1e-6, f"no shuffling, no dropout: deterministic; {F32_STEPS}"),
            Same(r"Accuracy: (\S+)%", 0, 0.2, "one of 500 test digits may flip on float32"),
            Same(r'Predicted: "(\d)', 0, 0, "the reloaded model's guess for the first test digit"),
        ),
    ),
    "blitz_lenet": Case(
        "blitz_lenet.py",
        (),
        r"step \d+: loss (\S+)",
        (
            Same(
                r"\n(tensor\(\[\[(?s:.*?)\]\]), grad_fn",
                0,
                1e-4,
                f"LeNet's output for one digit; {PRINTED_4}",
            ),
            Same(r"^tensor\((\S+), grad_fn", 0, 1e-4, f"the MSE loss; {PRINTED_4}"),
            Same(
                r"after backward\n(tensor\((?s:.*?)\))", 1e-3, 1e-8, "conv1.bias.grad, 5 significant digits"
            ),
            Same(r"by hand: (\S+)", 1e-6, 0, "one float32 step by hand"),
            Same(r"step \d+: loss (\S+)", 1e-5, 1e-6, f"full-batch SGD: deterministic; {F32_STEPS}"),
        ),
    ),
    "autograd_basics": Case(
        "autograd_basics.py",
        (),
        None,
        (Same(r"loss = .*\n((?s:.*))", 0, 1e-4, f"every gradient and requires_grad printed; {PRINTED_4}"),),
    ),
    "custom_function": Case(
        "custom_function.py",
        (),
        r"^\d+ (\S+)$",
        (
            Same(r"^\d+ (\S+)$", 1e-5, 0, f"2000 points, 2000 steps by hand: deterministic; {F32_STEPS}"),
            Same(
                r"Result: (.*)", 1e-5, 1e-7, "a and c end near 1e-9, where only an absolute bound means much"
            ),
        ),
    ),
    "gradient_hooks": Case(
        "gradient_hooks.py",
        (),
        r"step \d+: loss (\S+)",
        (
            Same(r"v.grad: (.*)", 0, 0, "PyTorch's register_hook example: [2, 4, 6] exactly"),
            Same(
                r"(?:^|norm: )(tensor\([-\d.e]+)",
                0,
                1e-4,
                f"loss, weight, gradient, output norms; {PRINTED_4}",
            ),
            Same(r"output: ([\d.]+)", 1e-4, 1e-7, "gradients kept by retain_grad through forward hooks"),
            Same(r"step \d+: loss (\S+)", 1e-5, 1e-6, f"hook-clipped full-batch SGD; {F32_STEPS}"),
            Same(
                r"entry (\S+)",
                0,
                1e-4,
                "the largest gradient entry, clipped to 0.05 by the hooks; 4 decimals",
            ),
        ),
    ),
    "char_rnn_classification": Case(
        "char_rnn_classification.py",
        ("--n-iters", "1000"),
        r"average losses: (.*)",
        (
            Same(r"\n(tensor\(\[\[-(?s:.*?)\]\]),\s+grad_fn", 0, 1e-4, f"the output for 'A'; {PRINTED_4}"),
            Same(
                r"average losses: (.*)",
                1e-4,
                1e-4,
                f"the same random examples (Python's random); {PRINTED_4}",
            ),
            Same(r"\(\d+m \d+s\) (\S+)", 1e-4, 1e-4, f"one example's loss every 100; {PRINTED_4}"),
            Same(r"per language: (.*)", 0, 0, "200 evaluated examples, the same in both"),
            Same(
                r"^\((\S+)\) \w+$", 0, 0.01, "the top three guesses for three names, printed with 2 decimals"
            ),
        ),
    ),
    "tensor_tutorial_ko": Case(
        "tensor_tutorial_ko.py",
        (),
        None,
        (
            Same(r"(?:Ones|Zeros) Tensor: \n (tensor\((?s:.*?)\))", 0, 0, "ones_like, ones and zeros"),
            Same(r"Shape of tensor: (.*)", 0, 0, "torch.Size([3, 4]) and (3, 4) both give 3 and 4"),
            Same(
                r"stored on: \w+\n((?s:.*))", 0, 0, "indexing, cat, products, sum, add_ and the NumPy bridge"
            ),
        ),
    ),
    "micrograd_test_engine": Case("micrograd_test_engine.py", (), None, ()),  # its asserts compare
    "nanogpt": Case(
        "nanogpt.py",
        (),
        r"val loss (\S+)",
        (
            Same(r"parameters: (\S+)K", 0, 0, "the same model and weight tying: the same count"),
            Same(
                INITIAL_LOSS, 0, 1.5e-4, f"the initial weights on fixed characters in eval mode; {PRINTED_4}"
            ),
            Near(
                r"val loss (\S+)",
                1.15,
                "random batches (torch.randint) and dropout from each library's stream",
            ),
        ),
    ),
    "nanogpt, manual attention": Case(
        "nanogpt.py",
        ("--no-flash", "--dropout", "0", "--max-iters", "20", "--eval-interval", "10"),
        r"val loss (\S+)",
        (
            Same(INITIAL_LOSS, 0, 1.5e-4, f"the tril buffer and masked_fill path at init; {PRINTED_4}"),
            Near(r"val loss (\S+)", 1.15, "random batches (torch.randint) from each library's stream"),
        ),
    ),
}


def run(script: str, args: tuple[str, ...], cwd: Path, on_chainrule: bool) -> str:
    """The script's output, run as ``python -m chainrule script`` or ``python script``; it must exit 0.
    One thread each: on a shared 2-core machine PyTorch's spinning OpenMP threads cost seconds."""
    environment = {**os.environ, "PYTHONPATH": str(ROOT), "OMP_NUM_THREADS": "1"}
    launcher = ["-m", "chainrule"] if on_chainrule else []
    done = subprocess.run(
        [sys.executable, *launcher, str(HERE / script), *args],
        cwd=cwd, env=environment, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, f"{script} on {'chainrule' if on_chainrule else 'PyTorch'}:\n{done.stderr}"
    return done.stdout


def check_learns(case: Case, out: str) -> None:
    """The case's loss falls from its first value to its last, and ends below its bound."""
    if case.falls:
        losses = values(case.falls, out)
        assert len(losses) > 1 and losses[-1] < losses[0], f"{case.script}: {case.falls} {losses}"
    if case.below:
        pattern, bound = case.below
        assert values(pattern, out)[-1] < bound, f"{case.script}: {pattern} {values(pattern, out)}"


@pytest.mark.parametrize("script", SCRIPTS)
def test_the_script_is_pytorch_code_as_written(script: str) -> None:
    source = (HERE / script).read_text()
    assert "chainrule" not in source
    assert not ENGINE_IMPORT.search(source) or script == "micrograd_test_engine.py"


def test_every_script_has_a_case() -> None:
    assert {case.script for case in CASES.values()} == set(SCRIPTS) - {"mnist_sample.py"}


@pytest.mark.parametrize("name", sorted(CASES))
def test_the_script_runs_unchanged_on_chainrule_and_agrees_with_pytorch(name: str, tmp_path: Path) -> None:
    case = CASES[name]
    if not HAS_TORCH:  # nothing to compare with (pip install torch): chainrule's run alone
        check_learns(case, run(case.script, case.args, tmp_path, on_chainrule=True))
        return
    init = ("--save-init", "init.pt") if case.has_model else ()
    theirs = run(case.script, case.args + init, tmp_path, on_chainrule=False)
    ours = run(case.script, case.args + (("--init", "init.pt") if init else ()), tmp_path, on_chainrule=True)
    check_learns(case, theirs)
    check_learns(case, ours)
    for comparison in case.compared:
        comparison.compare(ours, theirs)
