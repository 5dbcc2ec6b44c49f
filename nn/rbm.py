"""Restricted Boltzmann machines (제한 볼츠만 머신) and deep belief networks (심층 신뢰 신경망), as the notes
teach them: a visible and a hidden layer of binary units, connected only across the layers; trained by
contrastive divergence, with the gradient found by backpropagating through the free-energy difference of
the data and the model's samples (so the update runs on the engine, not copied by hand); then stacked,
one layer at a time, to initialise a multilayer perceptron."""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from autograd import Tensor, no_grad
from autograd.kernels.special import sigmoid_array
from autograd.random import Rng, as_generator
from autograd.tensor.promotion import float_dtype
from nn import functional as F
from nn._checks import positive_ints
from nn.activations import Sigmoid
from nn.layers import Linear, ModuleList, Sequential
from nn.module import Module, Parameter
from nn.optim import SGD, Optimizer
from nn.train import ProgressBar


def _visible_array(v: Any, n_visible: int, dtype: np.dtype, what: str = "v") -> np.ndarray:
    """``v`` as an array of the model's ``dtype``, shape (N, n_visible), every value in [0, 1] (scaled
    pixels or binary units); anything else is a clear error."""
    data = np.asarray(v.numpy() if isinstance(v, Tensor) else v)
    if data.ndim == 1:
        data = data[None]
    if data.ndim != 2 or data.shape[1] != n_visible:
        raise ValueError(f"RBM: expected {what} of shape (N, {n_visible}), got {data.shape}")
    if data.dtype.kind not in "biuf":
        raise TypeError(f"RBM: {what} must be numbers in [0, 1], got dtype {data.dtype}")
    if data.size and not np.isfinite(data).all():
        raise ValueError(f"RBM: {what} holds NaN or inf values; an RBM takes numbers in [0, 1]")
    if data.size and (data.min() < 0 or data.max() > 1):
        raise ValueError(
            f"RBM: {what} must lie in [0, 1] (scale pixels by 1/255), got {data.min()}..{data.max()}"
        )
    return data.astype(dtype, copy=False)


def _bernoulli(probabilities: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """0/1 samples, 1 with each given probability, in the probabilities' dtype."""
    return (rng.random(probabilities.shape, dtype=probabilities.dtype) < probabilities).astype(
        probabilities.dtype
    )


@dataclass
class RBMHistory:
    """Per epoch: mean squared reconstruction error per pixel, mean pseudo-likelihood (scikit-learn's
    definition) of the training data, and the epoch's training seconds."""

    reconstruction_error: list[float] = field(default_factory=list)
    pseudo_likelihood: list[float] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)


