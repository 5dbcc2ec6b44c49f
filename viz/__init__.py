"""Pictures of backprop graphs with their values and gradients (graphviz), and training plots."""

from viz import plots
from viz.graph import GraphvizNotFoundError, dot_available, draw, escape, render, to_dot

__all__ = ["GraphvizNotFoundError", "dot_available", "draw", "escape", "plots", "render", "to_dot"]
