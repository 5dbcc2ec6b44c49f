"""Reader for the IDX format that MNIST ships in (raw or gzip), checking the header against the data."""

from __future__ import annotations

import gzip
import math
import os
import zlib
from pathlib import Path

import numpy as np

# The third byte of the magic number names the element type; values are big-endian.
IDX_TYPES = {0x08: ">u1", 0x09: ">i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}
MAX_BYTES = 1 << 32  # 4 GiB: far above any IDX data set, far below what a forged header can claim


class IDXError(ValueError):
    """A file that is not valid IDX: the message names the file and what is wrong with it."""


def _read_bytes(path: Path) -> bytes:
    """The file's bytes, gunzipped in chunks so a small forged .gz cannot inflate past MAX_BYTES."""
    with path.open("rb") as handle:
        compressed = handle.read(2) == b"\x1f\x8b"
    if not compressed:
        return path.read_bytes()
    chunks, total = [], 0
    try:
        with gzip.open(path, "rb") as stream:
            while chunk := stream.read(1 << 20):
                total += len(chunk)
                if total > MAX_BYTES:
                    raise IDXError(f"{path}: inflates to more than {MAX_BYTES} bytes; refused")
                chunks.append(chunk)
    except (OSError, EOFError, zlib.error) as error:
        raise IDXError(f"{path}: the gzip stream is damaged or truncated ({error})") from error
    return b"".join(chunks)


def read_idx(path: str | os.PathLike[str]) -> np.ndarray:
    """The array stored in an IDX file (``.gz`` or not), in native byte order."""
    location = Path(path)
    if not location.is_file():
        raise FileNotFoundError(f"no IDX file at {location}")
    data = _read_bytes(location)
    if len(data) < 4:
        raise IDXError(f"{location}: {len(data)} bytes is too short for an IDX header")
    if data[0] != 0 or data[1] != 0:
        raise IDXError(f"{location}: not an IDX file (magic starts {data[:2].hex()}, expected 0000)")
    type_code, ndim = data[2], data[3]
    if type_code not in IDX_TYPES:
        raise IDXError(f"{location}: unknown IDX element type 0x{type_code:02x}")
    if ndim == 0:
        raise IDXError(f"{location}: IDX header declares 0 dimensions")
    header_size = 4 + 4 * ndim
    if len(data) < header_size:
        raise IDXError(
            f"{location}: truncated header ({len(data)} bytes, {header_size} needed for {ndim} dims)"
        )
    shape = tuple(int(n) for n in np.frombuffer(data, ">u4", count=ndim, offset=4))
    dtype = np.dtype(IDX_TYPES[type_code])
    expected = math.prod(shape) * dtype.itemsize  # Python ints: a forged header cannot wrap around
    actual = len(data) - header_size
    if actual != expected:
        problem = "truncated" if actual < expected else "has trailing bytes"
        raise IDXError(f"{location}: data {problem}: shape {shape} needs {expected} bytes, found {actual}")
    array = np.frombuffer(data, dtype, offset=header_size).reshape(shape)
    return array.astype(dtype.newbyteorder("="))


def write_idx(path: str | os.PathLike[str], array: np.ndarray) -> Path:
    """Write an array as IDX (gzip when the name ends in .gz), atomically. Used to make test files."""
    from autograd.files import atomic_write_bytes

    codes = {np.dtype(v).newbyteorder("="): k for k, v in IDX_TYPES.items()}
    native = np.dtype(array.dtype).newbyteorder("=")
    if native not in codes:
        raise TypeError(f"IDX cannot store dtype {array.dtype}")
    if array.ndim == 0:
        raise ValueError(f"IDX cannot store a 0-d array ({path}): it needs at least one dimension")
    header = bytes([0, 0, codes[native], array.ndim]) + np.asarray(array.shape, ">u4").tobytes()
    payload = header + np.ascontiguousarray(array, dtype=IDX_TYPES[codes[native]]).tobytes()
    if str(path).endswith(".gz"):
        payload = gzip.compress(payload, mtime=0)
    return atomic_write_bytes(path, payload)
