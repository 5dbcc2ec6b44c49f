"""Module: the base of Tensor layers and models. Registers parameters and sub-modules as they are
assigned, in definition order, and saves / loads them as a plain ``.npz`` file (no pickle)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

from autograd import Tensor
from autograd._files import atomic_write
from nn.weights_file import read_weights


class IncompatibleKeys(NamedTuple):
    """What ``load_state_dict(strict=False)`` did not match: names the model has but the state lacks,
    and names the state has but the model lacks."""

    missing_keys: list[str]
    unexpected_keys: list[str]


class Parameter(Tensor):
    """A Tensor that a Module learns: it requires grad and is listed by ``parameters()``."""

    __slots__ = ()

    def __init__(self, data: Any, dtype: Any = None, label: str = "") -> None:
        super().__init__(data, requires_grad=True, dtype=dtype, label=label)


class Module:
    """Subclass it, assign Parameters / Modules / buffers in ``__init__``, and define ``forward``."""

    _parameters: dict[str, Parameter]
    _modules: dict[str, Module]
    _buffers: dict[str, np.ndarray]
    training: bool

    def __init__(self) -> None:
        object.__setattr__(self, "_parameters", {})
        object.__setattr__(self, "_modules", {})
        object.__setattr__(self, "_buffers", {})
        object.__setattr__(self, "training", True)

    def __setattr__(self, name: str, value: Any) -> None:
        if "_parameters" not in self.__dict__:
            raise AttributeError(
                f"{type(self).__name__}.__init__ must call super().__init__() before setting {name}"
            )
        if name in self._parameters and not isinstance(value, Parameter):
            raise TypeError(
                f"cannot assign {type(value).__name__} as parameter {name!r} of {type(self).__name__} "
                "(a Parameter is expected): change it in place, e.g. `with no_grad(): "
                f"self.{name} -= step` or `self.{name}.data[...] = values`"
            )
        if isinstance(value, (list, tuple)) and any(isinstance(item, Module) for item in value):
            raise TypeError(
                f"{name}: a plain {type(value).__name__} of Modules is not registered (parameters() and "
                "state_dict() would miss their parameters); use nn.ModuleList"
            )
        if isinstance(value, Parameter):
            self._modules.pop(name, None)
            self._buffers.pop(name, None)
            self._parameters[name] = value
        elif isinstance(value, Module):
            self._parameters.pop(name, None)
            self._buffers.pop(name, None)
            self._modules[name] = value
        elif name in self._buffers:
            value = value.data if isinstance(value, Tensor) else value  # a buffer is an array
            self._buffers[name] = value
        else:
            self._parameters.pop(name, None)
            self._modules.pop(name, None)
        object.__setattr__(self, name, value)

    def __delattr__(self, name: str) -> None:
        """Deleting a parameter, sub-module or buffer also forgets it (parameters(), state_dict())."""
        for registry in (self._parameters, self._modules, self._buffers):
            registry.pop(name, None)
        object.__delattr__(self, name)

    def register_buffer(self, name: str, value: np.ndarray) -> None:
        """State that is saved with the model but not learned (e.g. batch norm's running mean); a Tensor
        is kept as its array."""
        value = value.data if isinstance(value, Tensor) else value
        self._buffers[name] = value
        setattr(self, name, value)

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError(f"{type(self).__name__} must define forward()")

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.forward(*args, **kwargs)

    # -- traversal ---------------------------------------------------------------------------------

    def named_modules(self, prefix: str = "") -> Iterator[tuple[str, Module]]:
        yield prefix, self
        for name, module in self._modules.items():
            yield from module.named_modules(f"{prefix}{name}.")

    def named_parameters(self) -> Iterator[tuple[str, Parameter]]:
        """(dotted name, Parameter) in definition order, each Parameter once."""
        seen: set[int] = set()
        for prefix, module in self.named_modules():
            for name, parameter in module._parameters.items():
                if id(parameter) not in seen:
                    seen.add(id(parameter))
                    yield prefix + name, parameter

    def parameters(self) -> list[Parameter]:
        return [parameter for _, parameter in self.named_parameters()]

    def children(self) -> list[Module]:
        return list(self._modules.values())

    def zero_grad(self) -> None:
        """Forget every parameter's gradient (set to None, as PyTorch does by default)."""
        for parameter in self.parameters():
            parameter.grad = None

    def train(self, mode: bool = True) -> Module:
        """Training mode: dropout drops, batch norm uses batch statistics. Returns self."""
        for _, module in self.named_modules():
            object.__setattr__(module, "training", mode)
        return self

    def eval(self) -> Module:
        """Evaluation mode: dropout is off, batch norm uses its running statistics. Returns self."""
        return self.train(False)

    # -- state -------------------------------------------------------------------------------------

    def state_dict(self) -> dict[str, np.ndarray]:
        """Copies of every parameter and buffer by dotted name."""
        state = {name: p.data.copy() for name, p in self.named_parameters()}
        for prefix, module in self.named_modules():
            state.update(
                {prefix + name: np.array(value, copy=True) for name, value in module._buffers.items()}
            )
        return state

    def load_state_dict(self, state: dict[str, Any], strict: bool = True) -> IncompatibleKeys:
        """Copy arrays (or Tensors) into the parameters and buffers; shapes must match, and with ``strict``
        names too. Returns the missing and unexpected names, as PyTorch does (both empty when strict)."""
        state = {name: value.data if isinstance(value, Tensor) else value for name, value in state.items()}
        own = self.state_dict()
        missing = sorted(set(own) - set(state))
        unexpected = sorted(set(state) - set(own))
        wrong = [
            f"{name}: expected {own[name].shape}, got {np.shape(state[name])}"
            for name in sorted(set(own) & set(state))
            if np.shape(state[name]) != own[name].shape
        ]
        problems = [f"wrong shape for {', '.join(wrong)}"] if wrong else []
        if strict and missing:
            problems.append(f"missing {', '.join(missing)}")
        if strict and unexpected:
            problems.append(f"unexpected {', '.join(unexpected)}")
        if problems:
            raise ValueError(f"cannot load state into {type(self).__name__}: " + "; ".join(problems))
        parameters = dict(self.named_parameters())
        for name, value in state.items():
            if name in parameters:
                target = parameters[name]
                target.data = np.array(value, dtype=target.data.dtype, copy=True)
                target._version += 1
            elif name in own:
                prefix, _, buffer = name.rpartition(".")
                module = dict(self.named_modules())[f"{prefix}." if prefix else ""]
                setattr(module, buffer, np.array(value, dtype=np.asarray(own[name]).dtype, copy=True))
        return IncompatibleKeys(missing, unexpected)

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write ``state_dict()`` as an uncompressed ``.npz`` atomically (temp file + rename)."""
        state = self.state_dict()
        return atomic_write(path, lambda handle: np.savez(handle, **state))  # type: ignore[arg-type]

    def load(self, path: str | os.PathLike[str], strict: bool = True) -> Module:
        """Read a file written by ``save`` and load it. Names, shapes and dtypes are checked from the file's
        headers before any data is read, nothing is unpickled, and errors name the file. Returns self."""
        location = Path(path)
        if not location.is_file():
            raise FileNotFoundError(f"no weights file at {location}")
        expected = {name: value.shape for name, value in self.state_dict().items()}
        state = read_weights(location, expected, strict, type(self).__name__)
        self.load_state_dict(state, strict=strict)
        return self

    def __repr__(self) -> str:
        inner = [f"  ({name}): {module!r}".replace("\n", "\n  ") for name, module in self._modules.items()]
        extra = self.extra_repr()
        if not inner:
            return f"{type(self).__name__}({extra})"
        return f"{type(self).__name__}({extra}\n" + "\n".join(inner) + "\n)"

    def extra_repr(self) -> str:
        return ""
