"""Lesson: a tiny GPT on the scalar engine (microgpt), the bridge from the apple example to a transformer.

Every number is one Value, as in the apple example: an embedding of each letter and of each position,
one causal self-attention head (어텐션: query, key and value projections, softmax over the keys so far),
RMSNorm, a small MLP and a linear head onto the letters, cross-entropy written with log, and Adam written
out over each parameter's data and grad. It learns from the names in examples/data/names.txt, one name
a step, and then makes up new ones. First, the graph of one attention step: one query over three keys.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from autograd import Value, no_grad
from examples._common import parse_args, save_graph
from nn.scalar import ScalarModule, rmsnorm, softmax

NAMES = Path(__file__).resolve().parent / "data" / "names.txt"  # 299 given names, written for this lesson
BOS = "."  # the token that starts and ends every name

Vector = list[Value]
Matrix = list[list[Value]]


def matrix(rows: int, columns: int, rng: np.random.Generator, name: str) -> Matrix:
    """A rows × columns matrix of parameters drawn from N(0, 0.1²), labelled ``name[i][j]``."""
    drawn = rng.normal(0.0, 0.1, (rows, columns))
    return [[Value(w, f"{name}[{i}][{j}]") for j, w in enumerate(row)] for i, row in enumerate(drawn)]


def dot(a: Sequence[Value], b: Sequence[Value]) -> Value:
    """Σ a_i · b_i, started from the first product (no node for a leading 0)."""
    products = [x * y for x, y in zip(a, b)]
    return sum(products[1:], products[0])


def linear(x: Sequence[Value], weight: Matrix) -> Vector:
    """weight · x, one output per row (no bias)."""
    return [dot(row, x) for row in weight]


def add(a: Sequence[Value], b: Sequence[Value]) -> Vector:
    """The elementwise sum: a residual connection."""
    return [x + y for x, y in zip(a, b)]


def attend(query: Vector, keys: Sequence[Vector], values: Sequence[Vector]) -> Vector:
    """One attention step: softmax(query · key / √d) over the given keys, then the weighted sum of
    the values."""
    scale = 1.0 / math.sqrt(len(query))
    scores = [dot(query, key) * scale for key in keys]
    weights = softmax(scores)
    for j, (score, weight) in enumerate(zip(scores, weights)):
        score.label, weight.label = f"score {j}", f"weight {j}"
    return [dot(weights, column) for column in zip(*values)]


class MicroGPT(ScalarModule):
    """Letter and position embeddings, one causal attention head and an MLP (each after RMSNorm, each
    added to its input), and a linear head giving the next letter's logits."""

    def __init__(self, vocabulary: int, width: int, context: int, seed: int) -> None:
        rng = np.random.default_rng(seed)
        self.context = context
        self.letters = matrix(vocabulary, width, rng, "letter")
        self.positions = matrix(context, width, rng, "position")
        self.query, self.key, self.value, self.mix = (matrix(width, width, rng, n) for n in "qkvo")
        self.up = matrix(4 * width, width, rng, "up")
        self.down = matrix(width, 4 * width, rng, "down")
        self.head = matrix(vocabulary, width, rng, "head")

    def parameters(self) -> list[Value]:
        matrices = (self.letters, self.positions, self.query, self.key, self.value, self.mix, self.up)
        return [p for m in (*matrices, self.down, self.head) for row in m for p in row]

    def step(self, token: int, position: int, keys: list[Vector], values: list[Vector]) -> Vector:
        """The next letter's logits after ``token`` at ``position``. Its key and value join ``keys`` and
        ``values``, the earlier positions' ones: all the query sees, which is the causal mask."""
        x = add(self.letters[token], self.positions[position])
        h = rmsnorm(x)
        keys.append(linear(h, self.key))
        values.append(linear(h, self.value))
        x = add(x, linear(attend(linear(h, self.query), keys, values), self.mix))
        hidden = [u.relu() for u in linear(rmsnorm(x), self.up)]
        x = add(x, linear(hidden, self.down))
        return linear(rmsnorm(x), self.head)


def name_loss(model: MicroGPT, tokens: Sequence[int]) -> Value:
    """Cross-entropy of one name: the mean over its letters (and the end) of -log p(the next token)."""
    keys: list[Vector] = []
    values: list[Vector] = []
    steps = min(len(tokens) - 1, model.context)
    losses = []
    for position in range(steps):
        probabilities = softmax(model.step(tokens[position], position, keys, values))
        losses.append(-probabilities[tokens[position + 1]].log())
    return sum(losses[1:], losses[0]) / steps


class Adam:
    """Adam written out: running means of each gradient and of its square, bias-corrected."""

    def __init__(self, parameters: list[Value], betas: tuple[float, float] = (0.9, 0.99)) -> None:
        self.parameters, self.betas, self.steps = parameters, betas, 0
        self.first = [0.0] * len(parameters)
        self.second = [0.0] * len(parameters)

    def step(self, lr: float) -> None:
        """Move every parameter's data against its grad, then zero the grad."""
        self.steps += 1
        b1, b2 = self.betas
        for i, p in enumerate(self.parameters):
            self.first[i] = b1 * self.first[i] + (1 - b1) * p.grad
            self.second[i] = b2 * self.second[i] + (1 - b2) * p.grad**2
            mean, square = self.first[i] / (1 - b1**self.steps), self.second[i] / (1 - b2**self.steps)
            p.data -= lr * mean / (math.sqrt(square) + 1e-8)
            p.grad = 0.0


