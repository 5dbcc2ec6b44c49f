"""Module: the base of Tensor layers and models. Registers parameters and sub-modules as they are
assigned, in definition order, and saves / loads them as a plain ``.npz`` or a ``.safetensors`` file (no
pickle)."""

from __future__ import annotations

import os
import weakref
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

from autograd import Tensor, increment_version, is_grad_enabled, no_grad
from autograd.files import atomic_write
from autograd.hooks import RemovableHandle
from autograd.tensor.device import to_arguments
from nn.module_hooks import call_with_backward_hooks
from nn.safetensors_file import is_safetensors
from nn.safetensors_model import read_model_file, save_model_file
from nn.weights_file import read_weights


class IncompatibleKeys(NamedTuple):
    """What ``load_state_dict(strict=False)`` did not match: names the model has but the state lacks,
    and names the state has but the model lacks."""

    missing_keys: list[str]
    unexpected_keys: list[str]


class Parameter(Tensor):
    """A Tensor that a Module learns: listed by ``parameters()``; ``nn.Parameter(torch.randn(3, 4))`` as in
    PyTorch (the data is shared with the Tensor or array given, as PyTorch shares storage)."""

    __slots__ = ("_owner",)

    def __init__(
        self, data: Any = None, requires_grad: bool = True, dtype: Any = None, label: str = ""
    ) -> None:
        source = np.zeros(0, np.float32) if data is None else data
        super().__init__(source, requires_grad=requires_grad, dtype=dtype, label=label)
        self._owner: tuple[weakref.ref[Module], str] | None = None

    @property
    def module(self) -> Module | None:
        """The module that holds this parameter (while it is alive), None before it is registered."""
        owner = self._owner
        return owner[0]() if owner else None

    @property
    def module_path(self) -> str:
        """The dotted name under which the module tree it was first registered in holds it, e.g.
        ``0.weight`` for a Sequential's first Linear ('' before it is registered): how pictures name it."""
        return _path(getattr(self, "_owner", None))

    def __repr__(self) -> str:
        return "Parameter containing:\n" + super().__repr__()

    def __getstate__(self) -> dict[str, Any]:
        """For pickle and deepcopy: every slot but the owner, a weak reference the module re-creates."""
        return {name: getattr(self, name) for name in _PICKLED_SLOTS if hasattr(self, name)}

    def __setstate__(self, state: dict[str, Any]) -> None:
        for name, value in state.items():
            object.__setattr__(self, name, value)
        self._owner = None


_PICKLED_SLOTS = [
    name
    for cls in Parameter.__mro__
    for name in getattr(cls, "__slots__", ())
    if name not in ("__weakref__", "_owner")
]


def _path(owner: tuple[weakref.ref[Module], str] | None) -> str:
    """The dotted path of a name held by a module, up to the outermost module still alive."""
    parts = []
    while owner is not None:
        holder, name = owner[0](), owner[1]
        if holder is None:
            break
        parts.append(name)
        owner = holder.__dict__.get("_owner")
    return ".".join(reversed(parts))


def _adopt(holder: Module, name: str, value: Any) -> None:
    """Remember the first module and name that hold a Parameter or a Module (for ``module_path``)."""
    if isinstance(value, Parameter) and getattr(value, "_owner", None) is None:
        value._owner = (weakref.ref(holder), name)
    elif isinstance(value, Module) and value.__dict__.get("_owner") is None:
        object.__setattr__(value, "_owner", (weakref.ref(holder), name))


def _as_buffer(name: str, value: Any) -> Tensor | None:
    """A buffer is a Tensor that is saved but not learned (None: a declared slot without a value)."""
    if value is None or (isinstance(value, Tensor) and not value.requires_grad):
        return value
    if isinstance(value, Tensor):
        raise TypeError(f"buffer {name!r} must not require grad (a learned Tensor is a Parameter)")
    return Tensor(value, dtype=np.asarray(value).dtype)


