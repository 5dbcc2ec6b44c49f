"""Devices, as far as a CPU-only engine has them: ``device("cpu")`` and ``cuda.is_available() -> False``,
so PyTorch scripts that pick a device run unchanged and every Tensor reports the CPU."""

from __future__ import annotations

import builtins
from typing import Any

import numpy as np


class device:
    """The place a Tensor lives: always the CPU here, ``device("cpu")``, ``device("cpu:0")`` or
    ``device("cpu", 0)``. ``device("cuda")`` is refused with the reason."""

    __slots__ = ("index", "type")
    type: str
    index: int | None

    def __init__(self, type: Any = "cpu", index: int | None = None) -> None:
        if isinstance(type, device):
            type, index = type.type, type.index if index is None else index
        name = str(type)
        kind, colon, number = name.partition(":")
        if kind != "cpu":
            raise RuntimeError(
                f"device {name!r}: chainrule runs on the CPU only (pick the device with "
                "`torch.device('cuda' if torch.cuda.is_available() else 'cpu')`, which gives 'cpu' here)"
            )
        if colon:
            if index is not None or not number.isdigit():
                raise RuntimeError(f"Invalid device string: {name!r}")
            index = int(number)
        if index is not None and (isinstance(index, bool) or not isinstance(index, (int, np.integer))):
            raise TypeError(f"device(): argument 'index' must be int, not {builtins.type(index).__name__}")
        if index is not None and index < 0:
            raise RuntimeError(f"Device index must not be negative, got {index}")
        self.type = "cpu"
        self.index = None if index is None else int(index)

    def __eq__(self, other: object) -> bool:
        """Equal to a device of the same type and index; never to a string (``x.device == 'cuda'`` is False,
        and so is ``== 'cpu'``, as in PyTorch: compare ``x.device.type``)."""
        return isinstance(other, device) and (other.type, other.index) == (self.type, self.index)

    def __hash__(self) -> int:
        return hash((self.type, self.index))

    def __repr__(self) -> str:
        return "device(type='cpu')" if self.index is None else f"device(type='cpu', index={self.index})"

    def __str__(self) -> str:
        return "cpu" if self.index is None else f"cpu:{self.index}"


CPU = device("cpu")


def check(spec: Any) -> None:
    """The device a factory is asked for: None or the CPU (any index); anything else refused as
    ``device()`` refuses it."""
    if spec is not None:
        device(spec)


def is_available() -> bool:
    """Whether CUDA can be used: never, in chainrule (``torch.cuda.is_available()``)."""
    return False


def to_arguments(args: tuple[Any, ...], kwargs: dict[str, Any]) -> np.dtype | None:
    """The dtype asked for by ``to(...)`` in any of PyTorch's forms: ``to(dtype)``, ``to(device)``,
    ``to(device, dtype)``, ``to(other_tensor)``, ``to(dtype=..., device=...)``; None keeps the dtype.
    Devices are checked (only the CPU exists) and otherwise ignored."""
    dtype = kwargs.pop("dtype", None)
    if "device" in kwargs:
        device(kwargs.pop("device"))
    kwargs.pop("non_blocking", None)
    kwargs.pop("copy", None)
    if kwargs:
        raise TypeError(f"to() got unexpected arguments: {', '.join(kwargs)}")
    for arg in args:
        if isinstance(arg, (str, device)):
            device(arg)
        elif isinstance(getattr(arg, "_data", None), np.ndarray):
            dtype = arg.dtype
        else:
            try:
                dtype = np.dtype(arg)
            except TypeError as error:
                raise TypeError(f"to(): expected a dtype, a device or a Tensor, got {arg!r}") from error
    return None if dtype is None else np.dtype(dtype)
