"""Reading ``.npz`` weight files safely: every name, shape and dtype is checked from the archive's
headers before any array data is read, so a hostile or mismatched file cannot exhaust memory, and
every error names the file (and the entry)."""

from __future__ import annotations

import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import IO

import numpy as np

_HEADER_READERS = {(1, 0): np.lib.format.read_array_header_1_0, (2, 0): np.lib.format.read_array_header_2_0}


def _header(handle: IO[bytes]) -> tuple[tuple[int, ...], np.dtype]:
    version = np.lib.format.read_magic(handle)
    reader = _HEADER_READERS.get(version)
    if reader is None:
        raise ValueError(f"unsupported .npy format version {version}")
    shape, _, dtype = reader(handle)
    return shape, dtype


def _dtype_problem(key: str, dtype: np.dtype) -> str | None:
    if dtype.hasobject:
        return f"{key!r} stores Python objects (refused: loading them would run pickle)"
    if dtype.kind == "c":
        return f"{key!r} holds complex numbers (weights are real)"
    if dtype.kind not in "biuf":
        return f"{key!r} has dtype {dtype}, not a number"
    return None


def mismatches(
    found: Mapping[str, tuple[int, ...]], expected: Mapping[str, tuple[int, ...]], strict: bool
) -> list[str]:
    """Why a file's tensors (name -> shape) cannot load into a model's (``expected``): wrong shapes, and
    with ``strict`` missing and unexpected names, in ``load_state_dict``'s words."""
    problems = [
        f"wrong shape for {key}: expected {expected[key]}, got {found[key]}"
        for key in sorted(set(found) & set(expected))
        if found[key] != expected[key]
    ]
    if strict:
        missing = sorted(set(expected) - set(found))
        unexpected = sorted(set(found) - set(expected))
        problems += [f"missing {', '.join(missing)}"] if missing else []
        problems += [f"unexpected {', '.join(unexpected)}"] if unexpected else []
    return problems


def read_weights(
    path: Path, expected: dict[str, tuple[int, ...]], strict: bool, owner: str
) -> dict[str, np.ndarray]:
    """The arrays of ``path`` whose names ``expected`` lists (name -> shape), after checking names (with
    ``strict``), shapes and dtypes from the headers; a ValueError naming the file lists every problem."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = {name[: -len(".npy")]: name for name in archive.namelist() if name.endswith(".npy")}
            shapes: dict[str, tuple[int, ...]] = dict.fromkeys(members, ())  # filled where compared
            problems = []
            for key in sorted(set(members) & set(expected)):
                with archive.open(members[key]) as handle:
                    shapes[key], dtype = _header(handle)
                problem = _dtype_problem(key, dtype)
                if problem:
                    problems.append(problem)
            problems = mismatches(shapes, expected, strict) + problems
            if problems:
                raise ValueError(f"cannot load {path} into {owner}: " + "; ".join(problems))
            arrays = {}
            for key in sorted(set(members) & set(expected)):
                with archive.open(members[key]) as handle:
                    arrays[key] = np.lib.format.read_array(handle, allow_pickle=False)
            return arrays
    except zipfile.BadZipFile as error:
        raise ValueError(
            f"{path} is not a readable .npz weights file (not a zip archive: {error}); a .npy file holds one "
            "array: read it with numpy.load and pass a dict to load_state_dict"
        ) from error
    except (OSError, EOFError) as error:
        raise ValueError(f"{path} is not a readable .npz weights file: {error}") from error
    except ValueError as error:
        if str(error).startswith(f"cannot load {path}"):
            raise
        raise ValueError(f"{path} is not a readable .npz weights file: {error}") from error
