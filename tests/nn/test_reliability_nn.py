"""Regression tests for the nn findings of the reliability review (../shared/reviews/reliability.md)."""

from __future__ import annotations

import numpy as np
import pytest

import nn
from autograd import Tensor, no_grad
from nn import functional as F
from nn import optim
from nn.data import DataLoader
from nn.train import evaluate, fit


def test_s3_in_place_updates_keep_the_parameter_registered() -> None:
    model = nn.Linear(2, 2)
    weight = model.weight
    with no_grad():
        model.weight -= 0.5
        model.weight *= 2.0
        model.weight += 1.0
        model.weight /= 4.0
        model.bias[0] = 7.0
    assert model.weight is weight and len(list(model.parameters())) == 2 and model.bias.data[0] == 7.0
    assert model.weight.dtype == np.float32
    with pytest.raises(TypeError, match="cannot assign ndarray as parameter 'weight'"):
        model.weight = np.zeros((2, 2))  # type: ignore[assignment]
    with pytest.raises(RuntimeError, match="leaf Tensor that requires grad cannot be changed in place"):
        model.weight -= 0.1
    with pytest.raises(
        RuntimeError, match=r"item assignment: a leaf Tensor that requires grad cannot be changed in place"
    ):
        model.bias[0] = 1.0
    hidden = model(Tensor(np.ones((1, 2), np.float32)))
    hidden *= 3.0  # a recorded non-leaf: the update stays in the graph
    hidden.sum().backward()
    assert np.allclose(model.bias.grad, [3.0, 3.0])


def test_s4_binary_cross_entropy_is_finite_at_0_and_1_and_checks_its_input() -> None:
    p = Tensor(np.array([0.0, 1.0, 1e-300, 1 - 1e-16, 0.5, 1e-50]), requires_grad=True)
    target = np.array([1.0, 0.0, 1.0, 0.0, 0.3, 0.0])
    loss = F.binary_cross_entropy(p, target, reduction="sum")
    loss.backward()
    expected = 3 * 100 - np.log(1 - (1 - 1e-16)) + np.log(2)  # three logs floored at -100
    assert loss.item() == pytest.approx(expected, rel=1e-9)
    assert np.allclose(p.grad, [-1e12, 1e12, -1e12, 1e12, 0.8, 1e-50], rtol=0.01)  # PyTorch's values
    z = Tensor(np.array([20.0], np.float32), requires_grad=True)
    F.binary_cross_entropy(z.sigmoid(), [0.0]).backward()
    assert np.isfinite(z.grad).all()
    with pytest.raises(
        RuntimeError, match=r"should be between 0 and 1 \(probabilities\), got 1 outside, e.g. \[1.5\]"
    ):
        F.binary_cross_entropy(Tensor([0.2, 1.5]), [1.0, 1.0])


def test_s5_adam_corrects_bias_per_parameter() -> None:
    a, b = nn.Parameter([1.0]), nn.Parameter([1.0])
    adam = optim.Adam([a, b], lr=0.1)
    a.grad = np.ones(1, np.float32)
    adam.step()
    adam.step()
    b.grad = np.ones(1, np.float32)
    adam.step()
    assert b.data[0] == pytest.approx(0.9)  # PyTorch: b's first step is corrected as step 1


def test_s12_s13_c1_c3_the_training_loop() -> None:
    rng = np.random.default_rng(0)
    x = rng.random((8, 2)).astype(np.float32)
    regression = nn.Linear(2, 1, rng=0)
    loader = DataLoader((x, x[:, :1] * 100), 4)
    history = fit(
        regression, F.mse_loss, optim.SGD(regression.parameters()), loader, epochs=1, progress=False
    )
    assert history.accuracy == [] and len(history.loss) == 1
    one_hot = np.eye(3, dtype=np.float32)[rng.integers(0, 3, 8)]
    classifier = nn.Sequential(nn.Linear(2, 3, rng=0), nn.BatchNorm1d(3))
    classifier[1].eval()  # deliberately frozen
    sgd = optim.SGD(classifier.parameters())
    history = fit(classifier, F.cross_entropy, sgd, DataLoader((x, one_hot), 4), epochs=1, progress=False)
    assert len(history.accuracy) == 1
    classifier[1].eval()
    evaluate(classifier, F.cross_entropy, DataLoader((x, one_hot), 4))
    assert classifier.training and not classifier[1].training

    def broken(outputs: Tensor, labels: object) -> Tensor:
        raise RuntimeError("bad loss")

    with pytest.raises(RuntimeError, match="bad loss"):
        evaluate(classifier, broken, DataLoader((x, one_hot), 4))
    assert classifier.training and not classifier[1].training
    with pytest.raises(ValueError, match="fit, epoch 1: the loader yielded no samples"):
        fit(classifier, F.cross_entropy, optim.SGD(classifier.parameters()),
            DataLoader((x, one_hot), 16, drop_last=True), epochs=1, progress=False)  # fmt: skip


def test_s14_batches_are_copies_and_a_list_is_a_dataset_of_samples() -> None:
    x = np.zeros((4, 2), np.float32)
    batch, _ = next(iter(DataLoader((x, np.zeros(4, int)), 2)))
    batch += 1
    assert x[0].tolist() == [0.0, 0.0]
    samples = [(np.full(2, i, np.float32), i) for i in range(5)]
    batches = list(DataLoader(samples, 2))
    assert [b[0].shape for b in batches] == [(2, 2), (2, 2), (1, 2)]
    assert batches[0][1].tolist() == [0, 1] and batches[0][1].dtype.kind == "i"
    with pytest.raises(ValueError, match="different shapes"):
        list(DataLoader([np.zeros((10, 2)), np.zeros(10)], 2))


