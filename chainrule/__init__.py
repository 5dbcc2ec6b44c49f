"""PyTorch's names for chainrule's objects, so the notes' code runs with ``import chainrule as torch``.

``torch.tensor``, ``torch.zeros``, ``torch.nn.Module``, ``torch.nn.functional.relu``, ``torch.optim.Adam``,
``torch.utils.data.DataLoader``, ``torch.no_grad``, ``torch.manual_seed``... are the same objects as
``chainrule.factories``, ``chainrule.random_factories``, ``nn``, ``nn.optim`` and ``nn.data`` hold: nothing
here is a copy.
"""

from __future__ import annotations

import builtins
import sys
import types
from importlib import metadata
from typing import Any

import numpy as np

from chainrule_guard import require_own

for _name in ("autograd", "nn", "viz"):
    require_own(_name)

import autograd  # noqa: E402  (checked above)
import nn  # noqa: E402
from autograd import (  # noqa: E402
    Tensor,
    concatenate,
    enable_grad,
    is_grad_enabled,
    no_grad,
    set_grad_enabled,
    stack,
    where,
)
from autograd.random import Generator, manual_seed  # noqa: E402
from autograd.tensor.device import device  # noqa: E402
from autograd.tensor.promotion import get_default_dtype, promote_types, result_type, set_default_dtype  # noqa: E402
from chainrule import accelerator, backends, cuda, safetensors, utils  # noqa: E402
from chainrule.as_torch import use_as_torch  # noqa: E402
from chainrule.factories import (  # noqa: E402
    arange,
    bool_,
    eye,
    float16,
    float32,
    float64,
    full,
    int8,
    int16,
    int32,
    int64,
    linspace,
    long,
    ones,
    ones_like,
    tensor,
    uint8,
    zeros,
    zeros_like,
)
from chainrule.random_factories import rand, rand_like, randint, randn, randn_like, randperm  # noqa: E402
from chainrule.serialization import load, save  # noqa: E402
from nn import onnx, optim  # noqa: E402

try:
    __version__ = metadata.version("chainrule")
except metadata.PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0+unknown"

bool = bool_  # torch.bool, as the notes write it
float, double, half, int, short = float32, float64, float16, int32, int16  # PyTorch's other names
cat = concatenate


def _alias_tree(alias: str, module: types.ModuleType) -> None:
    """Make ``chainrule.<alias>`` and its submodules importable under those names, as torch's tree is:
    the same module objects (``import chainrule.nn.functional as F`` gives ``nn.functional``)."""
    prefix = module.__name__
    for name, loaded in list(sys.modules.items()):
        if name == prefix or name.startswith(prefix + "."):
            sys.modules[f"chainrule.{alias}{name[len(prefix) :]}"] = loaded


for _alias, _module in (
    ("nn", nn),
    ("optim", optim),
    ("onnx", onnx),
    ("utils.data", nn.data),
    ("autograd", autograd),
):
    _alias_tree(_alias, _module)


def set_default_device(where: Any) -> None:
    """Where new Tensors go: the CPU is the only device (``set_default_device("cpu")`` is accepted,
    anything else refused as ``device()`` refuses it)."""
    device(where)


def from_numpy(array: np.ndarray) -> Tensor:
    """A Tensor sharing ``array``'s memory and dtype."""
    if not isinstance(array, np.ndarray):
        raise TypeError(f"from_numpy expects a NumPy array, got {type(array).__name__}")
    return Tensor(array, dtype=array.dtype)


def as_tensor(data: Any, dtype: Any = None, device: Any = None) -> Tensor:
    """``data`` as a Tensor, sharing memory where it can (a Tensor of the right dtype is returned as is)."""
    if isinstance(data, Tensor) and (dtype is None or np.dtype(dtype) == data.dtype):
        autograd.tensor.device.check(device)
        return data
    return tensor(data.numpy() if isinstance(data, Tensor) else data, dtype=dtype, device=device)


# PyTorch's legacy constructor names
def FloatTensor(data: Any) -> Tensor:
    """A float32 Tensor of ``data``."""
    return tensor(data, dtype=np.float32)


