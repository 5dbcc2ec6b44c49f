"""Layers (계층): Linear, Sequential, ModuleList, ModuleDict, Dropout, BatchNorm1d, Flatten."""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import numpy as np

from autograd import Tensor
from autograd.tensor.promotion import float_dtype
from nn import functional as F
from nn._checks import dropout_probability, positive_ints
from nn.init import INITIALISERS, Rng, as_generator
from nn.module import Module, Parameter


class Linear(Module):
    """y = x W^T + b, W of shape (out_features, in_features) as in PyTorch.

    ``init`` picks the weight initialiser (see ``nn.init``): PyTorch's default U(±1/sqrt(in)), or the
    notes' "xavier_*" / "he_*". The bias starts at U(±1/sqrt(in)) too, or zeros for xavier/he.
    """

    def __init__(
        self,
        in_features: int,
        out_features: int,
        bias: bool = True,
        init: str = "lecun_uniform",
        rng: Rng = None,
        dtype: Any = None,
    ) -> None:
        super().__init__()
        dtype = float_dtype(dtype)  # None: the default float dtype, as PyTorch's layers
        positive_ints("Linear", in_features=in_features, out_features=out_features)
        if init not in INITIALISERS:
            raise ValueError(f"unknown init {init!r}; choose one of {', '.join(INITIALISERS)}")
        generator = as_generator(rng)
        self.in_features, self.out_features = in_features, out_features
        self.weight = Parameter(INITIALISERS[init]((out_features, in_features), generator, dtype=dtype))
        self.bias: Parameter | None = None
        if bias:
            bound = 1.0 / math.sqrt(in_features)  # U(±1/sqrt(in)) drawn for the bias alone, as PyTorch
            start = (
                generator.uniform(-bound, bound, out_features).astype(dtype)
                if init == "lecun_uniform"
                else np.zeros(out_features, dtype)
            )
            self.bias = Parameter(start)

    def forward(self, x: Tensor) -> Tensor:
        return F.linear(x, self.weight, self.bias)

    def extra_repr(self) -> str:
        return (
            f"in_features={self.in_features}, out_features={self.out_features}, bias={self.bias is not None}"
        )


class _Indexed(Module):
    """Sub-modules registered as "0", "1", ...: indexable (a slice gives the same kind), iterable, sized."""

    def __getitem__(self, index: int | slice) -> Any:
        modules = list(self._modules.values())
        if isinstance(index, slice):  # a Sequential keeps its children's names (PyTorch's state-dict keys)
            if isinstance(self, Sequential):
                return type(self)(dict(list(self._modules.items())[index]))
            return ModuleList(modules[index])
        return modules[index]

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[Module]:
        return iter(self._modules.values())

    def append(self, module: Module) -> Any:
        """Add ``module`` at the end; returns self."""
        if not isinstance(module, Module):
            raise TypeError(f"{type(self).__name__} takes Modules, got {type(module).__name__}")
        self.add_module(str(len(self._modules)), module)
        return self


class Sequential(_Indexed):
    """Modules applied one after another: ``Sequential(a, b)`` registers them as "0", "1";
    ``Sequential(OrderedDict(name=module, ...))`` keeps the given names, as in PyTorch."""

    def __init__(self, *modules: Any) -> None:
        super().__init__()
        if len(modules) == 1 and isinstance(modules[0], Mapping):
            for name, module in modules[0].items():
                if not isinstance(module, Module):
                    raise TypeError(f"Sequential takes Modules, got {type(module).__name__} for {name!r}")
                self.add_module(name, module)
            return
        for index, module in enumerate(modules):
            if not isinstance(module, Module):
                raise TypeError(f"Sequential takes Modules, got {type(module).__name__} at position {index}")
            self.add_module(str(index), module)

    def forward(self, x: Any) -> Any:
        for module in self._modules.values():
            x = module(x)
        return x


