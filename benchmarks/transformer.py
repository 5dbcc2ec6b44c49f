"""A GPT training step and scaled dot-product attention alone, chainrule against PyTorch CPU: the ratio of
each engine's fastest run (engines taking turns) and each one's peak memory for one step.

The GPT is nanoGPT's shape (pre-norm blocks, causal self-attention through
``scaled_dot_product_attention``, GELU MLP, tied embedding and head), written once against a ``torch``
namespace and built on both engines from the same weights; both train on the same batches with AdamW.
The size is the issue's: 4 layers, d_model 128, 4 heads, context 64, batch 32.

Run: ``python benchmarks/transformer.py`` (``make bench`` installs torch==2.13.0).
Target (issue 20): chainrule <= 1.5x PyTorch for the step and for attention alone.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from blas_kernels import describe as describe_blas

import chainrule

LAYERS, WIDTH, HEADS, CONTEXT, BATCH, VOCAB = 4, 128, 4, 64, 32, 65
TARGET = 1.5
Run = Callable[[], None]


def gpt(torch: Any) -> Any:
    """The model, from ``torch``'s own classes (chainrule's or PyTorch's)."""
    nn, F = torch.nn, torch.nn.functional

    class Block(nn.Module):  # type: ignore[name-defined]  # the given engine's Module
        def __init__(self) -> None:
            super().__init__()
            self.ln_1, self.ln_2 = nn.LayerNorm(WIDTH), nn.LayerNorm(WIDTH)
            self.c_attn, self.c_proj = nn.Linear(WIDTH, 3 * WIDTH), nn.Linear(WIDTH, WIDTH)
            self.c_fc, self.mlp_proj = nn.Linear(WIDTH, 4 * WIDTH), nn.Linear(4 * WIDTH, WIDTH)

        def forward(self, x: Any) -> Any:
            b, t, c = x.shape
            q, k, v = self.c_attn(self.ln_1(x)).split(WIDTH, dim=2)
            q, k, v = (z.view(b, t, HEADS, c // HEADS).transpose(1, 2) for z in (q, k, v))
            y = F.scaled_dot_product_attention(q, k, v, is_causal=True)
            x = x + self.c_proj(y.transpose(1, 2).contiguous().view(b, t, c))
            return x + self.mlp_proj(F.gelu(self.c_fc(self.ln_2(x))))

    class GPT(nn.Module):  # type: ignore[name-defined]
        def __init__(self) -> None:
            super().__init__()
            self.wte, self.wpe = nn.Embedding(VOCAB, WIDTH), nn.Embedding(CONTEXT, WIDTH)
            self.blocks = nn.ModuleList([Block() for _ in range(LAYERS)])
            self.ln_f = nn.LayerNorm(WIDTH)
            self.head = nn.Linear(WIDTH, VOCAB, bias=False)
            self.head.weight = self.wte.weight

        def forward(self, idx: Any, targets: Any) -> Any:
            x = self.wte(idx) + self.wpe(torch.arange(idx.shape[1]))
            for block in self.blocks:
                x = block(x)
            logits = self.head(self.ln_f(x))
            return F.cross_entropy(logits.view(-1, VOCAB), targets.view(-1))

    return GPT()


def _step(
    torch: Any, weights: dict[str, np.ndarray], data: tuple[np.ndarray, np.ndarray]
) -> tuple[Run, float]:
    """One AdamW training step on ``torch`` from ``weights``; also the first step's loss."""
    model = gpt(torch)
    model.load_state_dict({name: torch.tensor(value) for name, value in weights.items()})
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3)
    idx, targets = (torch.tensor(array) for array in data)

    def run() -> None:
        loss = model(idx, targets)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()

    with torch.no_grad():
        first = float(model(idx, targets).item())
    return run, first


def _attention(torch: Any, arrays: tuple[np.ndarray, ...]) -> Run:
    """Forward and backward of causal attention alone at the step's shape."""
    q, k, v = (torch.tensor(a, requires_grad=True) for a in arrays)

    def run() -> None:
        torch.nn.functional.scaled_dot_product_attention(q, k, v, is_causal=True).sum().backward()

    return run


def _matrix_products(rng: np.random.Generator) -> Run:
    """The step's matrix products alone in NumPy (float32): every Linear's forward and its two backward
    products, attention's two products and their four backward ones; nothing else. A floor for any
    NumPy-level engine: its step cannot take less."""
    rows, head = BATCH * CONTEXT, WIDTH // HEADS
    sizes = [(WIDTH, 3 * WIDTH), (WIDTH, WIDTH), (WIDTH, 4 * WIDTH), (4 * WIDTH, WIDTH)] * LAYERS
    sizes.append((WIDTH, VOCAB))
    linear = [
        (rng.standard_normal((rows, i), np.float32), rng.standard_normal((o, i), np.float32),
         rng.standard_normal((rows, o), np.float32))
        for i, o in sizes
    ]  # fmt: skip
    q, k, v = (rng.standard_normal((BATCH, HEADS, CONTEXT, head), np.float32) for _ in range(3))
    weights = rng.standard_normal((BATCH, HEADS, CONTEXT, CONTEXT), np.float32)

    def run() -> None:
        for x, w, g in linear:
            x @ w.T  # forward
            g @ w  # d input
            g.T @ x  # d weight
        for _ in range(LAYERS):
            q @ k.swapaxes(-1, -2)  # scores
            weights @ v  # output
            weights.swapaxes(-1, -2) @ q  # d v (any (T, d) operand: the same work)
            q @ v.swapaxes(-1, -2)  # d weights
            weights @ k  # d q
            weights.swapaxes(-1, -2) @ q  # d k

    return run


def _batches() -> tuple[np.ndarray, np.ndarray]:
    """The batch every engine trains on: token ids and their targets."""
    rng = np.random.default_rng(0)
    return rng.integers(0, VOCAB, (BATCH, CONTEXT)), rng.integers(0, VOCAB, (BATCH, CONTEXT))


def fastest(runs: dict[str, Run], turns: int, block: int = 3) -> dict[str, float]:
    """Each engine's fastest run, engines taking turns (``block`` runs each, the first a warm-up)."""
    best = dict.fromkeys(runs, np.inf)
    for _ in range(turns):
        for engine, run in runs.items():
            for _ in range(block):
                start = time.perf_counter()
                run()
                best[engine] = min(best[engine], time.perf_counter() - start)
    return best


def _peak(engine: str) -> float:
    """MiB by which the first training step (the optimizer's state included) raises a fresh process's
    resident memory above what it held with the model and data built: the peak is reset through
    /proc/self/clear_refs, then read as VmHWM (Linux)."""
    done = subprocess.run(
        [sys.executable, __file__, "--peak-of", engine], capture_output=True, text=True, check=True
    )
    return float(done.stdout.split()[-1])


def _peak_here(engine: str) -> float:
    import torch

    torch.manual_seed(0)
    weights = {name: p.detach().numpy().copy() for name, p in gpt(torch).state_dict().items()}
    run, _ = _step(chainrule if engine == "chainrule" else torch, weights, _batches())
    Path("/proc/self/clear_refs").write_text("5")
    before = _status("VmRSS")
    run()
    return (_status("VmHWM") - before) / 1024


def _status(field: str) -> int:
    """A kB figure of /proc/self/status."""
    line = next(line for line in Path("/proc/self/status").read_text().splitlines() if line.startswith(field))
    return int(line.split()[1])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--turns", type=int, default=4, help="turns per engine, 3 runs each (default: 4)")
    parser.add_argument(
        "--threads", type=int, default=2, help="PyTorch's threads (NumPy's BLAS uses its own)"
    )
    parser.add_argument("--peak-of", choices=("chainrule", "torch"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.peak_of:
        print(_peak_here(args.peak_of))
        return
    try:
        import torch
    except ImportError:
        sys.exit("benchmarks/transformer.py compares with PyTorch: pip install torch==2.13.0")
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    weights = {name: p.detach().numpy().copy() for name, p in gpt(torch).state_dict().items()}
    data = _batches()
    rng = np.random.default_rng(1)
    print(f"PyTorch {torch.__version__} with {args.threads} threads; {describe_blas()}")
    steps = {
        name: _step(module, weights, data) for name, module in (("chainrule", chainrule), ("torch", torch))
    }
    agree = abs(steps["chainrule"][1] - steps["torch"][1])
    runs = {name: run for name, (run, _) in steps.items()} | {"numpy": _matrix_products(rng)}
    best = fastest(runs, args.turns)
    ratio = best["chainrule"] / best["torch"]
    print(f"gpt step ({LAYERS} layers, d_model {WIDTH}, {HEADS} heads, context {CONTEXT}, batch {BATCH}, "
          f"AdamW): gpt / torch = {ratio:.2f}x ({'meets' if ratio <= TARGET else 'misses'} <= {TARGET}x); "
          f"first losses agree to {agree:.1e}")  # fmt: skip
    print(f"  the step's matrix products alone in NumPy (no elementwise op, no softmax, no optimizer): "
          f"numpy / torch = {best['numpy'] / best['torch']:.2f}x, the floor of a NumPy engine")  # fmt: skip
    shape = (BATCH, HEADS, CONTEXT, WIDTH // HEADS)
    arrays = tuple(rng.standard_normal(shape).astype(np.float32) for _ in range(3))
    best = fastest(
        {"chainrule": _attention(chainrule, arrays), "torch": _attention(torch, arrays)}, args.turns
    )
    ratio = best["chainrule"] / best["torch"]
    print(f"scaled_dot_product_attention forward + backward {shape}: chainrule / torch = {ratio:.2f}x "
          f"({'meets' if ratio <= TARGET else 'misses'} <= {TARGET}x)")  # fmt: skip
    peaks = {name: _peak(name) for name in steps}
    ratio = peaks["chainrule"] / max(peaks["torch"], 1e-9)
    print(f"memory one training step takes at its peak: chainrule {peaks['chainrule']:.0f} MiB, "
          f"torch {peaks['torch']:.0f} MiB (ratio {ratio:.2f}x)")  # fmt: skip


if __name__ == "__main__":
    main()
