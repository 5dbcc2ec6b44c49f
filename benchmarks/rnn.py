"""Forward + backward of one batch through an LSTM and a GRU in chainrule, PyTorch CPU and DeZero: the
ratio of each engine's fastest run (engines taking turns, five runs per turn) to chainrule's, for a
large configuration (input 32, hidden 128, sequence 50, batch 64) and a small one (input 1, hidden 32,
sequence 30, batch 1).

PyTorch runs its default CPU path (for an LSTM that is oneDNN's fused kernel) and, for reference, its
generic path with oneDNN switched off. DeZero 0.0.13 (PyPI) steps its own LSTM layer over time; it has
no GRU, so one is written here from its Linear layers in the style of its LSTM. chainrule and PyTorch
start from the same weights, and their outputs are compared before timing.

Run: ``python benchmarks/rnn.py`` (``make bench`` installs torch==2.13.0 and dezero==0.0.13).
Target (issue 10): chainrule <= 1.5x PyTorch on each, and faster than DeZero.
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from collections.abc import Callable
from contextlib import nullcontext
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from blas_kernels import describe as describe_blas

import nn
from autograd import Tensor

CONFIGS = {"large": (32, 128, 50, 64), "small": (1, 32, 30, 1)}  # input, hidden, sequence, batch
TARGET = 1.5
Run = Callable[[], None]


def chainrule_run(kind: str, x: np.ndarray, weights: dict[str, np.ndarray]) -> tuple[Run, np.ndarray]:
    model = getattr(nn, kind)(x.shape[2], weights["weight_hh_l0"].shape[1])
    model.load_state_dict(weights)
    inputs = Tensor(x)

    def run() -> None:
        model.zero_grad()
        output, _ = model(inputs)
        output.sum().backward()

    return run, model(inputs)[0].numpy()


def torch_run(
    kind: str, x: np.ndarray, weights: dict[str, np.ndarray], onednn: bool = True
) -> tuple[Run, np.ndarray]:
    import torch

    model = getattr(torch.nn, kind)(x.shape[2], weights["weight_hh_l0"].shape[1])
    model.load_state_dict({k: torch.from_numpy(v) for k, v in weights.items()})
    inputs = torch.from_numpy(x)

    def switch() -> Any:
        return nullcontext() if onednn else torch.backends.mkldnn.flags(enabled=False)

    def run() -> None:
        with switch():
            model.zero_grad()
            output, _ = model(inputs)
            output.sum().backward()

    with torch.no_grad(), switch():
        return run, model(inputs)[0].numpy()


def dezero_run(kind: str, x: np.ndarray, weights: dict[str, np.ndarray]) -> tuple[Run, None]:
    if not hasattr(np, "int"):
        np.int = int  # type: ignore[attr-defined]  # dezero 0.0.13 still names this NumPy 1 alias
    import dezero
    import dezero.functions as F
    import dezero.layers as L

    hidden = weights["weight_hh_l0"].shape[1]

    class GRU(dezero.Layer):
        """DeZero has no GRU: one in the style of its LSTM layer (a Linear per gate and input)."""

        def __init__(self, hidden: int, in_size: int) -> None:
            super().__init__()
            for gate in "rzn":
                setattr(self, f"x2{gate}", L.Linear(hidden, in_size=in_size))
                setattr(self, f"h2{gate}", L.Linear(hidden, in_size=hidden))
            self.h = None

        def reset_state(self) -> None:
            self.h = None

        def forward(self, x: Any) -> Any:
            h = self.h if self.h is not None else np.zeros((x.shape[0], hidden), np.float32)
            r = F.sigmoid(self.x2r(x) + self.h2r(h))
            z = F.sigmoid(self.x2z(x) + self.h2z(h))
            n = F.tanh(self.x2n(x) + r * self.h2n(h))
            self.h = (1 - z) * n + z * h
            return self.h

    layer = L.LSTM(hidden, in_size=x.shape[2]) if kind == "LSTM" else GRU(hidden, x.shape[2])

    def run() -> None:
        layer.reset_state()
        layer.cleargrads()
        loss = sum(F.sum(layer(x[t])) for t in range(len(x)))
        loss.backward()

    return run, None


ENGINES: dict[str, Callable[..., tuple[Run, Any]]] = {
    "chainrule": chainrule_run,
    "pytorch": torch_run,
    "pytorch, oneDNN off": lambda kind, x, w: torch_run(kind, x, w, onednn=False),
    "dezero": dezero_run,
}


def fastest(runs: dict[str, Run], turns: int, block: int = 5) -> dict[str, float]:
    """Each engine's fastest run. Engines take turns, each running ``block`` times in a row: a run right
    after another engine's finds that engine's idle threads still spinning on the two cores (PyTorch's
    LSTM measured 5.7 ms alone and 10-15 ms right after a NumPy run), so each block's first run only
    warms up and the fastest comes from the runs that had the machine to themselves."""
    best = dict.fromkeys(runs, np.inf)
    for _ in range(turns):
        for engine, run in runs.items():
            for _ in range(block):
                start = time.perf_counter()
                run()
                best[engine] = min(best[engine], time.perf_counter() - start)
    return best


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--turns", type=int, default=6, help="turns per engine, 5 runs each (default: 6)")
    parser.add_argument(
        "--threads", type=int, default=2, help="PyTorch's threads (NumPy's BLAS uses its own)"
    )
    args = parser.parse_args(argv)
    try:
        import torch
    except ImportError:
        sys.exit("benchmarks/rnn.py compares with PyTorch: pip install torch==2.13.0")
    torch.set_num_threads(args.threads)
    warnings.filterwarnings("ignore", message="TF32")  # oneDNN's note about Intel GPUs, on every switch
    engines = dict(ENGINES)
    try:
        dezero_run("LSTM", np.zeros((1, 1, 1), np.float32), {"weight_hh_l0": np.zeros((4, 1))})
    except ImportError:
        print("(DeZero is not installed: pip install dezero==0.0.13 adds its column)")
        del engines["dezero"]
    print(f"forward + backward of one batch; PyTorch {torch.__version__} with {args.threads} threads; "
          f"{describe_blas()}")  # fmt: skip
    print("ratios are engine time / chainrule time (above 1: chainrule is faster)")
    rng = np.random.default_rng(0)
    for kind in ("LSTM", "GRU"):
        for config, (inputs, hidden, length, batch) in CONFIGS.items():
            template = getattr(nn, kind)(inputs, hidden, rng=0)
            weights = {name: p.numpy() for name, p in template.named_parameters()}
            x = rng.standard_normal((length, batch, inputs)).astype(np.float32)
            built = {engine: make(kind, x, weights) for engine, make in engines.items()}
            difference = np.abs(built["chainrule"][1] - built["pytorch"][1]).max()
            best = fastest({engine: run for engine, (run, _) in built.items()}, args.turns)
            ratio = best["chainrule"] / best["pytorch"]
            peers = ", ".join(
                f"{engine} {best[engine] / best['chainrule']:.2f}"
                for engine in engines
                if engine != "chainrule"
            )
            verdict = "meets" if ratio <= TARGET else "misses"
            print(f"{kind} {config} (input {inputs}, hidden {hidden}, sequence {length}, batch {batch}): "
                  f"chainrule / pytorch = {ratio:.2f}x ({verdict} <= {TARGET}x); peers / chainrule: {peers}; "
                  f"outputs agree to {difference:.1e}")  # fmt: skip


if __name__ == "__main__":
    main()
