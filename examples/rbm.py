"""Lesson: a restricted Boltzmann machine (제한 볼츠만 머신, RBM) learns the digits without labels.

An RBM has a visible layer (the 784 pixels) and a hidden layer (the features), connected only across
the layers. It learns by contrastive divergence: raise the probability of the data, lower that of the
model's own samples. Here the gradient comes from backpropagating through the free-energy difference
F(data) - F(samples), and the samples come from a persistent Gibbs chain (PCD). The lesson prints the
reconstruction error and the pseudo-likelihood per epoch, and saves the learned filters (each hidden
unit's weights as an image), test digits next to their reconstructions, and a long Gibbs chain run from
test digits: the model dreaming digits of its own.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from examples._common import parse_args
from nn import RBM
from nn.data import load_mnist_sample

SNAPSHOTS = (0, 1, 10, 100, 1000)  # Gibbs steps at which the chain is drawn


def gibbs_snapshots(rbm: RBM, start: np.ndarray, seed: int) -> list[np.ndarray]:
    """p(v | h) of chains started at ``start``, at each step in SNAPSHOTS (step 0: the digits)."""
    rng = np.random.default_rng(seed)
    shots, visible = [start], start
    for step in range(1, SNAPSHOTS[-1] + 1):
        _, hidden = rbm.sample_h(visible, rng)
        probabilities, sample = rbm.sample_v(hidden, rng)
        visible = sample.numpy()
        if step in SNAPSHOTS:
            shots.append(probabilities.numpy())
    return shots


def main(argv: Sequence[str] | None = None) -> float:
    args = parse_args(
        __doc__ or "",
        argv,
        hidden=(256, "hidden units"),
        epochs=(10, "passes over the training digits"),
        batch_size=(10, "digits per update (scikit-learn's default)"),
        lr=(0.1, "learning rate"),
        seed=(0, "random seed for the weights and the Gibbs chains"),
    )
    (x, _), (x_test, _) = load_mnist_sample()
    x, x_test = x.reshape(len(x), -1), x_test.reshape(len(x_test), -1)
    rbm = RBM(784, args.hidden, rng=args.seed)
    print(f"RBM 784-{args.hidden} on {len(x)} digits (pixels in [0, 1]); persistent contrastive divergence, "
          f"one Gibbs step, lr {args.lr}, batch {args.batch_size}")  # fmt: skip
    rbm.fit(x, args.epochs, args.batch_size, args.lr, seed=args.seed)
    error = rbm.reconstruction_error(x_test)
    likelihood = float(rbm.score_samples(x_test, rng=args.seed).numpy().mean())
    print(f"test digits: reconstruction error {error:.4f} per pixel, pseudo-likelihood {likelihood:.2f}")
    print(f"  wrote {rbm.save(args.out / 'rbm.npz')}")
    try:
        from viz import plots

        filters = plots.image_grid(
            rbm.weight.numpy()[:64].reshape(-1, 28, 28), args.out / "rbm_filters.png",
            "64 of the hidden units' weights (learned filters)",
        )  # fmt: skip
        digits = x_test[:8]
        pairs = plots.image_grid(
            np.concatenate([digits, rbm.reconstruct(digits).numpy()]).reshape(-1, 28, 28),
            args.out / "rbm_reconstructions.png", "test digits (top) and their reconstructions (bottom)",
        )  # fmt: skip
        shots = gibbs_snapshots(rbm, digits, args.seed)
        labels = [f"step {step}" if column == 0 else "" for step in SNAPSHOTS for column in range(8)]
        chain = plots.image_grid(
            np.concatenate(shots).reshape(-1, 28, 28), args.out / "rbm_gibbs_chain.png",
            "Gibbs chains from test digits: p(v | h) after 0, 1, 10, 100 and 1000 steps", labels,
        )  # fmt: skip
        print(f"  wrote {filters}\n  wrote {pairs}\n  wrote {chain}")
    except ImportError as error_message:
        print(f"  no pictures: {error_message}")
    return error


if __name__ == "__main__":
    main()