class ModuleList(_Indexed):
    """A list of Modules registered as "0", "1", ...: their parameters are the model's (PyTorch's API)."""

    def __init__(self, modules: Iterable[Module] = ()) -> None:
        super().__init__()
        self.extend(modules)

    def extend(self, modules: Iterable[Module]) -> ModuleList:
        """Append every module of ``modules``; returns self."""
        for module in modules:
            self.append(module)
        return self

    def __iadd__(self, modules: Iterable[Module]) -> ModuleList:
        return self.extend(modules)

    def __add__(self, other: Iterable[Module]) -> ModuleList:
        return ModuleList([*self, *other])

    def __setitem__(self, index: int, module: Module) -> None:
        """Replace the module at ``index`` (negative counts from the end), keeping its place and name."""
        if not isinstance(module, Module):
            raise TypeError(f"ModuleList takes Modules, got {type(module).__name__}")
        modules = list(self)
        modules[int(self._name(index))] = module
        self._renumber(modules)

    def __delitem__(self, index: int | slice) -> None:
        """Remove modules; the rest are renumbered "0", "1", ... as in PyTorch."""
        kept = list(self)
        del kept[index]
        self._renumber(kept)

    def insert(self, index: int, module: Module) -> None:
        """Insert ``module`` before ``index``; the modules after it are renumbered, as in PyTorch."""
        if not isinstance(module, Module):
            raise TypeError(f"ModuleList takes Modules, got {type(module).__name__}")
        modules = list(self)
        modules.insert(index, module)
        self._renumber(modules)

    def _name(self, index: int) -> str:
        if isinstance(index, bool) or not isinstance(index, int) or not -len(self) <= index < len(self):
            raise IndexError(f"ModuleList index {index!r} is out of range for {len(self)} modules")
        return str(index % len(self))

    def _renumber(self, modules: list[Module]) -> None:
        for name in list(self._modules):
            delattr(self, name)
        self.extend(modules)


class ModuleDict(Module):
    """Modules by name, registered under those names (PyTorch's API): ``d["encoder"]``, ``d.items()``."""

    def __init__(self, modules: Mapping[str, Module] | Iterable[tuple[str, Module]] | None = None) -> None:
        super().__init__()
        if modules is not None:
            self.update(modules)

    def __getitem__(self, name: str) -> Module:
        return self._modules[name]

    def __setitem__(self, name: str, module: Module) -> None:
        if not isinstance(module, Module):
            raise TypeError(f"ModuleDict takes Modules, got {type(module).__name__} for {name!r}")
        self.add_module(name, module)

    def __delitem__(self, name: str) -> None:
        delattr(self, name)

    def __contains__(self, name: object) -> bool:
        return name in self._modules

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[str]:
        return iter(self._modules)

    def keys(self) -> Iterable[str]:
        """The names, in insertion order."""
        return self._modules.keys()

    def values(self) -> Iterable[Module]:
        """The modules, in insertion order."""
        return self._modules.values()

    def items(self) -> Iterable[tuple[str, Module]]:
        """(name, module) pairs, in insertion order."""
        return self._modules.items()

    def update(self, modules: Mapping[str, Module] | Iterable[tuple[str, Module]]) -> None:
        """Add or replace modules from a mapping or from (name, module) pairs."""
        pairs = modules.items() if isinstance(modules, Mapping) else modules
        for name, module in pairs:
            self[name] = module


class Dropout(Module):
    """Inverted dropout (드롭아웃) while training; the identity in eval mode. ``inplace`` is accepted for
    PyTorch's signature; the result is always a new Tensor (the values are the same)."""

    def __init__(self, p: float = 0.5, inplace: bool = False, rng: Rng = None) -> None:
        super().__init__()
        dropout_probability("Dropout", p)
        self.p, self.inplace = p, inplace
        self.rng = as_generator(rng)

    def forward(self, x: Tensor) -> Tensor:
        return F.dropout(x, self.p, self.training, self.rng)

    def extra_repr(self) -> str:
        return f"p={self.p}, inplace={self.inplace}"


