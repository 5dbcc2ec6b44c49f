"""Run one scenario, written in PyTorch's API, on chainrule and (when installed) on PyTorch, and compare
what comes out: values, dtypes, ``None``s, and the kind of error where one is raised."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

import numpy as np

import chainrule

try:
    torch: Any = importlib.import_module("torch")
except ImportError:  # the comparison half is skipped; the expectations written in the tests still run
    torch = None

LIBRARIES = [chainrule] if torch is None else [chainrule, torch]
Scenario = Callable[[Any], Any]


class T:
    """An expected Tensor in a test: its values and dtype name (what PyTorch gives)."""

    def __init__(self, values: Any, dtype: str = "float32") -> None:
        self.values = np.array(values)
        self.dtype = dtype


def dtype_name(dtype: Any) -> str:
    """``float32`` for NumPy's and PyTorch's dtype objects alike."""
    return str(dtype).replace("torch.", "")


def _plain(value: Any) -> Any:
    """Tensors as (array, dtype name); containers recursively; numbers as they are."""
    if isinstance(value, T):
        return ("tensor", value.values, value.dtype)
    if hasattr(value, "detach") and hasattr(value, "dtype") and callable(value.detach):
        array = np.array(
            value.detach().numpy() if value.__class__.__module__.startswith("torch") else value.numpy()
        )
        return ("tensor", array, dtype_name(value.dtype))
    if isinstance(value, (list, tuple)):
        return tuple(_plain(item) for item in value)
    if isinstance(value, np.ndarray):
        return ("array", value, str(value.dtype))
    return value


def outcome(library: Any, scenario: Scenario) -> Any:
    """What ``scenario(library)`` returns, made comparable, or ("raised", exception class name)."""
    try:
        return _plain(scenario(library))
    except Exception as error:
        return ("raised", type(error).__name__, str(error))


def assert_same(ours: Any, theirs: Any, rtol: float, where: str = "result") -> None:
    """Equal structure, equal dtypes, values within ``rtol`` (NaN equal to NaN), errors of one kind."""
    if isinstance(theirs, tuple) and theirs and theirs[0] == "raised":
        assert isinstance(ours, tuple) and ours and ours[0] == "raised", (
            f"{where}: PyTorch raised {theirs[1]}: {theirs[2]}; chainrule gave {ours!r}"
        )
        assert ours[1] == theirs[1], (
            f"{where}: PyTorch raised {theirs[1]} ({theirs[2]}), chainrule {ours[1]} ({ours[2]})"
        )
        return
    assert not (isinstance(ours, tuple) and ours and ours[0] == "raised"), (
        f"{where}: chainrule raised {ours[1]}: {ours[2]}"
    )
    if isinstance(theirs, tuple) and theirs and theirs[0] in ("tensor", "array"):
        assert isinstance(ours, tuple) and ours[0] in ("tensor", "array"), (
            f"{where}: expected a Tensor, got {ours!r}"
        )
        assert ours[2] == theirs[2], f"{where}: dtype {ours[2]} where PyTorch gives {theirs[2]}"
        assert ours[1].shape == theirs[1].shape, (
            f"{where}: shape {ours[1].shape} where PyTorch gives {theirs[1].shape}"
        )
        if theirs[1].dtype.kind in "biu":
            np.testing.assert_array_equal(ours[1], theirs[1], err_msg=where)
        else:
            np.testing.assert_allclose(ours[1], theirs[1], rtol=rtol, atol=rtol, err_msg=where)
        return
    if isinstance(theirs, tuple):
        assert isinstance(ours, tuple) and len(ours) == len(theirs), f"{where}: {ours!r} against {theirs!r}"
        for i, (a, b) in enumerate(zip(ours, theirs)):
            assert_same(a, b, rtol, f"{where}[{i}]")
        return
    if isinstance(theirs, float) and np.isnan(theirs):
        assert isinstance(ours, float) and np.isnan(ours), f"{where}: {ours!r} where PyTorch gives nan"
        return
    assert ours == theirs, f"{where}: {ours!r} where PyTorch gives {theirs!r}"


def check(scenario: Scenario, expected: Any = None, rtol: float = 1e-6) -> Any:
    """Run ``scenario`` on chainrule; compare with ``expected`` (written in the test, as PyTorch gives
    it; a type for an expected error) and, when PyTorch is installed, with PyTorch itself."""
    ours = outcome(chainrule, scenario)
    if isinstance(expected, type) and issubclass(expected, BaseException):
        assert ours[0] == "raised" and ours[1] == expected.__name__, (
            f"expected {expected.__name__}, got {ours!r}"
        )
    elif expected is not None:
        assert_same(ours, _plain(expected), rtol, "expected")
    if torch is not None:
        assert_same(ours, outcome(torch, scenario), rtol, "against PyTorch")
    return ours
