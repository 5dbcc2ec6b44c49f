"""RBM and DBN: free-energy gradients, the CD-1 update written out by hand, the exact log-likelihood rising,
the pseudo-likelihood against scikit-learn's, bad data refused, and the DBN's pretraining and MLP."""

from __future__ import annotations

import importlib.util
import itertools
import warnings
from typing import Any

import numpy as np
import pytest

import nn
from autograd import Tensor, gradcheck

HAS_SKLEARN = importlib.util.find_spec("sklearn") is not None


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def _binary(rows: int, columns: int, seed: int) -> np.ndarray:
    return (np.random.default_rng(seed).random((rows, columns)) < 0.5).astype(np.float64)


def _tiny(n_visible: int = 4, n_hidden: int = 3, seed: int = 0) -> nn.RBM:
    rbm = nn.RBM(n_visible, n_hidden, rng=seed, dtype=np.float64)
    generator = np.random.default_rng(seed + 100)  # weights large enough that every term matters
    rbm.weight.data = Tensor(generator.normal(0, 0.5, (n_hidden, n_visible)))
    rbm.hidden_bias.data = Tensor(generator.normal(0, 0.5, n_hidden))
    rbm.visible_bias.data = Tensor(generator.normal(0, 0.5, n_visible))
    return rbm


def test_free_energy_gradients_match_central_differences() -> None:
    rbm = _tiny()
    v = _binary(5, 4, 1)
    assert gradcheck(lambda *_: rbm.free_energy(v).sum(), list(rbm.parameters()))
    assert gradcheck(lambda *_: rbm.free_energy(v * 0.7 + 0.1), list(rbm.parameters()))


def test_free_energy_is_the_formula() -> None:
    rbm = _tiny()
    v = _binary(6, 4, 2)
    w, c, b = rbm.weight.numpy(), rbm.hidden_bias.numpy(), rbm.visible_bias.numpy()
    expected = -v @ b - np.log1p(np.exp(v @ w.T + c)).sum(axis=1)
    np.testing.assert_allclose(rbm.free_energy(v).numpy(), expected, rtol=1e-12)


def test_a_cd1_step_is_the_update_written_out_by_hand() -> None:
    rbm, v = _tiny(), _binary(5, 4, 3)
    w, c, b = rbm.weight.numpy().copy(), rbm.hidden_bias.numpy().copy(), rbm.visible_bias.numpy().copy()
    lr, seed = 0.3, 7
    # by hand, drawing the same random numbers in the same order
    rng = np.random.default_rng(seed)
    h_data = _sigmoid(v @ w.T + c)
    h = (rng.random(h_data.shape) < h_data).astype(float)
    v_model = (rng.random(v.shape) < _sigmoid(h @ w + b)).astype(float)
    h_model = _sigmoid(v_model @ w.T + c)
    expected_w = w + lr * (h_data.T @ v - h_model.T @ v_model) / len(v)
    expected_c = c + lr * (h_data - h_model).mean(axis=0)
    expected_b = b + lr * (v - v_model).mean(axis=0)
    rbm.fit(v, epochs=1, batch_size=5, lr=lr, k=1, persistent=False, seed=seed, progress=False, log=None)
    np.testing.assert_allclose(rbm.weight.numpy(), expected_w, rtol=1e-12)
    np.testing.assert_allclose(rbm.hidden_bias.numpy(), expected_c, rtol=1e-12)
    np.testing.assert_allclose(rbm.visible_bias.numpy(), expected_b, rtol=1e-12)


def _exact_log_likelihood(rbm: nn.RBM, data: np.ndarray) -> float:
    """Mean log p(v) with the partition function summed over all 2^n_visible states."""
    states = np.array(list(itertools.product([0.0, 1.0], repeat=rbm.n_visible)))
    log_z = np.logaddexp.reduce(-rbm.free_energy(states).numpy())
    return float((-rbm.free_energy(data).numpy() - log_z).mean())


@pytest.mark.parametrize("persistent", [True, False])
def test_the_exact_log_likelihood_rises_under_training(persistent: bool) -> None:
    patterns = np.array([[1, 1, 0, 0, 1, 0], [0, 0, 1, 1, 0, 1], [1, 1, 1, 0, 0, 0]], dtype=np.float64)
    data = patterns[np.random.default_rng(0).integers(0, 3, 300)]
    rbm = nn.RBM(6, 4, rng=0, dtype=np.float64)
    before = _exact_log_likelihood(rbm, data)
    rbm.fit(data, epochs=30, batch_size=10, lr=0.1, persistent=persistent, seed=0, progress=False, log=None)
    after = _exact_log_likelihood(rbm, data)
    assert before < -4.1 and after > -2.0, (before, after)  # ln(1/64) = -4.16; ln(1/3) = -1.10 at best


