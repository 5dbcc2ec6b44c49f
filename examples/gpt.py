"""Lesson: a character-level GPT (트랜스포머, transformer) learns animal fables and writes new ones.

The text is examples/data/fables.txt, 280 short fables (108 KB) written here by a small grammar
(examples/data/fables.py: eight plots, the animals, traits and things drawn at random), so each fable
names its two animals in the title and must repeat them in every sentence: a job for attention. The
model is nanoGPT's, in chainrule's nn: token and position embeddings, pre-norm blocks (LayerNorm, causal
self-attention as one F.scaled_dot_product_attention node, LayerNorm, a GELU MLP), a last LayerNorm and
a head tied to the token embedding; AdamW with weight decay on the matrices only, gradients clipped to
norm 1. It prints the training and validation loss and a sample every --eval-every steps, then saves the
weights, the loss curve and every head's attention on one validation window. The defaults are a quick
run; the README's full run is --layers 4 --width 128 --context 64 --batch 32 --steps 2000 --lr 2e-3.
"""

from __future__ import annotations

import math
import time
from argparse import Namespace
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import numpy as np

import chainrule as torch
import nn
from examples._common import parse_args
from nn import functional as F
from nn import optim
from viz import plots

CORPUS = Path(__file__).resolve().parent / "data" / "fables.txt"
PROMPT = "The "  # how every fable begins, and so every sample


class SelfAttention(nn.Module):
    """Causal multi-head self-attention: one Linear makes every head's query, key and value, another
    mixes the heads' outputs."""

    def __init__(self, width: int, heads: int) -> None:
        super().__init__()
        self.heads = heads
        self.qkv = nn.Linear(width, 3 * width)
        self.proj = nn.Linear(width, width)

    def split(self, x: torch.Tensor) -> list[torch.Tensor]:
        """Queries, keys and values, each (batch, heads, time, width / heads)."""
        batch, steps, width = x.shape
        return [
            part.reshape(batch, steps, self.heads, width // self.heads).transpose(1, 2)
            for part in self.qkv(x).split(width, dim=2)
        ]

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        q, k, v = self.split(x)
        y = F.scaled_dot_product_attention(q, k, v, is_causal=True)
        return self.proj(y.transpose(1, 2).reshape(x.shape))

    def weights(self, x: torch.Tensor) -> np.ndarray:
        """Each head's attention weights, softmax(q kᵀ / √d) with the future masked out, written out:
        (batch, heads, time, time)."""
        q, k, _ = self.split(x)
        scores = q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1])
        future = np.triu(np.ones(scores.shape[-2:], bool), 1)
        return scores.masked_fill(torch.tensor(future), float("-inf")).softmax(-1).numpy()


class Block(nn.Module):
    """A pre-norm transformer block: x + attention(norm(x)), then x + MLP(norm(x))."""

    def __init__(self, width: int, heads: int) -> None:
        super().__init__()
        self.norm1 = nn.LayerNorm(width)
        self.attention = SelfAttention(width, heads)
        self.norm2 = nn.LayerNorm(width)
        self.mlp = nn.Sequential(nn.Linear(width, 4 * width), nn.GELU(), nn.Linear(4 * width, width))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x + self.attention(self.norm1(x))
        return x + self.mlp(self.norm2(x))


class GPT(nn.Module):
    """Token and position embeddings, ``layers`` blocks, a LayerNorm and a head whose weight is the token
    embedding's (tied): the next character's logits at every position."""

    def __init__(self, vocabulary: int, layers: int, width: int, heads: int, context: int) -> None:
        super().__init__()
        self.context = context
        self.tokens = nn.Embedding(vocabulary, width)
        self.positions = nn.Embedding(context, width)
        self.blocks = nn.ModuleList([Block(width, heads) for _ in range(layers)])
        self.norm = nn.LayerNorm(width)
        self.head = nn.Linear(width, vocabulary, bias=False)
        self.head.weight = self.tokens.weight
        for name, p in self.named_parameters():  # nanoGPT's start: small weights, zero biases
            if name.endswith("bias"):
                nn.init.zeros_(p)
            elif p.dim() == 2:
                nn.init.normal_(p, 0.0, 0.02)

    def embed(self, idx: torch.Tensor) -> torch.Tensor:
        return self.tokens(idx) + self.positions(torch.arange(idx.shape[1]))

    def forward(self, idx: torch.Tensor) -> torch.Tensor:
        x = self.embed(idx)
        for block in self.blocks:
            x = block(x)
        return self.head(self.norm(x))

    def attention(self, idx: torch.Tensor) -> list[np.ndarray]:
        """Every layer's attention weights on ``idx``: (batch, heads, time, time) per layer."""
        maps = []
        with torch.no_grad():
            x = self.embed(idx)
            for block in cast(Sequence[Block], self.blocks):
                maps.append(block.attention.weights(block.norm1(x)))
                x = block(x)
        return maps


