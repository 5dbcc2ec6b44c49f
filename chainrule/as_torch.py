"""``use_as_torch()``: from here on, ``import torch`` and every ``torch.*`` path chainrule provides give
chainrule's modules (``torch.nn.functional`` is ``nn.functional``, ``torch.optim.lr_scheduler`` is
``nn.optim.lr_scheduler``...), whatever else is installed. A ``torch.*`` path chainrule does not have,
or a companion library (torchvision...), stops with an error naming it: never a silent fall-through to a
real PyTorch. ``python -m chainrule script.py`` calls this before running the script."""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import sys
from types import ModuleType
from typing import Any

COMPANIONS = ("torchvision", "torchaudio", "torchtext", "torchdata", "functorch")


class _Existing(importlib.abc.Loader):
    """Loads a module that already exists under another name: the import system stores it under the
    torch name and stamps its own spec on it, which ``exec_module`` gives back."""

    def __init__(self, module: ModuleType) -> None:
        self.module = module
        self.spec = module.__spec__

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType:
        return self.module

    def exec_module(self, module: ModuleType) -> None:
        module.__spec__ = self.spec


class TorchFinder(importlib.abc.MetaPathFinder):
    """Resolves ``torch`` to ``chainrule`` and ``torch.X`` to ``chainrule.X``; refuses the rest by name."""

    def find_spec(
        self, fullname: str, path: Any = None, target: Any = None
    ) -> importlib.machinery.ModuleSpec | None:
        top = fullname.partition(".")[0]
        if top in COMPANIONS:
            raise ModuleNotFoundError(
                f"{fullname}: chainrule runs this script in place of PyTorch and has no {top}; "
                f"load the data without it (chainrule's nn.data reads MNIST's IDX files), or run the script "
                "with python and PyTorch",
                name=fullname,
            )
        if top != "torch":
            return None
        ours = "chainrule" + fullname[len("torch") :]
        try:
            module = importlib.import_module(ours)
        except ModuleNotFoundError as error:
            if error.name != ours:
                raise
            raise ModuleNotFoundError(
                f"{fullname}: chainrule has no such module (the script runs on chainrule, which gives "
                "torch, torch.nn, torch.nn.functional, torch.nn.init, torch.optim, "
                "torch.optim.lr_scheduler, torch.utils.data, torch.autograd, torch.cuda, torch.backends); "
                "run it with python and PyTorch for this one",
                name=fullname,
            ) from None
        return importlib.machinery.ModuleSpec(fullname, _Existing(module))


def use_as_torch() -> ModuleType:
    """Make ``import torch`` (and ``torch.*``) give chainrule from now on, in this process; returns the
    chainrule module. Call it before anything imports PyTorch: once the real one is loaded, it is refused
    rather than mixed with chainrule."""
    chainrule = sys.modules["chainrule"]  # this module's package, imported before it
    loaded = sys.modules.get("torch")
    if loaded is not None and loaded is not chainrule:
        raise RuntimeError(
            "use_as_torch(): the real PyTorch is already imported in this process; call "
            "chainrule.use_as_torch() first (at the top of the notebook or script), or restart"
        )
    if not any(isinstance(finder, TorchFinder) for finder in sys.meta_path):
        sys.meta_path.insert(0, TorchFinder())
    sys.modules["torch"] = chainrule
    return chainrule
