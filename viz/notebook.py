"""Rich displays in Jupyter: a Value or Tensor shows its printed form and, when it was computed by an
op, the picture of its graph with values and gradients (small graphs only, and only with ``dot``)."""

from __future__ import annotations

import html
from typing import Any

from autograd import topological_order
from viz.graph import dot_available, draw, pipe

LARGEST = 60  # nodes; a bigger graph is shown as text (draw it with viz.draw and max_depth)


def rich_html(node: Any) -> str:
    """``<pre>`` of ``repr(node)``, then the inline SVG of its graph when it has a small one."""
    text = f"<pre>{html.escape(repr(node))}</pre>"
    if not node._parents or not dot_available() or len(topological_order(node)) > LARGEST:
        return text
    svg = pipe(draw(node, format="svg")).decode()
    return text + svg[svg.index("<svg") :]
