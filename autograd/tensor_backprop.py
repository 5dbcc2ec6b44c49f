"""The Tensor engine's backward pass: children before parents, each node's rule turns its gradient into
its inputs' gradients, on arrays (``ArrayMath``) or, for ``create_graph``, on Tensors (``TensorMath``);
broadcasting is undone and gradients are added up in exactly one place, ``accumulate``."""

from __future__ import annotations

from typing import Any

import numpy as np

from autograd import conv_rules as C
from autograd import tensor  # a cycle: tensor's backward hooks call this module; names are read at call time
from autograd import tensor_rules as T
from autograd.axes import Axis
from autograd.spaces import NodeMath, sum_to


def propagate(order: list[tensor.Tensor], m: Any, graph_mode: bool) -> None:
    with np.errstate(all="ignore"):  # inf and NaN are results here, as in NumPy and PyTorch
        for node in reversed(order):
            rule, held = node._op, node._grad
            if rule is None or held is None:
                continue
            grad = held if graph_mode else held.data
            parents = node._parents
            if node._versions is not None:
                check_versions(node, parents)
            needs = tuple(p.requires_grad for p in parents)
            if graph_mode:
                grads = rule.vjp(m, grad, node, parents, needs, node._ctx)
            else:
                grads = rule.vjp(m, grad, node.data, tuple(p.data for p in parents), needs, node._ctx)
            for parent, parent_grad, need in zip(parents, grads, needs):
                if need and parent_grad is not None:
                    accumulate(parent, parent_grad, grad)


def check_versions(node: tensor.Tensor, parents: tuple[tensor.Tensor, ...]) -> None:
    """The values an op's backward reads (its inputs and output) must be those it computed with."""
    recorded: tuple[int, ...] = node._versions or ()
    changed = [
        (f"input {i}", p, then) for i, (p, then) in enumerate(zip(parents, recorded)) if p._version != then
    ]
    if node._version:
        changed.append(("output", node, 0))
    if changed:
        what, tensor, then = changed[0]
        raise RuntimeError(
            f"backward(): {what} (shape {tensor.shape}) of '{node.op}' was changed in place after the op "
            f"used it (version {tensor._version}, recorded {then}); its gradient would be wrong. That "
            "happens e.g. with optimizer.step() between two backward() calls over one graph: compute the "
            "forward pass again after changing the weights. (Writes to the raw .data array are not tracked.)"
        )


def accumulate(node: tensor.Tensor, grad: Any, upstream: Any) -> None:
    """Add ``grad`` into ``node._grad`` (a Tensor, as in PyTorch): un-broadcast to its shape, cast to its
    dtype, never alias. A Tensor ``grad`` (create_graph) is reduced with Tensor ops, so the sum stays
    differentiable; an array is added in place into the plain Tensor that holds it."""
    target = node.data
    if isinstance(grad, tensor.Tensor):
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
        # own the array: a pass-through gradient (add, reshape...) is the upstream array or a view of
        # it, and a broadcast one is read-only; either would break the in-place += below
        if not grad.flags.writeable or (upstream is not None and np.may_share_memory(grad, upstream)):
            grad = grad.copy()
        node._grad = tensor.plain(grad)
    elif held._op is not None or held.requires_grad:
        node._grad = held + tensor.plain(grad)  # a recorded gradient is never changed in place
    else:
        held.data += grad


class TensorMath(NodeMath):
    """Rules evaluated on Tensors: ``where`` takes masks (bool Tensors or arrays) as constants."""

    @staticmethod
    def sign(x: tensor.Tensor) -> np.ndarray:
        return np.sign(x.data)

    @staticmethod
    def where(condition: np.ndarray, a: Any, b: Any) -> tensor.Tensor:
        return tensor.where(condition, a, b)

    @staticmethod
    def matmul(a: tensor.Tensor, b: tensor.Tensor) -> tensor.Tensor:
        return tensor.matmul(a, b)

    @staticmethod
    def concatenate(parts: list[tensor.Tensor], axis: int) -> tensor.Tensor:
        return tensor.joined(T.CONCATENATE, parts, axis, "concatenate")

    @staticmethod
    def stack(parts: list[tensor.Tensor], axis: int) -> tensor.Tensor:
        return tensor.joined(T.STACK, parts, axis, "stack")

    @staticmethod
    def im2col(x: tensor.Tensor, window: Any, saved: Any) -> tensor.Tensor:
        return tensor.apply(C.IM2COL, (x,), window=window)

    @staticmethod
    def col2im(cols: tensor.Tensor, window: Any) -> tensor.Tensor:
        return tensor.apply(C.COL2IM, (cols,), window=window)

    @staticmethod
    def swapaxes(x: tensor.Tensor, first: int, second: int) -> tensor.Tensor:
        return x.transpose(first, second)

    @staticmethod
    def transpose(x: tensor.Tensor, order: tuple[int, ...]) -> tensor.Tensor:
        return x.permute(order)

    @staticmethod
    def reshape(x: tensor.Tensor, shape: tuple[int, ...]) -> tensor.Tensor:
        return x.reshape(shape)

    @staticmethod
    def sum(x: tensor.Tensor, axis: Axis = None, keepdims: bool = False) -> tensor.Tensor:
        return x.sum(axis, keepdims)

    @staticmethod
    def mean(x: tensor.Tensor, axis: Axis = None, keepdims: bool = False) -> tensor.Tensor:
        return x.mean(axis, keepdims)

    @staticmethod
    def broadcast_to(x: tensor.Tensor, shape: tuple[int, ...]) -> tensor.Tensor:
        return x.broadcast_to(shape)

    @staticmethod
    def sum_to(x: tensor.Tensor, shape: tuple[int, ...]) -> tensor.Tensor:
        return x.sum_to(shape)

    @staticmethod
    def getitem(x: tensor.Tensor, index: Any) -> tensor.Tensor:
        return tensor.getitem(x, index)

    @staticmethod
    def scatter_add(x: tensor.Tensor, index: Any, shape: tuple[int, ...], repeats: bool) -> tensor.Tensor:
        return tensor.apply(T.SCATTER_ADD, (x,), index=index, shape=shape, repeats=repeats)

    @staticmethod
    def softmax(x: tensor.Tensor, axis: int) -> tensor.Tensor:
        return x.softmax(axis)

    @staticmethod
    def astype(x: tensor.Tensor, dtype: Any) -> tensor.Tensor:
        return x.astype(dtype)
