"""The seam for defining ops and reading graphs, used by ``nn`` and ``viz`` and open to users (as HIPS
autograd's ``autograd.extend``). An op is a rule written once: ``Elementwise`` (a forward on a float
and on an array, and its partial derivatives) or ``Structural`` (a forward on arrays and its VJP),
both against a space ``m``, so ``create_graph`` works for it. ``apply`` records a rule on Tensors,
``elementwise`` an elementwise one with promotion and broadcasting, ``value_elementwise`` on Values.

Reading a graph needs no private names: ``node.parents``, ``node.rule``, ``node.op`` (its label),
``node.input_grads(upstream)`` (what backward sends to each input) and, for Values, ``local_grads`` and
``constant``."""

from autograd.kernels.quiet import restore, silence
from autograd.rules.elementwise import OUT, Elementwise
from autograd.rules.structural import Structural
from autograd.tensor.backprop import grad_array
from autograd.tensor.record import apply, elementwise, lift
from autograd.tensor.versions import increment_version
from autograd.value import elementwise as value_elementwise

__all__ = [
    "OUT",
    "Elementwise",
    "Structural",
    "apply",
    "elementwise",
    "grad_array",
    "increment_version",
    "lift",
    "restore",
    "silence",
    "value_elementwise",
]
