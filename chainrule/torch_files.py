"""Reading a PyTorch ``.pt`` / ``.pth`` file of weights (a state dict, or any nesting of dicts, lists,
tuples and Tensors) as ``torch.load(weights_only=True)`` does: the pickle inside is read by an unpickler
that knows only the records weights need (``OrderedDict``, ``_rebuild_tensor_v2``, ``_rebuild_parameter``,
the typed storages) and refuses every other global by name, so loading never runs code from the file.
The tensors' bytes come from the archive's ``data/`` entries, checked against their declared sizes."""

from __future__ import annotations

import collections
import io
import pickle
import zipfile
from typing import Any

import numpy as np

from autograd import Tensor

STORAGE_DTYPES = {
    "FloatStorage": np.float32,
    "DoubleStorage": np.float64,
    "HalfStorage": np.float16,
    "LongStorage": np.int64,
    "IntStorage": np.int32,
    "ShortStorage": np.int16,
    "CharStorage": np.int8,
    "ByteStorage": np.uint8,
    "BoolStorage": np.bool_,
}


class _Storage:
    """A typed storage's declared dtype (what the pickle names as ``torch.FloatStorage``...)."""

    def __init__(self, name: str) -> None:
        self.dtype = np.dtype(STORAGE_DTYPES[name])


def _rebuild_tensor(
    storage: np.ndarray, offset: int, size: tuple[int, ...], stride: tuple[int, ...], *_: Any
) -> Tensor:
    """``torch._utils._rebuild_tensor_v2``: a view of the storage by offset, size and stride, copied
    (a stride that reads past the storage is refused)."""
    shape, strides = tuple(int(n) for n in size), tuple(int(s) for s in stride)
    if any(n < 0 for n in shape) or any(s < 0 for s in strides) or len(shape) != len(strides):
        raise pickle.UnpicklingError(f"a tensor of size {size} and stride {stride} is malformed")
    last = offset + sum((n - 1) * s for n, s in zip(shape, strides)) if all(shape) else offset - 1
    if offset < 0 or last >= len(storage):
        raise pickle.UnpicklingError(
            f"a tensor of size {size} reads past its storage of {len(storage)} items"
        )
    view = np.lib.stride_tricks.as_strided(
        storage[offset:], shape, tuple(s * storage.itemsize for s in strides), writeable=False
    )
    return Tensor(np.array(view), dtype=storage.dtype)


def _rebuild_parameter(data: Tensor, requires_grad: bool, *_: Any) -> Tensor:
    """``torch._utils._rebuild_parameter``: the Tensor, marked to require grad when it did."""
    return data.requires_grad_(bool(requires_grad)) if data.dtype.kind == "f" else data


ALLOWED: dict[tuple[str, str], Any] = {
    ("collections", "OrderedDict"): collections.OrderedDict,
    ("torch._utils", "_rebuild_tensor_v2"): _rebuild_tensor,
    ("torch._utils", "_rebuild_parameter"): _rebuild_parameter,
    **{("torch", name): (lambda name=name: _Storage(name)) for name in STORAGE_DTYPES},
}


class _WeightsUnpickler(pickle.Unpickler):
    """Knows only the globals in ``ALLOWED``; storages are read from the archive by their keys."""

    def __init__(self, data: bytes, archive: zipfile.ZipFile, folder: str) -> None:
        super().__init__(io.BytesIO(data))
        self.archive, self.folder = archive, folder
        self.storages: dict[str, np.ndarray] = {}

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) not in ALLOWED:
            raise pickle.UnpicklingError(
                f"{module}.{name} is not weights (only tensors, numbers, strings and containers are read)"
            )
        found = ALLOWED[(module, name)]
        return found() if module == "torch" else found

    def persistent_load(self, pid: Any) -> np.ndarray:
        if not (isinstance(pid, tuple) and len(pid) == 5 and pid[0] == "storage"):
            raise pickle.UnpicklingError(f"an unknown persistent record {str(pid)[:60]!r}")
        _, kind, key, _location, numel = pid
        if not isinstance(kind, _Storage) or not isinstance(key, str) or not isinstance(numel, int):
            raise pickle.UnpicklingError(f"a malformed storage record {str(pid)[:60]!r}")
        if key not in self.storages:
            member = f"{self.folder}/data/{key}"
            if member not in self.archive.namelist():
                raise pickle.UnpicklingError(f"the storage {key!r} is missing from the archive")
            if self.archive.getinfo(member).file_size != numel * kind.dtype.itemsize:
                raise pickle.UnpicklingError(f"the storage {key!r} does not hold {numel} {kind.dtype} items")
            raw = self.archive.read(member)
            self.storages[key] = np.frombuffer(raw, dtype=kind.dtype.newbyteorder("<")).astype(kind.dtype)
        return self.storages[key]


def is_torch_archive(archive: zipfile.ZipFile) -> bool:
    """Whether a zip is PyTorch's serialization format (one folder holding ``data.pkl``)."""
    return any(name.endswith("/data.pkl") and name.count("/") == 1 for name in archive.namelist())


def read_torch_archive(archive: zipfile.ZipFile) -> Any:
    """The weights a PyTorch archive holds, with PyTorch's Tensors as chainrule's."""
    (member,) = [name for name in archive.namelist() if name.endswith("/data.pkl") and name.count("/") == 1]
    folder = member.partition("/")[0]
    byteorder = f"{folder}/byteorder"
    if byteorder in archive.namelist() and archive.read(byteorder).strip() != b"little":
        raise pickle.UnpicklingError("a big-endian PyTorch file (only little-endian ones are read)")
    return _WeightsUnpickler(archive.read(member), archive, folder).load()
