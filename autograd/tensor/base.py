"""What every Tensor is made of, in a leaf module: the slots (``TensorBase``) and the one way the
engine's parts make a Tensor around an array (``plain``). The parts (recording, backward, the method
mixins) import this, never the assembled class, so the package has no import circle; ``core`` assembles
``Tensor`` from the parts and registers it here (tinygrad's mixins work the same way)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeGuard

import numpy as np

if TYPE_CHECKING:
    from autograd.tensor.core import Tensor


class TensorBase:
    """The state of a Tensor node; ``isinstance(x, TensorBase)`` is how the parts recognise one."""

    __slots__ = {
        "__weakref__": None,
        "_ctx": "the op's constants (axes, shapes...) its backward needs",
        "_data": "the values: a NumPy array (shared, not copied, by ``numpy()``)",
        "_epoch": "the rebase clock's tick when the op was recorded (see ``versions``)",
        "_grad": "the gradient behind ``grad``",
        "_op": "the rule that made this Tensor (None for a leaf)",
        "_parents": "the op's input Tensors",
        "_rebases": "this Tensor's earlier places in the graph, before in-place ops (None if none)",
        "_vc": "the version counter shared with views and detach() (None until first needed)",
        "_versions": "the write clock and the versions of the values the op's backward reads, when it ran",
        "_view": "for a view: its base and the view ops from it (None for a Tensor that owns its memory)",
        "label": "a name for pictures of the graph",
        "requires_grad": "whether backward() computes a gradient for this Tensor",
    }

    _data: np.ndarray
    _grad: Any
    _ctx: Any
    _epoch: int
    _op: Any
    _parents: tuple[Tensor, ...]
    _rebases: list[tuple[int, Tensor]] | None
    _vc: Any
    _versions: tuple[int, tuple[int, ...]] | None
    _view: Any
    label: str
    requires_grad: bool

    @property
    def shape(self) -> tuple[int, ...]:
        """The size of each dimension (a tuple, as ``size()``)."""
        return self._data.shape

    @property
    def ndim(self) -> int:
        """The number of dimensions (as ``dim()``)."""
        return self._data.ndim

    @property
    def dtype(self) -> np.dtype:
        """The NumPy dtype of the data (float32 by default, int64 for labels, bool for masks)."""
        return self._data.dtype


def is_tensor(value: Any) -> TypeGuard[Tensor]:
    """Whether ``value`` is a Tensor (for the type checker too, which knows the assembled class)."""
    return isinstance(value, TensorBase)


_assembled: Any = None  # the Tensor class, once autograd.tensor.core has built it


def register(tensor_class: type[TensorBase]) -> None:
    """Called once by ``core`` with the assembled ``Tensor``: the class ``plain`` makes."""
    global _assembled
    _assembled = tensor_class


def plain(data: Any) -> Tensor:
    """A Tensor around ``data`` as it is (no copy, no checks) outside any graph: gradients, masks, the
    results of integer and boolean ops."""
    out = _assembled.__new__(_assembled)
    out._data = data if type(data) is np.ndarray else np.asarray(data)
    out._grad = None
    out.label = ""
    out.requires_grad = False
    out._parents = ()
    out._op = None
    out._ctx = ()
    out._versions = None
    out._vc = None
    out._epoch = 0
    out._rebases = None
    out._view = None
    return out
