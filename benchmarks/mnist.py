"""One epoch of MLP 784-256-10 (ReLU, batch 128, SGD lr 0.1, float32) in chainrule, in hand-written
NumPy (no autograd) and, when installed, PyTorch CPU: seconds per epoch and test accuracy, same run.

All three start from the same weights and see the same batches in the same order.
Run: ``python benchmarks/mnist.py --data ../shared/data/fashion-mnist`` (default: the bundled sample).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import nn
from autograd import Tensor, no_grad
from nn import functional as F
from nn import optim
from nn.data import load_mnist_sample, read_folder

BATCH, LR, HIDDEN = 128, 0.1, 256
Weights = list[np.ndarray]
Data = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]


def initial_weights(seed: int) -> Weights:
    """PyTorch's default Linear init, U(±1/sqrt(fan_in)), drawn once and shared by every engine."""
    rng = np.random.default_rng(seed)
    bound1, bound2 = 1 / np.sqrt(784), 1 / np.sqrt(HIDDEN)
    return [
        rng.uniform(-bound1, bound1, (HIDDEN, 784)).astype(np.float32),
        rng.uniform(-bound1, bound1, HIDDEN).astype(np.float32),
        rng.uniform(-bound2, bound2, (10, HIDDEN)).astype(np.float32),
        rng.uniform(-bound2, bound2, 10).astype(np.float32),
    ]


def batches(n: int, seed: int) -> list[np.ndarray]:
    order = np.random.default_rng(seed).permutation(n)
    return [order[i : i + BATCH] for i in range(0, n, BATCH)]


def chainrule_epoch(data: Data, weights: Weights, order: list[np.ndarray]) -> float:
    x, t, x_test, t_test = data
    model = nn.Sequential(nn.Linear(784, HIDDEN), nn.ReLU(), nn.Linear(HIDDEN, 10))
    for parameter, value in zip(model.parameters(), weights):
        parameter.data = Tensor(value.copy())
    optimizer = optim.SGD(model.parameters(), lr=LR)
    for index in order:
        loss = F.cross_entropy(model(Tensor(x[index])), t[index])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    with no_grad():
        return float((model(Tensor(x_test)).numpy().argmax(1) == t_test).mean())


def numpy_epoch(data: Data, weights: Weights, order: list[np.ndarray]) -> float:
    """The same network with its gradients derived by hand: the speed limit for NumPy."""
    x, t, x_test, t_test = data
    w1, b1, w2, b2 = (w.copy() for w in weights)
    for index in order:
        xb, tb = x[index], t[index]
        n = len(index)
        h = xb @ w1.T + b1
        a = np.maximum(h, 0)
        z = a @ w2.T + b2
        z -= z.max(axis=1, keepdims=True)
        p = np.exp(z)
        p /= p.sum(axis=1, keepdims=True)
        p[np.arange(n), tb] -= 1
        dz = p / n
        dw2, db2 = dz.T @ a, dz.sum(axis=0)
        dh = (dz @ w2) * (h > 0)
        dw1, db1 = dh.T @ xb, dh.sum(axis=0)
        w1 -= LR * dw1
        b1 -= LR * db1
        w2 -= LR * dw2
        b2 -= LR * db2
    scores = np.maximum(x_test @ w1.T + b1, 0) @ w2.T + b2
    return float((scores.argmax(1) == t_test).mean())


def torch_epoch(data: Data, weights: Weights, order: list[np.ndarray]) -> float:
    import torch

    x, t, x_test, t_test = (torch.from_numpy(a) for a in data)
    model = torch.nn.Sequential(torch.nn.Linear(784, HIDDEN), torch.nn.ReLU(), torch.nn.Linear(HIDDEN, 10))
    with torch.no_grad():
        for parameter, value in zip(model.parameters(), weights):
            parameter.copy_(torch.from_numpy(value))
    optimizer = torch.optim.SGD(model.parameters(), lr=LR)
    for index in order:
        index_tensor = torch.from_numpy(index)
        loss = torch.nn.functional.cross_entropy(model(x[index_tensor]), t[index_tensor])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    with torch.no_grad():
        return float((model(x_test).argmax(1) == t_test).float().mean())


def measure(
    engines: dict[str, Callable[[Data, Weights, list[np.ndarray]], float]], data: Data, repeats: int
) -> dict[str, tuple[float, float]]:
    """Per engine: (fastest epoch in seconds, test accuracy after one epoch).

    Engines take turns, one epoch each per round, so that every engine samples the same spells of
    outside load; the fastest epoch is the one least disturbed by it (as timeit advises)."""
    weights, order = initial_weights(0), batches(len(data[0]), 1)
    times: dict[str, list[float]] = {name: [] for name in engines}
    accuracy: dict[str, float] = {}
    for _ in range(repeats):
        for name, epoch in engines.items():
            start = time.perf_counter()
            accuracy[name] = epoch(data, weights, order)
            times[name].append(time.perf_counter() - start)
    return {name: (min(times[name]), accuracy[name]) for name in engines}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--data", type=Path, help="folder with the four MNIST IDX files (default: bundled sample)"
    )
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--threads", type=int, help="BLAS / torch threads (default: the libraries' own)")
    args = parser.parse_args(argv)
    (x, t), (x_test, t_test) = read_folder(args.data) if args.data else load_mnist_sample()
    data = (x, t, x_test, t_test)
    print(
        f"{len(x)} training images, {len(x_test)} test images, {len(batches(len(x), 1))} batches of {BATCH}"
    )

    engines: dict[str, Callable[[Data, Weights, list[np.ndarray]], float]] = {
        "numpy (by hand)": numpy_epoch,
        "chainrule": chainrule_epoch,
    }
    try:
        import torch

        if args.threads:
            torch.set_num_threads(args.threads)
        engines["pytorch " + torch.__version__] = torch_epoch
    except ImportError:
        print("PyTorch is not installed (pip install torch==2.13.0): comparing with NumPy only")
    results = measure(engines, data, args.repeats)
    baseline = results["numpy (by hand)"][0]
    for name, (seconds, accuracy) in results.items():
        print(f"{name:>22}: time per epoch {seconds / baseline:5.2f}x NumPy's, test accuracy {accuracy:.2%}")
    ours = results["chainrule"][0]
    print(f"\nchainrule / numpy: {ours / results['numpy (by hand)'][0]:.3f}x (target <= 1.10x)")
    for name, (seconds, _) in results.items():
        if name.startswith("pytorch"):
            print(f"chainrule / pytorch: {ours / seconds:.3f}x (target < 1x)")


if __name__ == "__main__":
    main()
