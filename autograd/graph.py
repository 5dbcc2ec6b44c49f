"""The one graph walk (iterative, post-order) and the backward driver shared by Value, Tensor and viz,
with ``grad()``: gradients returned instead of stored, optionally as graphs of their own."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar, Protocol

from autograd.anomaly import check_backward
from autograd.grad_mode import _mode, set_grad_enabled
from autograd.tensor.versions import CLOCK, resolve


class Node(Protocol):
    """What the walk needs of a node: its inputs in order and a gradient slot; what backward needs of
    its class: the value a cleared gradient takes, how to seed a root, the chain-rule loops (numbers
    or, for create_graph, nodes) and how to convert the seeds and gradients ``grad()`` takes and returns."""

    _parents: tuple[Any, ...]

    def input_grads(self, upstream: Any = None) -> tuple[Any, ...]: ...

    _rebases: Any
    grad: Any
    _CLEARED_GRAD: ClassVar[Any]
    _GRAD_SLOT: ClassVar[str]  # the attribute behind ``grad``, set directly when backward clears it
    _BACKPROP_MAY_RECORD: ClassVar[bool]  # whether the plain backward could record ops if grad mode were on

    @staticmethod
    def _seed_grad(root: Any, seed: Any) -> None: ...

    @staticmethod
    def _backprop(order: list[Any], sink: dict[Any, Any] | None = None) -> None: ...

    @staticmethod
    def _backprop_graph(order: list[Any], sink: dict[Any, Any] | None = None) -> None: ...

    @staticmethod
    def _add_to_sink(sink: dict[Any, Any], leaf: Any, grad: Any) -> None: ...

    @staticmethod
    def _as_seed(root: Any, seed: Any, create_graph: bool) -> Any: ...

    @staticmethod
    def _as_gradient(grad: Any, source: Any) -> Any: ...


_KEEP = object()


def topological_order(root: Node, *more: Node) -> list[Any]:
    """Every node ``root`` (and ``more`` roots) depends on, each after all of its parents (roots last).

    An explicit stack instead of recursion, so a chain of a million nodes works; a node is emitted
    when the marker pushed under its parents comes back to the top, i.e. after all of them.
    Parents are visited in tuple order, so the order (and every picture drawn from it) is deterministic.
    """
    return _walk([root, *more], _KEEP)


def _walk(roots: Sequence[Node], cleared: Any) -> list[Any]:
    """The walk itself, from one or more roots; unless ``cleared`` is _KEEP, each non-leaf's gradient slot
    (``_GRAD_SLOT``) is set to it on the way, which saves backward a second pass over a graph too large
    for the cache. Once any in-place op has been recorded, each edge is checked against its input's
    rebases (``resolve``). A leaf is emitted as soon as it is reached: it has no parents to wait for."""
    order: list[Any] = []
    visited: set[Any] = set()
    stack: list[Any] = list(reversed(roots))
    emit, push, pop, mark = order.append, stack.append, stack.pop, visited.add
    clear = cleared is not _KEEP
    grad_is_the_slot = clear and type(roots[0])._GRAD_SLOT == "grad"  # Value; Tensor's slot is _grad
    rebased = CLOCK.tick != 0
    while stack:
        node = pop()
        if node is None:
            emit(pop())
            continue
        if node in visited:
            continue
        mark(node)
        parents = node._parents
        if not parents:
            emit(node)
            continue
        push(node)
        push(None)
        if rebased:
            for parent in parents:
                if parent._rebases is not None:
                    parents = resolve(node)
                    break
        if clear:  # plain slot stores: setattr() cost Value's walk 10%
            if grad_is_the_slot:
                node.grad = cleared
            else:
                node._grad = cleared
        for parent in parents:
            if parent not in visited:
                push(parent)
    return order


def run_backward(roots: Sequence[Node], seeds: Sequence[Any], create_graph: bool = False) -> None:
    """Apply the chain rule from ``roots`` (each seeded with its entry of ``seeds``) to every node they
    depend on. Leaves accumulate (``+=``) as in PyTorch, so a second call adds the same gradients again;
    the gradients of intermediate nodes are reset first, so they always hold this call's values.
    With ``create_graph`` the backward pass is itself recorded (seeds must then be nodes)."""
    node_type = type(roots[0])
    order = _walk(roots, node_type._CLEARED_GRAD)
    _run(node_type, order, roots, seeds, create_graph)


def _run(
    node_type: Any,
    order: list[Any],
    roots: Sequence[Node],
    seeds: Sequence[Any],
    create: bool,
    sink: dict[Any, Any] | None = None,
) -> None:
    if create or node_type._BACKPROP_MAY_RECORD:
        with set_grad_enabled(bool(create)):
            _seed_and_backprop(node_type, order, roots, seeds, create, sink)
    else:  # the array pass builds no nodes: no grad-mode switch to pay for
        _seed_and_backprop(node_type, order, roots, seeds, create, sink)
    if _mode.anomaly:
        check_backward(order)


def _seed_and_backprop(
    node_type: Any, order: list[Any], roots: Sequence[Node], seeds: Sequence[Any], create: bool, sink: Any
) -> None:
    for root, seed in zip(roots, seeds):
        if sink is None or root._parents:
            node_type._seed_grad(root, seed)
        elif root in sink:
            node_type._add_to_sink(sink, root, seed)
    (node_type._backprop_graph if create else node_type._backprop)(order, sink)


def backward(
    tensors: Any,
    grad_tensors: Any = None,
    retain_graph: bool | None = None,
    create_graph: bool = False,
    inputs: Any = None,
) -> None:
    """``torch.autograd.backward``: one backward pass from every root in ``tensors`` (a node or a sequence),
    each seeded with its entry of ``grad_tensors`` (None for a one-element loss), accumulating into the
    leaves' ``.grad`` as ``root.backward()`` does; ``inputs`` limits that to those leaves."""
    roots = _as_nodes(tensors, "tensors")
    if grad_tensors is None or not isinstance(grad_tensors, (list, tuple)):
        grad_tensors = [grad_tensors] * len(roots)
    if len(grad_tensors) != len(roots):
        raise RuntimeError(f"backward: got {len(grad_tensors)} grad_tensors for {len(roots)} tensors")
    for position, root in enumerate(roots):
        if not getattr(root, "requires_grad", True):
            raise RuntimeError(
                f"element {position} of tensors does not require grad and does not have a grad_fn"
            )
    if inputs is not None:
        for root, seed in zip(roots, grad_tensors):
            root.backward(seed, create_graph=create_graph, inputs=inputs)
        return
    node_type = type(roots[0])
    seeds = [node_type._as_seed(root, seed, create_graph) for root, seed in zip(roots, grad_tensors)]
    run_backward(roots, seeds, create_graph)


