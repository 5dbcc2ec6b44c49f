"""Parameters seen as one flat vector, as LBFGS works on them: the gradients gathered end to end, a step
added across all of them in place, and their values saved and put back around a trial evaluation."""

from __future__ import annotations

from typing import Any

import numpy as np

from autograd import Tensor
from autograd.extend import grad_array, increment_version


class FlatParameters:
    """``params`` read and moved as one vector of their common dtype; every write bumps the parameter's
    version (a graph that saved the old value can no longer backprop), naming ``owner``."""

    def __init__(self, params: list[Tensor], owner: str) -> None:
        self.params = params
        self.owner = owner
        self.dtype = np.result_type(*(p.dtype for p in params))
        self.numel = sum(p.numel() for p in params)

    def gradient(self) -> np.ndarray:
        """A new flat array of the gradients, zeros for a parameter that has none (as PyTorch gathers)."""
        parts = []
        for p in self.params:
            grad = grad_array(p)
            parts.append(np.zeros(p.numel(), p.dtype) if grad is None else grad.ravel())
        return np.concatenate(parts)

    def add(self, step: Any, direction: np.ndarray) -> None:
        """p += step · (p's slice of ``direction``), for every parameter, in place."""
        offset = 0
        for p in self.params:
            data = p._data
            data += step * direction[offset : offset + data.size].reshape(data.shape)
            offset += data.size
            increment_version(p, self.owner)

    def values(self) -> list[np.ndarray]:
        """Copies of the parameters' values, for ``restore``."""
        return [p._data.copy() for p in self.params]

    def restore(self, values: list[np.ndarray]) -> None:
        """Put back what ``values()`` saved, in place."""
        for p, value in zip(self.params, values):
            np.copyto(p._data, value)
            increment_version(p, self.owner)