def test_pseudo_likelihood_is_scikit_learns_formula() -> None:
    rbm, v = _tiny(6, 3), _binary(8, 6, 4)
    flipped = np.random.default_rng(1).integers(0, 6, 8)
    other = v.copy()
    other[np.arange(8), flipped] = 1 - other[np.arange(8), flipped]
    gap = rbm.free_energy(other).numpy() - rbm.free_energy(v).numpy()
    np.testing.assert_allclose(
        rbm.score_samples(v, flipped=flipped).numpy(), 6 * np.log(_sigmoid(gap)), rtol=1e-10
    )


@pytest.mark.skipif(not HAS_SKLEARN, reason="needs scikit-learn (pip install scikit-learn)")
def test_pseudo_likelihood_equals_scikit_learns_for_the_same_weights_and_flipped_bits() -> None:
    from sklearn.neural_network import BernoulliRBM

    rbm, v = _tiny(6, 3), _binary(50, 6, 5)
    theirs = BernoulliRBM(n_components=3, random_state=3).fit(v)  # fitted only to exist; weights set below
    theirs.components_ = rbm.weight.numpy().copy()
    theirs.intercept_hidden_ = rbm.hidden_bias.numpy().copy()
    theirs.intercept_visible_ = rbm.visible_bias.numpy().copy()
    flipped = np.random.RandomState(3).randint(0, 6, 50)  # the bits scikit-learn flips with random_state=3
    np.testing.assert_allclose(
        rbm.score_samples(v, flipped=flipped).numpy(), theirs.score_samples(v), rtol=1e-10
    )
    np.testing.assert_allclose(rbm.transform(v).numpy(), theirs.transform(v), rtol=1e-12)


def test_sampling_shapes_and_values() -> None:
    rbm = _tiny(5, 4)
    v = _binary(3, 5, 6)
    p, h = rbm.sample_h(v, rng=0)
    assert p.shape == h.shape == (3, 4) and set(np.unique(h.numpy())) <= {0.0, 1.0}
    p, sample = rbm.sample_v(h, rng=0)
    assert sample.shape == (3, 5) and np.all((p.numpy() > 0) & (p.numpy() < 1))
    assert set(np.unique(rbm.gibbs(v, k=5, rng=0).numpy())) <= {0.0, 1.0}
    assert rbm.reconstruct(v).shape == (3, 5) and rbm.transform(v).shape == (3, 4)


def test_the_persistent_chain_carries_over_between_batches() -> None:
    rbm = nn.RBM(6, 4, rng=0)
    data = _binary(40, 6, 7).astype(np.float32)
    rbm.fit(data, epochs=1, batch_size=10, seed=0, progress=False, log=None)
    chain = rbm._chain
    assert chain is not None and chain.shape == (10, 4) and set(np.unique(chain)) <= {0.0, 1.0}


def test_history_has_one_entry_per_epoch_and_the_log_says_so() -> None:
    lines: list[str] = []
    history = nn.RBM(6, 4, rng=0).fit(
        _binary(20, 6, 8), epochs=3, batch_size=5, progress=False, log=lines.append
    )
    assert len(history.reconstruction_error) == len(history.pseudo_likelihood) == len(history.seconds) == 3
    assert lines[0].startswith("epoch 1/3: reconstruction error ") and "pseudo-likelihood" in lines[0]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            np.full((2, 6), 255.0),
            r"RBM: data must lie in \[0, 1\] \(scale pixels by 1/255\), got 255.0..255.0",
        ),
        (np.zeros((2, 5)), r"RBM: expected data of shape \(N, 6\), got \(2, 5\)"),
        (np.array([["a"] * 6]), r"RBM: data must be numbers in \[0, 1\], got dtype <U1"),
    ],
)
def test_bad_data_is_refused_with_the_reason(data: np.ndarray, message: str) -> None:
    with pytest.raises((ValueError, TypeError), match=message):
        nn.RBM(6, 4).fit(data, progress=False, log=None)


