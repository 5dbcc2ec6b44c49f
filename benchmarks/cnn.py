"""One epoch of LeNet-5 and of a wider CNN (batch 128, float32, Adam) in chainrule and PyTorch CPU,
from the same initial weights over the same batches: the ratio of training times (each engine's fastest
of several interleaved epochs; the evaluation afterwards is not timed), the test accuracies, and the peak
memory of one training step in a fresh process.

Run: ``python benchmarks/cnn.py --data ../shared/data/fashion-mnist`` (default: the bundled digits).
Targets (issue 9): LeNet-5 <= 1.0x PyTorch, the wide net <= 1.5x.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from blas_kernels import describe as describe_blas

import nn
from autograd import Tensor, no_grad
from nn import functional as F
from nn import optim
from nn.data import load_mnist_sample, read_folder

BATCH, LR = 128, 1e-3
TARGETS = {"lenet": 1.0, "wide": 1.5}
Data = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]


def lenet(library: Any) -> Any:
    """conv 1→6 5×5 pad 2, max-pool 2, conv 6→16 5×5, max-pool 2, fc 400-120-84-10, ReLU."""
    n = library  # chainrule's nn or torch.nn: the same names
    return n.Sequential(
        n.Conv2d(1, 6, 5, padding=2), n.ReLU(), n.MaxPool2d(2),
        n.Conv2d(6, 16, 5), n.ReLU(), n.MaxPool2d(2), n.Flatten(),
        n.Linear(400, 120), n.ReLU(), n.Linear(120, 84), n.ReLU(), n.Linear(84, 10),
    )  # fmt: skip


def wide(library: Any) -> Any:
    """conv 1→32 3×3 pad 1, max-pool 2, conv 32→64 3×3 pad 1, max-pool 2, fc 3136-128-10, ReLU."""
    n = library
    return n.Sequential(
        n.Conv2d(1, 32, 3, padding=1), n.ReLU(), n.MaxPool2d(2),
        n.Conv2d(32, 64, 3, padding=1), n.ReLU(), n.MaxPool2d(2), n.Flatten(),
        n.Linear(3136, 128), n.ReLU(), n.Linear(128, 10),
    )  # fmt: skip


MODELS: dict[str, Callable[[Any], Any]] = {"lenet": lenet, "wide": wide}


def initial_weights(model: str) -> list[np.ndarray]:
    """The weights chainrule's layers draw with seed 0; both engines start from them."""
    import autograd.random

    autograd.random.manual_seed(0)
    return [p.numpy().copy() for p in MODELS[model](nn).parameters()]


def chainrule_epoch(
    model_name: str, data: Data, order: list[np.ndarray], steps: int | None = None
) -> tuple[float, float]:
    """Train over ``order`` (the first ``steps`` batches): the training time (evaluation excluded), then
    the test accuracy (unless ``steps``)."""
    x, t, x_test, t_test = data
    model = MODELS[model_name](nn)
    for parameter, value in zip(model.parameters(), initial_weights(model_name)):
        parameter.data = Tensor(value.copy())
    optimizer = optim.Adam(model.parameters(), lr=LR)
    start = time.perf_counter()
    for index in order[:steps]:
        loss = F.cross_entropy(model(Tensor(x[index])), t[index])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    seconds = time.perf_counter() - start
    if steps is not None:
        return seconds, float("nan")
    with no_grad():
        model.eval()
        scores = np.concatenate(
            [model(Tensor(x_test[i : i + 1000])).numpy() for i in range(0, len(x_test), 1000)]
        )
    return seconds, float((scores.argmax(1) == t_test).mean())


def torch_epoch(
    model_name: str, data: Data, order: list[np.ndarray], steps: int | None = None
) -> tuple[float, float]:
    """The same epoch in PyTorch."""
    import torch

    x, t, x_test, t_test = (torch.from_numpy(a) for a in data)
    model = MODELS[model_name](torch.nn)
    with torch.no_grad():
        for parameter, value in zip(model.parameters(), initial_weights(model_name)):
            parameter.copy_(torch.from_numpy(value))
    optimizer = torch.optim.Adam(model.parameters(), lr=LR)
    start = time.perf_counter()
    for index in order[:steps]:
        rows = torch.from_numpy(index)
        loss = torch.nn.functional.cross_entropy(model(x[rows]), t[rows])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    seconds = time.perf_counter() - start
    if steps is not None:
        return seconds, float("nan")
    with torch.no_grad():
        model.eval()
        scores = torch.cat([model(x_test[i : i + 1000]) for i in range(0, len(x_test), 1000)])
    return seconds, float((scores.argmax(1) == t_test).float().mean())


