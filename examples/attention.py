"""Lesson: attention (어텐션) by hand on four tokens, next to the engine.

1. Scores q·k/√d, the causal mask, softmax weights and the weighted sum of the values, printed number by
   number for small made-up queries, keys and values, then F.scaled_dot_product_attention's result.
2. Where the learning signal goes: the gradient of one token's output with respect to every key and
   value (the later token gets exactly none), drawn as heat maps beside the attention weights.
3. The graph of one head built from elementary ops (matmul, masked_fill, softmax, matmul).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

import numpy as np

import chainrule as torch
from examples._common import parse_args, save_graph
from nn import functional as F

TOKENS = ("the", "cat", "sat", "down")
# what a layer's query, key and value projections might give for the four tokens (width 2), made up
QUERIES = np.array([[1.0, 0.0], [0.0, 1.0], [0.5, 1.5], [0.5, -1.0]])
KEYS = np.array([[1.0, 0.0], [0.0, 2.0], [1.0, 1.0], [-1.0, 0.5]])
VALUES = np.array([[1.0, 0.0], [0.0, 1.0], [2.0, 2.0], [-1.0, 1.0]])
ASKING = 2  # the token whose output the gradients are taken of ("sat")


def by_hand(q: np.ndarray, k: np.ndarray, v: np.ndarray) -> dict[str, np.ndarray]:
    """The four steps of causal attention in NumPy: scores, masked scores, weights, output."""
    scores = q @ k.T / math.sqrt(q.shape[1])
    masked = np.where(np.tril(np.ones(scores.shape, bool)), scores, -np.inf)
    exps = np.exp(masked - masked.max(axis=1, keepdims=True))
    weights = exps / exps.sum(axis=1, keepdims=True)
    return {"scores": scores, "masked": masked, "weights": weights, "output": weights @ v}


def matrix(rows: np.ndarray) -> str:
    """A matrix as one line per row, each row named by its token."""
    return "\n".join(
        f"    {token:>5} | " + " ".join(f"{x:7.4f}" for x in row) for token, row in zip(TOKENS, rows)
    )


def explain(steps: dict[str, np.ndarray]) -> None:
    """Print each step, with one row worked out number by number."""
    q, k, i, d = QUERIES, KEYS, ASKING, QUERIES.shape[1]
    print(f"1. scores = q·k / √d (d = {d}): how well each token's query matches each token's key")
    for j in range(len(TOKENS)):
        products = " + ".join(f"{a:g}·{b:g}" for a, b in zip(q[i], k[j]))
        print(f"    score[{TOKENS[i]}][{TOKENS[j]}] = ({products}) / √{d} = {steps['scores'][i, j]:.4f}")
    print(matrix(steps["scores"]))
    print("2. the causal mask: a token may look only at itself and earlier tokens, so every score above")
    print("   the diagonal becomes -inf (exp(-inf) = 0)")
    print(matrix(steps["masked"]))
    row = steps["masked"][i]
    seen = np.isfinite(row)
    exps = np.exp(row[seen] - row[seen].max())
    terms = " + ".join(f"{e:.4f}" for e in exps)
    print("3. softmax along each row: exp(score - the row's largest) / their sum, so each row of weights")
    print(f"   sums to 1; row {TOKENS[i]}: exp gives {terms} = {exps.sum():.4f}, weights", end=" ")
    print(", ".join(f"{w:.4f}" for w in steps["weights"][i]))
    print(matrix(steps["weights"]))
    out = steps["output"][i]
    terms = " + ".join(
        f"{w:.4f}·[{VALUES[j, 0]:g}, {VALUES[j, 1]:g}]" for j, w in enumerate(steps["weights"][i][seen])
    )
    print("4. output = weights · values: each token's output is a weighted mean of the values it sees")
    print(f"   out[{TOKENS[i]}] = {terms} = [{out[0]:.4f}, {out[1]:.4f}]")
    print(matrix(steps["output"]))


def leaves() -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """The queries, keys and values as float64 leaves that want gradients."""
    named = []
    for name, array in (("Q", QUERIES), ("K", KEYS), ("V", VALUES)):
        leaf = torch.tensor(array, requires_grad=True)
        leaf.label = name
        named.append(leaf)
    return named[0], named[1], named[2]


def one_head(q: torch.Tensor, k: torch.Tensor, v: torch.Tensor) -> torch.Tensor:
    """Causal attention from elementary Tensor ops, each step named as in the printout."""
    above = torch.tensor(np.triu(np.ones((len(q), len(k)), bool), 1))
    kt = k.T
    scores = (q @ kt) / math.sqrt(q.shape[1])
    masked = scores.masked_fill(above, float("-inf"))
    weights = masked.softmax(-1)
    output = weights @ v
    names = ("Kᵀ", "1. scores = Q Kᵀ / √d", "2. masked scores", "3. weights", "4. output")
    for name, tensor in zip(names, (kt, scores, masked, weights, output)):
        tensor.label = name
    return output


def signal(output: torch.Tensor) -> torch.Tensor:
    """What the gradients are taken of: the sum of the asking token's output."""
    root = output[ASKING].sum()
    root.label = f"L = sum(output[{TOKENS[ASKING]}])"
    root.backward()
    return root