def grad(
    outputs: Any,
    inputs: Any,
    grad_outputs: Any = None,
    retain_graph: bool | None = None,
    create_graph: bool = False,
    allow_unused: bool = False,
) -> tuple[Any, ...]:
    """The gradients of ``outputs`` with respect to each of ``inputs``, leaving every ``.grad`` untouched.

    ``outputs`` / ``inputs`` are a Value or Tensor or a sequence of them; ``grad_outputs`` gives d(loss)/d
    output per output (needed for a non-scalar Tensor output). With ``create_graph=True`` the returned
    gradients are graph nodes that can be differentiated again. An input the outputs do not depend on is
    an error, or None with ``allow_unused=True``. Returns a tuple, one gradient per input (as PyTorch).
    Leaves' gradients are collected apart from their ``.grad``, so a ``backward()`` running in another
    thread keeps what it adds. ``retain_graph`` is accepted and changes nothing (graphs are kept while
    referenced).
    """
    roots, sources = _as_nodes(outputs, "outputs"), _as_nodes(inputs, "inputs")
    _as_nodes([roots[0], sources[0]], "outputs and inputs")
    node_type = type(roots[0])
    for position, source in enumerate(sources):
        if not getattr(source, "requires_grad", True):
            raise RuntimeError(
                f"grad: input {position} does not require grad, so it has no gradient (PyTorch: one of the "
                "differentiated Tensors does not require grad)"
            )
    if grad_outputs is None or not isinstance(grad_outputs, (list, tuple)):
        grad_outputs = [grad_outputs] * len(roots)
    if len(grad_outputs) != len(roots):
        raise ValueError(f"grad: {len(roots)} outputs but {len(grad_outputs)} grad_outputs")
    seeds = [node_type._as_seed(root, seed, create_graph) for root, seed in zip(roots, grad_outputs)]
    order = _walk(roots, _KEEP)
    reached = set(order)
    unused = [i for i, source in enumerate(sources) if source not in reached]
    if unused and not allow_unused:
        raise ValueError(
            f"grad: input {unused[0]} is not used in computing the outputs; pass allow_unused=True "
            "to get None for it"
        )
    inner = [node for node in order if node._parents]
    saved = [node.grad for node in inner]
    sink: dict[Any, Any] = {source: None for source in sources if not source._parents}
    try:
        for node in inner:
            node.grad = node_type._CLEARED_GRAD
        _run(node_type, order, roots, seeds, create_graph, sink)
        return tuple(
            None if source not in reached else node_type._as_gradient(sink.get(source, source.grad), source)
            for source in sources
        )
    finally:
        for node, previous in zip(inner, saved):
            node.grad = previous


def _as_nodes(items: Any, what: str) -> list[Any]:
    nodes = list(items) if isinstance(items, (list, tuple)) else [items]
    if not nodes:
        raise ValueError(f"grad: {what} is empty")
    engines = {getattr(type(node), "_backprop", None) for node in nodes}
    if len(engines) != 1 or None in engines:
        names = [type(node).__name__ for node in nodes]
        raise TypeError(f"grad: {what} must be Values, or Tensors, not a mix or anything else; got {names}")
    return nodes


def zero_grad(root: Node) -> None:
    """Set the gradient of ``root`` and of every node it depends on back to zero."""
    order = topological_order(root)
    cleared = type(root)._CLEARED_GRAD
    for node in order:
        node.grad = cleared
