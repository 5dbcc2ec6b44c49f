"""``save`` / ``load`` of nested state (a model's, an optimizer's or a scheduler's state dict, or any mix of
dicts, lists, tuples, Tensors, arrays, numbers, strings, bools and None) to exactly the file name given,
without pickle: a zip of ``.npy`` arrays plus one JSON entry describing the nesting. Loading never runs
code from the file, and writes are atomic."""

from __future__ import annotations

import json
import os
import zipfile
from pathlib import Path
from typing import Any

import numpy as np

from autograd._files import atomic_write
from autograd.device import device
from autograd.tensor import Tensor

_STRUCTURE = "__structure__"
_FORMAT = "chainrule-save-1"


def save(obj: Any, f: str | os.PathLike[str]) -> Path:
    """Write ``obj`` to the file ``f`` (the name is used as given: ``model.pt`` stays ``model.pt``)."""
    arrays: dict[str, np.ndarray] = {}
    structure = {"format": _FORMAT, "root": _encode(obj, arrays, "obj")}
    payload = np.frombuffer(json.dumps(structure).encode(), dtype=np.uint8)
    arrays[_STRUCTURE] = payload
    return atomic_write(f, lambda handle: np.savez(handle, **arrays))  # type: ignore[arg-type]


def load(f: str | os.PathLike[str], map_location: Any = None, weights_only: bool = True) -> Any:
    """Read what ``save`` wrote. ``map_location`` may name the CPU; ``weights_only`` is always true here
    (nothing but data is ever read)."""
    if map_location is not None and not callable(map_location) and not isinstance(map_location, dict):
        device(map_location)
    path = Path(f)
    if not path.is_file():
        raise FileNotFoundError(f"load: no file at {path}")
    if not zipfile.is_zipfile(path):
        raise ValueError(f"load: {path} is not a readable chainrule.save file (not a zip archive)")
    try:
        with np.load(path, allow_pickle=False) as archive:
            if _STRUCTURE not in archive.files:
                raise ValueError(
                    f"load: {path} is not a file written by chainrule.save (no {_STRUCTURE} entry)"
                )
            structure = json.loads(archive[_STRUCTURE].tobytes().decode())
            if structure.get("format") != _FORMAT:
                raise ValueError(f"load: {path} has an unknown format {structure.get('format')!r}")
            return _decode(structure["root"], archive)
    except (zipfile.BadZipFile, OSError, json.JSONDecodeError, UnicodeDecodeError, KeyError) as error:
        raise ValueError(f"load: {path} is not a readable chainrule.save file ({error})") from error


def _encode(obj: Any, arrays: dict[str, np.ndarray], where: str) -> Any:
    """A JSON-able description of ``obj``; arrays go into ``arrays`` under fresh names."""
    if obj is None or isinstance(obj, (bool, int, float, str)):
        return obj
    if isinstance(obj, (Tensor, np.ndarray, np.generic)):
        array = np.asarray(obj._data if isinstance(obj, Tensor) else obj)
        if array.dtype.hasobject or array.dtype.kind not in "biufc":
            raise TypeError(f"save: {where} has dtype {array.dtype}, which cannot be saved without pickle")
        name = f"a{len(arrays)}"
        arrays[name] = array
        kind = "tensor" if isinstance(obj, Tensor) else "array" if isinstance(obj, np.ndarray) else "scalar"
        entry: dict[str, Any] = {"$": kind, "name": name}
        if isinstance(obj, Tensor) and obj.requires_grad:
            entry["requires_grad"] = True
        return entry
    if isinstance(obj, dict):
        items = [[_encode(k, arrays, where), _encode(v, arrays, f"{where}[{k!r}]")] for k, v in obj.items()]
        for (key, _), original in zip(items, obj):
            if isinstance(key, dict):
                raise TypeError(
                    f"save: {where} has a key {original!r} that is not a number, string, bool or None"
                )
        return {"$": "dict", "items": items}
    if isinstance(obj, (list, tuple)):
        kind = "list" if isinstance(obj, list) else "tuple"
        return {"$": kind, "items": [_encode(v, arrays, f"{where}[{i}]") for i, v in enumerate(obj)]}
    raise TypeError(
        f"save: {where} is a {type(obj).__name__}; only dicts, lists, tuples, Tensors, arrays, numbers, "
        "strings, bools and None can be saved (no pickle)"
    )


def _decode(entry: Any, archive: Any) -> Any:
    if not isinstance(entry, dict):
        return entry
    kind = entry["$"]
    if kind == "dict":
        return {_decode(k, archive): _decode(v, archive) for k, v in entry["items"]}
    if kind in ("list", "tuple"):
        items = [_decode(v, archive) for v in entry["items"]]
        return items if kind == "list" else tuple(items)
    array = archive[entry["name"]]
    if kind == "tensor":
        return Tensor(array, requires_grad=entry.get("requires_grad", False), dtype=array.dtype)
    if kind == "array":
        return array
    if kind == "scalar":
        return array[()]
    raise ValueError(f"unknown entry kind {kind!r}")
