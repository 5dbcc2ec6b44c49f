"""The shadowing guard, a leaf every chainrule package imports before anything else: the names
autograd, nn and viz are also used on PyPI (HIPS autograd, pulled in by e.g. lifelines) and by users'
own files, so each of chainrule's packages carries ``__chainrule__ = True`` and a foreign one is named.
Importing this module checks ``autograd``, which every other package stands on."""

from __future__ import annotations

import importlib
from types import ModuleType


def require_own(name: str) -> ModuleType:
    """Import chainrule's package ``name``, or stop with an error saying what shadows it and what to do."""
    module = importlib.import_module(name)
    if getattr(module, "__chainrule__", False) is not True:
        where = (
            getattr(module, "__file__", None) or list(getattr(module, "__path__", [])) or "an unknown place"
        )
        raise ImportError(
            f"chainrule's package {name!r} is shadowed: `import {name}` loads {where}, which is another "
            f"package of the same name (e.g. `pip install {name}` from PyPI, or a dependency pulling it in) "
            f"or a file or folder named {name!r} in the working directory or on PYTHONPATH. Fix: rename your "
            f"own {name!r} file or folder; or `pip uninstall {name}` and then reinstall chainrule "
            "(`pip install --force-reinstall <chainrule checkout>`, or `make demo` in the checkout); or keep "
            "chainrule in its own virtual environment."
        )
    return module


require_own("autograd")
