"""The one graph walk (iterative, post-order) and the backward driver shared by Value, Tensor and viz."""

from __future__ import annotations

from typing import Any, ClassVar, Protocol

from autograd.grad_mode import no_grad


class Node(Protocol):
    """What the walk needs of a node: its inputs in order and a gradient slot; what backward needs of
    its class: the value a cleared gradient takes, how to seed the root, and the chain-rule loop."""

    _parents: tuple[Any, ...]
    grad: Any
    _CLEARED_GRAD: ClassVar[Any]

    @staticmethod
    def _seed_grad(root: Any, seed: Any) -> None: ...

    @staticmethod
    def _backprop(order: list[Any]) -> None: ...


_KEEP = object()


def topological_order(root: Node) -> list[Any]:
    """Every node ``root`` depends on, each after all of its parents (root last).

    An explicit stack instead of recursion, so a chain of a million nodes works; a node is emitted
    when the marker pushed under its parents comes back to the top, i.e. after all of them.
    Parents are visited in tuple order, so the order (and every picture drawn from it) is deterministic.
    """
    return _walk(root, _KEEP)


def _walk(root: Node, cleared: Any) -> list[Any]:
    """The walk itself; unless ``cleared`` is _KEEP, each non-leaf's grad is set to it on the way,
    which saves backward a second pass over a graph too large for the cache."""
    order: list[Any] = []
    visited: set[Any] = set()
    stack: list[Any] = [root]
    emit, push, pop, mark = order.append, stack.append, stack.pop, visited.add
    clear = cleared is not _KEEP
    while stack:
        node = pop()
        if node is None:
            emit(pop())
            continue
        if node in visited:
            continue
        mark(node)
        push(node)
        push(None)
        parents = node._parents
        if parents:
            if clear:
                node.grad = cleared
            for parent in parents:
                if parent not in visited:
                    push(parent)
    return order


def backward(root: Node, seed: Any) -> None:
    """Apply the chain rule from ``root`` (seeded with ``seed``) down to every node it depends on.

    Leaves accumulate (``+=``) as in PyTorch, so a second call adds the same gradients again; the
    gradients of intermediate nodes are reset first, so they always hold this call's values.
    """
    node_type = type(root)
    order = _walk(root, node_type._CLEARED_GRAD)
    with no_grad():
        node_type._seed_grad(root, seed)
        node_type._backprop(order)


def zero_grad(root: Node) -> None:
    """Set the gradient of ``root`` and of every node it depends on back to zero."""
    order = topological_order(root)
    cleared = type(root)._CLEARED_GRAD
    for node in order:
        node.grad = cleared
