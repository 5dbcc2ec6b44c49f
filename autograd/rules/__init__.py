"""The derivative table: every op's forward and its vector-Jacobian product, written once against a
space ``m`` (floats, arrays, or graph nodes for ``create_graph``), shared by ``Value`` and ``Tensor``.

``elementwise`` holds the rules both engines share; ``structural`` (matmul, reductions, shapes,
indexing, joins, softmax), ``losses``, ``windows`` (convolution, pooling), ``normalization`` (layer
and RMS norm), ``attention`` and ``recurrent`` (RNN, LSTM, GRU) the Tensor-only ones; ``spaces`` the
spaces. The whole table is listed here, for the tests that check every rule to second order."""

from autograd.rules import attention, elementwise, losses, normalization, recurrent, structural, windows
from autograd.rules.elementwise import Elementwise
from autograd.rules.structural import Structural

ELEMENTWISE: tuple[Elementwise, ...] = elementwise.RULES
STRUCTURAL: tuple[Structural, ...] = (
    *structural.RULES,
    *losses.RULES,
    *windows.RULES,
    *normalization.RULES,
    *attention.RULES,
    *recurrent.RULES.values(),
)

__all__ = ["ELEMENTWISE", "STRUCTURAL", "Elementwise", "Structural"]