def LongTensor(data: Any) -> Tensor:
    """An int64 Tensor of ``data`` (labels, indices)."""
    return tensor(data, dtype=np.int64)


def allclose(a: Any, b: Any, rtol: builtins.float = 1e-5, atol: builtins.float = 1e-8) -> builtins.bool:
    """Whether every element of ``a`` is close to ``b`` (NumPy's rule, PyTorch's defaults)."""
    return builtins.bool(np.allclose(np.asarray(a), np.asarray(b), rtol=rtol, atol=atol))


def _function(name: str) -> Any:
    """``torch.name(x, *args)``, PyTorch's function form of the Tensor method ``x.name(*args)``, with its
    ``out=``."""
    method = getattr(Tensor, name)

    def function(input: Any, *args: Any, out: Tensor | None = None, **kwargs: Any) -> Any:
        result = method(input if isinstance(input, Tensor) else tensor(input), *args, **kwargs)
        return result if out is None else _write_out(name, result, out)

    function.__name__ = function.__qualname__ = name
    function.__doc__ = f"``torch.{name}(x, ...)`` is ``x.{name}(...)``: {method.__doc__ or ''}".strip()
    return function


def _write_out(name: str, result: Any, out: Any) -> Tensor:
    """``torch.name(..., out=out)``: ``result`` written into ``out``, which is returned; refused where a
    gradient would be recorded, as in PyTorch, and where shape or dtype differ (PyTorch resizes ``out``
    with a deprecation warning, and casts into it for some functions only)."""
    if not isinstance(result, Tensor):
        raise TypeError(f"{name}(): out= is taken here only where the result is one Tensor")
    if not isinstance(out, Tensor):
        raise TypeError(f"{name}(): argument 'out' must be Tensor, not {type(out).__name__}")
    if is_grad_enabled() and (result.requires_grad or out.requires_grad):
        raise RuntimeError(
            f"{name}(): functions with out=... arguments don't support automatic differentiation, but one "
            "of the arguments requires grad."
        )
    if out.shape != result.shape:
        raise RuntimeError(f"{name}(): out has shape {out.shape} but the result has shape {result.shape}")
    if out.dtype != result.dtype:
        raise RuntimeError(
            f"{name}(): expected out to have dtype {result.dtype}, but got {out.dtype} instead"
        )
    with no_grad():
        out.copy_(result)
    return out


# the function forms PyTorch code calls most (torch.exp(x), torch.max(x, dim=1), torch.flatten(x, 1)...)
abs = _function("abs")
argmax = _function("argmax")
argmin = _function("argmin")
clamp = _function("clamp")
cos = _function("cos")
exp = _function("exp")
flatten = _function("flatten")
log = _function("log")
log_softmax = _function("log_softmax")
matmul = _function("matmul")
max = _function("max")
mean = _function("mean")
min = _function("min")
numel = _function("numel")
permute = _function("permute")
relu = _function("relu")
reshape = _function("reshape")
sigmoid = _function("sigmoid")
sin = _function("sin")
softmax = _function("softmax")
sqrt = _function("sqrt")
squeeze = _function("squeeze")
sum = _function("sum")
tanh = _function("tanh")
transpose = _function("transpose")
unsqueeze = _function("unsqueeze")
var = _function("var")
std = _function("std")
cumsum = _function("cumsum")
norm = _function("norm")
round = _function("round")
ceil = _function("ceil")
floor = _function("floor")
sign = _function("sign")
addmm = _function("addmm")
argsort = _function("argsort")
bmm = _function("bmm")
chunk = _function("chunk")
clamp_max = _function("clamp_max")
clamp_min = _function("clamp_min")
diag = _function("diag")
dot = _function("dot")
equal = _function("equal")
flip = _function("flip")
gather = _function("gather")
index_select = _function("index_select")
isinf = _function("isinf")
isnan = _function("isnan")
logsumexp = _function("logsumexp")
masked_select = _function("masked_select")
mm = _function("mm")
mv = _function("mv")
narrow = _function("narrow")
nonzero = _function("nonzero")
roll = _function("roll")
sort = _function("sort")
split = _function("split")
topk = _function("topk")
tril = _function("tril")
triu = _function("triu")
unbind = _function("unbind")
prod = _function("prod")
amax = _function("amax")
amin = _function("amin")
baddbmm = _function("baddbmm")
multinomial = _function("multinomial")
add = _function("add")
sub = _function("sub")
mul = _function("mul")
div = _function("div")
neg = _function("neg")
gt = _function("gt")
ge = _function("ge")
lt = _function("lt")
le = _function("le")


