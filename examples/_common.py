"""What every lesson shares: its command line (``--out``) and saving a graph picture."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import viz


def parse_args(description: str, argv: Sequence[str] | None, **extra: Any) -> argparse.Namespace:
    """``--out DIR`` (default ``out``) plus any ``--name default`` options passed as keywords."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--out", type=Path, default=Path("out"), help="folder for pictures (default: out)")
    for name, default in extra.items():
        parser.add_argument(f"--{name.replace('_', '-')}", type=type(default), default=default)
    return parser.parse_args(argv)


def save_graph(root: Any, path: Path, rankdir: str = "LR") -> Path:
    """Render ``root``'s graph to ``path`` (PNG); without graphviz's ``dot``, write the DOT text instead."""
    if viz.dot_available():
        viz.draw(root, path, rankdir=rankdir)
        print(f"  wrote {path}")
        return path
    dot_path = path.with_suffix(".dot")
    dot_path.parent.mkdir(parents=True, exist_ok=True)
    dot_path.write_text(viz.to_dot(root, rankdir=rankdir))
    print(f"  graphviz's 'dot' is not installed: wrote the DOT text to {dot_path} instead")
    return dot_path