def test_s18_optimizer_arguments_are_checked() -> None:
    p = nn.Parameter([1.0])
    with pytest.raises(ValueError, match="listed twice"):
        optim.SGD([p, p], lr=0.1)
    for bad in (float("nan"), float("inf")):
        with pytest.raises(ValueError, match="lr must be finite"):
            optim.SGD([p], lr=bad)
    with pytest.raises(ValueError, match="eps must be > 0"):
        optim.Adam([p], eps=-1)
    with pytest.raises(ValueError, match="weight_decay must be finite"):
        optim.SGD([p], weight_decay=float("nan"))
    with pytest.raises(TypeError, match="lr must be a number, got str"):
        optim.SGD([p], lr="0.1")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="betas must be a pair"):
        optim.Adam([p], betas=(0.9,))  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="gamma must be > 0"):
        optim.StepLR(optim.SGD([p], lr=0.1), 1, gamma=-1)


def test_s22_step_lr_is_chainable() -> None:
    p = nn.Parameter([1.0])
    sgd = optim.SGD([p], lr=0.2)
    first, second = optim.StepLR(sgd, 1, gamma=0.5), optim.StepLR(sgd, 1, gamma=0.5)
    sgd.step()  # (no gradient: nothing moves) the order PyTorch asks for, or the schedulers warn
    first.step()
    second.step()
    assert sgd.lr == pytest.approx(0.05)
    sgd.lr = 1.0
    first.step()
    assert sgd.lr == pytest.approx(0.5)


def test_s20_targets_that_require_grad_are_refused_clearly() -> None:
    with pytest.raises(ValueError, match="targets that require grad are not differentiated"):
        F.cross_entropy(Tensor([[0.1, 0.9]], requires_grad=True), Tensor([[0.3, 0.7]], requires_grad=True))


def test_n11_a_diverging_run_warns_nothing() -> None:
    import warnings

    p = nn.Parameter(np.array([3e38], np.float32))
    p.grad = np.array([3e38], np.float32)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        optim.SGD([p], lr=10.0).step()
        optim.Adam([p], lr=1.0).step()
    assert not np.isfinite(p.data).all()


def test_k5_k9_module_bookkeeping() -> None:
    model = nn.Linear(2, 1)
    del model.bias
    assert [name for name, _ in model.named_parameters()] == ["weight"] and "bias" not in model.state_dict()
    result = nn.Linear(2, 1).load_state_dict(
        {"weight": Tensor(np.ones((1, 2))), "extra": np.ones(1)}, strict=False
    )
    assert result.missing_keys == ["bias"] and result.unexpected_keys == ["extra"]


def test_k8_a_read_only_folder_is_named(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import os

    folder = tmp_path / "locked"
    folder.mkdir()
    os.chmod(folder, 0o500)
    try:
        if os.access(folder, os.W_OK):
            pytest.skip("running as a user who can write anywhere (root)")
        with pytest.raises(PermissionError, match=r"cannot write .*m\.npz: no permission"):
            nn.Linear(2, 1).save(folder / "m.npz")
    finally:
        os.chmod(folder, 0o700)


def test_c10_k6_arguments_and_module_lists_are_named() -> None:
    t = Tensor(np.ones((2, 3)), requires_grad=True)
    with pytest.raises(TypeError, match="axis must be an int, a tuple of ints or None, got float"):
        t.sum(axis=1.0)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="axis must be an int"):
        t.sum(axis="a")  # type: ignore[arg-type]
    assert t.reshape(np.array([3, 2])).shape == (3, 2)
    with pytest.raises(ValueError, match=r"pad: pad_width -1 does not fit"):
        t.pad(-1)
    with pytest.raises(TypeError, match="clip: min must be a number or None, got str"):
        t.clip("a")  # type: ignore[arg-type]
    with pytest.raises(
        ValueError, match=r"linear: bias has shape \(3,\), a weight of shape \(2, 3\) needs \(2,\)"
    ):
        F.linear(t, Tensor(np.ones((2, 3))), Tensor(np.ones(3)))
    with pytest.raises(TypeError, match=r"linear: the input must be a Tensor, got ndarray \(wrap it"):
        nn.Linear(2, 2)(np.ones((1, 2)))
    with pytest.raises(ValueError, match="maxout: a 0-d Tensor has no axis"):
        Tensor(1.0).maxout(1)
    with pytest.raises(ValueError, match="positive number of features, got -1"):
        nn.BatchNorm1d(-1)
    with pytest.raises(ValueError, match=r"momentum must be a number in \[0, 1\] or None, got 2"):
        nn.BatchNorm1d(4, momentum=2)
    cumulative = nn.BatchNorm1d(1, momentum=None)
    for batch in ([[0.0], [2.0]], [[4.0], [6.0]]):
        cumulative(Tensor(np.array(batch, np.float32)))
    assert cumulative.running_mean.tolist() == [3.0]  # the plain average of the batch means 1 and 5
    with pytest.raises(
        ValueError, match=r"batch_size must be an integer >= 1 or None \(no batching\), got True"
    ):
        DataLoader((np.zeros((2, 1)), np.zeros(2)), batch_size=True)
    with pytest.raises(
        ValueError, match=r"batch_size must be an integer >= 1 or None \(no batching\), got 2\.5"
    ):
        DataLoader((np.zeros((2, 1)), np.zeros(2)), batch_size=2.5)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="needs a first axis of samples"):
        DataLoader((np.float32(1), np.int64(1)), 1)

    class Tower(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.layers = nn.ModuleList([nn.Linear(2, 2), nn.Linear(2, 1)])

    assert len(list(Tower().parameters())) == 4
    holder = nn.Module()
    with pytest.raises(TypeError, match=r"use nn\.ModuleList"):
        holder.layers = [nn.Linear(2, 2)]
