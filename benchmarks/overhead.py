"""Python's cost per op: chainrule against PyTorch (CPU) on the small workloads learners run most, where
the per-op overhead is the whole cost.

Two workloads (a 16-32-10 MLP, batch 1, one SGD step: forward, cross-entropy, backward, update; and a
20-op elementwise chain on 16 floats, forward + backward) and a table of single ops (forward + backward
of one op on small inputs). Engines take turns of a few hundred calls each, and each keeps its fastest
turn; every row prints chainrule's time as a ratio of PyTorch's, measured in the same run.

Run: ``python benchmarks/overhead.py`` (``make bench`` installs torch==2.13.0); ``--readme README.md``
also rewrites the op table between the README's markers. Targets (issue 19): MLP step <= 0.35x,
chain <= 0.65x, every op < 1.0x.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from blas_kernels import describe as describe_blas

import chainrule

Run = Callable[[], None]
TARGETS = {"MLP 16-32-10, batch 1, SGD step": 0.35, "20-op elementwise chain": 0.65}
OP_TARGET = 1.0
MARKERS = ("<!-- overhead table: start -->", "<!-- overhead table: end -->")


def workloads(torch: Any) -> dict[str, Run]:
    """Each row's forward + backward, written once in PyTorch's API for both engines."""
    rng = np.random.default_rng(0)

    def leaf(*shape: int) -> Any:
        return torch.tensor(rng.normal(size=shape).astype(np.float32), requires_grad=True)

    x, y, w, b = leaf(8, 16), leaf(8, 16), leaf(16, 16), leaf(16)
    labels = torch.tensor(rng.integers(0, 16, 8))
    image, kernel = leaf(1, 1, 8, 8), leaf(4, 1, 3, 3)
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(16, 32), torch.nn.ReLU(), torch.nn.Linear(32, 10))
    sgd = torch.optim.SGD(model.parameters(), lr=0.01)
    sample, target = torch.tensor(rng.normal(size=(1, 16)).astype(np.float32)), torch.tensor([3])
    cell = torch.nn.LSTMCell(8, 16)
    step_input, state = torch.tensor(rng.normal(size=(1, 8)).astype(np.float32)), (leaf(1, 16), leaf(1, 16))
    chain_input = leaf(16)
    inputs = (x, y, w, b, image, kernel, chain_input, *state)
    F = torch.nn.functional

    def clear() -> None:
        for t in inputs:
            t.grad = None

    def backward(make: Callable[[], Any]) -> Run:
        def run() -> None:
            clear()
            out = make()
            (out if out.dim() == 0 else out.sum()).backward()

        return run

    def mlp_step() -> None:
        sgd.zero_grad()
        F.cross_entropy(model(sample), target).backward()
        sgd.step()

    def chain() -> Any:
        out = chain_input
        for _ in range(10):
            out = out * 1.01
            out = out + 0.5
        return out

    return {
        "MLP 16-32-10, batch 1, SGD step": mlp_step,
        "20-op elementwise chain": backward(chain),
        "add": backward(lambda: x + y),
        "mul": backward(lambda: x * y),
        "matmul": backward(lambda: x @ w),
        "relu": backward(lambda: x.relu()),
        "tanh": backward(lambda: x.tanh()),
        "exp": backward(lambda: x.exp()),
        "sum": backward(lambda: x.sum()),
        "getitem": backward(lambda: x[1:5]),
        "linear": backward(lambda: F.linear(x, w, b)),
        "cross_entropy": backward(lambda: F.cross_entropy(x, labels)),
        "conv2d 1x8x8": backward(lambda: F.conv2d(image, kernel)),
        "LSTM step": backward(lambda: cell(step_input, state)[0]),
    }


def fastest(runs: dict[str, dict[str, Run]], rounds: int, calls: int) -> dict[str, dict[str, float]]:
    """Each engine's fastest turn per row, in seconds per call; the engines take turns row by row."""
    best: dict[str, dict[str, float]] = {engine: {} for engine in runs}
    rows = next(iter(runs.values()))
    for row in rows:
        for _ in range(rounds):
            for engine, table in runs.items():
                run = table[row]
                run()
                start = time.perf_counter()
                for _ in range(calls):
                    run()
                elapsed = (time.perf_counter() - start) / calls
                best[engine][row] = min(best[engine].get(row, elapsed), elapsed)
    return best


def table(best: dict[str, dict[str, float]]) -> list[str]:
    """Markdown rows: each op, chainrule's time over PyTorch's, and the target."""
    lines = ["| workload (forward + backward) | chainrule / PyTorch | target |", "|---|---|---|"]
    for row, ours in best["chainrule"].items():
        target = TARGETS.get(row, OP_TARGET)
        ratio = ours / best["torch"][row]
        relation = "≤" if row in TARGETS else "<"
        lines.append(f"| {row} | {ratio:.2f}× | {relation} {target:.2f}× |")
    return lines


def rewrite_readme(path: Path, lines: list[str], header: str) -> None:
    """Replace the table between the README's markers (written atomically, like every file we write)."""
    from autograd.files import atomic_write

    text = path.read_text(encoding="utf-8")
    start, end = MARKERS
    block = "\n".join([start, header, "", *lines, end])
    updated, count = re.subn(re.escape(start) + r".*?" + re.escape(end), lambda _: block, text, flags=re.S)
    if count != 1:
        raise SystemExit(f"{path}: expected one pair of markers {start} ... {end}, found {count}")
    atomic_write(path, lambda handle: handle.write(updated.encode("utf-8")))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="turns per engine and row (the fastest counts)")
    parser.add_argument("--calls", type=int, default=300, help="calls per turn")
    parser.add_argument("--threads", type=int, default=2, help="PyTorch's intra-op threads")
    parser.add_argument("--readme", type=Path, help="rewrite the op table in this README")
    args = parser.parse_args(argv)
    import torch

    torch.set_num_threads(args.threads)
    runs = {"chainrule": workloads(chainrule), "torch": workloads(torch)}
    best = fastest(runs, args.rounds, args.calls)
    header = (
        f"Measured with `make bench` (benchmarks/overhead.py): PyTorch {torch.__version__} on "
        f"{args.threads} threads, {describe_blas()}; engines take turns, fastest of {args.rounds}."
    )
    lines = table(best)
    print(header, *lines, sep="\n")
    if args.readme:
        rewrite_readme(args.readme, lines, header)


if __name__ == "__main__":
    main()
