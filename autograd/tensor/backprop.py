"""The Tensor engine's backward pass: children before parents, each node's rule turns its gradient into
its inputs' gradients, on arrays (``ArrayMath``) or, for ``create_graph``, on Tensors (``TensorMath``);
broadcasting is undone and gradients are added up in exactly one place, ``accumulate``."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

import numpy as np

from autograd import hooks
from autograd.kernels.quiet import restore, silence
from autograd.rules import structural as T
from autograd.rules import windows as C
from autograd.rules.spaces import NodeMath, sum_to
from autograd.tensor import record as tensor_record
from autograd.tensor.axes import Axis
from autograd.tensor.base import is_tensor
from autograd.tensor.versions import CLOCK, check_versions, increment_version

if TYPE_CHECKING:
    from autograd.tensor.core import Tensor


class _PendingSeeds(threading.local):
    """Per thread, the seeds of hooked leaves that are roots of the backward pass about to run:
    ``Tensor._seed_grad`` puts them here, and ``propagate`` adds them to ``.grad`` once the earlier
    gradient is set aside, so the hooks see them as part of this pass's gradient (``v.backward(g)`` with a
    hook doubling ``v``'s gradient gives ``v.grad == 2 g``, as in PyTorch)."""

    def __init__(self) -> None:
        self.seeds: list[tuple[Any, Any]] = []


ROOT_SEEDS = _PendingSeeds()


def propagate(order: list[Tensor], m: Any, graph_mode: bool, sink: dict[Tensor, Any] | None = None) -> None:
    """Children before parents: each node's rule turns its gradient into its inputs' gradients. With a
    ``sink`` (``grad()``), leaves' gradients go there instead of into ``.grad``, and only for its keys."""
    token = silence()  # inf and NaN are results here, as in NumPy and PyTorch
    registry = hooks.HOOKS
    leaves = hooks.hooked_leaves(order) if registry else None  # no call at all while no hook exists
    earlier = [_set_aside(leaf) for leaf in leaves] if leaves and sink is None else []
    while ROOT_SEEDS.seeds:
        leaf, gradient = ROOT_SEEDS.seeds.pop()
        accumulate(leaf, gradient, None)
    try:
        for node in reversed(order):
            rule = node._op
            upstream: Any = node._grad  # the array backward stored, or the Tensor .grad made of it
            if rule is None or upstream is None:
                continue
            if registry and id(node) in registry:
                upstream = node._grad = hooks.run(node, upstream, tensor_record.plain)
            parents = node._parents
            if len(parents) == 1:  # most nodes: no comprehension to build
                needs: tuple[bool, ...] = (parents[0].requires_grad,)
            else:
                needs = tuple([p.requires_grad for p in parents])
            versions = node._versions
            if versions is not None and versions[0] != CLOCK.writes:  # some memory changed since
                check_versions(node, needs)
            if graph_mode:
                if upstream.__class__ is np.ndarray:
                    upstream = tensor_record.plain(upstream)
                grads = rule.vjp(m, upstream, node, parents, needs, node._ctx)
            else:
                if upstream.__class__ is not np.ndarray:
                    upstream = upstream._data
                inputs = (parents[0]._data,) if len(parents) == 1 else tuple([p._data for p in parents])
                grads = rule.vjp(m, upstream, node._data, inputs, needs, node._ctx)
            for parent, parent_grad, need in zip(parents, grads, needs):
                if not need or parent_grad is None:
                    continue
                if sink is not None and not parent._parents:
                    if parent in sink:
                        sink[parent] = add_into(sink[parent], parent, parent_grad, upstream)
                elif (  # the common case, inline: a fresh array of the right kind into an empty slot
                    parent._grad is None
                    and parent_grad.__class__ is np.ndarray
                    and parent_grad.base is None
                    and parent_grad is not upstream
                    and parent_grad.shape == parent._data.shape
                    and parent_grad.dtype == parent._data.dtype
                ):
                    parent._grad = parent_grad
                else:
                    accumulate(parent, parent_grad, upstream)
        if leaves:
            _hook_leaves(leaves, earlier, sink)
    finally:
        restore(token)


def _set_aside(leaf: Tensor) -> Any:
    """A hooked leaf's gradient from before this pass, taken out so the pass's own gradient is hooked
    alone (as PyTorch hooks a leaf's new gradient before adding it to ``.grad``)."""
    held, leaf._grad = leaf._grad, None
    return held


def _hook_leaves(leaves: list[Tensor], earlier: list[Any], sink: dict[Tensor, Any] | None) -> None:
    """Each hooked leaf's gradient of this pass through its hooks, then into ``.grad`` (or the sink)."""
    if sink is not None:
        for leaf in leaves:
            if sink.get(leaf) is not None:
                sink[leaf] = hooks.run(leaf, sink[leaf], tensor_record.plain)
        return
    for leaf, held in zip(leaves, earlier):
        fresh, leaf._grad = leaf._grad, held
        if fresh is not None:
            accumulate(leaf, hooks.run(leaf, fresh, tensor_record.plain), None)


def add_into(held: Any, node: Tensor, grad: Any, upstream: Any) -> Any:
    """``held + grad`` for a gradient kept outside the node (``grad()``'s sink), with accumulate's rules."""
    probe = tensor_record.plain(node._data)
    probe._grad = held
    accumulate(probe, grad, upstream)
    return probe._grad


def grad_array(node: Tensor) -> np.ndarray | None:
    """``node``'s gradient as an array (None if it has none), whether it is held as the array backward
    stored or as the Tensor ``.grad`` made of it on first reading."""
    held = node._grad
    return held if held is None or isinstance(held, np.ndarray) else held._data


