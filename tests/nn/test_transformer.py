"""``nn.MultiheadAttention`` and the Transformer layers: with PyTorch's state dict loaded, outputs,
returned attention weights and every gradient equal PyTorch's (float64), masks included; the parameter
names are PyTorch's, so state dicts carry over both ways."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from tests.twin import check

RNG = np.random.default_rng(11)
L, S, N, E = 4, 5, 2, 8
QUERY, MEMORY = RNG.normal(size=(L, N, E)), RNG.normal(size=(S, N, E))
PADDING = np.array([[False] * 4 + [True], [False] * 5])
HEAD_MASKS = RNG.normal(size=(N * 2, L, S)).round(1)
CAUSAL = np.triu(np.ones((L, L), dtype=bool), 1)
STATES: dict[str, dict[str, np.ndarray]] = {}


def _weights_for(make: Callable[[Any], Any], key: str) -> dict[str, np.ndarray]:
    """One set of parameter values per layer kind, drawn once, keyed by PyTorch's names."""
    if key not in STATES:
        import chainrule

        layer = make(chainrule)
        STATES[key] = {
            name: RNG.normal(0, 0.3, size=value.shape) for name, value in layer.state_dict().items()
        }
    return STATES[key]


def _layer(make: Callable[[Any], Any], key: str, run: Callable[[Any, Any], Any]) -> Callable[[Any], Any]:
    """A scenario: the layer from ``make`` in float64 eval mode with ``key``'s weights, ``run`` on it; the
    outputs, then every input's and parameter's gradient of a weighted sum of the first output."""

    def scenario(torch: Any) -> Any:
        layer = make(torch).double().eval()
        state = {name: torch.tensor(value) for name, value in _weights_for(make, key).items()}
        layer.load_state_dict(state)
        query = torch.tensor(QUERY, requires_grad=True)
        memory = torch.tensor(MEMORY, requires_grad=True)
        outs = run(torch, layer, query, memory)
        outs = outs if isinstance(outs, tuple) else (outs,)
        (outs[0] * torch.tensor(np.sin(np.arange(outs[0].numel())).reshape(outs[0].shape))).sum().backward()
        grads = [p.grad for _, p in sorted(layer.named_parameters())]
        return (*outs, query.grad, memory.grad, *grads, sorted(state))

    return scenario


def _mha(torch: Any, **options: Any) -> Any:
    return torch.nn.MultiheadAttention(E, 2, **options)


