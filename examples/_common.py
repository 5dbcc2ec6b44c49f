"""What every lesson shares: its command line (``--out``) and saving a graph picture."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import viz


def lesson_parser(description: str, **extra: tuple[Any, str]) -> argparse.ArgumentParser:
    """A lesson's parser: usage as ``python -m examples.NAME``, ``--out DIR`` (default ``out``), and one
    ``--name`` option per keyword, given as (default, help)."""
    main = getattr(sys.modules.get("__main__"), "__spec__", None)
    parser = argparse.ArgumentParser(
        prog=f"python -m {main.name}" if main is not None and main.name.startswith("examples.") else None,
        description=description,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--out", type=Path, default=Path("out"), help="folder for pictures (default: out)")
    for name, (default, help_text) in extra.items():
        parser.add_argument(
            f"--{name.replace('_', '-')}", type=type(default), default=default,
            help=f"{help_text} (default: {default})",
        )  # fmt: skip
    return parser


def parse_args(description: str, argv: Sequence[str] | None, **extra: tuple[Any, str]) -> argparse.Namespace:
    """The command line of a lesson whose options are all ``--name value`` (see ``lesson_parser``)."""
    return lesson_parser(description, **extra).parse_args(argv)


def save_graph(root: Any, path: Path, title: str, rankdir: str = "auto") -> Path:
    """Render ``root``'s graph to ``path`` (PNG); without graphviz's ``dot``, write the DOT text instead."""
    if viz.dot_available():
        viz.draw(root, path, rankdir=rankdir, title=title)
        print(f"  wrote {path}")
        return path
    dot_path = path.with_suffix(".dot")
    dot_path.parent.mkdir(parents=True, exist_ok=True)
    dot_path.write_text(viz.to_dot(root, rankdir=rankdir, title=title))
    print(f"  graphviz's 'dot' is not installed: wrote the DOT text to {dot_path} instead")
    return dot_path


def save_animation(root: Any, path: Path) -> Path | None:
    """Write backpropagation from ``root`` as a step-by-step HTML page (needs graphviz's ``dot``)."""
    if not viz.dot_available():
        print(f"  graphviz's 'dot' is not installed: no animation written to {path}")
        return None
    viz.animate(root, path)
    print(f"  wrote {path} (open it in a browser and step through backpropagation)")
    return path