def test_dbn_pretrains_layer_by_layer_and_initialises_an_mlp() -> None:
    lines: list[str] = []
    dbn = nn.DBN([12, 8, 5], rng=0)
    data = _binary(30, 12, 9).astype(np.float32)
    histories = dbn.pretrain(data, epochs=2, batch_size=10, progress=False, log=lines.append)
    assert len(histories) == 2 and lines[0] == "step 1: RBM 12-8 on the data"
    assert "step 2: RBM 8-5 on RBM 1's hidden probabilities (frozen)" in lines
    assert not any(p.requires_grad for p in dbn.parameters())
    assert dbn.transform(data).shape == (30, 5)
    mlp = dbn.to_mlp(3, rng=0)
    assert [type(m).__name__ for m in mlp] == ["Linear", "Sigmoid", "Linear", "Sigmoid", "Linear"]
    for linear, rbm in zip((mlp[0], mlp[2]), dbn.layers()):
        np.testing.assert_array_equal(linear.weight.numpy(), rbm.weight.numpy())
        np.testing.assert_array_equal(linear.bias.numpy(), rbm.hidden_bias.numpy())
        assert linear.weight.requires_grad and not np.shares_memory(linear.weight.numpy(), rbm.weight.numpy())
    assert mlp(Tensor(data)).shape == (30, 3)
    np.testing.assert_allclose(mlp[:4](Tensor(data)).numpy(), dbn.transform(data).numpy(), rtol=1e-6)


def test_weight_decay_momentum_and_other_optimizers_go_through_the_usual_optimizers() -> None:
    data = _binary(40, 6, 10)

    def trained(**options: object) -> nn.RBM:
        rbm = nn.RBM(6, 4, rng=0, dtype=np.float64)
        rbm.fit(data, epochs=5, batch_size=10, seed=0, progress=False, log=None, **options)  # type: ignore[arg-type]
        return rbm

    plain, decayed = trained(), trained(weight_decay=0.5)
    assert np.linalg.norm(decayed.weight.numpy()) < np.linalg.norm(plain.weight.numpy())
    assert not np.allclose(trained(momentum=0.9).weight.numpy(), plain.weight.numpy())
    rbm = nn.RBM(6, 4, rng=0, dtype=np.float64)
    optimizer = nn.optim.Adam(rbm.parameters(), lr=0.01)
    rbm.fit(data, epochs=1, batch_size=10, seed=0, optimizer=optimizer, progress=False, log=None)
    assert optimizer.state[rbm.weight]["step"] == 4


def test_persistent_cd_is_scikit_learns_update_rule_batch_after_batch() -> None:
    """scikit-learn's BernoulliRBM._fit, written out with the same random draws: the same weights."""
    data = _binary(60, 8, 11)
    rbm = _tiny(8, 5)
    w, c, b = rbm.weight.numpy().copy(), rbm.hidden_bias.numpy().copy(), rbm.visible_bias.numpy().copy()
    rbm.fit(data, epochs=2, batch_size=6, lr=0.2, seed=4, progress=False, log=None)
    rng, chain = np.random.default_rng(4), np.zeros((6, 5))
    for _ in range(2):
        for start in range(0, 60, 6):
            v = data[start : start + 6]
            h_data = _sigmoid(v @ w.T + c)
            v_model = (rng.random(v.shape) < _sigmoid(chain @ w + b)).astype(float)
            h_model = _sigmoid(v_model @ w.T + c)
            step = 0.2 / len(v)
            w = w + step * (h_data.T @ v - h_model.T @ v_model)
            c = c + step * (h_data.sum(0) - h_model.sum(0))
            b = b + step * (v.sum(0) - v_model.sum(0))
            chain = (rng.random(h_model.shape) < h_model).astype(float)
        rng.integers(
            0, 8, 60
        )  # fit's per-epoch pseudo-likelihood draws its flipped bits from the same stream
    np.testing.assert_allclose(rbm.weight.numpy(), w, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(rbm.hidden_bias.numpy(), c, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(rbm.visible_bias.numpy(), b, rtol=1e-10, atol=1e-12)


# -- Second reliability review, S13, W4, C12: RBMs refuse what they cannot train on --------------------------


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda rbm, np: rbm.fit(np.full((3, 4), np.nan), log=None), ValueError, "NaN or inf"),
        (lambda rbm, np: rbm.fit(np.zeros((0, 4)), log=None), ValueError, "no data"),
        (lambda rbm, np: rbm.score_samples(np.ones((2, 4)), flipped=[9, 0]), IndexError, "outside 0..3"),
        (lambda rbm, np: rbm.score_samples(np.full((1, 4), np.inf)), ValueError, "NaN or inf"),
    ],
)
def test_rbms_refuse_bad_data_without_warnings(call: Any, error: type, match: str) -> None:
    import numpy as np

    from nn.rbm import RBM

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(error, match=match):
            call(RBM(4, 2, rng=0), np)