ENGINES = {"chainrule": chainrule_epoch, "pytorch": torch_epoch}


def load(data_dir: Path | None, limit: int | None) -> Data:
    (x, t), (x_test, t_test) = read_folder(data_dir) if data_dir else load_mnist_sample()
    images = lambda a: np.ascontiguousarray(a.reshape(-1, 1, 28, 28), dtype=np.float32)  # noqa: E731
    return images(x[:limit]), t[:limit].astype(np.int64), images(x_test), t_test.astype(np.int64)


def batches(n: int) -> list[np.ndarray]:
    order = np.random.default_rng(1).permutation(n)
    return [order[i : i + BATCH] for i in range(0, n, BATCH)]


def _rss_kib(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"no {field} in /proc/self/status")


def step_memory(engine: str, model: str, threads: int) -> None:
    """(In a fresh process) print the peak resident memory one training step adds, in MiB."""
    data = load(None, BATCH)
    if engine == "pytorch":
        import torch

        torch.set_num_threads(threads)
    before = _rss_kib("VmRSS")
    Path("/proc/self/clear_refs").write_text("5")  # reset the high-water mark to the current size
    ENGINES[engine](model, data, batches(BATCH), steps=1)
    print(json.dumps((_rss_kib("VmHWM") - before) / 1024))


def measured_memory(engine: str, model: str, threads: int) -> float | None:
    command = [sys.executable, __file__, "--memory-of", engine, "--models", model, "--threads", str(threads)]
    run = subprocess.run(command, capture_output=True, text=True)
    return float(run.stdout.strip()) if run.returncode == 0 else None


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--data", type=Path, help="a folder of MNIST-format IDX files (default: the bundled sample)"
    )
    parser.add_argument("--limit", type=int, help="train on the first N images only (quick runs)")
    parser.add_argument("--repeats", type=int, default=3, help="interleaved epochs per engine (default: 3)")
    parser.add_argument(
        "--threads", type=int, default=2, help="PyTorch's threads (NumPy's BLAS uses its own)"
    )
    parser.add_argument("--models", nargs="+", default=list(MODELS), choices=list(MODELS))
    parser.add_argument("--memory-of", choices=list(ENGINES), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.memory_of:
        step_memory(args.memory_of, args.models[0], args.threads)
        return
    try:
        import torch
    except ImportError:
        sys.exit("benchmarks/cnn.py compares with PyTorch: pip install torch==2.13.0")
    torch.set_num_threads(args.threads)
    data = load(args.data, args.limit)
    order = batches(len(data[0]))
    print(f"{len(data[0])} training images in {len(order)} batches of {BATCH}, {len(data[2])} test images; "
          f"PyTorch {torch.__version__} with {args.threads} threads; {describe_blas()}")  # fmt: skip
    for model in args.models:
        fastest = {engine: np.inf for engine in ENGINES}
        accuracy = {}
        for _ in range(args.repeats):
            for engine, epoch in ENGINES.items():
                seconds, accuracy[engine] = epoch(model, data, order)
                fastest[engine] = min(fastest[engine], seconds)
        ratio = fastest["chainrule"] / fastest["pytorch"]
        memory = {engine: measured_memory(engine, model, args.threads) for engine in ENGINES}
        print(f"\n{model}: chainrule / pytorch = {ratio:.2f}x per epoch (target <= {TARGETS[model]}x); "
              f"test accuracy {accuracy['chainrule']:.2%} vs {accuracy['pytorch']:.2%}")  # fmt: skip
        if None not in memory.values():
            print(f"  peak memory of one training step: chainrule {memory['chainrule']:.1f} MiB, "
                  f"pytorch {memory['pytorch']:.1f} MiB")  # fmt: skip


if __name__ == "__main__":
    main()
