"""Tensor's in-place writes (``+=`` and friends, ``zero_``, ``fill_``, ``copy_``, item assignment), as
a mixin: each counts a version, so backward can tell that a value an op recorded has changed, and each is
refused on a leaf that requires grad while the graph is recorded, as in PyTorch."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

from autograd import tensor_record
from autograd.grad_mode import is_grad_enabled

if TYPE_CHECKING:
    from autograd.tensor import Tensor


def increment_version(tensor: Tensor) -> None:
    """Count a change made to ``tensor``'s memory behind the engine's back (by NumPy, through
    ``numpy()``), so a backward pass that would read the old values fails instead (PyTorch:
    ``torch.autograd.graph.increment_version``)."""
    tensor._version += 1


class InPlaceMethods:
    """Mixed into Tensor: writes into ``data`` that keep the Tensor's identity and dtype."""

    __slots__ = ()

    def _in_place(
        self: Any, ufunc: np.ufunc, other: Any, out_of_place: Callable[[Tensor, Any], Tensor]
    ) -> Tensor:
        """``x op= y``: changes ``x._data`` in place (keeping identity and dtype, so a Parameter stays
        registered and optimizers keep their state) when no graph is recorded through ``x``. A recorded
        non-leaf gets the out-of-place result; a leaf that requires grad is an error, as in PyTorch."""
        if self.requires_grad and is_grad_enabled() and self._parents:
            return out_of_place(self, other)
        self._write(
            lambda data: ufunc(data, tensor_record.raw(other), out=data, casting="same_kind"), ufunc.__name__
        )
        return self

    def _write(self: Any, change: Callable[[np.ndarray], Any], what: str) -> None:
        """Change the data in place and count it in ``_version`` (so backward can tell that a value an op
        recorded has changed); refused for a leaf that requires grad while the graph is recorded."""
        if self.requires_grad and is_grad_enabled():
            raise RuntimeError(
                f"a leaf Tensor that requires grad cannot be changed in place ({what}) while the graph is "
                "recorded; wrap the update in `with no_grad():`"
            )
        with np.errstate(all="ignore"):
            change(self._data)
        self._version += 1

    def zero_(self: Any) -> Tensor:
        """Set every element to 0 in place (counted as an in-place change); returns self."""
        return self.fill_(0.0)

    def fill_(self: Any, value: float) -> Tensor:
        """Set every element to ``value`` in place; returns self."""
        self._write(lambda data: data.fill(value), "fill_")
        return self

    def copy_(self: Any, source: Any) -> Tensor:
        """Copy ``source`` (broadcast to this shape, cast to this dtype) into the data in place."""
        values = np.asarray(tensor_record.raw(source))
        try:
            np.broadcast_to(values, self.shape)
        except ValueError as error:
            raise ValueError(
                f"copy_: a source of shape {values.shape} does not fit shape {self.shape}"
            ) from error
        self._write(lambda data: np.copyto(data, values, casting="unsafe"), "copy_")
        return self

    def __iadd__(self: Any, other: Any) -> Tensor:
        return self._in_place(np.add, other, type(self).__add__)

    def __isub__(self: Any, other: Any) -> Tensor:
        return self._in_place(np.subtract, other, type(self).__sub__)

    def __imul__(self: Any, other: Any) -> Tensor:
        return self._in_place(np.multiply, other, type(self).__mul__)

    def __itruediv__(self: Any, other: Any) -> Tensor:
        return self._in_place(np.true_divide, other, type(self).__truediv__)

    def __setitem__(self: Any, index: Any, value: Any) -> None:
        """Write into the data in place: allowed where no graph is recorded through this Tensor."""
        index = tensor_record.raw(index)

        def assign(data: np.ndarray) -> None:
            data[index] = tensor_record.raw(value)

        self._write(assign, "item assignment")
