"""nn the way PyTorch users write it: loss modules with reductions, dim= activations, ModuleDict and the
traversal methods, buffers as Tensors, printing, and nn.init's in-place initialisers."""

from __future__ import annotations

from collections import OrderedDict

import numpy as np
import pytest

import chainrule as torch
import nn
from autograd import Tensor, gradcheck
from nn import functional as F


def _logits_and_labels() -> tuple[Tensor, Tensor]:
    rng = np.random.default_rng(0)
    return Tensor(rng.normal(size=(5, 4)), requires_grad=True), torch.tensor([0, 3, 1, 1, 2])


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_loss_modules_match_their_formulas(reduction: str) -> None:
    logits, labels = _logits_and_labels()
    prediction, target = logits, torch.tensor(np.linspace(-1, 1, 20).reshape(5, 4))
    probabilities = logits.sigmoid()
    bits = torch.tensor((np.arange(20).reshape(5, 4) % 3 == 0).astype(np.float64))
    log_p = logits.log_softmax(dim=1).numpy()
    rows = -log_p[np.arange(5), labels.numpy()]
    p, b = probabilities.numpy(), bits.numpy()
    cases = [
        (nn.MSELoss, (prediction, target), (prediction.numpy() - target.numpy()) ** 2),
        (nn.L1Loss, (prediction, target), np.abs(prediction.numpy() - target.numpy())),
        (nn.CrossEntropyLoss, (logits, labels), rows),
        (nn.NLLLoss, (logits.log_softmax(dim=1), labels), rows),
        (nn.BCELoss, (probabilities, bits), -(b * np.log(p) + (1 - b) * np.log(1 - p))),
        (nn.BCEWithLogitsLoss, (logits, bits), -(b * np.log(p) + (1 - b) * np.log(1 - p))),
    ]
    reduce = {"mean": np.mean, "sum": np.sum, "none": lambda a: a}[reduction]
    for loss_class, arguments, elements in cases:
        loss = loss_class(reduction=reduction)(*arguments)
        np.testing.assert_allclose(loss.numpy(), reduce(elements), rtol=1e-10, err_msg=loss_class.__name__)
    assert gradcheck(lambda x: nn.NLLLoss(reduction=reduction)(x.log_softmax(1), labels), [logits])
    assert gradcheck(lambda x: nn.L1Loss(reduction=reduction)(x, target), [logits])


def test_loss_modules_check_their_arguments() -> None:
    with pytest.raises(ValueError, match="MSELoss: reduction must be one of"):
        nn.MSELoss(reduction="average")
    with pytest.raises(TypeError, match="CrossEntropyLoss: the prediction must be a Tensor, got ndarray"):
        nn.CrossEntropyLoss()(np.zeros((2, 3)), np.array([0, 1]))
    with pytest.raises(ValueError, match=r"nll_loss: targets must be \(2,\) integer labels"):
        F.nll_loss(Tensor(np.zeros((2, 3))), np.zeros((2, 3)))
    assert repr(nn.MSELoss(reduction="sum")) == "MSELoss(reduction='sum')" and repr(nn.L1Loss()) == "L1Loss()"


def test_activation_modules_take_pytorchs_arguments() -> None:
    x = torch.randn(3, 4)
    np.testing.assert_allclose(nn.Softmax(dim=1)(x).numpy().sum(axis=1), np.ones(3), rtol=1e-6)
    np.testing.assert_allclose(nn.Softmax(dim=0)(x).numpy().sum(axis=0), np.ones(4), rtol=1e-6)
    np.testing.assert_allclose(nn.LogSoftmax(dim=0)(x).exp().numpy().sum(axis=0), np.ones(4), rtol=1e-6)
    np.testing.assert_allclose(F.softmax(x, dim=0).numpy(), x.softmax(axis=0).numpy())
    relu = nn.ReLU(inplace=True)
    assert np.array_equal(relu(x).numpy(), np.maximum(x.numpy(), 0)) and repr(relu) == "ReLU(inplace=True)"
    assert np.allclose(nn.LeakyReLU(negative_slope=0.2)(-x.abs()).numpy(), -0.2 * x.abs().numpy())
    assert repr(nn.Softmax(dim=1)) == "Softmax(dim=1)"


