"""Pictures of backprop graphs with their values and gradients (graphviz), and training plots."""

__chainrule__ = True  # chainrule's own package (see chainrule.py for why packages carry this mark)

import autograd as _autograd

if not getattr(_autograd, "__chainrule__", False):
    import chainrule  # noqa: F401  (its import stops with an error naming the package that shadows ours)

from viz import plots
from viz.animate import Animation, animate
from viz.graph import GraphvizNotFoundError, dot_available, draw, escape, render, to_dot
from viz.steps import backward_steps, explain

__all__ = [
    "Animation",
    "GraphvizNotFoundError",
    "animate",
    "backward_steps",
    "dot_available",
    "draw",
    "escape",
    "explain",
    "plots",
    "render",
    "to_dot",
]
