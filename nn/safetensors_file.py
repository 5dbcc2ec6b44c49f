"""safetensors files, the weights format PyTorch and Hugging Face load without pickle: an 8-byte
little-endian header length, a JSON header giving each tensor's dtype, shape and byte range, then the bytes.

Written here rather than taken from the ``safetensors`` package: the format is a page long, the core stays
numpy + graphviz, and reading it ourselves lets every size a hostile header declares be checked against
the file's real size before anything is allocated. (The package is the tests' reference, both ways.)"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, BinaryIO, NamedTuple

import numpy as np

from autograd import Tensor
from autograd.files import atomic_write

SUFFIX = ".safetensors"
HEADER_LIMIT = 100_000_000  # the largest JSON header read, in bytes (the reference reader's cap)
_WRITTEN = {"F64": "<f8", "F32": "<f4", "F16": "<f2", "I64": "<i8", "I32": "<i4", "I16": "<i2", "I8": "i1",
            "U64": "<u8", "U32": "<u4", "U16": "<u2", "U8": "u1", "BOOL": "?"}  # fmt: skip
_READ = {**_WRITTEN, "BF16": "<u2"}  # bfloat16 is read as its bits, then widened to float32 exactly
_NAMES = {np.dtype(code): name for name, code in _WRITTEN.items()}


class Entry(NamedTuple):
    """One tensor of a file's header: its dtype name, shape and byte range in the data buffer."""

    dtype: str
    shape: tuple[int, ...]
    begin: int
    end: int


class Header(NamedTuple):
    """A checked header: the entries by name, the ``__metadata__`` strings, and where the data starts."""

    entries: dict[str, Entry]
    metadata: dict[str, str]
    start: int


class _Invalid(Exception):
    """What is wrong with a file (raised again as a ValueError naming it)."""


def is_safetensors(path: str | os.PathLike[str]) -> bool:
    """Whether ``path``'s name ends in ``.safetensors``: the suffix that picks this format over ``.npz``."""
    return Path(path).suffix.lower() == SUFFIX


def save_file(
    tensors: Mapping[str, Any], filename: str | os.PathLike[str], metadata: Mapping[str, str] | None = None
) -> Path:
    """Write a flat dict of name -> Tensor or array (and optional string metadata) as ``safetensors``'s
    ``save_file`` does, atomically: a failed save leaves no file behind."""
    arrays = _arrays(tensors)
    if metadata is not None and not (
        isinstance(metadata, Mapping) and all(isinstance(v, str) for v in [*metadata, *metadata.values()])
    ):
        raise TypeError(f"safetensors: metadata must map strings to strings, got {metadata!r}")
    header: dict[str, Any] = {"__metadata__": dict(metadata)} if metadata else {}
    position = 0
    order = sorted(arrays, key=lambda name: (-arrays[name].itemsize, name))  # each tensor aligned to its size
    for name in order:
        array = arrays[name]
        header[name] = {
            "dtype": _NAMES[array.dtype],
            "shape": list(array.shape),
            "data_offsets": [position, position + array.nbytes],
        }
        position += array.nbytes
    text = json.dumps(header, sort_keys=True, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)  # the data starts 8-byte aligned, as the reference writer pads it

    def write(handle: BinaryIO) -> None:
        handle.write(len(text).to_bytes(8, "little") + text)
        for name in order:
            handle.write(arrays[name].tobytes())

    return atomic_write(filename, write)


def _arrays(tensors: Mapping[str, Any]) -> dict[str, np.ndarray]:
    """``tensors`` as little-endian C-ordered arrays by name, refusing what the format cannot hold."""
    if not isinstance(tensors, Mapping):
        raise TypeError(f"a safetensors file holds a dict of name -> Tensor, not a {type(tensors).__name__}")
    arrays = {}
    for name, value in tensors.items():
        if not isinstance(name, str) or name == "__metadata__":
            raise TypeError(f"safetensors: {name!r} cannot name a tensor (a string other than __metadata__)")
        if not isinstance(value, (Tensor, np.ndarray)):
            raise TypeError(f"safetensors: {name!r} is a {type(value).__name__}, not a Tensor or an array")
        array = value.numpy() if isinstance(value, Tensor) else value
        little = array.dtype.newbyteorder("<")
        if little not in _NAMES:
            raise TypeError(
                f"safetensors: {name!r} has dtype {array.dtype}, which the files here do not hold "
                f"(only {', '.join(str(d) for d in _NAMES)})"
            )
        arrays[name] = np.asarray(array, dtype=little, order="C")  # (ascontiguousarray makes 0-d 1-d)
    return arrays


def load_file(filename: str | os.PathLike[str]) -> dict[str, Tensor]:
    """Every tensor of a safetensors file, by name, as ``safetensors.torch.load_file`` gives them (BF16
    as float32). A ValueError naming the file says what is wrong with it, before any data is read."""
    path = Path(filename)
    header = read_header(path)
    arrays = read_arrays(path, header, sorted(header.entries))
    return {name: Tensor(array, dtype=array.dtype) for name, array in arrays.items()}


