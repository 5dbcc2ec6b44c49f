"""chainrule's RBM beside scikit-learn's BernoulliRBM with the same settings (256 hidden units, PCD with
one Gibbs step, the same learning rate, batch size and epochs) on the bundled MNIST sample, pixels scaled
to [0, 1]: time per epoch (relative to scikit-learn's), and on the test set the reconstruction error,
the mean pseudo-likelihood (the same flipped bits for both) and the accuracy of a logistic regression on
each model's features.

Both models are scored by the same code (scikit-learn's weights are copied into a chainrule RBM), over
several seeds, the engines taking turns; the table gives the mean and the range. chainrule's seconds
are its training loop only (its per-epoch history is computed outside them, as scikit-learn computes
none). Run: ``python benchmarks/rbm.py`` (needs scikit-learn). Goal (issue 11): every figure as good as
scikit-learn's or better, and faster.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from autograd import Tensor
from nn import RBM
from nn.data import load_mnist_sample

HIDDEN = 256


def chainrule_model(x: np.ndarray, args: Any, seed: int) -> tuple[RBM, float]:
    rbm = RBM(x.shape[1], HIDDEN, rng=seed)
    history = rbm.fit(x, args.epochs, args.batch_size, args.lr, seed=seed, progress=False, log=None)
    return rbm, float(np.mean(history.seconds))


def sklearn_model(x: np.ndarray, args: Any, seed: int) -> tuple[RBM, float]:
    from sklearn.neural_network import BernoulliRBM

    theirs = BernoulliRBM(
        HIDDEN, learning_rate=args.lr, batch_size=args.batch_size, n_iter=args.epochs, random_state=seed
    )
    start = time.perf_counter()
    theirs.fit(x)
    seconds = (time.perf_counter() - start) / args.epochs
    rbm = RBM(x.shape[1], HIDDEN)  # scored by the same code as ours
    rbm.weight.data = Tensor(theirs.components_.astype(np.float32))
    rbm.hidden_bias.data = Tensor(theirs.intercept_hidden_.astype(np.float32))
    rbm.visible_bias.data = Tensor(theirs.intercept_visible_.astype(np.float32))
    return rbm, seconds


def scores(rbm: RBM, seconds: float, data: tuple[np.ndarray, ...], seed: int) -> dict[str, float]:
    from sklearn.linear_model import LogisticRegression

    x, t, x_test, t_test = data
    flipped = np.random.RandomState(seed).randint(0, x.shape[1], len(x_test))
    classifier = LogisticRegression(max_iter=1000).fit(rbm.transform(x).numpy(), t)
    return {
        TIME: seconds,
        "reconstruction error (test)": rbm.reconstruction_error(x_test),
        "pseudo-likelihood (test)": float(rbm.score_samples(x_test, flipped=flipped).numpy().mean()),
        "logistic regression on features": classifier.score(rbm.transform(x_test).numpy(), t_test),
    }


TIME = "time per epoch (scikit-learn = 1)"  # printed relative to scikit-learn's mean: ratios, not seconds
LOWER_IS_BETTER = {TIME, "reconstruction error (test)"}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--epochs", type=int, default=10, help="passes over the data (default: 10)")
    parser.add_argument("--batch-size", type=int, default=10, help="scikit-learn's default (default: 10)")
    parser.add_argument("--lr", type=float, default=0.1, help="scikit-learn's default (default: 0.1)")
    parser.add_argument("--seeds", type=int, default=3, help="runs per engine (default: 3)")
    args = parser.parse_args(argv)
    try:
        from sklearn.linear_model import LogisticRegression
    except ImportError:
        sys.exit("benchmarks/rbm.py compares with scikit-learn: pip install scikit-learn")
    (x, t), (x_test, t_test) = load_mnist_sample()
    flat = lambda a: a.reshape(len(a), -1).astype(np.float32)  # noqa: E731
    data = (flat(x), t, flat(x_test), t_test)
    raw = LogisticRegression(max_iter=1000).fit(data[0], t).score(data[2], t_test)
    print(f"{len(x)} training / {len(x_test)} test digits; {HIDDEN} hidden units, PCD-1, lr {args.lr}, "
          f"batch {args.batch_size}, {args.epochs} epochs, {args.seeds} seeds; logistic regression on raw "
          f"pixels: {raw:.4f}")  # fmt: skip
    results: dict[str, list[dict[str, float]]] = {"chainrule": [], "scikit-learn": []}
    for seed in range(args.seeds):
        for engine, train in (("chainrule", chainrule_model), ("scikit-learn", sklearn_model)):
            results[engine].append(scores(*train(data[0], args, seed), data, seed))
    print(f"\n{'':34}{'chainrule':>28}{'scikit-learn':>28}   chainrule is")
    for metric in results["chainrule"][0]:
        scale = float(np.mean([run[TIME] for run in results["scikit-learn"]])) if metric == TIME else 1.0
        cells, means = [], {}
        for engine, runs in results.items():
            values = [run[metric] / scale for run in runs]
            means[engine] = float(np.mean(values))
            cells.append(f"{means[engine]:.4f} ({min(values):.4f}..{max(values):.4f})")
        ours, theirs = means["chainrule"], means["scikit-learn"]
        better = ours <= theirs if metric in LOWER_IS_BETTER else ours >= theirs
        verdict = "as good or better" if better else "worse"
        if metric == TIME:
            verdict = f"{theirs / ours:.2f}x faster" if ours < theirs else f"{ours / theirs:.2f}x slower"
        print(f"{metric:34}{cells[0]:>28}{cells[1]:>28}   {verdict}")


if __name__ == "__main__":
    main()
