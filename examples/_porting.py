"""Running PyTorch code on chainrule by changing only its import lines (the README's import mapping)."""

from __future__ import annotations

import contextlib
import io
import re
from typing import Any

# (PyTorch's import line, chainrule's), applied to whole lines; anything else is left as written
IMPORT_MAP: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"^import torch$"), "import chainrule as torch"),
    (re.compile(r"^import torch\.nn as (\w+)$"), r"import nn as \1"),
    (re.compile(r"^from torch import nn$"), "import nn"),
    (re.compile(r"^import torch\.nn\.functional as (\w+)$"), r"from nn import functional as \1"),
    (re.compile(r"^from torch\.nn import functional as (\w+)$"), r"from nn import functional as \1"),
    (re.compile(r"^import torch\.optim as (\w+)$"), r"from nn import optim as \1"),
    (re.compile(r"^from torch import optim$"), "from nn import optim"),
    (re.compile(r"^from torch\.utils\.data import (.+)$"), r"from nn.data import \1"),
    (re.compile(r"^from torch\.(nn|optim)((?:\.\w+)*) import (.+)$"), r"from \1\2 import \3"),
]


def port_imports(source: str) -> tuple[str, list[tuple[str, str]]]:
    """The source with PyTorch's import lines replaced by chainrule's, and the (old, new) pairs changed."""
    lines, changes = [], []
    for line in source.splitlines():
        ported = line
        for pattern, replacement in IMPORT_MAP:
            if pattern.match(line):
                ported = pattern.sub(replacement, line)
                changes.append((line, ported))
                break
        lines.append(ported)
    return "\n".join(lines) + "\n", changes


def run_script(source: str, filename: str, **variables: Any) -> str:
    """Execute ``source`` as a fresh ``__main__`` with ``variables`` defined; returns what it printed."""
    namespace: dict[str, Any] = {"__name__": "__main__", "__file__": filename, **variables}
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(compile(source, filename, "exec"), namespace)
    return printed.getvalue()
