"""chainrule's reverse-mode autodiff engine: scalar ``Value`` and array ``Tensor`` nodes, one derivative
table for both, the graph walk, ``grad`` (gradients of gradients), grad mode and gradient checks."""

__chainrule__ = (
    True  # chainrule's own package (another "autograd" on PyPI can shadow it; see chainrule_guard)
)

from autograd import functional
from autograd._memory import keep_freed_memory
from autograd.anomaly import detect_anomaly, is_anomaly_enabled
from autograd.function import Function, FunctionCtx, once_differentiable
from autograd.grad_mode import enable_grad, is_grad_enabled, no_grad, set_grad_enabled
from autograd.gradcheck import GradcheckError, gradcheck, gradgradcheck
from autograd.graph import backward, grad, topological_order, zero_grad
from autograd.tensor.core import Tensor
from autograd.tensor.record import concatenate, stack, where
from autograd.tensor.versions import increment_version
from autograd.value import Value

keep_freed_memory()

__all__ = [
    "Function",
    "FunctionCtx",
    "GradcheckError",
    "Tensor",
    "Value",
    "backward",
    "concatenate",
    "detect_anomaly",
    "enable_grad",
    "functional",
    "grad",
    "gradcheck",
    "gradgradcheck",
    "increment_version",
    "is_anomaly_enabled",
    "is_grad_enabled",
    "no_grad",
    "once_differentiable",
    "set_grad_enabled",
    "stack",
    "topological_order",
    "where",
    "zero_grad",
]
