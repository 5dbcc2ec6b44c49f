"""``nn.LayerNorm`` / ``nn.RMSNorm`` and ``F.layer_norm`` / ``F.rms_norm``: outputs and every gradient equal
PyTorch's (float64, from the same parameters), errors of the same kind, stable for large offsets."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from tests.twin import check

RNG = np.random.default_rng(7)
X = RNG.normal(size=(2, 3, 4))
W = RNG.normal(size=(3, 4))
B = RNG.normal(size=(3, 4))


def _through(layer: Callable[[Any], Any], data: np.ndarray = X) -> Callable[[Any], Any]:
    """A scenario: ``layer(torch)`` made in float64 with weight/bias set from W/B, applied to ``data``;
    returns the output, its repr's name, and the gradients of a weighted sum for input and parameters."""

    def scenario(torch: Any) -> Any:
        module = layer(torch).double()
        with torch.no_grad():
            for name, parameter in module.named_parameters():
                parameter.copy_(
                    torch.tensor(
                        (W if name == "weight" else B)[-parameter.shape[0] :].reshape(parameter.shape)
                    )
                )
        x = torch.tensor(data, requires_grad=True)
        out = module(x)
        (out * torch.tensor(np.arange(out.numel()).reshape(out.shape) % 5 - 2.0)).sum().backward()
        grads = [p.grad for _, p in sorted(module.named_parameters())]
        return out, x.grad, *grads, sorted(module.state_dict()), repr(module)

    return scenario


SCENARIOS: dict[str, Callable[[Any], Any]] = {
    "LayerNorm over the last dim": _through(lambda torch: torch.nn.LayerNorm(4)),
    "LayerNorm over two dims": _through(lambda torch: torch.nn.LayerNorm((3, 4), eps=1e-3)),
    "LayerNorm without bias": _through(lambda torch: torch.nn.LayerNorm(4, bias=False)),
    "LayerNorm without affine": _through(lambda torch: torch.nn.LayerNorm([4], elementwise_affine=False)),
    "LayerNorm of large offsets": _through(lambda torch: torch.nn.LayerNorm(4), X * 1e-3 + 1e6),
    "RMSNorm": _through(lambda torch: torch.nn.RMSNorm(4)),
    "RMSNorm over two dims with eps": _through(lambda torch: torch.nn.RMSNorm([3, 4], eps=1e-2)),
    "RMSNorm without affine": _through(lambda torch: torch.nn.RMSNorm(4, elementwise_affine=False)),
}


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_the_layer_matches_pytorch(name: str) -> None:
    check(SCENARIOS[name], rtol=1e-8)


def _functional(torch: Any) -> Any:
    x = torch.tensor(X[0], requires_grad=True)
    bias = torch.tensor(B[0, 0], requires_grad=True)
    weight = torch.tensor(W[0, 0], requires_grad=True)
    F = torch.nn.functional
    out = F.layer_norm(x, (4,), bias=bias) * 2 + F.rms_norm(x, [4], weight) + F.layer_norm(x, 4, weight)
    out.sum().backward()
    return out, x.grad, bias.grad, weight.grad, F.rms_norm(x.float(), (4,)).dtype


@pytest.mark.parametrize(
    "scenario",
    [
        _functional,
        lambda torch: torch.nn.functional.layer_norm(torch.zeros(2, 3), (2, 3)),
        lambda torch: torch.nn.functional.layer_norm(torch.zeros(2, 3), (3,), torch.ones(2)),
        lambda torch: torch.nn.functional.rms_norm(torch.zeros(2, 3), (3, 2)),
        lambda torch: torch.nn.LayerNorm(4)(torch.zeros(2, 5)),
    ],
)
def test_the_functions_and_their_errors_match_pytorch(scenario: Callable[[Any], Any]) -> None:
    check(scenario, rtol=1e-8)