def is_tensor(obj: Any) -> builtins.bool:
    """Whether ``obj`` is a Tensor (a Parameter included)."""
    return isinstance(obj, Tensor)


def full_like(
    x: Tensor, fill_value: Any, dtype: Any = None, requires_grad: builtins.bool = False, device: Any = None
) -> Tensor:
    """``x``'s shape filled with ``fill_value``, in ``x``'s dtype unless ``dtype`` is given."""
    return x.new_full(x.shape, fill_value, dtype, device, requires_grad)


def empty(*size: Any, dtype: Any = None, requires_grad: builtins.bool = False, device: Any = None) -> Tensor:
    """A new Tensor of ``size``: zeros here (PyTorch leaves it uninitialised, for code to overwrite)."""
    return zeros(*size, dtype=dtype, requires_grad=requires_grad, device=device)


def empty_like(
    x: Tensor, dtype: Any = None, requires_grad: builtins.bool = False, device: Any = None
) -> Tensor:
    """``empty`` of ``x``'s shape and dtype."""
    return zeros_like(x, dtype=dtype, requires_grad=requires_grad, device=device)


def outer(a: Tensor, b: Tensor) -> Tensor:
    """The outer product of two 1-D Tensors, ``a[i] * b[j]``."""
    return a.unsqueeze(1) * b.unsqueeze(0)


inference_mode = no_grad  # PyTorch's faster no_grad: here the same thing


__all__ = [
    "FloatTensor",
    "Generator",
    "LongTensor",
    "Tensor",
    "__version__",
    "abs",
    "accelerator",
    "add",
    "addmm",
    "allclose",
    "arange",
    "argmax",
    "argmin",
    "argsort",
    "as_tensor",
    "autograd",
    "backends",
    "bmm",
    "bool",
    "cat",
    "ceil",
    "chunk",
    "clamp",
    "clamp_max",
    "clamp_min",
    "cos",
    "cuda",
    "cumsum",
    "device",
    "diag",
    "div",
    "dot",
    "double",
    "empty",
    "empty_like",
    "enable_grad",
    "equal",
    "exp",
    "eye",
    "flatten",
    "flip",
    "float",
    "float16",
    "float32",
    "float64",
    "floor",
    "from_numpy",
    "full",
    "full_like",
    "gather",
    "ge",
    "get_default_dtype",
    "gt",
    "half",
    "index_select",
    "inference_mode",
    "int",
    "int8",
    "int16",
    "int32",
    "int64",
    "is_grad_enabled",
    "is_tensor",
    "isinf",
    "isnan",
    "le",
    "linspace",
    "load",
    "log",
    "log_softmax",
    "logsumexp",
    "long",
    "lt",
    "manual_seed",
    "masked_select",
    "matmul",
    "max",
    "mean",
    "min",
    "mm",
    "mul",
    "mv",
    "narrow",
    "neg",
    "nn",
    "no_grad",
    "nonzero",
    "norm",
    "numel",
    "ones",
    "ones_like",
    "optim",
    "outer",
    "permute",
    "promote_types",
    "rand",
    "rand_like",
    "randint",
    "randn",
    "randn_like",
    "randperm",
    "relu",
    "reshape",
    "result_type",
    "roll",
    "round",
    "safetensors",
    "save",
    "set_default_device",
    "set_default_dtype",
    "set_grad_enabled",
    "short",
    "sigmoid",
    "sign",
    "sin",
    "softmax",
    "sort",
    "split",
    "sqrt",
    "squeeze",
    "stack",
    "std",
    "sub",
    "sum",
    "tanh",
    "tensor",
    "topk",
    "transpose",
    "tril",
    "triu",
    "uint8",
    "unbind",
    "unsqueeze",
    "use_as_torch",
    "utils",
    "var",
    "where",
    "zeros",
    "zeros_like",
]