def read_header(path: Path) -> Header:
    """The checked header of ``path``: every entry well formed, and the byte ranges tiling the data
    exactly, all checked against the file's real size; else a ValueError naming the file."""
    try:
        with open(path, "rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            if size < 8:
                raise _Invalid(f"it has {size} bytes, fewer than the 8 that give the header's length")
            length = int.from_bytes(handle.read(8), "little")
            if length > HEADER_LIMIT:
                raise _Invalid(f"the header declares {length} bytes, over the limit of {HEADER_LIMIT}")
            if length > size - 8:
                raise _Invalid(f"the header declares {length} bytes, but only {size - 8} follow")
            raw = handle.read(length)
        return _parse(raw, size - 8 - length)
    except _Invalid as problem:
        raise ValueError(f"{path} is not a valid safetensors file: {problem}") from None


def read_arrays(path: Path, header: Header, names: list[str]) -> dict[str, np.ndarray]:
    """The tensors ``names`` of ``path`` as native arrays (``header`` is ``read_header``'s)."""
    arrays = {}
    with open(path, "rb") as handle:
        for name in names:
            entry = header.entries[name]
            raw = np.empty(entry.end - entry.begin, np.uint8)
            handle.seek(header.start + entry.begin)
            if handle.readinto(raw.data) != raw.size:
                raise ValueError(f"{path} is not a valid safetensors file: it ends inside {name!r}")
            arrays[name] = _decode(raw, entry)
    return arrays


def _decode(raw: np.ndarray, entry: Entry) -> np.ndarray:
    """The bytes of one entry as an array of its dtype and shape."""
    if entry.dtype == "BF16":  # the top half of a float32: shifting the bits back is exact
        return (raw.view("<u2").astype(np.uint32) << 16).view(np.float32).reshape(entry.shape)
    if entry.dtype == "BOOL":
        return raw.astype(bool).reshape(entry.shape)  # any non-zero byte is True
    dtype = np.dtype(_READ[entry.dtype])
    return raw.view(dtype).astype(dtype.newbyteorder("="), copy=False).reshape(entry.shape)


def _parse(raw: bytes, data_size: int) -> Header:
    """The header's JSON checked, entry by entry, and against a data buffer of ``data_size`` bytes."""
    try:
        header = json.loads(raw.decode("utf-8"), object_pairs_hook=_no_repeats)
    except UnicodeDecodeError as error:
        raise _Invalid(f"the header is not UTF-8 ({error})") from None
    except ValueError as error:
        raise _Invalid(f"the header is not JSON ({error})") from None
    except RecursionError:
        raise _Invalid("the header nests JSON too deeply to be a safetensors header") from None
    if not isinstance(header, dict):
        raise _Invalid(f"the header is a JSON {type(header).__name__}, not an object")
    metadata = header.pop("__metadata__", {})
    if not isinstance(metadata, dict) or not all(isinstance(v, str) for v in metadata.values()):
        raise _Invalid("__metadata__ is not an object of strings")
    entries = {name: _entry(name, value) for name, value in header.items()}
    position = 0
    for name, entry in sorted(entries.items(), key=lambda item: (item[1].begin, item[1].end)):
        if entry.begin < position:
            raise _Invalid(f"{name!r} overlaps the tensor before it (it starts at byte {entry.begin})")
        if entry.begin > position:
            raise _Invalid(f"bytes {position} to {entry.begin} of the data, before {name!r}, belong to none")
        if entry.end > data_size:
            raise _Invalid(f"{name!r} ends at byte {entry.end}, past the {data_size} bytes of data")
        position = entry.end
    if position != data_size:
        raise _Invalid(f"bytes {position} to {data_size} of the data, after the last tensor, belong to none")
    return Header(entries, metadata, len(raw) + 8)


def _no_repeats(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object, refusing a name given twice (json keeps the last silently)."""
    names = [name for name, _ in pairs]
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise _Invalid(f"the header names {', '.join(repeated)} more than once")
    return dict(pairs)


def _entry(name: str, value: Any) -> Entry:
    """One tensor's description, checked: known dtype, a shape of counts, offsets in order whose byte
    length is what the dtype and shape need."""
    if not isinstance(value, dict):
        raise _Invalid(f"the entry {name!r} is not an object")
    missing = [key for key in ("dtype", "shape", "data_offsets") if key not in value]
    if missing:
        raise _Invalid(f"the entry {name!r} has no {', '.join(missing)}")
    dtype, shape, offsets = value["dtype"], value["shape"], value["data_offsets"]
    if not isinstance(dtype, str) or dtype not in _READ:
        raise _Invalid(f"{name!r} has dtype {dtype!r}, which is not read here (only {', '.join(_READ)})")
    if not isinstance(shape, list) or not all(_is_count(d) for d in shape):
        raise _Invalid(f"{name!r} has shape {shape!r}, not a list of non-negative integers")
    if not (isinstance(offsets, list) and len(offsets) == 2 and all(_is_count(o) for o in offsets)):
        raise _Invalid(f"{name!r} has data_offsets {offsets!r}, not two non-negative integers")
    begin, end = offsets
    if end < begin:
        raise _Invalid(f"{name!r} has reversed data_offsets [{begin}, {end}]")
    needed = math.prod(shape) * np.dtype(_READ[dtype]).itemsize
    if end - begin != needed:
        raise _Invalid(f"{name!r} has {end - begin} bytes, but {dtype} of shape {shape} needs {needed}")
    return Entry(dtype, tuple(shape), begin, end)


def _is_count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0
