"""Tensor's in-place ops (``add_``, ``x += y``, ``clamp_``, ``masked_fill_``, ``copy_``, ``x[i] = v``...),
as a mixin, with PyTorch's semantics: the Tensor's memory changes (every alias sees it, the shared version
counter counts it) and, while a graph is recorded through it, the Tensor becomes the output of a new node
whose input is its earlier value, so the caller's variable holds the new values and gradients flow.

Each op is its out-of-place form computed from the current value, then written back: as the Tensor's
new node itself, or, for an item assignment or a write through a view, as an ``index_put`` node on the
base Tensor that owns the memory (the view is then re-derived from it). In-place on a leaf that requires
grad is an error while the graph is recorded, as in PyTorch; under ``no_grad`` it is how weights are
updated.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

from autograd.grad_mode import _everyone, is_grad_enabled
from autograd.rules import structural as T
from autograd.rules.elementwise import OUT
from autograd.rules.spaces import view_steps
from autograd.tensor import record as tensor_record
from autograd.tensor.base import is_tensor
from autograd.tensor.promotion import can_cast
from autograd.tensor.versions import CLOCK, increment_version, move_history, record_versions, version_of

if TYPE_CHECKING:
    from autograd.tensor.core import Tensor


def _refresh_if_stale(t: Any) -> None:
    """A view whose memory another alias changed is re-derived before it is changed itself."""
    info = t._view
    if info is not None and info.version != version_of(t):
        tensor_record.refresh(t)


def _refuse_leaf(t: Any, what: str) -> None:
    """PyTorch's rule: a leaf that requires grad, or a view of one, is not changed in place while the
    graph is recorded (its gradient would describe values it no longer holds)."""
    info = t._view
    base = t if info is None else info.base
    if base.requires_grad and not base._parents:
        whose = (
            "a leaf Tensor that requires grad"
            if info is None
            else "a view of a leaf Tensor that requires grad"
        )
        raise RuntimeError(
            f"{what}: {whose} cannot be changed in place while the graph is recorded; wrap the update in "
            "`with no_grad():` (as optimizers do), or work on a copy (x = x.clone())"
        )
    if info is not None and not info.differentiable and base.requires_grad:
        raise RuntimeError(
            f"{what}: this view was made under no_grad (or from such a view) and is changed in place with "
            "grad mode on; the change cannot be recorded in the graph: make the view with grad mode on, or "
            "change it under no_grad"
        )


def _check_writeable(array: np.ndarray, what: str) -> None:
    """NumPy's broadcast views are read-only: several elements share one memory location (PyTorch refuses
    such writes too; chainrule also refuses writing a single element of one)."""
    if not array.flags.writeable:
        raise RuntimeError(
            f"{what}: this Tensor is a broadcast view (expand / broadcast_to), in which several elements "
            "share one memory location; write into a copy (.clone()) instead"
        )


def _written(target: Any, new: Tensor, what: str) -> np.ndarray:
    """``new``'s values, checked to fit ``target`` (shape and, by PyTorch's rule, dtype)."""
    if new.shape != target.shape:
        raise RuntimeError(
            f"{what}: the result has shape {new.shape}, which does not fit the Tensor of shape "
            f"{target.shape} changed in place"
        )
    if not can_cast(new.dtype, target.dtype):
        raise RuntimeError(
            f"{what}: the result type {new.dtype} can't be cast to the Tensor's type {target.dtype} (PyTorch "
            "never writes floats into an integer Tensor, nor numbers into a bool one, in place)"
        )
    return new._data


def _keep_values(new: Tensor, source: Tensor) -> None:
    """If ``new``'s backward reads ``source``'s values, which the write-back is about to overwrite, give it
    a copy of them instead (PyTorch saves the original self of such in-place ops)."""
    if new._versions is None:
        return
    needs = tuple(p.requires_grad for p in new._parents)
    saved = new._op.saved(needs)  # type: ignore[union-attr]  # a node with versions has a rule
    read = [i for i in saved if i != OUT and new._parents[i] is source]
    if read:
        copy = source.clone()
        new._parents = tuple(copy if i in read else p for i, p in enumerate(new._parents))
        record_versions(new)


def _become(target: Any, new: Tensor, what: str) -> None:
    """``target`` (not a view) takes ``new``'s values into its memory and ``new``'s place in the graph;
    its earlier place goes to a node that ops recorded before still see."""
    if new.dtype != target.dtype:
        new = new.astype(target.dtype)
    _keep_values(new, target)
    values = _written(target, new, what)
    earlier = move_history(target, what)
    np.copyto(target._data, values)
    increment_version(target, what)
    target._parents = tuple(earlier if p is target else p for p in new._parents)
    target._op = new._op
    target._ctx = new._ctx
    target.requires_grad = True
    target._epoch = CLOCK.tick
    record_versions(target)


def write(target: Any, index: Any, value: Any, what: str) -> None:
    """``target[index] = value`` in place. Recorded (when grad mode is on and ``target``, its base or
    ``value`` requires grad) as an ``index_put`` node on the base that owns the memory: the gradient goes
    to ``value`` at ``index`` and to the earlier base everywhere else."""
    index = tensor_record.plain_index(index)
    grad_mode = _everyone.records or is_grad_enabled()
    if grad_mode:
        _refresh_if_stale(target)
    info = target._view
    base, steps = (target, ()) if info is None else (info.base, info.steps)
    given_tensor = is_tensor(value)
    recording = grad_mode and (base.requires_grad or (given_tensor and value.requires_grad))
    if recording:
        _refuse_leaf(target, what)
    array = value._data if given_tensor else np.asarray(value)
    region = view_steps(base._data, steps)
    _check_writeable(region, what)
    _assign(region, index, array, what, target.shape)
    increment_version(base, what)
    if not recording:
        return
    constant = value if given_tensor else tensor_record.plain(np.asarray(array, dtype=base.dtype))
    earlier = move_history(base, what)
    base._parents = (earlier, constant)
    base._op = T.INDEX_PUT
    base._ctx = {"steps": steps, "index": index}
    base.requires_grad = True
    base._epoch = CLOCK.tick
    record_versions(base)
    if target is not base:
        tensor_record.refresh(target)


def _assign(region: np.ndarray, index: Any, array: np.ndarray, what: str, shape: tuple[int, ...]) -> None:
    """``region[index] = array`` as PyTorch broadcasts it (leading size-1 dimensions of the value may be
    dropped), cast to the region's dtype, with an error naming both shapes when it does not fit."""
    try:
        with np.errstate(all="ignore"):
            try:
                region[index] = array
            except ValueError:
                ones = next((i for i, n in enumerate(array.shape) if n != 1), array.ndim)
                if not ones:
                    raise
                region[index] = array.reshape(array.shape[ones:])
    except ValueError as error:
        raise RuntimeError(
            f"{what}: a value of shape {array.shape} does not fit index {index!r} of a Tensor of shape "
            f"{shape}"
        ) from error
    except IndexError as error:
        raise IndexError(
            f"{what}: index {index!r} does not fit a Tensor of shape {shape}: {error}"
        ) from error