def adamw(model: nn.Module, lr: float, weight_decay: float) -> optim.AdamW:
    """AdamW with weight decay on the matrices (embeddings included) and none on biases and norms."""
    parameters = list(model.parameters())
    groups = [
        {"params": [p for p in parameters if p.dim() >= 2], "weight_decay": weight_decay},
        {"params": [p for p in parameters if p.dim() < 2], "weight_decay": 0.0},
    ]
    return optim.AdamW(groups, lr=lr, betas=(0.9, 0.95))


def windows(data: np.ndarray, starts: np.ndarray, context: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Inputs ``data[s : s + context]`` for each start s, and the targets one character later."""
    rows = starts[:, None] + np.arange(context + 1)
    return torch.tensor(data[rows[:, :-1]]), torch.tensor(data[rows[:, 1:]])


def loss_of(model: GPT, inputs: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """Mean cross-entropy of every position's next character."""
    logits = model(inputs)
    return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1))


def evaluate(model: GPT, data: np.ndarray, count: int) -> float:
    """The loss on ``count`` windows spread evenly over ``data`` (the same ones every time)."""
    starts = np.linspace(0, len(data) - model.context - 1, count).astype(int)
    with torch.no_grad():
        return loss_of(model, *windows(data, starts, model.context)).item()


def generate(model: GPT, prompt: Sequence[int], length: int, temperature: float, top_k: int) -> list[int]:
    """``length`` characters after ``prompt``, each drawn by ``multinomial`` from the softmax of the
    ``top_k`` largest logits divided by ``temperature``."""
    idx = torch.tensor([list(prompt)])
    with torch.no_grad():
        for _ in range(length):
            logits = model(idx[:, -model.context :])[:, -1, :] / temperature
            kept, _ = logits.topk(min(top_k, logits.shape[-1]))
            logits[logits < kept[:, [-1]]] = float("-inf")
            idx = torch.cat([idx, logits.softmax(-1).multinomial(1)], dim=1)
    return idx[0, len(prompt) :].tolist()


@dataclass
class Run:
    """What a run leaves: the model, its alphabet, the loss at each evaluation and the last sample."""

    model: GPT
    alphabet: str
    steps: list[int] = field(default_factory=list)
    train: list[float] = field(default_factory=list)
    validation: list[float] = field(default_factory=list)
    sample: str = ""


def attention_figure(maps: Sequence[np.ndarray], window: str) -> Any:
    """A heat map per layer (rows) and head (columns) of one window's attention: row i, the character
    being read, spreads weight 1 over the characters up to it (columns)."""
    from matplotlib.figure import Figure

    layers, heads = len(maps), maps[0].shape[0]
    shown = [{"\n": "⏎", " ": "·"}.get(c, c) for c in window]
    figure = Figure(figsize=(3.4 * heads, 3.4 * layers))
    grid = np.asarray(figure.subplots(layers, heads, squeeze=False))
    for (layer, head), axes in np.ndenumerate(grid):
        axes.imshow(maps[layer][head], cmap="Blues", vmin=0.0, vmax=1.0)
        axes.set_xticks(range(len(window)), shown, fontsize=4)
        axes.set_yticks(range(len(window)), shown, fontsize=4)
        axes.set_title(f"layer {layer + 1}, head {head + 1}", fontsize=9)
    figure.suptitle("attention weights on one validation window: row = reading, column = read")
    figure.tight_layout()
    return figure


def pictures(run: Run, held_out: np.ndarray, out: Path) -> None:
    """The loss curves, and every head's attention on the first validation window that starts a fable."""
    losses = {"training": run.train, "validation": run.validation}
    losses["guessing evenly"] = [math.log(len(run.alphabet))] * len(run.steps)
    title = f"{len(run.model.blocks)} blocks of width {run.model.tokens.embedding_dim}: loss per character"
    text = "".join(run.alphabet[i] for i in held_out)
    start = text.index("\n\nThe ") + 2
    window = held_out[start : start + run.model.context]
    maps = [layer[0] for layer in run.model.attention(torch.tensor(window[None]))]
    try:
        series = {name: np.array(values) for name, values in losses.items()}
        print(f"  wrote {plots.lines(np.array(run.steps), series, out / 'gpt_loss.png', title, 'step')}")
        figure = attention_figure(maps, text[start : start + run.model.context])
        print(f"  wrote {plots.save_figure(figure, out / 'gpt_attention.png')}")
    except ImportError as error:
        print(f"  no pictures: {error}")