class _BatchNorm(Module):
    """Batch normalisation (배치 정규화) per channel (axis 1), with a learned scale and shift.

    Training uses the batch's mean and (biased) variance over every axis but the channels and updates
    running averages with ``momentum`` (``None``: the cumulative average over all batches so far, as in
    PyTorch; the running variance is the unbiased estimate, as in PyTorch); eval mode uses the running
    averages."""

    dims: tuple[int, ...] = ()  # the input ranks this layer accepts
    layout = ""  # the accepted shapes, for error messages

    def __init__(
        self, num_features: int, eps: float = 1e-5, momentum: float | None = 0.1, dtype: Any = None
    ) -> None:
        super().__init__()
        dtype = float_dtype(dtype)  # None: the default float dtype, as PyTorch's layers
        name = type(self).__name__
        if (
            isinstance(num_features, bool)
            or not isinstance(num_features, (int, np.integer))
            or num_features < 1
        ):
            raise ValueError(f"{name} needs a positive number of features, got {num_features!r}")
        if momentum is not None and (
            isinstance(momentum, bool) or not isinstance(momentum, (int, float)) or not 0.0 <= momentum <= 1.0
        ):
            raise ValueError(f"{name} momentum must be a number in [0, 1] or None, got {momentum!r}")
        self.num_features, self.eps, self.momentum = num_features, eps, momentum
        self.weight = Parameter(np.ones(num_features, dtype))
        self.bias = Parameter(np.zeros(num_features, dtype))
        self.running_mean: Tensor
        self.running_var: Tensor
        self.num_batches_tracked: Tensor  # for momentum=None: the running statistics are plain averages
        self.register_buffer("running_mean", np.zeros(num_features, dtype))
        self.register_buffer("running_var", np.ones(num_features, dtype))
        self.register_buffer("num_batches_tracked", np.array(0, np.int64))

    def forward(self, x: Tensor) -> Tensor:
        name, c = type(self).__name__, self.num_features
        if x.ndim not in self.dims or x.shape[1] != c:
            expected = self.layout.format(c=c)
            raise ValueError(f"{name}({c}) expects inputs of shape {expected}, got {x.shape}")
        if x.dtype != self.running_mean.dtype:
            raise RuntimeError(
                f"{name}: mixed dtype: the input is {x.dtype}, the layer {self.running_mean.dtype}; convert "
                "the input (x.float()) or the layer (.to(...)), as PyTorch requires"
            )
        axes = (0, *range(2, x.ndim))
        shape = (1, c) + (1,) * (x.ndim - 2)
        if self.training:
            n = x.numel() // c
            if n < 2:
                raise ValueError(
                    f"{name} in training mode needs more than 1 value per channel, got input {x.shape}"
                )
            mean = x.mean(axis=axes, keepdims=True)
            variance = x.var(axis=axes, keepdims=True, correction=0)  # the batch's own variance
            self.num_batches_tracked.add_(1)
            m = 1.0 / int(self.num_batches_tracked) if self.momentum is None else self.momentum
            unbiased = variance.numpy().reshape(c) * (n / (n - 1))
            batch_mean = mean.numpy().reshape(c)
            for running, batch in ((self.running_mean, batch_mean), (self.running_var, unbiased)):
                running.mul_(1 - m).add_(m * batch)
            normalised = (x - mean) / (variance + self.eps).sqrt()
        else:
            mean_array = self.running_mean.numpy().reshape(shape)
            normalised = (x - mean_array) / np.sqrt(self.running_var.numpy().reshape(shape) + self.eps)
        return normalised * self.weight.reshape(shape) + self.bias.reshape(shape)

    def extra_repr(self) -> str:
        return f"{self.num_features}, eps={self.eps}, momentum={self.momentum}"


class BatchNorm1d(_BatchNorm):
    """Batch normalisation of (N, C) or (N, C, L) inputs, per feature C."""

    dims = (2, 3)
    layout = "(N, {c}) or (N, {c}, L)"


class BatchNorm2d(_BatchNorm):
    """Batch normalisation of (N, C, H, W) images, per channel: statistics over the batch and all pixels."""

    dims = (4,)
    layout = "(N, {c}, H, W)"


class Flatten(Module):
    """Merge the axes ``start_dim..end_dim`` into one: (N, 1, 28, 28) -> (N, 784)."""

    def __init__(self, start_dim: int = 1, end_dim: int = -1) -> None:
        super().__init__()
        self.start_dim, self.end_dim = start_dim, end_dim

    def forward(self, x: Tensor) -> Tensor:
        return x.flatten(self.start_dim, self.end_dim)

    def extra_repr(self) -> str:
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"