class InPlaceMethods:
    """Mixed into Tensor: ops that change the Tensor's own memory and return it."""

    __slots__ = ()

    def _in_place(
        self: Any, what: str, compute: Callable[[Tensor], Tensor], replaces: bool = False
    ) -> Tensor:
        """``self ← compute(self)`` in place (see the module docstring); returns self. ``replaces`` says
        the new values do not depend on the old ones (fill_, copy_): the earlier value is then still an
        input of the new node, with a zero gradient, as in PyTorch."""
        grad_mode = _everyone.records or is_grad_enabled()
        if grad_mode:
            _refresh_if_stale(self)
            info = self._view
            if self.requires_grad or (info is not None and info.base.requires_grad):
                _refuse_leaf(self, what)
        new = compute(self)
        if grad_mode and (self.requires_grad or new.requires_grad):
            info = self._view
            if replaces or (info is not None and info.differentiable) or not new.requires_grad:
                _keep_values(new, self)
                write(self, Ellipsis, new if new.dtype == self.dtype else new.astype(self.dtype), what)
            else:
                _become(self, new, what)
            return self
        _check_writeable(self._data, what)
        np.copyto(self._data, _written(self, new, what), casting="unsafe")
        increment_version(self, what)
        return self

    def add_(self: Any, other: Any, *, alpha: float = 1) -> Tensor:
        """``self += alpha * other`` in place; returns self."""
        return self._in_place("add_", lambda s: s + (other if alpha == 1 else alpha * other))

    def sub_(self: Any, other: Any, *, alpha: float = 1) -> Tensor:
        """``self -= alpha * other`` in place; returns self."""
        return self._in_place("sub_", lambda s: s - (other if alpha == 1 else alpha * other))

    def mul_(self: Any, other: Any) -> Tensor:
        """``self *= other`` in place; returns self."""
        return self._in_place("mul_", lambda s: s * other)

    def div_(self: Any, other: Any) -> Tensor:
        """``self /= other`` in place (a float Tensor: ``/`` of integers is a float); returns self."""
        return self._in_place("div_", lambda s: s / other)

    def pow_(self: Any, exponent: Any) -> Tensor:
        """``self **= exponent`` in place; returns self."""
        return self._in_place("pow_", lambda s: s**exponent)

    def neg_(self: Any) -> Tensor:
        """``self = -self`` in place; returns self."""
        return self._in_place("neg_", lambda s: -s)

    def clamp_(self: Any, min: float | None = None, max: float | None = None) -> Tensor:
        """``clamp`` in place; returns self."""
        return self._in_place("clamp_", lambda s: s.clamp(min, max))

    def relu_(self: Any) -> Tensor:
        """``relu`` in place; returns self."""
        return self._in_place("relu_", lambda s: s.relu())

    def masked_fill_(self: Any, mask: Any, value: Any) -> Tensor:
        """Set the elements where ``mask`` (bool, broadcast to this shape) is True to ``value``."""
        return self._in_place("masked_fill_", lambda s: s.masked_fill(mask, value))

    def fill_(self: Any, value: Any) -> Tensor:
        """Set every element to ``value`` (a number or a one-element Tensor) in place; returns self."""
        return self._in_place("fill_", lambda s: _filled(s, value), replaces=True)

    def zero_(self: Any) -> Tensor:
        """Set every element to 0 in place; returns self."""
        return self._in_place("zero_", lambda s: _filled(s, 0), replaces=True)

    def copy_(self: Any, source: Any) -> Tensor:
        """Copy ``source`` (broadcast to this shape, cast to this dtype) into this Tensor; the gradient
        flows to ``source``, as in PyTorch."""
        return self._in_place("copy_", lambda s: _broadcast(s, source, "copy_"), replaces=True)

    def __iadd__(self: Any, other: Any) -> Tensor:
        return self._in_place("+=", lambda s: s + other)

    def __isub__(self: Any, other: Any) -> Tensor:
        return self._in_place("-=", lambda s: s - other)

    def __imul__(self: Any, other: Any) -> Tensor:
        return self._in_place("*=", lambda s: s * other)

    def __itruediv__(self: Any, other: Any) -> Tensor:
        return self._in_place("/=", lambda s: s / other)

    def __setitem__(self: Any, index: Any, value: Any) -> None:
        """``t[index] = value``: ints, slices, masks, lists and Tensors of indices; recorded in the graph
        when ``value`` (or ``t``) requires grad."""
        write(self, index, value, "item assignment")


def _filled(like: Tensor, value: Any) -> Tensor:
    number = tensor_record.raw(value)
    if np.ndim(number):
        raise ValueError(f"fill_: the value must be a number or a 0-d Tensor, got shape {np.shape(number)}")
    source = value if is_tensor(value) and value.requires_grad else None
    if source is not None:
        return source.astype(like.dtype).broadcast_to(like.shape)
    return tensor_record.plain(np.full(like.shape, number, dtype=like.dtype))


def _broadcast(like: Tensor, source: Any, what: str) -> Tensor:
    values = tensor_record.lift(source, like)
    try:
        np.broadcast_shapes(values.shape, like.shape)
        if len(values.shape) > len(like.shape) or np.broadcast_shapes(values.shape, like.shape) != like.shape:
            raise ValueError
    except ValueError as error:
        raise ValueError(
            f"{what}: a source of shape {values.shape} does not fit shape {like.shape}"
        ) from error
    if values.dtype != like.dtype:
        values = values.astype(like.dtype)
    return values.broadcast_to(like.shape) if values.shape != like.shape else values.clone()
