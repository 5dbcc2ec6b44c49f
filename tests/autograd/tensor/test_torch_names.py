"""PyTorch's spellings of Tensor ops (autograd/tensor/torch_names.py): masked_fill's values and gradients,
and long() of NaN and huge floats, are PyTorch's, without NumPy's cast warnings."""

from __future__ import annotations

import warnings
from typing import Any

from tests.twin import check

# -- Second reliability review, S10, K10, W5, C12: casts stay silent as PyTorch's ----------------------------


def test_casting_nan_and_huge_floats_to_integers_is_silent() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        check(lambda t: t.tensor([float("nan"), 1e10, 2.5], dtype=t.float64).long())


# -- Second reliability review: masked_fill as PyTorch's -----------------------------------------------------


def test_masked_fill_matches_pytorch() -> None:
    def scenario(t: Any) -> Any:
        x = t.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
        out = x.masked_fill(t.tensor([[False, True], [False, False]]), float("-inf")).softmax(-1)
        out[:, 0].sum().backward()
        return out, x.grad

    check(scenario)