@pytest.mark.parametrize(("beta", "threshold"), [(1.0, 20.0), (2.0, 20.0), (0.5, 3.0), (2.0, 1.0)])
def test_softplus_takes_beta_and_threshold_as_pytorch_values_and_gradients(
    beta: float, threshold: float
) -> None:
    real = pytest.importorskip("torch", reason="compared with PyTorch's Softplus")
    x = np.array([-30.0, -1.0, 0.0, 0.5, 3.0, 9.0, 10.5, 11.0, 40.0])
    ours, theirs = torch.tensor(x, requires_grad=True), real.tensor(x, requires_grad=True)
    got, want = nn.Softplus(beta=beta, threshold=threshold)(ours), real.nn.Softplus(beta, threshold)(theirs)
    (got * torch.tensor(np.arange(9.0))).sum().backward()
    (want * real.arange(9.0, dtype=real.float64)).sum().backward()
    np.testing.assert_allclose(got.detach().numpy(), want.detach().numpy(), rtol=1e-14, atol=1e-14)
    np.testing.assert_allclose(ours.grad.numpy(), theirs.grad.numpy(), rtol=1e-14, atol=1e-14)
    assert repr(nn.Softplus(beta=beta, threshold=threshold)) == repr(real.nn.Softplus(beta, threshold))


class Net(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.features = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.BatchNorm1d(8))
        self.heads = nn.ModuleDict({"class": nn.Linear(8, 3), "score": nn.Linear(8, 1)})
        self.register_buffer("steps", torch.zeros((), dtype=torch.int64))
        self.register_buffer("scratch", torch.zeros(2), persistent=False)

    def forward(self, x: Tensor) -> Tensor:
        return self.heads["class"](self.features(x))


def test_traversal_names_follow_pytorch() -> None:
    net = Net()
    assert [name for name, _ in net.named_modules()] == [
        "", "features", "features.0", "features.1", "features.2", "heads", "heads.class", "heads.score"
    ]  # fmt: skip
    assert [name for name, _ in net.named_children()] == ["features", "heads"]
    assert len(list(net.modules())) == 8 and list(net.children())[1] is net.heads
    assert [name for name, _ in net.named_parameters()] == [
        "features.0.weight", "features.0.bias", "features.2.weight", "features.2.bias",
        "heads.class.weight", "heads.class.bias", "heads.score.weight", "heads.score.bias",
    ]  # fmt: skip
    assert next(net.parameters()) is net.features[0].weight
    assert [name for name, _ in net.named_buffers()] == [
        "steps", "scratch",
        "features.2.running_mean", "features.2.running_var", "features.2.num_batches_tracked",
    ]  # fmt: skip
    assert list(net.heads.keys()) == ["class", "score"] and "score" in net.heads and len(net.heads) == 2


def test_buffers_are_tensors_saved_unless_not_persistent(tmp_path) -> None:
    net = Net()
    assert isinstance(net.steps, Tensor) and isinstance(net.features[2].running_mean, Tensor)
    net(torch.randn(6, 4))
    state = net.state_dict()
    assert (
        "scratch" not in state and "steps" in state and isinstance(state["features.2.running_mean"], Tensor)
    )
    assert int(state["features.2.num_batches_tracked"]) == 1
    net.steps = torch.tensor(5)
    other = Net()
    other.load_state_dict(net.state_dict())
    assert int(other.steps) == 5
    np.testing.assert_array_equal(other.features[2].running_var.numpy(), net.features[2].running_var.numpy())
    torch.save(net.state_dict(), tmp_path / "net.pt")
    third = Net()
    third.load_state_dict(torch.load(tmp_path / "net.pt"))
    np.testing.assert_array_equal(third.heads["score"].weight.numpy(), net.heads["score"].weight.numpy())
    with pytest.raises(TypeError, match="buffer 'steps' must not require grad"):
        net.steps = torch.zeros((), requires_grad=True)


