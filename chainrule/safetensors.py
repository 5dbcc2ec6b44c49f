"""``safetensors.torch``'s pair for chainrule: ``save_file(tensors, filename, metadata=None)`` writes a flat
dict of name -> Tensor, ``load_file(filename)`` reads one back, PyTorch's files included (the format is
read and written here, numpy only: see ``nn.safetensors_file``). ``model.save("m.safetensors")`` and
``chainrule.save(state, "x.safetensors")`` write the same format."""

from __future__ import annotations

from nn.safetensors_file import load_file, save_file

__all__ = ["load_file", "save_file"]
