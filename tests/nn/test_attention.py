"""``F.scaled_dot_product_attention``: outputs and the gradients of query, key, value and a float mask
equal PyTorch's (float64), for bool, float and causal masks broadcast over batch and heads, fully
masked rows, and a given scale; dropout is checked against its own definition."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from autograd import Tensor, gradcheck, gradgradcheck
from autograd.extend import apply
from autograd.rules.attention import SCALED_DOT_PRODUCT_ATTENTION, dropout_keep
from tests.twin import check

RNG = np.random.default_rng(3)
Q, K, V = RNG.normal(size=(2, 3, 4, 5)), RNG.normal(size=(2, 3, 6, 5)), RNG.normal(size=(2, 3, 6, 7))
ADDED = RNG.normal(size=(3, 1, 6))
CAUSAL_GAPS = np.tril(np.ones((4, 6), dtype=bool), 1)


def _attention(**options: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """A scenario: attention of Q, K, V (float64 leaves) with ``options`` made from ``torch``; returns
    the output and every leaf's gradient of a weighted sum of it."""

    def scenario(torch: Any) -> Any:
        q, k, v = (torch.tensor(a, requires_grad=True) for a in (Q, K, V))
        made = {name: make(torch) for name, make in options.items()}
        out = torch.nn.functional.scaled_dot_product_attention(q, k, v, **made)
        (out * torch.tensor(np.cos(np.arange(out.numel())).reshape(out.shape))).sum().backward()
        mask = made.get("attn_mask")
        mask_grad = mask.grad if mask is not None and mask.requires_grad else None
        return out, q.grad, k.grad, v.grad, mask_grad

    return scenario


SCENARIOS: dict[str, Callable[[Any], Any]] = {
    "plain": _attention(),
    "causal": _attention(is_causal=lambda torch: True),
    "bool mask broadcast over batch and heads": _attention(attn_mask=lambda torch: torch.tensor(CAUSAL_GAPS)),
    "float mask with its gradient": _attention(
        attn_mask=lambda torch: torch.tensor(ADDED, requires_grad=True)
    ),
    "float -inf mask": _attention(
        attn_mask=lambda torch: torch.zeros(4, 6, dtype=torch.float64).masked_fill(
            torch.tensor(~CAUSAL_GAPS), float("-inf")
        )
    ),
    "a fully masked row gives zeros": _attention(
        attn_mask=lambda torch: torch.tensor(np.array([[True] * 6, [False] * 6, [True] * 6, [False] * 6]))
    ),
    "scale": _attention(scale=lambda torch: 0.3),
    "three dims": lambda torch: torch.nn.functional.scaled_dot_product_attention(
        *(torch.tensor(a[0]) for a in (Q, K, V)), is_causal=True
    ),
}


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_attention_matches_pytorch(name: str) -> None:
    check(SCENARIOS[name], rtol=1e-10)


@pytest.mark.parametrize(
    "scenario",
    [
        lambda torch: torch.nn.functional.scaled_dot_product_attention(
            torch.zeros(2, 3),
            torch.zeros(2, 3),
            torch.zeros(2, 3),
            torch.ones(2, 2, dtype=torch.bool),
            is_causal=True,
        ),
        lambda torch: torch.nn.functional.scaled_dot_product_attention(
            torch.zeros(2, 3), torch.zeros(2, 3, dtype=torch.float64), torch.zeros(2, 3)
        ),
        lambda torch: torch.nn.functional.scaled_dot_product_attention(
            torch.zeros(2, 3), torch.zeros(2, 4), torch.zeros(2, 3)
        ),
    ],
)
def test_misuse_raises_pytorchs_kind_of_error(scenario: Callable[[Any], Any]) -> None:
    check(scenario)


def _fixed_dropout(q: Tensor, k: Tensor, v: Tensor) -> Tensor:
    return apply(
        SCALED_DOT_PRODUCT_ATTENTION,
        (q, k, v),
        allowed=None,
        causal=False,
        scale=0.5,
        p=0.3,
        seed=11,
        saved={},
    )


def test_dropout_drops_weights_with_one_seed_for_forward_and_backward() -> None:
    q, k, v = (Tensor(a[0, 0], requires_grad=True, dtype=np.float64) for a in (Q, K, V))
    out = _fixed_dropout(q, k, v)
    scores = q.numpy() @ k.numpy().T * 0.5
    weights = np.exp(scores - scores.max(-1, keepdims=True))
    weights /= weights.sum(-1, keepdims=True)
    keep = dropout_keep(weights.shape, 0.3, 11, np.dtype(np.float64))
    assert np.allclose(out.numpy(), (weights * keep) @ v.numpy(), rtol=1e-12)
    assert set(np.unique(keep)) == {0.0, 1 / 0.7}
    assert gradcheck(_fixed_dropout, [q, k, v]) and gradgradcheck(_fixed_dropout, [q, k, v])
