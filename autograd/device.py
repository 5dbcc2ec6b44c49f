"""Devices, as far as a CPU-only engine has them: ``device("cpu")`` and ``cuda.is_available() -> False``,
so PyTorch scripts that pick a device run unchanged and every Tensor reports the CPU."""

from __future__ import annotations

from typing import Any

import numpy as np


class device:
    """The place a Tensor lives: always the CPU here. ``device("cuda")`` is refused with the reason."""

    __slots__ = ("type",)
    type: str

    def __init__(self, spec: Any = "cpu") -> None:
        name = str(spec)
        if name.split(":")[0] != "cpu":
            raise RuntimeError(
                f"device {name!r}: chainrule runs on the CPU only (pick the device with "
                "`torch.device('cuda' if torch.cuda.is_available() else 'cpu')`, which gives 'cpu' here)"
            )
        self.type = "cpu"

    def __eq__(self, other: object) -> bool:
        """Equal to another device of the same type; never to a string (``x.device == 'cuda'`` is False,
        and so is ``== 'cpu'``, as in PyTorch: compare ``x.device.type``)."""
        return isinstance(other, device) and other.type == self.type

    def __hash__(self) -> int:
        return hash(self.type)

    def __repr__(self) -> str:
        return "device(type='cpu')"

    def __str__(self) -> str:
        return "cpu"


CPU = device("cpu")


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
