"""Lesson: a deep belief network (심층 신뢰 신경망, DBN): pretrain layer by layer, then fine-tune.

The notes train a DBN in three steps: (1) train an RBM on the input; (2) freeze it and train a second
RBM on its hidden layer; stack as many as wanted; (3) use the learned weights to initialise a
multilayer perceptron and fine-tune it by backpropagation. The claim: pretraining gives the network a
starting point from which backpropagation works better than from random weights (it was the answer to
the vanishing gradient of deep sigmoid networks before ReLU and good initialisations). This lesson
tests the claim: the same sigmoid MLP, fine-tuned with the same budget from the DBN's weights and from
PyTorch's random initialisation, on all the labelled digits and on only a few of them.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

import numpy as np

import chainrule as torch
import nn
from examples._common import lesson_parser
from nn import functional as F
from nn import optim
from nn.data import load_mnist_sample


def random_mlp(sizes: list[int], classes: int) -> nn.Sequential:
    """The DBN's MLP shape (Linear + Sigmoid per layer, then the classifier) from a random start."""
    layers: list[nn.Module] = []
    for n_in, n_out in itertools.pairwise(sizes):
        layers += [nn.Linear(n_in, n_out), nn.Sigmoid()]
    return nn.Sequential(*layers, nn.Linear(sizes[-1], classes))


def fine_tune(model: nn.Sequential, x: np.ndarray, t: np.ndarray, args: Any, adam: bool = False) -> None:
    """Cross-entropy with plain SGD, as the notes fine-tune (or Adam, a modern optimizer); the same
    batches for every model."""
    optimizer = optim.Adam(model.parameters(), lr=1e-3) if adam else optim.SGD(model.parameters(), lr=args.lr)
    rng = np.random.default_rng(args.seed)
    for _ in range(args.epochs):
        order = rng.permutation(len(x))
        for start in range(0, len(x), args.batch_size):
            rows = order[start : start + args.batch_size]
            loss = F.cross_entropy(model(torch.tensor(x[rows])), t[rows])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()


def accuracy(model: nn.Sequential, x: np.ndarray, t: np.ndarray) -> float:
    with torch.no_grad():
        return float((model(torch.tensor(x)).numpy().argmax(axis=1) == t).mean())


def main(argv: Sequence[str] | None = None) -> dict[str, float]:
    parser = lesson_parser(
        __doc__ or "",
        pretrain_epochs=(5, "RBM epochs per layer"),
        epochs=(5, "fine-tuning epochs, the same for both starts"),
        batch_size=(32, "digits per fine-tuning step"),
        lr=(0.1, "fine-tuning learning rate (SGD)"),
        few=(300, "the number of labelled digits in the few-labels comparison"),
        seed=(0, "random seed"),
    )
    parser.add_argument(
        "--sizes", type=int, nargs="+", default=[784, 256, 128], help="layer sizes (default: 784 256 128)"
    )
    args = parser.parse_args(argv)
    (x, t), (x_test, t_test) = load_mnist_sample()
    x, x_test = x.reshape(len(x), -1), x_test.reshape(len(x_test), -1)
    torch.manual_seed(args.seed)
    dbn = nn.DBN(args.sizes)
    print(f"DBN {'-'.join(map(str, args.sizes))}: greedy layer-wise pretraining on {len(x)} digits "
          f"(no labels), {args.pretrain_epochs} epochs per RBM")  # fmt: skip
    dbn.pretrain(x, epochs=args.pretrain_epochs, batch_size=10, lr=0.1, seed=args.seed)
    results = {}
    for labelled in (len(x), args.few):
        rows = np.random.default_rng(args.seed).permutation(len(x))[:labelled]
        for start in ("pretrained", "random", "random + Adam"):
            torch.manual_seed(args.seed)
            model = dbn.to_mlp(10) if start == "pretrained" else random_mlp(args.sizes, 10)
            fine_tune(model, x[rows], t[rows], args, adam=start.endswith("Adam"))
            results[f"{start}, {labelled} labels"] = accuracy(model, x_test, t_test)
        scores = [
            results[f"{start}, {labelled} labels"] for start in ("pretrained", "random", "random + Adam")
        ]
        print(f"fine-tuned on {labelled} labelled digits, {args.epochs} epochs: test accuracy "
              f"{scores[0]:.2%} from the DBN's weights and {scores[1]:.2%} from random weights (SGD, "
              f"lr {args.lr}); {scores[2]:.2%} from random weights with Adam")  # fmt: skip
    print(conclusion(results, len(x), args.few))
    return results


def conclusion(results: dict[str, float], everything: int, few: int) -> str:
    """What the notes claim and what the numbers here say, in one sentence."""
    gains = {
        n: results[f"pretrained, {n} labels"] - results[f"random, {n} labels"] for n in (everything, few)
    }
    verdict = lambda g: "helped" if g > 0.005 else "hurt" if g < -0.005 else "made no difference"  # noqa: E731
    observed = "; ".join(f"with {n} labels pretraining {verdict(g)} ({g:+.1%})" for n, g in gains.items())
    adam = {
        n: results[f"pretrained, {n} labels"] - results[f"random + Adam, {n} labels"]
        for n in (everything, few)
    }
    modern = "; ".join(f"{g:+.1%} with {n} labels" for n, g in adam.items())
    return (f"The notes claim pretraining gives backpropagation a better start than random weights. Here, "
            f"with a sigmoid MLP and plain SGD: {observed}. Against random weights trained by Adam, the "
            f"pretrained start (still with SGD) differs by {modern}.")  # fmt: skip


if __name__ == "__main__":
    main()