def accumulate(node: Tensor, grad: Any, upstream: Any) -> None:
    """Add ``grad`` into ``node._grad``: un-broadcast to its shape, cast to its dtype, never alias. A
    Tensor ``grad`` (create_graph) is reduced with Tensor ops, so the sum stays differentiable; an array
    is kept as an array the node owns (``.grad`` wraps it in a Tensor when first read) and added into in
    place."""
    target = node._data
    if grad.__class__ is not np.ndarray and is_tensor(grad):  # create_graph: a Tensor
        if grad.shape != target.shape:
            grad = grad.sum_to(target.shape)
        if grad.dtype != target.dtype:
            grad = grad.astype(target.dtype)
        node._grad = grad if node._grad is None else grad + node._grad
        return
    if grad.shape != target.shape:
        grad = sum_to(grad, target.shape)
    if grad.dtype != target.dtype:
        grad = grad.astype(target.dtype)
    held = node._grad
    if held is None:
        if not isinstance(grad, np.ndarray):  # NumPy gives a 0-d result as a scalar: make it an array
            node._grad = np.array(grad)
            return
        # own the array: a rule's fresh result (no base) is; a pass-through gradient (add, reshape...) is
        # the upstream array or a view of it, and a broadcast one is read-only: either would break +=
        if grad is upstream or (
            grad.base is not None and (not grad.flags.writeable or np.may_share_memory(grad, upstream))
        ):
            grad = grad.copy()
        node._grad = grad
    elif isinstance(held, np.ndarray):
        held += grad
    else:  # a Tensor .grad (read by the user, or made by create_graph): added into in place, unrecorded,
        held._data += grad  # as PyTorch's AccumulateGrad does outside grad mode
        if held._op is not None:
            increment_version(held, "backward() accumulating into it")


class TensorMath(NodeMath):
    """Rules evaluated on Tensors: ``where`` takes masks (bool Tensors or arrays) as constants."""

    @staticmethod
    def constant(c: float, like: Tensor) -> Tensor:
        return tensor_record.plain(np.asarray(c, dtype=like._data.dtype))

    @staticmethod
    def sign(x: Tensor) -> np.ndarray:
        return np.sign(x._data)

    @staticmethod
    def where(condition: np.ndarray, a: Any, b: Any) -> Tensor:
        return tensor_record.where(condition, a, b)

    @staticmethod
    def matmul(a: Tensor, b: Tensor) -> Tensor:
        return tensor_record.matmul(a, b)

    @staticmethod
    def concatenate(parts: list[Tensor], axis: int) -> Tensor:
        return tensor_record.joined(T.CONCATENATE, parts, axis, "concatenate")

    @staticmethod
    def stack(parts: list[Tensor], axis: int) -> Tensor:
        return tensor_record.joined(T.STACK, parts, axis, "stack")

    @staticmethod
    def softmax_backward(out: Tensor, g: Tensor, axis: int) -> Tensor:
        return out * (g - g.mul(out).sum(axis, True))

    @staticmethod
    def im2col(x: Tensor, window: Any, saved: Any) -> Tensor:
        return tensor_record.apply(C.IM2COL, (x,), window=window)

    @staticmethod
    def col2im(cols: Tensor, window: Any) -> Tensor:
        return tensor_record.apply(C.COL2IM, (cols,), window=window)

    @staticmethod
    def swapaxes(x: Tensor, first: int, second: int) -> Tensor:
        return x.transpose(first, second)

    @staticmethod
    def transpose(x: Tensor, order: tuple[int, ...]) -> Tensor:
        return x.permute(order)

    @staticmethod
    def reshape(x: Tensor, shape: tuple[int, ...]) -> Tensor:
        return x.reshape(shape)

    @staticmethod
    def sum(x: Tensor, axis: Axis = None, keepdims: bool = False) -> Tensor:
        return x.sum(axis, keepdims)

    @staticmethod
    def mean(x: Tensor, axis: Axis = None, keepdims: bool = False) -> Tensor:
        return x.mean(axis, keepdims)

    @staticmethod
    def broadcast_to(x: Tensor, shape: tuple[int, ...]) -> Tensor:
        return x.broadcast_to(shape)

    @staticmethod
    def sum_to(x: Tensor, shape: tuple[int, ...]) -> Tensor:
        return x.sum_to(shape)

    @staticmethod
    def products_of_others(x: Tensor) -> Tensor:
        """For each element along the last axis, the product of the others, as a product over an
        (n, n) grid with ones on the diagonal: every factor stays in the graph, zeros included."""
        eye = np.eye(x.shape[-1], dtype=x._data.dtype)
        grid = x.unsqueeze(-2) * tensor_record.plain(1 - eye) + tensor_record.plain(eye)
        return grid.prod(-1)

    @staticmethod
    def getitem(x: Tensor, index: Any) -> Tensor:
        return tensor_record.getitem(x, index)

    @staticmethod
    def view_steps(x: Tensor, steps: tuple[Any, ...]) -> Tensor:
        for rule, ctx in steps:
            x = tensor_record.apply(rule, (x,), **ctx)
        return x

    @staticmethod
    def put(x: Tensor, value: Any, steps: tuple[Any, ...], index: Any) -> Tensor:
        return tensor_record.apply(T.INDEX_PUT, (x, tensor_record.lift(value, x)), steps=steps, index=index)

    @staticmethod
    def scatter_add(x: Tensor, index: Any, shape: tuple[int, ...], repeats: bool) -> Tensor:
        return tensor_record.apply(T.SCATTER_ADD, (x,), index=index, shape=shape, repeats=repeats)

    @staticmethod
    def softmax(x: Tensor, axis: int) -> Tensor:
        return x.softmax(axis)

    @staticmethod
    def astype(x: Tensor, dtype: Any) -> Tensor:
        return x.astype(dtype)
