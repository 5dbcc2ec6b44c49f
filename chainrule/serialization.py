"""``save`` / ``load`` of nested state (a model's, an optimizer's or a scheduler's state dict, or any mix of
dicts, lists, tuples, Tensors, arrays, numbers, strings, bools and None) to exactly the file name given,
without pickle: a zip of ``.npy`` arrays plus one JSON entry describing the nesting. Loading never runs
code from the file, and writes are atomic."""

from __future__ import annotations

import io
import json
import os
import pickle
import zipfile
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np

from autograd import Tensor
from autograd.files import atomic_write
from autograd.tensor.device import device
from chainrule.torch_files import is_torch_archive, read_torch_archive
from nn.safetensors_file import is_safetensors, load_file, save_file

_STRUCTURE = "__structure__"
_FORMAT = "chainrule-save-1"


MAX_BYTES = 2**31  # the largest array load() reads by default (its header is checked before reading)
MAX_DEPTH = 200  # the deepest nesting save() writes and load() reads
File = str | os.PathLike[str] | BinaryIO


def save(obj: Any, f: File) -> Path | None:
    """Write ``obj`` to the file ``f`` (the name is used as given: ``model.pt`` stays ``model.pt``), or
    into an open binary file object (``io.BytesIO``, ``open(..., "wb")``) as ``torch.save`` does. A
    Tensor or array stored twice is stored once and loads as one object. A ``.safetensors`` name writes
    that format instead: ``obj`` a flat dict of name -> Tensor or array (``chainrule.safetensors``)."""
    if isinstance(f, (str, os.PathLike)) and is_safetensors(f):
        return save_file(obj, f)
    arrays: dict[str, np.ndarray] = {}
    structure = {"format": _FORMAT, "root": _encode(obj, arrays, {}, "obj", 0)}
    arrays[_STRUCTURE] = np.frombuffer(json.dumps(structure).encode(), dtype=np.uint8)
    if hasattr(f, "write"):
        np.savez(f, **arrays)  # type: ignore[arg-type]
        return None
    path = Path(f)
    if path.parent.exists() and not path.parent.is_dir():
        raise NotADirectoryError(f"save: cannot write {path}: {path.parent} is a file, not a directory")
    return atomic_write(path, lambda handle: np.savez(handle, **arrays))  # type: ignore[arg-type]


def load(f: File, map_location: Any = None, weights_only: bool = True, *, max_bytes: int = MAX_BYTES) -> Any:
    """Read what ``save`` wrote, or the weights in a PyTorch ``.pt`` / ``.pth`` file (a state dict: read
    as ``torch.load(weights_only=True)`` reads it, refusing anything but tensors, numbers, strings and
    containers), from a path or an open binary file object. ``map_location`` may name the CPU;
    ``weights_only`` is always true here (nothing but data is ever read, no code run). Any
    problem of the file is a ValueError naming it; an array larger than ``max_bytes`` (2 GiB by
    default) is refused from its header, before memory is allocated. A ``.safetensors`` file gives its
    dict of name -> Tensor (its data is stored as is, never inflated: the file's size bounds the memory)."""
    if map_location is not None and not callable(map_location) and not isinstance(map_location, dict):
        device(map_location)
    source: Path | io.BytesIO
    if hasattr(f, "read"):
        name, source = str(getattr(f, "name", "the file object")), io.BytesIO(f.read())
    else:
        source = Path(f)  # not a file object: a path
        name = str(source)
        if not source.is_file():
            raise FileNotFoundError(f"load: no file at {source}")
        if is_safetensors(source):
            return load_file(source)
    try:
        with zipfile.ZipFile(source) as archive:
            if is_torch_archive(archive):
                return read_torch_archive(archive)
            return _Reader(archive, max_bytes).root()
    except pickle.UnpicklingError as problem:
        raise ValueError(f"load: {name}: a PyTorch file refused: {problem}") from None
    except _Refused as problem:
        raise ValueError(f"load: {name}: {problem}") from None
    except RecursionError:
        raise ValueError(f"load: {name}: the structure is nested too deeply to read") from None
    except (
        zipfile.BadZipFile,
        OSError,
        EOFError,
        ValueError,
        json.JSONDecodeError,
        UnicodeDecodeError,
    ) as error:
        raise ValueError(f"load: {name} is not a readable chainrule.save file ({error})") from error


class _Refused(Exception):
    """What is wrong with a file load() read (it is raised again as a ValueError naming the file)."""