class RBM(Module):
    """A Bernoulli RBM: p(h_j = 1 | v) = σ(W_j·v + c_j), p(v_i = 1 | h) = σ(W^T_i·h + b_i); ``weight``
    (n_hidden, n_visible) starts N(0, 0.01²) and the biases at zero, as scikit-learn's BernoulliRBM.
    The free energy F(v) = -b·v - Σ_j softplus(W_j·v + c_j) is low where the model puts probability."""

    def __init__(self, n_visible: int, n_hidden: int, rng: Rng = None, dtype: Any = None) -> None:
        super().__init__()
        dtype = float_dtype(dtype)  # None: the default float dtype, as PyTorch's layers
        positive_ints("RBM", n_visible=n_visible, n_hidden=n_hidden)
        self.n_visible, self.n_hidden = n_visible, n_hidden
        self.weight = Parameter(as_generator(rng).normal(0.0, 0.01, (n_hidden, n_visible)).astype(dtype))
        self.hidden_bias = Parameter(np.zeros(n_hidden, dtype))
        self.visible_bias = Parameter(np.zeros(n_visible, dtype))
        self._chain: np.ndarray | None = None  # the persistent chain's hidden samples (PCD)

    # -- the model's conditionals, on arrays -------------------------------------------------------------

    def _hidden_probabilities(self, v: np.ndarray) -> np.ndarray:
        return sigmoid_array(v @ self.weight.numpy().T + self.hidden_bias.numpy())

    def _visible_probabilities(self, h: np.ndarray) -> np.ndarray:
        return sigmoid_array(h @ self.weight.numpy() + self.visible_bias.numpy())

    def sample_h(self, v: Any, rng: Rng = None) -> tuple[Tensor, Tensor]:
        """p(h = 1 | v) and a 0/1 sample of h from it, each (N, n_hidden)."""
        p = self._hidden_probabilities(_visible_array(v, self.n_visible, self.weight.dtype))
        return Tensor(p), Tensor(_bernoulli(p, as_generator(rng)))

    def sample_v(self, h: Any, rng: Rng = None) -> tuple[Tensor, Tensor]:
        """p(v = 1 | h) and a 0/1 sample of v from it, each (N, n_visible)."""
        data = np.asarray(h.numpy() if isinstance(h, Tensor) else h, dtype=self.weight.dtype)
        if data.ndim != 2 or data.shape[1] != self.n_hidden:
            raise ValueError(f"RBM: expected h of shape (N, {self.n_hidden}), got {data.shape}")
        p = self._visible_probabilities(data)
        return Tensor(p), Tensor(_bernoulli(p, as_generator(rng)))

    def gibbs(self, v: Any, k: int = 1, rng: Rng = None) -> Tensor:
        """v after ``k`` steps of block Gibbs sampling (v -> h -> v), each step sampling every unit."""
        generator = as_generator(rng)
        sample = _visible_array(v, self.n_visible, self.weight.dtype)
        for _ in range(k):
            hidden = _bernoulli(self._hidden_probabilities(sample), generator)
            sample = _bernoulli(self._visible_probabilities(hidden), generator)
        return Tensor(sample)

    def transform(self, v: Any) -> Tensor:
        """The hidden units' probabilities p(h = 1 | v): the learned features, (N, n_hidden)."""
        return Tensor(self._hidden_probabilities(_visible_array(v, self.n_visible, self.weight.dtype)))

    def reconstruct(self, v: Any) -> Tensor:
        """p(v = 1 | h) with h at its probabilities given v: the input as the model redraws it."""
        return Tensor(self._visible_probabilities(self.transform(v).numpy()))

    # -- energies and scores -----------------------------------------------------------------------------

    def _energy(self, v: Tensor) -> tuple[Tensor, Tensor]:
        """F(v) per row, and the hidden pre-activations W v + c it computed on the way."""
        pre = F.linear(v, self.weight, self.hidden_bias)
        return -(v @ self.visible_bias) - pre.softplus().sum(axis=1), pre

    def free_energy(self, v: Any) -> Tensor:
        """F(v) = -b·v - Σ_j log(1 + exp(W_j·v + c_j)), one per row, differentiable in the parameters."""
        return self._energy(Tensor(_visible_array(v, self.n_visible, self.weight.dtype)))[0]

    def score_samples(self, v: Any, rng: Rng = None, flipped: np.ndarray | None = None) -> Tensor:
        """The pseudo-likelihood as scikit-learn defines it: n_visible · log σ(F(ṽ) - F(v)), where ṽ is v
        with one bit per row flipped (column ``flipped[i]`` of row i; random ones drawn from ``rng``)."""
        data = _visible_array(v, self.n_visible, self.weight.dtype)
        if flipped is None:
            flipped = as_generator(rng).integers(0, self.n_visible, len(data))
        flipped = np.asarray(flipped)
        if flipped.shape != (len(data),) or flipped.dtype.kind not in "iu":
            raise ValueError(
                f"RBM.score_samples: flipped must be {len(data)} column indices, got {flipped!r}"
            )
        if len(flipped) and (flipped.min() < -self.n_visible or flipped.max() >= self.n_visible):
            raise IndexError(
                f"RBM.score_samples: flipped holds a column outside 0..{self.n_visible - 1}: "
                f"{flipped.tolist()}"
            )
        rows = np.arange(len(data))
        other = data.copy()
        other[rows, flipped] = 1 - other[rows, flipped]
        with no_grad():
            gap = (self.free_energy(other) - self.free_energy(data)).numpy()
        return Tensor(-self.n_visible * np.logaddexp(0, -gap))

    # -- training ----------------------------------------------------------------------------------------

    def fit(
        self,
        data: Any,
        epochs: int = 10,
        batch_size: int = 10,
        lr: float = 0.1,
        k: int = 1,
        persistent: bool = True,
        seed: Rng = None,
        momentum: float = 0.0,
        weight_decay: float = 0.0,
        optimizer: Optimizer | None = None,
        progress: bool = True,
        log: Callable[[str], None] | None = print,
    ) -> RBMHistory:
        """Contrastive divergence CD-k, or persistent CD (PCD: the negative chain continues from one
        batch to the next instead of restarting at the data). Each step's loss is mean F(data) - mean
        F(samples), the samples held constant: its gradient is the CD update. SGD with ``momentum`` and
        ``weight_decay`` (on the weights only) unless an ``optimizer`` is given. Batches in data order,
        as scikit-learn's. Returns the history; ``log`` (None: silent) prints a line per epoch."""
        samples = _visible_array(data, self.n_visible, self.weight.dtype, "data")
        if not len(samples):
            raise ValueError("RBM.fit: no data to train on (0 rows)")
        positive_ints("RBM.fit", k=k, batch_size=batch_size)
        rng = as_generator(seed)
        if optimizer is None:
            optimizer = SGD(
                [
                    {"params": [self.weight], "weight_decay": weight_decay},
                    {"params": [self.hidden_bias, self.visible_bias], "weight_decay": 0.0},
                ],
                lr=lr,
                momentum=momentum,
            )
        if persistent and (self._chain is None or self._chain.shape != (batch_size, self.n_hidden)):
            self._chain = np.zeros((batch_size, self.n_hidden), samples.dtype)
        history = RBMHistory()
        for epoch in range(1, epochs + 1):
            start = time.perf_counter()
            bar = ProgressBar(-(-len(samples) // batch_size), epoch, epochs, progress)
            for first in range(0, len(samples), batch_size):
                bar.update(self._step(samples[first : first + batch_size], optimizer, k, persistent, rng))
            bar.close()
            history.seconds.append(time.perf_counter() - start)
            history.reconstruction_error.append(self.reconstruction_error(samples))
            history.pseudo_likelihood.append(float(self.score_samples(samples, rng).numpy().mean()))
            if log:
                error, likelihood = history.reconstruction_error[-1], history.pseudo_likelihood[-1]
                log(f"epoch {epoch}/{epochs}: reconstruction error {error:.4f}, pseudo-likelihood "
                    f"{likelihood:.2f} ({history.seconds[-1]:.2f} s)")  # fmt: skip
        return history

    def _step(self, positive: np.ndarray, optimizer: Optimizer, k: int, persistent: bool, rng: Any) -> float:
        """One CD-k / PCD update from a batch of data; returns the free-energy gap."""
        count = len(positive)
        if persistent:
            assert self._chain is not None
            hidden = self._chain
        else:
            hidden = _bernoulli(self._hidden_probabilities(positive), rng)
        for step in range(k):
            negative = _bernoulli(self._visible_probabilities(hidden), rng)
            if step < k - 1:
                hidden = _bernoulli(self._hidden_probabilities(negative), rng)
        energy, pre = self._energy(Tensor(np.concatenate([positive, negative])))
        gap = energy[:count].mean() - energy[count:].mean()
        optimizer.zero_grad()
        gap.backward()
        if persistent:  # the chain moves on from the model as it was when it drew these samples
            self._chain = _bernoulli(sigmoid_array(pre.numpy()[count:]), rng)
        optimizer.step()
        return gap.item()

    def reconstruction_error(self, v: Any) -> float:
        """Mean squared difference per pixel between ``v`` and its reconstruction."""
        data = _visible_array(v, self.n_visible, self.weight.dtype)
        return float(np.mean((self.reconstruct(data).numpy() - data) ** 2))

    def extra_repr(self) -> str:
        return f"n_visible={self.n_visible}, n_hidden={self.n_hidden}"


class DBN(Module):
    """RBMs stacked by greedy layer-wise pretraining, the notes' three steps: train an RBM on the data;
    freeze it and train the next on its hidden layer's probabilities; repeat. ``to_mlp`` then turns the
    stack into a sigmoid MLP initialised from the RBMs, to be fine-tuned by backpropagation."""

    def __init__(self, sizes: Sequence[int], rng: Rng = None, dtype: Any = None) -> None:
        super().__init__()
        dtype = float_dtype(dtype)  # None: the default float dtype, as PyTorch's layers
        if len(sizes) < 2:
            raise ValueError(f"DBN: give at least two layer sizes (visible, hidden...), got {list(sizes)}")
        generator = as_generator(rng)
        self.sizes = list(sizes)
        self.rbms = ModuleList([RBM(a, b, generator, dtype) for a, b in itertools.pairwise(sizes)])

    def layers(self) -> list[RBM]:
        """The RBMs, bottom first."""
        return [rbm for rbm in self.rbms if isinstance(rbm, RBM)]

    def pretrain(
        self, data: Any, log: Callable[[str], None] | None = print, **fit_options: Any
    ) -> list[RBMHistory]:
        """Train each RBM in turn on the layer below (``fit_options`` go to ``RBM.fit``); each is frozen
        (requires_grad False) once trained. Returns every RBM's history."""
        inputs, histories = data, []
        for number, rbm in enumerate(self.layers(), start=1):
            if log:
                below = "the data" if number == 1 else f"RBM {number - 1}'s hidden probabilities (frozen)"
                log(f"step {number}: RBM {rbm.n_visible}-{rbm.n_hidden} on {below}")
            histories.append(rbm.fit(inputs, log=log, **fit_options))
            rbm.requires_grad_(False)
            inputs = rbm.transform(inputs).numpy()
        return histories

    def transform(self, v: Any) -> Tensor:
        """The top layer's hidden probabilities, passing probabilities up through every RBM."""
        for rbm in self.layers():
            v = rbm.transform(v)
        return Tensor(v) if not isinstance(v, Tensor) else v

    def to_mlp(self, n_classes: int, rng: Rng = None) -> Sequential:
        """Linear + Sigmoid per RBM with its weights and hidden biases (copies, trainable), then a freshly
        initialised Linear to ``n_classes`` outputs."""
        layers: list[Module] = []
        for rbm in self.layers():
            linear = Linear(rbm.n_visible, rbm.n_hidden, rng=rng, dtype=rbm.weight.dtype)
            linear.weight.data = rbm.weight.detach().clone()
            assert linear.bias is not None
            linear.bias.data = rbm.hidden_bias.detach().clone()
            layers += [linear, Sigmoid()]
        layers.append(Linear(self.sizes[-1], n_classes, rng=rng, dtype=self.layers()[0].weight.dtype))
        return Sequential(*layers)

    def extra_repr(self) -> str:
        return "sizes=" + "-".join(str(n) for n in self.sizes)