SCENARIOS: dict[str, Callable[[Any], Any]] = {
    "self-attention with averaged weights": _layer(
        _mha, "mha", lambda torch, m, q, k: m(q, q, q)
    ),
    "cross-attention, per-head weights, padding and causal masks": _layer(
        _mha, "mha",
        lambda torch, m, q, k: m(q, k, k, key_padding_mask=torch.tensor(PADDING), average_attn_weights=False),
    ),
    "bool causal mask without weights": _layer(
        _mha, "mha",
        lambda torch, m, q, k: m(q, q, q, need_weights=False, attn_mask=torch.tensor(CAUSAL), is_causal=True),
    ),
    "float mask per head": _layer(
        _mha, "mha",
        lambda torch, m, q, k: m(q, k, k, attn_mask=torch.tensor(HEAD_MASKS)),
    ),
    "batch first, no bias": _layer(
        lambda torch: _mha(torch, batch_first=True, bias=False), "mha no bias",
        lambda torch, m, q, k: m(q.transpose(0, 1), k.transpose(0, 1), k.transpose(0, 1)),
    ),
    "own key and value widths": _layer(
        lambda torch: _mha(torch, kdim=3, vdim=6), "mha kdim",
        lambda torch, m, q, k: m(q, k[..., :3], k[..., 2:]),
    ),
    "unbatched": _layer(_mha, "mha", lambda torch, m, q, k: m(q[:, 0], k[:, 1], k[:, 1])),
    "encoder layer, post-norm": _layer(
        lambda torch: torch.nn.TransformerEncoderLayer(E, 2, 16), "encoder",
        lambda torch, m, q, k: m(q, src_key_padding_mask=torch.tensor(PADDING[:, 1:])),
    ),
    "encoder layer, pre-norm, gelu, causal": _layer(
        lambda torch: torch.nn.TransformerEncoderLayer(E, 2, 16, activation="gelu", norm_first=True),
        "encoder",
        lambda torch, m, q, k: m(q, torch.nn.Transformer.generate_square_subsequent_mask(L), is_causal=True),
    ),
    "decoder layer over memory": _layer(
        lambda torch: torch.nn.TransformerDecoderLayer(E, 2, 16, batch_first=False), "decoder",
        lambda torch, m, q, k: m(
            q, k, tgt_mask=torch.tensor(CAUSAL), memory_key_padding_mask=torch.tensor(PADDING)
        ),
    ),
    "encoder stack with a final norm": _layer(
        lambda torch: torch.nn.TransformerEncoder(
            torch.nn.TransformerEncoderLayer(E, 2, 16), 2, torch.nn.LayerNorm(E), enable_nested_tensor=False
        ),
        "encoder stack",
        lambda torch, m, q, k: m(q),
    ),
    "the whole Transformer": _layer(
        lambda torch: torch.nn.Transformer(E, 2, 1, 1, 16), "transformer",
        lambda torch, m, q, k: m(k, q, tgt_mask=torch.nn.Transformer.generate_square_subsequent_mask(L)),
    ),
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_the_layer_matches_pytorch(name: str) -> None:
    check(SCENARIOS[name], rtol=1e-8)


@pytest.mark.parametrize(
    "scenario",
    [
        lambda torch: torch.nn.MultiheadAttention(6, 4),
        lambda torch: torch.nn.MultiheadAttention(4, 2)(*(torch.zeros(3, 1, 4),) * 3, is_causal=True),
        lambda torch: torch.nn.TransformerEncoderLayer(4, 2, activation="tanh"),
        lambda torch: torch.nn.Transformer.generate_square_subsequent_mask(3),
        lambda torch: repr(torch.nn.MultiheadAttention(4, 2)),
    ],
)
def test_construction_masks_and_errors_match_pytorch(scenario: Callable[[Any], Any]) -> None:
    check(scenario)


def _tied(torch: Any) -> Any:
    """Weight tying as nanoGPT writes it: one Parameter, listed once, its gradient the sum of both uses;
    a saved state dict loads into another tied model and the tie holds."""
    emb, head = torch.nn.Embedding(5, 3).double(), torch.nn.Linear(3, 5, bias=False).double()
    model = torch.nn.ModuleDict({"emb": emb, "head": head})
    head.weight = emb.weight
    with torch.no_grad():
        emb.weight.copy_(torch.tensor(np.arange(15.0).reshape(5, 3) / 10))
    model["head"](model["emb"](torch.tensor([1, 4, 1]))).logsumexp(-1).sum().backward()
    other = torch.nn.ModuleDict(
        {"emb": torch.nn.Embedding(5, 3).double(), "head": torch.nn.Linear(3, 5, bias=False).double()}
    )
    other["head"].weight = other["emb"].weight
    other.load_state_dict(model.state_dict())
    return (
        len(list(model.parameters())),
        sorted(model.state_dict()),
        emb.weight.grad,
        other["head"].weight is other["emb"].weight,
    )


def test_tied_weights_behave_as_in_pytorch() -> None:
    check(_tied, rtol=1e-12)


def _derivative_cases() -> dict[str, tuple[Any, Callable[[Any, Any, Any], Any]]]:
    """Small float64 layers (no dropout) and how each is called on a query and a memory."""
    import nn
    from autograd.random import manual_seed

    manual_seed(3)
    return {
        "multihead attention": (
            nn.MultiheadAttention(4, 2).double(),
            lambda m, q, k: m(q, k, k, key_padding_mask=PADDING[:, :3])[0],
        ),
        "encoder layer": (
            nn.TransformerEncoderLayer(4, 2, 6, dropout=0.0, activation="gelu", norm_first=True).double(),
            lambda m, q, k: m(q, CAUSAL[:3, :3]) + k.sum(),
        ),
        "decoder layer": (
            nn.TransformerDecoderLayer(4, 2, 6, dropout=0.0).double(),
            lambda m, q, k: m(q, k, tgt_mask=CAUSAL[:3, :3]),
        ),
    }


@pytest.mark.parametrize("name", ["multihead attention", "encoder layer", "decoder layer"])
def test_first_and_second_derivatives_match_central_differences(name: str) -> None:
    from autograd import Tensor, gradcheck, gradgradcheck

    layer, call = _derivative_cases()[name]
    q = Tensor(RNG.normal(size=(3, 2, 4)), requires_grad=True, dtype=np.float64)
    k = Tensor(RNG.normal(size=(3, 2, 4)), requires_grad=True, dtype=np.float64)
    assert gradcheck(lambda a, b: call(layer, a, b), [q, k])
    assert gradgradcheck(lambda a, b: call(layer, a, b), [q, k])