def _encode(obj: Any, arrays: dict[str, np.ndarray], seen: dict[int, Any], where: str, depth: int) -> Any:
    """A JSON-able description of ``obj``; arrays go into ``arrays`` under fresh names, once per object."""
    if depth > MAX_DEPTH:
        raise ValueError(f"save: {where} is nested more than {MAX_DEPTH} levels deep")
    if obj is None or isinstance(obj, (bool, int, float, str)):
        return obj
    if isinstance(obj, (Tensor, np.ndarray, np.generic)):
        if id(obj) in seen:
            return seen[id(obj)]
        array = np.asarray(obj._data if isinstance(obj, Tensor) else obj)
        if array.dtype.hasobject or array.dtype.kind not in "biufc":
            raise TypeError(f"save: {where} has dtype {array.dtype}, which cannot be saved without pickle")
        name = f"a{len(arrays)}"
        arrays[name] = array
        kind = "tensor" if isinstance(obj, Tensor) else "array" if isinstance(obj, np.ndarray) else "scalar"
        entry: dict[str, Any] = {"$": kind, "name": name}
        if isinstance(obj, Tensor) and obj.requires_grad:
            entry["requires_grad"] = True
        seen[id(obj)] = entry
        return entry
    if isinstance(obj, dict):
        items = [
            [
                _encode(k, arrays, seen, where, depth + 1),
                _encode(v, arrays, seen, f"{where}[{k!r}]", depth + 1),
            ]
            for k, v in obj.items()
        ]
        for (key, _), original in zip(items, obj):
            if isinstance(key, dict):
                raise TypeError(
                    f"save: {where} has a key {original!r} that is not a number, string, bool or None"
                )
        return {"$": "dict", "items": items}
    if isinstance(obj, (list, tuple)):
        kind = "list" if isinstance(obj, list) else "tuple"
        items = [_encode(v, arrays, seen, f"{where}[{i}]", depth + 1) for i, v in enumerate(obj)]
        return {"$": kind, "items": items}
    if callable(getattr(obj, "state_dict", None)):
        raise TypeError(
            f"save: {where} is a whole {type(obj).__name__}, which would need pickle: save its state_dict() "
            "instead (torch.save(model.state_dict(), path), then model.load_state_dict(torch.load(path)))"
        )
    raise TypeError(
        f"save: {where} is a {type(obj).__name__}; only dicts, lists, tuples, Tensors, arrays, numbers, "
        "strings, bools and None can be saved (no pickle)"
    )


class _Reader:
    """Decodes a saved file's structure, checking each entry before trusting it, and reads each array
    once (an array stored once and referred to twice loads as one object)."""

    def __init__(self, archive: zipfile.ZipFile, max_bytes: int) -> None:
        self.archive, self.max_bytes = archive, max_bytes
        self.loaded: dict[str, Any] = {}

    def root(self) -> Any:
        member = _STRUCTURE + ".npy"
        if member not in self.archive.namelist():
            raise _Refused(f"not a file written by chainrule.save (no {_STRUCTURE} entry)")
        structure = json.loads(self._array(member, limit=64 * 2**20).tobytes().decode())
        if not isinstance(structure, dict) or structure.get("format") != _FORMAT:
            raise _Refused("an unknown format (not written by chainrule.save)")
        return self.decode(structure.get("root"), 0)

    def decode(self, entry: Any, depth: int) -> Any:
        if depth > MAX_DEPTH:
            raise _Refused(f"the structure is nested more than {MAX_DEPTH} levels deep")
        if entry is None or isinstance(entry, (bool, int, float, str)):
            return entry
        if not isinstance(entry, dict) or not isinstance(entry.get("$"), str):
            raise _Refused(f"a malformed entry {str(entry)[:60]!r}")
        kind = entry["$"]
        if kind in ("dict", "list", "tuple"):
            items = entry.get("items")
            if not isinstance(items, list):
                raise _Refused(f"a {kind} entry without a list of items")
            if kind != "dict":
                values = [self.decode(v, depth + 1) for v in items]
                return values if kind == "list" else tuple(values)
            if not all(isinstance(pair, list) and len(pair) == 2 for pair in items):
                raise _Refused("a dict entry whose items are not [key, value] pairs")
            keys = [self.decode(k, depth + 1) for k, _ in items]
            if not all(k is None or isinstance(k, (bool, int, float, str)) for k in keys):
                raise _Refused("a dict key that is not a number, string, bool or None")
            return {k: self.decode(v, depth + 1) for k, (_, v) in zip(keys, items)}
        if kind not in ("tensor", "array", "scalar") or not isinstance(entry.get("name"), str):
            raise _Refused(f"an unknown entry kind {kind!r}")
        key = f"{kind}:{entry['name']}:{bool(entry.get('requires_grad'))}"
        if key not in self.loaded:
            self.loaded[key] = self._value(kind, entry)
        return self.loaded[key]

    def _value(self, kind: str, entry: dict[str, Any]) -> Any:
        member = entry["name"] + ".npy"
        if member not in self.archive.namelist():
            raise _Refused(f"the array {entry['name']!r} is missing")
        array = self._array(member, self.max_bytes)
        if kind == "array":
            return array
        if kind == "scalar":
            return array[()]
        if entry.get("requires_grad") and array.dtype.kind not in "fc":
            raise _Refused(f"the array {entry['name']!r} of dtype {array.dtype} is marked requires_grad")
        return Tensor(array, requires_grad=bool(entry.get("requires_grad")), dtype=array.dtype)

    def _array(self, member: str, limit: int) -> np.ndarray:
        """One .npy member, its header checked first: numeric dtype, and at most ``limit`` bytes."""
        with self.archive.open(member) as handle:
            version = np.lib.format.read_magic(handle)
            if version == (1, 0):
                shape, fortran, dtype = np.lib.format.read_array_header_1_0(handle)
            else:
                shape, fortran, dtype = np.lib.format.read_array_header_2_0(handle)
            if dtype.hasobject or dtype.kind not in "biufc":
                raise _Refused(f"{member} holds dtype {dtype} (only numbers are read, nothing unpickled)")
            size = int(np.prod(shape, dtype=object)) * dtype.itemsize
            if size > limit:
                raise _Refused(
                    f"{member} declares {size} bytes ({shape}), over the limit of {limit} (max_bytes=)"
                )
            data = handle.read(size)
        if len(data) != size:
            raise _Refused(f"{member} is truncated ({len(data)} of {size} bytes)")
        array = np.frombuffer(data, dtype=dtype).copy()
        return array.reshape(shape, order="F" if fortran else "C")