def mean_loss(model: MicroGPT, names: Sequence[list[int]]) -> float:
    """The mean cross-entropy over names (no graph kept)."""
    with no_grad():
        return sum(name_loss(model, tokens).data for tokens in names) / len(names)


def sample(model: MicroGPT, alphabet: str, rng: np.random.Generator, temperature: float) -> str:
    """A made-up name: letters drawn one by one from softmax(logits / temperature) until the end token."""
    keys: list[Vector] = []
    values: list[Vector] = []
    token, letters = 0, ""
    with no_grad():
        for position in range(model.context):
            logits = model.step(token, position, keys, values)
            probabilities = np.array([p.data for p in softmax([v / temperature for v in logits])])
            token = int(rng.choice(len(alphabet), p=probabilities / probabilities.sum()))
            if token == 0:
                break
            letters += alphabet[token]
    return letters


def attention_step(out: Path) -> list[float]:
    """Draw ``attend`` on one query over three keys (width 2) and values of width 1, backward from the
    output; returns d output / d value j, which is weight j."""
    query = [Value(1.0, "q0"), Value(0.5, "q1")]
    keys = [
        [Value(a, f"k{j}[0]"), Value(b, f"k{j}[1]")] for j, (a, b) in enumerate(((1, 0), (1, 1), (-1, 1)))
    ]
    values = [[Value(v, f"v{j}")] for j, v in enumerate((1.0, -1.0, 2.0))]
    (output,) = attend(query, keys, values)
    output.label = "output"
    output.backward()
    save_graph(output, out / "microgpt_attention_step.png", "one attention step; grad = d output / d node")
    return [v.grad for (v,) in values]


def encode(names: Sequence[str]) -> tuple[str, list[list[int]]]:
    """The alphabet (the end token first, then every letter used) and each name as its tokens, with the
    end token before and after it."""
    alphabet = BOS + "".join(sorted(set("".join(names))))
    return alphabet, [[0, *(alphabet.index(c) for c in name), 0] for name in names]


def letter_pairs_loss(training: Sequence[list[int]], held_out: Sequence[list[int]], size: int) -> float:
    """The held-out cross-entropy of counting which token follows which (add-one smoothed): what a model
    that sees only the previous letter can do."""
    counts = np.ones((size, size))
    for tokens in training:
        np.add.at(counts, (tokens[:-1], tokens[1:]), 1)
    log_p = np.log(counts / counts.sum(axis=1, keepdims=True))
    return -float(np.mean([log_p[tokens[:-1], tokens[1:]].mean() for tokens in held_out]))


def train(model: MicroGPT, names: Sequence[list[int]], steps: int, lr: float, seed: int) -> None:
    """Adam on one name a step, printing the mean training loss five times along the way."""
    order = np.random.default_rng(seed).permutation(len(names))
    optimizer = Adam(model.parameters())
    losses = []
    every = max(1, steps // 5)
    for step in range(steps):
        loss = name_loss(model, names[order[step % len(names)]])
        loss.backward()
        optimizer.step(lr * (1 - step / steps))
        losses.append(loss.data)
        if (step + 1) % every == 0:
            print(
                f"  step {step + 1:5d}: training loss {np.mean(losses[-every:]):.3f} (mean of {every} names)"
            )


def main(argv: Sequence[str] | None = None) -> tuple[dict[str, float], list[str]]:
    args = parse_args(
        __doc__ or "",
        argv,
        width=(8, "embedding width (the head's too)"),
        context=(8, "the most tokens the model sees at once"),
        steps=(200, "training steps, one name each"),
        lr=(0.03, "Adam's learning rate, decaying linearly to 0"),
        samples=(10, "names to make up at the end"),
        temperature=(0.5, "sampling temperature: lower is safer, higher is wilder"),
        seed=(0, "random seed for the weights, the order of the names and the samples"),
    )
    print("One attention (어텐션) step on Values, the function the model runs at every position: a query")
    print("over three keys (width 2), values of width 1; softmax subtracts the largest score (a constant).")
    weights = attention_step(args.out)
    print("  d output / d value j is exactly weight j: " + ", ".join(f"{w:.4f}" for w in weights))
    alphabet, names = encode(NAMES.read_text().split())
    held_out, training = names[::10], [tokens for i, tokens in enumerate(names) if i % 10]
    model = MicroGPT(len(alphabet), args.width, args.context, args.seed)
    losses = {
        "guessing": math.log(len(alphabet)),
        "letter pairs": letter_pairs_loss(training, held_out, len(alphabet)),
        "before": mean_loss(model, held_out),
    }
    size, learn, held = len(alphabet), len(training), len(held_out)
    print(f"A one-layer GPT on Values: {len(model.parameters())} parameters; {size - 1} letters")
    print(f"and the end token '{BOS}'; {learn} names to learn from, {held} held out. Loss per token on")
    print(f"the held-out names: guessing evenly {losses['guessing']:.3f} (ln {size}), counting which letter")
    print(f"follows which {losses['letter pairs']:.3f}, the untrained model {losses['before']:.3f}.")
    train(model, training, args.steps, args.lr, args.seed)
    losses["after"] = mean_loss(model, held_out)
    print(f"  held-out loss after training: {losses['after']:.3f} (from {losses['before']:.3f})")
    rng = np.random.default_rng(args.seed)
    made_up = [sample(model, alphabet, rng, args.temperature) for _ in range(args.samples)]
    print(f"made-up names (temperature {args.temperature:g}): " + ", ".join(made_up))
    return losses, made_up


if __name__ == "__main__":
    main()
