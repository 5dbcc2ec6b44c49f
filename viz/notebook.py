"""Rich displays in Jupyter: a Value or Tensor shows its printed form and, when it was computed by an
op, the picture of its graph with values and gradients (small graphs only, and only with ``dot``).

The engine knows nothing of this: importing ``viz`` (or ``chainrule``, which imports it) in a running
IPython registers ``rich_html`` as the HTML formatter of both node types, IPython's documented way."""

from __future__ import annotations

import html
import sys
from typing import Any

from autograd import Tensor, Value, topological_order
from viz.graph import dot_available, draw, pipe

LARGEST = 60  # nodes; a bigger graph is shown as text (draw it with viz.draw and max_depth)


def rich_html(node: Any) -> str:
    """``<pre>`` of ``repr(node)``, then the inline SVG of its graph when it has a small one."""
    text = f"<pre>{html.escape(repr(node))}</pre>"
    if not node.parents or not dot_available() or len(topological_order(node)) > LARGEST:
        return text
    svg = pipe(draw(node, format="svg")).decode()
    return text + svg[svg.index("<svg") :]


def register(shell: Any = None) -> bool:
    """Make ``shell`` (default: the running IPython, if any) show Values and Tensors with ``rich_html``;
    whether there was a shell to register with. IPython is never imported here: it is only used when the
    program runs inside it."""
    if shell is None:
        ipython = sys.modules.get("IPython")
        shell = ipython.get_ipython() if ipython is not None else None
    if shell is None:
        return False
    html_formatter = shell.display_formatter.formatters["text/html"]
    for node_type in (Value, Tensor):
        html_formatter.for_type(node_type, rich_html)
    return True