def test_apply_parameter_sequential_and_printing() -> None:
    net = Net()
    seen: list[str] = []
    net.apply(lambda m: seen.append(type(m).__name__))
    assert seen[-1] == "Net" and seen[0] == "Linear" and len(seen) == 8

    def init_weights(module: nn.Module) -> None:
        if isinstance(module, nn.Linear):
            nn.init.constant_(module.weight, 0.5)
            nn.init.zeros_(module.bias)

    net.apply(init_weights)
    assert np.all(net.heads["score"].weight.numpy() == 0.5) and np.all(net.features[0].bias.numpy() == 0)
    weight = nn.Parameter(torch.randn(3, 4))
    assert weight.requires_grad and weight.shape == (3, 4)
    frozen = nn.Parameter(torch.ones(2), requires_grad=False)
    assert not frozen.requires_grad
    ordered = nn.Sequential(OrderedDict([("fc", nn.Linear(2, 3)), ("act", nn.ReLU())]))
    assert [name for name, _ in ordered.named_children()] == ["fc", "act"]
    assert isinstance(net.features[:2], nn.Sequential) and len(net.features[:2]) == 2
    assert repr(nn.Sequential(nn.Linear(784, 10), nn.ReLU(), nn.Dropout(0.5))) == (
        "Sequential(\n"
        "  (0): Linear(in_features=784, out_features=10, bias=True)\n"
        "  (1): ReLU()\n"
        "  (2): Dropout(p=0.5, inplace=False)\n"
        ")"
    )
    net.requires_grad_(False)
    assert not any(p.requires_grad for p in net.parameters())


def test_zero_grad_can_keep_zero_tensors() -> None:
    layer = nn.Linear(3, 2)
    layer(torch.ones(1, 3)).sum().backward()
    layer.zero_grad(set_to_none=False)
    assert layer.weight.grad is not None and not layer.weight.grad.numpy().any()
    layer.zero_grad()
    assert layer.weight.grad is None


def test_init_functions_fill_in_place_with_the_right_spread() -> None:
    torch.manual_seed(0)
    weight = nn.Parameter(torch.zeros(400, 300))
    assert nn.init.xavier_uniform_(weight) is weight
    bound = np.sqrt(6 / 700)
    assert np.abs(weight.numpy()).max() <= bound and np.isclose(
        weight.numpy().std(), bound / np.sqrt(3), rtol=0.02
    )
    nn.init.kaiming_normal_(weight, mode="fan_in", nonlinearity="relu")
    assert np.isclose(weight.numpy().std(), np.sqrt(2 / 300), rtol=0.02)
    nn.init.kaiming_uniform_(weight, a=np.sqrt(5))  # PyTorch's default for Linear: U(±1/sqrt(fan_in))
    assert np.isclose(np.abs(weight.numpy()).max(), 1 / np.sqrt(300), rtol=0.01)
    nn.init.normal_(weight, mean=1.0, std=0.1)
    assert np.isclose(weight.numpy().mean(), 1.0, atol=0.01) and weight.dtype == np.float32
    assert nn.init.calculate_gain("tanh") == pytest.approx(5 / 3)
    torch.manual_seed(1)
    first = nn.init.uniform_(torch.zeros(3)).tolist()
    torch.manual_seed(1)
    assert nn.init.uniform_(torch.zeros(3)).tolist() == first
    with pytest.raises(ValueError, match="unknown nonlinearity 'swish'"):
        nn.init.calculate_gain("swish")


def test_arrays_and_mixed_dtypes_are_refused_by_name() -> None:
    layer = nn.Linear(3, 2)
    with pytest.raises(RuntimeError, match="linear: the input is float64, the weight float32"):
        layer(torch.tensor(np.zeros((1, 3))))
    with pytest.raises(TypeError, match="cross_entropy: the logits must be a Tensor, got ndarray"):
        F.cross_entropy(np.zeros((2, 3)), np.array([0, 1]))
    with pytest.raises(TypeError, match="mse_loss: the prediction must be a Tensor, got list"):
        F.mse_loss([1.0], torch.tensor([1.0]))
    assert layer.double()(torch.tensor(np.zeros((1, 3)))).dtype == np.float64