class Module:
    """Subclass it, assign Parameters / Modules / buffers in ``__init__``, and define ``forward``."""

    _parameters: dict[str, Parameter | None]
    _modules: dict[str, Module]
    _buffers: dict[str, Tensor | None]
    _non_persistent: set[str]
    training: bool

    def __getstate__(self) -> dict[str, Any]:
        """For pickle and deepcopy (PyTorch's modules pickle): the attributes without the weak reference to
        the holding module, which the holder's ``__setstate__`` re-creates."""
        return {name: value for name, value in self.__dict__.items() if name != "_owner"}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        for registry in (self._parameters, self._modules):
            for name, value in registry.items():
                _adopt(self, name, value)

    def __init__(self) -> None:
        object.__setattr__(self, "_parameters", {})
        object.__setattr__(self, "_modules", {})
        object.__setattr__(self, "_buffers", {})
        object.__setattr__(self, "_non_persistent", set())
        object.__setattr__(self, "training", True)

    def __setattr__(self, name: str, value: Any) -> None:
        if "_parameters" not in self.__dict__:
            raise AttributeError(
                f"{type(self).__name__}.__init__ must call super().__init__() before setting {name}"
            )
        if name in self._parameters and not isinstance(value, Parameter) and value is not None:
            raise TypeError(
                f"cannot assign {type(value).__name__} as parameter {name!r} of {type(self).__name__} "
                "(a Parameter is expected): change it in place, e.g. `with no_grad(): "
                f"self.{name} -= step` or `self.{name}.data.copy_(values)`"
            )
        if isinstance(value, (list, tuple)) and any(isinstance(item, Module) for item in value):
            raise TypeError(
                f"{name}: a plain {type(value).__name__} of Modules is not registered (parameters() and "
                "state_dict() would miss their parameters); use nn.ModuleList"
            )
        if isinstance(value, Parameter) or (value is None and name in self._parameters):
            self._forget(name)
            self._parameters[name] = value
            _adopt(self, name, value)
        elif isinstance(value, Module):
            self._forget(name)
            self._modules[name] = value
            _adopt(self, name, value)
        elif name in self._buffers:
            value = self._buffers[name] = _as_buffer(name, value)
        else:
            self._forget(name)
        object.__setattr__(self, name, value)

    def _refuse_clash(self, name: str, registry: dict[str, Any]) -> None:
        """PyTorch's KeyError for a name that is already something else (a parameter registered as a
        buffer, a child named 'training' or 'forward'); re-registering the same kind replaces it."""
        if not isinstance(name, str) or not name or "." in name:
            raise KeyError(f"a module attribute name must be a non-empty string without '.', got {name!r}")
        if hasattr(self, name) and name not in registry:
            raise KeyError(f"attribute '{name}' already exists")

    def _forget(self, name: str) -> None:
        for registry in (self._parameters, self._modules, self._buffers):
            registry.pop(name, None)
        self._non_persistent.discard(name)

    def __delattr__(self, name: str) -> None:
        """Deleting a parameter, sub-module or buffer also forgets it (parameters(), state_dict())."""
        self._forget(name)
        object.__delattr__(self, name)

    def register_buffer(self, name: str, tensor: Any, persistent: bool = True) -> None:
        """State that is not learned (e.g. batch norm's running mean): kept as a Tensor, moved by ``to()``,
        and saved in ``state_dict()`` unless ``persistent=False``. Arrays and numbers are wrapped."""
        if not isinstance(name, str) or not name or "." in name:
            raise KeyError(f"buffer name must be a non-empty string without '.', got {name!r}")
        self._refuse_clash(name, self._buffers)
        self._forget(name)
        self._buffers[name] = None
        if not persistent:
            self._non_persistent.add(name)
        setattr(self, name, tensor)

    def register_parameter(self, name: str, param: Parameter | None) -> None:
        """Add a Parameter (or a None placeholder, e.g. a missing bias) under ``name``."""
        if param is not None and not isinstance(param, Parameter):
            raise TypeError(
                f"register_parameter: {name!r} must be a Parameter or None, got {type(param).__name__}"
            )
        self._refuse_clash(name, self._parameters)
        self._forget(name)
        self._parameters[name] = param
        _adopt(self, name, param)
        object.__setattr__(self, name, param)

    def add_module(self, name: str, module: Module | None) -> None:
        """Register ``module`` as a child under ``name`` (what ``self.name = module`` does)."""
        if module is not None and not isinstance(module, Module):
            raise TypeError(f"add_module: {name!r} must be a Module, got {type(module).__name__}")
        self._refuse_clash(name, self._modules)
        self._forget(name)
        if module is not None:
            self._modules[name] = module
            _adopt(self, name, module)
        object.__setattr__(self, name, module)

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        """The computation, defined by each subclass; call the module (``model(x)``), not ``forward``."""
        raise NotImplementedError(f"{type(self).__name__} must define forward()")

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        pre_hooks = self.__dict__.get("_forward_pre_hooks")
        if pre_hooks:
            keyword = self.__dict__.get("_with_kwargs", ())
            for key, hook in list(pre_hooks.items()):
                if key in keyword:
                    replaced = hook(self, args, kwargs)
                    if replaced is not None:
                        if not (isinstance(replaced, tuple) and len(replaced) == 2):
                            raise RuntimeError(
                                "forward pre-hook must return None or a tuple of (new_args, new_kwargs), "
                                f"but got {replaced!r}."
                            )
                        args, kwargs = replaced
                    continue
                replaced = hook(self, args)
                if replaced is not None:
                    args = replaced if isinstance(replaced, tuple) else (replaced,)
        backward_hooks = self.__dict__.get("_backward_hooks")
        if backward_hooks and is_grad_enabled():
            output = call_with_backward_hooks(self, backward_hooks, args, kwargs)
        else:
            output = self.forward(*args, **kwargs)
        hooks = self.__dict__.get("_forward_hooks")
        if hooks:
            keyword = self.__dict__.get("_with_kwargs", ())
            for key, hook in list(hooks.items()):
                replaced = hook(self, args, kwargs, output) if key in keyword else hook(self, args, output)
                if replaced is not None:
                    output = replaced
        return output

    def register_forward_hook(
        self, hook: Callable[..., Any], *, with_kwargs: bool = False
    ) -> RemovableHandle:
        """Call ``hook(module, inputs, output)`` after every forward pass (a non-None result replaces the
        output), as PyTorch does; ``with_kwargs``: ``hook(module, inputs, kwargs, output)``, for modules
        called with keyword arguments. Returns a handle whose ``remove()`` unregisters it."""
        return self._register("_forward_hooks", hook, with_kwargs)

    def register_forward_pre_hook(
        self, hook: Callable[..., Any], *, with_kwargs: bool = False
    ) -> RemovableHandle:
        """Call ``hook(module, inputs)`` before every forward pass; a non-None result replaces the inputs
        (a tuple, or one value). ``with_kwargs``: ``hook(module, inputs, kwargs)``, whose non-None result is
        the pair (inputs, kwargs) to use."""
        return self._register("_forward_pre_hooks", hook, with_kwargs)

    def register_full_backward_hook(self, hook: Callable[[Module, Any, Any], Any]) -> RemovableHandle:
        """Call ``hook(module, grad_input, grad_output)`` in backward, when the gradients of this module's
        tensor inputs are made (``grad_output``: its outputs'); a returned tuple replaces ``grad_input``."""
        return self._register("_backward_hooks", hook)

    def _register(
        self, registry: str, hook: Callable[..., Any], with_kwargs: bool = False
    ) -> RemovableHandle:
        hooks = self.__dict__.get(registry)
        if hooks is None:
            hooks = {}
            object.__setattr__(self, registry, hooks)
        handle = RemovableHandle(hooks)
        hooks[handle.id] = hook
        if with_kwargs:
            if "_with_kwargs" not in self.__dict__:
                object.__setattr__(self, "_with_kwargs", set())
            self.__dict__["_with_kwargs"].add(handle.id)
        return handle

    # -- traversal (PyTorch's names and order) -------------------------------------------------------

    def named_modules(self, memo: set[int] | None = None, prefix: str = "") -> Iterator[tuple[str, Module]]:
        """("", self), then every sub-module once with its dotted path ("encoder.0"), depth first."""
        memo = set() if memo is None else memo
        if id(self) in memo:
            return
        memo.add(id(self))
        yield prefix, self
        for name, module in self._modules.items():
            yield from module.named_modules(memo, f"{prefix}.{name}" if prefix else name)

    def modules(self) -> Iterator[Module]:
        """This module and every sub-module, each once."""
        for _, module in self.named_modules():
            yield module

    def named_children(self) -> Iterator[tuple[str, Module]]:
        """The direct sub-modules with their attribute names."""
        yield from self._modules.items()

    def children(self) -> Iterator[Module]:
        """The direct sub-modules, in definition order."""
        yield from self._modules.values()

    def _named_members(self, registry: str, recurse: bool) -> Iterator[tuple[str, Any]]:
        seen: set[int] = set()
        modules = self.named_modules() if recurse else iter([("", self)])
        for prefix, module in modules:
            for name, member in getattr(module, registry).items():
                if member is not None and id(member) not in seen:
                    seen.add(id(member))
                    yield (f"{prefix}.{name}" if prefix else name), member

    def named_parameters(self, recurse: bool = True) -> Iterator[tuple[str, Parameter]]:
        """(dotted name, Parameter) in definition order, each Parameter once."""
        return self._named_members("_parameters", recurse)

    def parameters(self, recurse: bool = True) -> Iterator[Parameter]:
        """Every Parameter once, in definition order (a generator, as in PyTorch)."""
        for _, parameter in self.named_parameters(recurse):
            yield parameter

    def named_buffers(self, recurse: bool = True) -> Iterator[tuple[str, Tensor]]:
        """(dotted name, buffer Tensor), e.g. ("0.running_mean", ...)."""
        return self._named_members("_buffers", recurse)

    def buffers(self, recurse: bool = True) -> Iterator[Tensor]:
        """Every buffer Tensor once."""
        for _, buffer in self.named_buffers(recurse):
            yield buffer

    def apply(self, fn: Callable[[Module], Any]) -> Module:
        """Call ``fn`` on every sub-module and then on this one (e.g. to initialise weights). Returns self."""
        for module in self.children():
            module.apply(fn)
        fn(self)
        return self

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Forget every parameter's gradient (None, PyTorch's default), or fill it with zeros."""
        for parameter in self.parameters():
            if set_to_none or parameter.grad is None:
                parameter.grad = None
            else:
                parameter.grad.zero_()

    def requires_grad_(self, requires_grad: bool = True) -> Module:
        """Freeze (False) or unfreeze every parameter. Returns self."""
        for parameter in self.parameters():
            parameter.requires_grad_(requires_grad)
        return self

    def train(self, mode: bool = True) -> Module:
        """Training mode: dropout drops, batch norm uses batch statistics. Returns self."""
        for module in self.modules():
            object.__setattr__(module, "training", mode)
        return self

    def eval(self) -> Module:
        """Evaluation mode: dropout is off, batch norm uses its running statistics. Returns self."""
        return self.train(False)

    def to(self, *args: Any, **kwargs: Any) -> Module:
        """``to(dtype)`` casts every floating parameter and buffer in place; a device ("cpu") is accepted
        and changes nothing (chainrule runs on the CPU). Returns self, as PyTorch's."""
        dtype = to_arguments(args, dict(kwargs))
        if dtype is not None:
            for tensor in [*self.parameters(), *self.buffers()]:
                if tensor.dtype.kind == "f":
                    tensor.data = tensor.data.astype(dtype)
                    tensor.grad = None
                    increment_version(tensor)
        return self

    def float(self) -> Module:
        """Cast floating parameters and buffers to float32 (in place). Returns self."""
        return self.to(np.float32)

    def double(self) -> Module:
        """Cast floating parameters and buffers to float64 (in place). Returns self."""
        return self.to(np.float64)

    def cpu(self) -> Module:
        """Returns self: chainrule's tensors always live on the CPU."""
        return self

    # -- state -------------------------------------------------------------------------------------

    def state_dict(self) -> dict[str, Tensor]:
        """Copies of every parameter and persistent buffer as detached Tensors, by dotted name. (PyTorch's
        share memory with the model; copies cannot be changed behind the model's back by training.)"""
        return {name: tensor.detach().clone() for name, tensor in self._state_targets().items()}

    def load_state_dict(self, state: Mapping[str, Any], strict: bool = True) -> IncompatibleKeys:
        """Copy Tensors (or arrays) into the parameters and buffers; shapes must match, and with ``strict``
        names too. Returns the missing and unexpected names, as PyTorch does (both empty when strict)."""
        if not isinstance(state, Mapping):
            raise TypeError(f"load_state_dict expects a dict of name -> Tensor, got {type(state).__name__}")
        arrays = {
            name: np.asarray(value.numpy() if isinstance(value, Tensor) else value)
            for name, value in state.items()
        }
        own = self._state_targets()
        missing = sorted(set(own) - set(arrays))
        unexpected = sorted(set(arrays) - set(own))
        wrong = [
            f"{name}: expected {own[name].shape}, got {arrays[name].shape}"
            for name in sorted(set(own) & set(arrays))
            if arrays[name].shape != own[name].shape
        ]
        not_numbers = [f"{name} ({a.dtype})" for name, a in arrays.items() if a.dtype.kind not in "biuf"]
        problems = [f"wrong shape for {', '.join(wrong)}"] if wrong else []
        if not_numbers:
            problems.append(f"values that are not numbers for {', '.join(not_numbers)}")
        if strict and missing:
            problems.append(f"missing {', '.join(missing)}")
        if strict and unexpected:
            problems.append(f"unexpected {', '.join(unexpected)}")
        if problems:
            raise ValueError(f"cannot load state into {type(self).__name__}: " + "; ".join(problems))
        for name, value in arrays.items():
            if name in own:
                with no_grad():
                    own[name].copy_(value)
        return IncompatibleKeys(missing, unexpected)

    def _state_targets(self, prefix: str = "") -> dict[str, Tensor]:
        """The Tensors ``state_dict()`` copies, by the same names (the objects themselves): each module's
        parameters, then its persistent buffers, then its children's, as PyTorch; a tied parameter or
        shared module is listed under every name that holds it (``parameters()`` lists it once)."""
        targets: dict[str, Tensor] = {}
        for name, parameter in self._parameters.items():
            if parameter is not None:
                targets[prefix + name] = parameter
        for name, buffer in self._buffers.items():
            if buffer is not None and name not in self._non_persistent:
                targets[prefix + name] = buffer
        for name, child in self._modules.items():
            if child is not None:
                targets.update(child._state_targets(f"{prefix}{name}."))
        return targets

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write ``state_dict()`` atomically (temp file + rename): as safetensors for a ``.safetensors``
        name (PyTorch's names and layouts, a tied tensor once), else as an uncompressed ``.npz``."""
        if is_safetensors(path):
            return save_model_file(self._state_targets(), path)
        state = {name: tensor.numpy() for name, tensor in self.state_dict().items()}
        return atomic_write(path, lambda handle: np.savez(handle, **state))  # type: ignore[arg-type]

    def load(self, path: str | os.PathLike[str], strict: bool = True) -> Module:
        """Read a file written by ``save`` (or PyTorch's ``.safetensors``) and load it. Names, shapes and
        dtypes are checked from the file's headers before any data is read, nothing is unpickled, and
        errors name the file. Returns self."""
        location = Path(path)
        if not location.is_file():
            raise FileNotFoundError(f"no weights file at {location}")
        targets = self._state_targets()
        if is_safetensors(location):
            state = read_model_file(location, targets, strict, type(self).__name__)
        else:
            expected = {name: value.shape for name, value in targets.items()}
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
        """The settings ``print(model)`` shows inside this module's parentheses (override to add them)."""
        return ""


@contextmanager
def evaluating(model: Module) -> Iterator[Module]:
    """``model`` in eval mode inside the block; every submodule's own mode (a frozen BatchNorm in a
    training model, say) is restored afterwards, also when the block raises."""
    modes = [(module, module.training) for module in model.modules()]
    model.eval()
    try:
        yield model
    finally:
        for module, training in modes:
            object.__setattr__(module, "training", training)