def gradients(*tensors: torch.Tensor) -> list[np.ndarray]:
    """The leaves' gradients as arrays."""
    grads = [t.grad for t in tensors]
    assert all(g is not None for g in grads)
    return [g.numpy() for g in grads if g is not None]


def heat_maps(panels: dict[str, tuple[np.ndarray, Sequence[str]]], path: Path, title: str) -> None:
    """Side-by-side heat maps (name -> matrix, column names) with each cell's number; rows are the
    tokens, white is exactly 0."""
    try:
        from matplotlib.figure import Figure

        from viz import plots
    except ImportError as error:
        print(f"  no picture {path.name}: {error}")
        return
    figure = Figure(figsize=(3.2 * len(panels), 3.2))
    for axes, (name, (values, columns)) in zip(figure.subplots(1, len(panels)), panels.items()):
        reach = float(np.abs(values).max()) or 1.0
        axes.imshow(values, cmap="RdBu_r", vmin=-reach, vmax=reach)
        for (row, column), x in np.ndenumerate(values):
            colour = "white" if abs(x) > reach / 2 else "black"
            axes.text(column, row, f"{x + 0.0:.2f}", ha="center", va="center", fontsize=8, color=colour)
        axes.set_xticks(range(values.shape[1]), columns)
        axes.set_yticks(range(len(TOKENS)), TOKENS)
        axes.set_title(name, fontsize=10)
    figure.suptitle(title)
    print(f"  wrote {plots.save_figure(figure, path)}")


def engine(steps: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """F.scaled_dot_product_attention next to the hand computation, then backward from L: returns the
    engine's output and d L / d keys, d L / d values."""
    q, k, v = leaves()
    output = F.scaled_dot_product_attention(q, k, v, is_causal=True)
    result = output.detach().numpy()
    difference = float(np.abs(result - steps["output"]).max())
    print("F.scaled_dot_product_attention(q, k, v, is_causal=True), one node of the engine, gives")
    print(matrix(result))
    print(f"   the largest difference from the hand computation: {difference:.1e}")
    assert difference < 1e-12
    signal(output)
    grad_k, grad_v = gradients(k, v)
    asking = TOKENS[ASKING]
    print(f"Where the learning signal goes: d L / d keys and d L / d values for L = sum(out[{asking}])")
    print("  values: each value's gradient is the weight it was given (its share of the output);")
    total = float(steps["output"][ASKING].sum())
    sums = ", ".join(f"{token} {value.sum():g}" for token, value in zip(TOKENS[: ASKING + 1], VALUES))
    print("  keys: d L / d key j = weight j · (sum(value j) - L) · query / √d: a higher score for a key")
    print(f"  whose value sums to more than L = {total:.4f} raises L, for one below it lowers L ({sums});")
    print(f"  '{TOKENS[-1]}' comes after '{asking}', so its key and value get exactly 0")
    for token, (k0, k1), (v0, v1) in zip(TOKENS, grad_k, grad_v):
        print(f"    {token:>5} | d L / d key {k0:8.4f} {k1:8.4f} | d L / d value {v0:8.4f} {v1:8.4f}")
    return result, grad_k, grad_v


def main(argv: Sequence[str] | None = None) -> dict[str, np.ndarray]:
    args = parse_args(__doc__ or "", argv)
    print(f"Attention (어텐션) over four tokens {', '.join(TOKENS)}: each token asks a question (query),")
    print("offers an address (key) and a content (value); made-up numbers of width 2 keep every step")
    print("readable.")
    steps = by_hand(QUERIES, KEYS, VALUES)
    explain(steps)
    output, grad_k, grad_v = engine(steps)
    print("The engine's attention is one node, a single box in a picture; the same head from elementary")
    print("ops (transpose, matmul, masked_fill, softmax, matmul) shows every step. Its boxes give each")
    print("matrix's shape and the size of its gradient; their numbers are the ones printed above.")
    q, k, v = leaves()
    root = signal(one_head(q, k, v))
    same = max(float(np.abs(a - b).max()) for a, b in zip(gradients(k, v), (grad_k, grad_v)))
    print(f"  its gradients of the keys and values differ from the one node's by at most {same:.1e}")
    save_graph(root, args.out / "attention_head.png", "one causal attention head; grad = d L / d node", "TB")
    heat_maps(
        {
            "attention weights": (steps["weights"], TOKENS),
            "d L / d keys": (grad_k, ("k₀", "k₁")),
            "d L / d values": (grad_v, ("v₀", "v₁")),
        },
        args.out / "attention_weights.png",
        f"causal attention; gradients of L = sum(output[{TOKENS[ASKING]}])",
    )
    return {**steps, "engine": output, "grad_key": grad_k, "grad_value": grad_v}


if __name__ == "__main__":
    main()
