"""``python -m chainrule script.py [args...]``: run an unmodified PyTorch script on chainrule. For that
run ``torch`` and ``torch.*`` are chainrule's (``use_as_torch``); ``sys.argv``, ``__name__ ==
"__main__"``, the script's folder on ``sys.path`` and the exit code are as with ``python script.py``."""

from __future__ import annotations

import runpy
import sys
from pathlib import Path

from chainrule.as_torch import use_as_torch

USAGE = "usage: python -m chainrule script.py [args...]  (runs a PyTorch script with chainrule as torch)"


def main(argv: list[str]) -> None:
    """Run ``argv[0]`` as ``__main__`` with ``argv`` as its ``sys.argv``."""
    if not argv or argv[0] in ("-h", "--help"):
        print(USAGE, file=sys.stderr if not argv else sys.stdout)
        raise SystemExit(0 if argv else 2)
    script = Path(argv[0])
    if not script.is_file():
        print(f"python -m chainrule: can't open file {str(script)!r}: no such file", file=sys.stderr)
        raise SystemExit(2)
    use_as_torch()
    sys.argv = list(argv)
    sys.path[0] = str(script.resolve().parent)
    runpy.run_path(str(script), run_name="__main__")


if __name__ == "__main__":
    main(sys.argv[1:])
