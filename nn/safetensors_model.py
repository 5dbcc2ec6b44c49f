"""A Module's state in a safetensors file, as ``safetensors.torch.save_model`` / ``load_model`` keep it:
a tensor held under several names (tied weights) is written once, since the format allows no sharing,
and loads back into every name that holds it, so the tie survives."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

import numpy as np

from autograd import Tensor
from nn.safetensors_file import read_arrays, read_header, save_file
from nn.weights_file import mismatches


def tied_names(targets: Mapping[str, Tensor]) -> list[list[str]]:
    """The names that hold one and the same Tensor, in sorted order, for each Tensor held by several."""
    names: dict[int, list[str]] = {}
    for name, tensor in targets.items():
        names.setdefault(id(tensor), []).append(name)
    return [sorted(group) for group in names.values() if len(group) > 1]


def save_model_file(targets: Mapping[str, Tensor], path: str | os.PathLike[str]) -> Path:
    """Write a model's parameters and buffers (``targets``: the objects, by state_dict name). A tied Tensor
    is written under the first of its names in sorted order, the choice ``save_model`` makes, and the
    metadata maps each other name to it, as ``save_model``'s does."""
    aliases = {alias: group[0] for group in tied_names(targets) for alias in group[1:]}
    arrays = {name: tensor.numpy() for name, tensor in targets.items() if name not in aliases}
    return save_file(arrays, path, metadata=aliases or None)


def read_model_file(
    path: Path, targets: Mapping[str, Tensor], strict: bool, owner: str
) -> dict[str, np.ndarray]:
    """The arrays of ``path`` for a model's ``targets``, checked before any is loaded: names (with
    ``strict``) and shapes against the header, and the names in the file of one tied Tensor for equal
    values. A tied name the file lacks is not missing when another of its names is present: it gets that
    array (what ``save_model`` left out, ``load_model`` accepts)."""
    header = read_header(path)
    found = {name: entry.shape for name, entry in header.entries.items()}
    groups = tied_names(targets)
    in_file = [[name for name in group if name in found] for group in groups]
    stand_ins = {
        name: present[0]
        for group, present in zip(groups, in_file)
        if present
        for name in group
        if name not in found
    }
    expected = {name: tensor.shape for name, tensor in targets.items() if name not in stand_ins}
    _refuse_if(mismatches(found, expected, strict), path, owner)
    arrays = read_arrays(path, header, sorted(set(found) & set(expected)))
    differing = [
        f"{name} and {present[0]} hold one tied tensor, but the file gives them different values"
        for present in in_file
        for name in present[1:]
        if not np.array_equal(arrays[name], arrays[present[0]])
    ]
    _refuse_if(differing, path, owner)
    return {**arrays, **{name: arrays[source] for name, source in stand_ins.items()}}


def _refuse_if(problems: list[str], path: Path, owner: str) -> None:
    if problems:
        raise ValueError(f"cannot load {path} into {owner}: " + "; ".join(problems))
