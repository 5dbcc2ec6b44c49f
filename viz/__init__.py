"""Pictures of backprop graphs with their values and gradients (graphviz), and training plots."""

__chainrule__ = True  # chainrule's own package (see chainrule_guard for why packages carry this mark)

import chainrule_guard  # noqa: F401  (stops with an error naming another package called autograd)
from viz import notebook, plots
from viz.animate import Animation, animate
from viz.graph import GraphvizNotFoundError, dot_available, draw, escape, render, to_dot
from viz.steps import backward_steps, explain

notebook.register()  # in Jupyter: Values and Tensors show their graphs

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
