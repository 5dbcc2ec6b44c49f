"""Gradient hooks, PyTorch's ``Tensor.register_hook``: functions called with a Tensor's gradient during
backward, before it goes on (to the inputs, or into a leaf's ``.grad``), a returned Tensor replacing
it. The registry is keyed by ``id`` and emptied as a hooked Tensor dies, so the backward loop pays
one dict test per node while no hook exists anywhere."""

from __future__ import annotations

import itertools
import weakref
from collections.abc import Callable
from typing import Any

import numpy as np

HOOKS: dict[int, dict[int, Callable[[Any], Any]]] = {}
"""Per hooked Tensor (by id), its hooks by handle id, in the order they were registered."""


class RemovableHandle:
    """What ``register_hook`` (and ``Module.register_forward_hook``) return: ``remove()`` unregisters."""

    _ids = itertools.count()

    def __init__(self, hooks: dict[int, Any]) -> None:
        self.hooks, self.id = hooks, next(RemovableHandle._ids)

    def remove(self) -> None:
        """Unregister the hook (again: nothing happens)."""
        self.hooks.pop(self.id, None)


def register(node: Any, hook: Callable[[Any], Any]) -> RemovableHandle:
    """Call ``hook(grad)`` whenever backward computes ``node``'s gradient."""
    if not node.requires_grad:
        raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
    key = id(node)
    hooks = HOOKS.get(key)
    if hooks is None:
        hooks = HOOKS[key] = {}
        weakref.finalize(node, HOOKS.pop, key, None)
    handle = RemovableHandle(hooks)
    hooks[handle.id] = hook
    return handle


def run(node: Any, grad: Any, wrap: Callable[[np.ndarray], Any]) -> Any:
    """``grad`` (an array, or a Tensor under ``create_graph``) after ``node``'s hooks, in the same form.
    A hook sees a Tensor sharing the gradient's memory (``g.mul_(3)`` works); what it returns must keep
    the shape and dtype, as PyTorch requires."""
    given_array = isinstance(grad, np.ndarray)
    value = wrap(grad) if given_array else grad
    for hook in list(HOOKS.get(id(node), {}).values()):
        replaced = hook(value)
        if replaced is None:
            continue
        name = getattr(hook, "__name__", repr(hook))
        if tuple(replaced.shape) != tuple(value.shape):
            raise RuntimeError(f"hook '{name}' has changed the size of value")
        if replaced.dtype != value.dtype:
            raise RuntimeError(
                f"hook '{name}' has changed the type of value (was {value.dtype} got {replaced.dtype})"
            )
        value = replaced
    if not given_array:
        return value
    return value._data if value._data is grad else value._data.copy()  # never alias the hook's Tensor


def hooked_leaves(order: list[Any]) -> list[Any]:
    """The leaves in ``order`` with hooks (their gradient of this pass is hooked before accumulating)."""
    return [node for node in order if not node._parents and id(node) in HOOKS]
