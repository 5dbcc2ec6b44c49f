"""Lesson: an LSTM learns to add, one character at a time (a sequence-to-sequence task, 시퀀스).

The data is written here: addition problems as strings, e.g. " 37+465=", whose answer "502" the network
writes digit by digit, units first ("205"), as a person adds with carries. The network reads the
question, one character per step (an embedding per character, then an LSTM), and after "=" predicts the
next answer character from everything it has read; during training it is shown the true previous
digit (teacher forcing), when answering it reads its own. Problems in the test set never appear in
training, so a right answer there is addition learned, not a memorised table. Samples are printed as it
trains.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

import chainrule as torch
import nn
from examples._common import parse_args
from nn import functional as F
from nn import optim

VOCABULARY = "0123456789+= "
CODE = {character: index for index, character in enumerate(VOCABULARY)}


def question(a: int, b: int, digits: int) -> str:
    """``a+b=`` with both numbers right-aligned in ``digits`` columns, e.g. ``" 37+465="``."""
    return f"{a:>{digits}}+{b:>{digits}}="


def answer(total: int, digits: int) -> str:
    """The sum's ``digits + 1`` digits, zero-padded, units first: 502 -> ``"2050"`` for 3-digit numbers."""
    return f"{total:0{digits + 1}}"[::-1]


def problems(digits: int, count: int, test: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """``count`` training and ``test`` test pairs (a, b), disjoint, drawn without repeats."""
    space = (10**digits) ** 2
    if count + test > space:
        raise ValueError(f"only {space} different {digits}-digit problems exist; asked for {count + test}")
    chosen = np.random.default_rng(seed).choice(space, count + test, replace=False)
    pairs = np.stack([chosen // 10**digits, chosen % 10**digits], axis=1)
    return pairs[:count], pairs[count:]


def encode(pairs: np.ndarray, digits: int) -> np.ndarray:
    """Each problem as character codes (steps, batch): the question, then the answer."""
    texts = [question(a, b, digits) + answer(a + b, digits) for a, b in pairs]
    return np.array([[CODE[c] for c in text] for text in texts], dtype=np.int64).T


class Adder(nn.Module):
    """Character embedding -> LSTM -> scores for the next character."""

    def __init__(self, hidden: int, embedding: int = 16) -> None:
        super().__init__()
        self.embed = nn.Embedding(len(VOCABULARY), embedding)
        self.lstm = nn.LSTM(embedding, hidden)
        self.head = nn.Linear(hidden, len(VOCABULARY))

    def forward(self, codes: Any, state: Any = None) -> tuple[torch.Tensor, Any]:
        output, state = self.lstm(self.embed(codes), state)
        return self.head(output), state


def answers(model: Adder, pairs: np.ndarray, digits: int) -> list[str]:
    """The model's own answers, each digit read back in as the next input (greedy decoding)."""
    codes = encode(pairs, digits)[: 2 * digits + 2]  # the questions only
    written = []
    with torch.no_grad():
        scores, state = model(codes)
        for _ in range(digits + 1):
            best = scores[-1].numpy().argmax(axis=1)
            written.append(best)
            scores, state = model(best[None], state)
    return ["".join(VOCABULARY[c] for c in column)[::-1] for column in np.array(written).T]


def accuracy(model: Adder, pairs: np.ndarray, digits: int) -> float:
    wanted = [f"{a + b:0{digits + 1}}" for a, b in pairs]
    return float(np.mean([got == want for got, want in zip(answers(model, pairs, digits), wanted)]))


def show_samples(model: Adder, pairs: np.ndarray, digits: int) -> None:
    for (a, b), got in zip(pairs, answers(model, pairs, digits)):
        mark = "right" if int(got) == a + b else f"wrong, {a + b}"
        print(f"    {question(a, b, digits)}{int(got)}  ({mark})")


def main(argv: Sequence[str] | None = None) -> float:
    args = parse_args(
        __doc__ or "",
        argv,
        digits=(2, "digits of each number (3 makes a harder, longer run)"),
        train=(6000, "training problems"),
        test=(1000, "test problems, never seen in training"),
        epochs=(25, "passes over the training problems"),
        batch_size=(64, "problems per mini-batch"),
        hidden=(128, "LSTM hidden units"),
        lr=(0.005, "Adam's learning rate"),
        seed=(0, "random seed for the problems and the weights"),
    )
    digits = args.digits
    train_pairs, test_pairs = problems(digits, args.train, args.test, args.seed)
    codes = encode(train_pairs, digits)
    answer_steps = slice(2 * digits + 1, 2 * digits + 1 + digits + 1)  # inputs "=" and the answer so far
    a, b = train_pairs[0]
    print(f"{args.train} training and {args.test} test problems of {digits}-digit addition, e.g. "
          f"{question(a, b, digits)!r} -> {answer(a + b, digits)!r} (the sum {a + b}, written units "
          "first)")  # fmt: skip
    torch.manual_seed(args.seed)
    model = Adder(args.hidden)
    optimizer = optim.Adam(model.parameters(), lr=args.lr)
    rng = np.random.default_rng(args.seed)
    for epoch in range(1, args.epochs + 1):
        order, total = rng.permutation(args.train), 0.0
        for start in range(0, args.train, args.batch_size):
            batch = codes[:, order[start : start + args.batch_size]]
            scores, _ = model(batch[:-1])  # each step predicts the next character
            loss = F.cross_entropy(
                scores[answer_steps].reshape(-1, len(VOCABULARY)), batch[1:][answer_steps].reshape(-1)
            )
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += loss.item() * batch.shape[1]
        if epoch % max(1, args.epochs // 5) == 0 or epoch == args.epochs:
            score = accuracy(model, test_pairs, digits)
            print(f"epoch {epoch}: loss {total / args.train:.3f}, test problems answered right: {score:.1%}")
            show_samples(model, test_pairs[:3], digits)
    final = accuracy(model, test_pairs, digits)
    print(f"test accuracy (whole answer right) on {args.test} problems never seen in training: {final:.1%}")
    print(f"  wrote {model.save(args.out / f'addition_rnn_{digits}digits.npz')}")
    return final


if __name__ == "__main__":
    main()
