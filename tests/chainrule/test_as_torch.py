"""PyTorch files run unchanged on chainrule: ``python -m chainrule script.py`` and ``use_as_torch()``
resolve ``torch`` and every ``torch.*`` path chainrule provides to its own modules (with a real PyTorch
installed beside it), refuse the rest by name, and keep argv, ``__main__`` and exit codes."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import chainrule
import nn

SCRIPT = """
import sys
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim
from torch.optim.lr_scheduler import StepLR
from torch.utils.data import DataLoader, TensorDataset

assert torch.__name__ == "chainrule" and nn.__name__ == "nn" and F.__name__ == "nn.functional"
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
use_accel = torch.accelerator.is_available() or torch.backends.mps.is_available()
torch.backends.cudnn.deterministic = True
torch.manual_seed(0)
torch.cuda.manual_seed(0)
model = nn.Linear(3, 2).to(device)
optimizer = optim.SGD(model.parameters(), lr=0.1)
scheduler = StepLR(optimizer, step_size=1, gamma=0.5)
with open(sys.argv[1]) as numbers:  # a path relative to the working directory, as with python
    rows = [[float(v) for v in line.split()] for line in numbers]
x = torch.tensor(rows)
for (batch,) in DataLoader(TensorDataset(x), batch_size=2):
    optimizer.zero_grad()
    loss = F.mse_loss(model(batch), torch.zeros(len(batch), 2))
    loss.backward()
    optimizer.step()
scheduler.step()
print(__name__, sys.argv[1:], use_accel, optimizer.param_groups[0]["lr"], round(loss.item(), 6) >= 0)
sys.exit(int(sys.argv[2]))
"""


def _run(tmp_path: Path, source: str, *args: str) -> subprocess.CompletedProcess[str]:
    script = tmp_path / "script.py"
    script.write_text(textwrap.dedent(source))
    return subprocess.run(
        [sys.executable, "-m", "chainrule", str(script), *args],
        cwd=tmp_path, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def test_a_pytorch_script_runs_unchanged_with_its_argv_name_and_exit_code(tmp_path: Path) -> None:
    (tmp_path / "rows.txt").write_text("1 2 3\n4 5 6\n7 8 9\n")
    done = _run(tmp_path, SCRIPT, "rows.txt", "3")
    assert done.returncode == 3, done.stderr
    assert done.stdout.split() == ["__main__", "['rows.txt',", "'3']", "False", "0.05", "True"]


@pytest.mark.parametrize(
    ("statement", "named"),
    [
        ("import torch.distributed", "torch.distributed: chainrule has no such module"),
        ("from torch.distributed import init_process_group", "torch.distributed: chainrule has no such"),
        ("import torchvision", "torchvision: chainrule runs this script in place of PyTorch"),
        ("from torchvision import datasets", "torchvision: chainrule runs this script in place of PyTorch"),
    ],
)
def test_a_path_chainrule_lacks_stops_with_its_name_never_falling_through(
    tmp_path: Path, statement: str, named: str
) -> None:
    done = _run(tmp_path, f"import torch\n{statement}\n")
    assert done.returncode == 1 and named in done.stderr


def test_a_missing_script_or_none_is_a_usage_error(tmp_path: Path) -> None:
    missing = subprocess.run(
        [sys.executable, "-m", "chainrule", "nowhere.py"], cwd=tmp_path, capture_output=True, text=True
    )
    assert missing.returncode == 2 and "can't open file 'nowhere.py'" in missing.stderr
    bare = subprocess.run([sys.executable, "-m", "chainrule"], cwd=tmp_path, capture_output=True, text=True)
    assert bare.returncode == 2 and "usage: python -m chainrule script.py" in bare.stderr


def test_use_as_torch_in_code_and_its_refusal_after_a_real_torch(tmp_path: Path) -> None:
    program = (
        "import chainrule; chainrule.use_as_torch()\n"
        "import torch, torch.nn.functional, torch.optim.lr_scheduler\n"
        "print(torch is chainrule, torch.nn.functional.__name__)\n"
    )
    done = subprocess.run([sys.executable, "-c", program], cwd=tmp_path, capture_output=True, text=True)
    assert done.stdout.split() == ["True", "nn.functional"], done.stderr
    pytest.importorskip("torch")  # the refusal needs a real PyTorch to be imported first
    late = "import torch\nimport chainrule\nchainrule.use_as_torch()\n"
    refused = subprocess.run([sys.executable, "-c", late], cwd=tmp_path, capture_output=True, text=True)
    assert refused.returncode == 1 and "the real PyTorch is already imported" in refused.stderr


def test_the_chainrule_package_has_torchs_module_tree() -> None:
    import chainrule.nn.functional as functional
    import chainrule.optim.lr_scheduler as schedulers
    from chainrule.utils.data import DataLoader

    assert functional is nn.functional and schedulers is nn.optim.lr_scheduler
    assert DataLoader is nn.data.DataLoader and chainrule.utils.data is nn.data
    assert chainrule.optim is nn.optim and chainrule.nn is nn


def test_no_accelerator_answers_yes_and_only_the_cpu_is_a_default_device() -> None:
    assert not chainrule.cuda.is_available() and chainrule.cuda.device_count() == 0
    assert not chainrule.backends.mps.is_available() and not chainrule.accelerator.is_available()
    assert chainrule.accelerator.current_accelerator() is None
    chainrule.set_default_device("cpu")
    with pytest.raises(RuntimeError, match="CPU only"):
        chainrule.set_default_device("cuda")