def checkpoint(run: Run, step: int, data: tuple[np.ndarray, np.ndarray], args: Namespace) -> None:
    """Record and print the loss on fixed training and validation windows, and a new sample."""
    run.steps.append(step)
    run.train.append(evaluate(run.model, data[0], args.eval_windows))
    run.validation.append(evaluate(run.model, data[1], args.eval_windows))
    prompt = [run.alphabet.index(c) for c in PROMPT]
    codes = generate(run.model, prompt, args.sample_length, args.temperature, args.top_k)
    run.sample = PROMPT + "".join(run.alphabet[i] for i in codes)
    print(f"step {step:5d}: training loss {run.train[-1]:.3f}, validation loss {run.validation[-1]:.3f}; "
          "a sample:")  # fmt: skip
    print("    " + run.sample.replace("\n", "\n    "))


def train(run: Run, data: tuple[np.ndarray, np.ndarray], args: Namespace) -> None:
    """AdamW steps on random training windows, with a checkpoint before the first, every ``eval_every``
    steps and after the last."""
    model, training = run.model, data[0]
    optimizer = adamw(model, args.lr, args.weight_decay)
    rng = np.random.default_rng(args.seed)
    start = time.perf_counter()
    checkpoint(run, 0, data, args)
    for step in range(1, args.steps + 1):
        starts = rng.integers(0, len(training) - model.context - 1, args.batch)
        loss = loss_of(model, *windows(training, starts, model.context))
        optimizer.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        if step % args.eval_every == 0 or step == args.steps:
            checkpoint(run, step, data, args)
    print(f"{args.steps} steps of {args.batch} windows in {time.perf_counter() - start:.1f} s")


def main(argv: Sequence[str] | None = None) -> Run:
    args = parse_args(
        __doc__ or "",
        argv,
        layers=(2, "transformer blocks"),
        width=(64, "embedding width (d_model)"),
        heads=(4, "attention heads per block (each width / heads wide)"),
        context=(64, "the most characters the model sees at once"),
        batch=(16, "windows per training step"),
        steps=(500, "training steps"),
        lr=(4e-3, "AdamW's learning rate"),
        weight_decay=(0.1, "AdamW's weight decay, on the weight matrices only"),
        eval_every=(100, "steps between evaluations and samples"),
        eval_windows=(64, "windows of the training and of the validation text each evaluation reads"),
        sample_length=(200, "characters in each sample"),
        temperature=(0.8, "sampling temperature: lower is safer, higher is wilder"),
        top_k=(10, "sample only among this many likeliest characters"),
        seed=(0, "random seed for the weights, the training windows and the samples"),
    )
    text = CORPUS.read_text()
    alphabet = "".join(sorted(set(text)))
    codes = np.array([alphabet.index(c) for c in text])
    cut = int(0.9 * len(codes))
    torch.manual_seed(args.seed)
    run = Run(GPT(len(alphabet), args.layers, args.width, args.heads, args.context), alphabet)
    size = sum(p.numel() for p in run.model.parameters())
    shape = f"{args.layers} blocks of width {args.width}, {args.heads} heads, context {args.context}"
    print(f"A GPT, a transformer (트랜스포머) decoder, reads {len(text):,} characters of fables written here")
    print(f"by a grammar ({CORPUS.name}), {len(alphabet)} different characters: the first 90% to learn from,")
    print(f"the last 10% to validate on. {shape}: {size:,} parameters.")
    print(f"Guessing evenly costs ln {len(alphabet)} = {math.log(len(alphabet)):.3f} per character.")
    train(run, (codes[:cut], codes[cut:]), args)
    args.out.mkdir(parents=True, exist_ok=True)
    print(f"  wrote {run.model.save(args.out / 'gpt.npz')}")
    pictures(run, codes[cut:], args.out)
    print("In the attention picture each row is one character reading the ones before it (its weights sum")
    print("to 1, nothing above the diagonal: the causal mask); bright cells far left of the diagonal are a")
    print("head reaching back, e.g. to the animal named in the title.")
    return run


if __name__ == "__main__":
    main()
