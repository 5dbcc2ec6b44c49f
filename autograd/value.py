"""Value: one scalar that remembers how it was computed, so ``backward()`` can apply the chain rule.

Each operation returns a new Value holding its result, its inputs (``_parents``) and the local
derivative of the result with respect to each input (``_da``, ``_db``: an op has at most two inputs),
computed during the forward pass.
Backpropagation is then the notes' computational-graph rule on every edge:
``parent.grad += local_derivative * node.grad``.

Storing local derivatives as numbers instead of a closure per node (micrograd's way) means a node
never refers to itself through its closure: no reference cycle, so a graph is freed by reference
counting the moment it is unreferenced; and plain float slots instead of a closure (with its cells)
leave two objects per operation, the node and its parents tuple, for the cyclic garbage collector to
track, which is most of what that collector costs a training loop.

Derivatives at kinks (documented and tested): relu'(0) = 0, leaky_relu'(0) = slope, elu'(0) = alpha,
abs'(0) = 0, step'(x) = 0 everywhere, hard_sigmoid'(±3) = 0, sqrt'(0) = +inf.
"""

from __future__ import annotations

import math
import numbers
from typing import ClassVar

from autograd import graph
from autograd.grad_mode import _mode

SELU_ALPHA = 1.6732632423543772
SELU_SCALE = 1.0507009873554805
_INV_SQRT2 = 1.0 / math.sqrt(2.0)
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)


def _to_float(data: object, what: str = "Value(data)") -> float:
    """A Python float from a real number (or 0-d array), else a TypeError naming what was passed."""
    if type(data) is float:
        return data
    if isinstance(data, numbers.Real) or getattr(data, "shape", None) == ():
        return float(data)  # type: ignore[arg-type]
    raise TypeError(f"{what} takes a real number, got {type(data).__name__}: {data!r}")


def _constant(other: object) -> float | None:
    """``other`` as a number when it is a plain real number, else None (the op returns NotImplemented)."""
    if type(other) is float or type(other) is int:
        return other
    if isinstance(other, numbers.Real):
        return float(other)
    return None


def _sigmoid(x: float) -> float:
    """Logistic function without overflow: exp of a non-positive number only."""
    if x >= 0.0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


def _power(base: float, exponent: float) -> float:
    """``base ** exponent`` over the reals, with a clear error where that is not a real number."""
    if base < 0.0 and not float(exponent).is_integer():
        raise ValueError(
            f"pow: a negative base ({base}) with a non-integer exponent ({exponent}) is not a real number"
        )
    if base == 0.0 and exponent < 0.0:
        raise ZeroDivisionError(f"pow: 0 cannot be raised to a negative exponent ({exponent})")
    return base**exponent


def _power_slope(base: float, exponent: float) -> float:
    """d(base ** exponent)/d(base); +inf at base 0 for 0 < exponent < 1 (e.g. sqrt)."""
    if exponent == 0.0:
        return 0.0
    if base == 0.0 and exponent < 1.0:
        return math.inf
    return exponent * base ** (exponent - 1.0)


def _exponent_slope(base: float, result: float) -> float:
    """d(base ** y)/dy = base**y * ln(base); 0 at base 0, NaN for a negative base (not differentiable)."""
    if base > 0.0:
        return result * math.log(base)
    return 0.0 if base == 0.0 else math.nan


class Value:
    """A scalar node of a computational graph (계산 그래프), with its gradient after ``backward()``."""

    __slots__ = ("__weakref__", "_da", "_db", "_op", "_parents", "data", "grad", "label")

    _CLEARED_GRAD: ClassVar[float] = 0.0

    def __init__(
        self,
        data: float,
        label: str = "",
        _parents: tuple[Value, ...] = (),
        _op: str = "",
        _da: float = 0.0,
        _db: float = 0.0,
    ) -> None:
        if _parents:
            self.data = data
            if _mode.enabled:
                self._parents = _parents
                self._op = _op
                self._da = _da
                self._db = _db
            else:
                self._parents = ()
                self._op = ""
        else:
            self.data = _to_float(data)
            self._parents = ()
            self._op = ""
        self.grad = 0.0
        self.label = label

    def __repr__(self) -> str:
        name = f"label={self.label!r}, " if self.label else ""
        return f"Value({name}data={self.data:.6g}, grad={self.grad:.6g})"

    # -- arithmetic ------------------------------------------------------------------------------

    def __add__(self, other: Value | float) -> Value:
        if isinstance(other, Value):
            return Value(self.data + other.data, "", (self, other), "+", 1.0, 1.0)
        c = other if type(other) is float else _constant(other)
        if c is None:
            return NotImplemented
        return Value(self.data + c, "", (self,), "+", 1.0)

    __radd__ = __add__

    def __sub__(self, other: Value | float) -> Value:
        if isinstance(other, Value):
            return Value(self.data - other.data, "", (self, other), "-", 1.0, -1.0)
        c = other if type(other) is float else _constant(other)
        if c is None:
            return NotImplemented
        return Value(self.data - c, "", (self,), "-", 1.0)

    def __rsub__(self, other: float) -> Value:
        c = other if type(other) is float else _constant(other)
        if c is None:
            return NotImplemented
        return Value(c - self.data, "", (self,), "-", -1.0)

    def __mul__(self, other: Value | float) -> Value:
        if isinstance(other, Value):
            return Value(self.data * other.data, "", (self, other), "*", other.data, self.data)
        c = other if type(other) is float else _constant(other)
        if c is None:
            return NotImplemented
        return Value(self.data * c, "", (self,), "*", c)

    __rmul__ = __mul__

    def __truediv__(self, other: Value | float) -> Value:
        if isinstance(other, Value):
            inverse = _reciprocal(other.data, self.data)
            out = self.data * inverse
            return Value(out, "", (self, other), "/", inverse, -out * inverse)
        c = other if type(other) is float else _constant(other)
        if c is None:
            return NotImplemented
        inverse = _reciprocal(c, self.data)
        return Value(self.data * inverse, "", (self,), "/", inverse)

    def __rtruediv__(self, other: float) -> Value:
        c = other if type(other) is float else _constant(other)
        if c is None:
            return NotImplemented
        inverse = _reciprocal(self.data, c)
        out = c * inverse
        return Value(out, "", (self,), "/", -out * inverse)

    def __pow__(self, exponent: Value | float) -> Value:
        x = self.data
        if isinstance(exponent, Value):
            y = exponent.data
            out = _power(x, y)
            return Value(out, "", (self, exponent), "**", _power_slope(x, y), _exponent_slope(x, out))
        n = _constant(exponent)
        if n is None:
            return NotImplemented
        return Value(_power(x, n), "", (self,), f"**{n:g}", _power_slope(x, n))

    def __rpow__(self, base: float) -> Value:
        b = _constant(base)
        if b is None:
            return NotImplemented
        out = _power(b, self.data)
        return Value(out, "", (self,), f"{b:g}**", _exponent_slope(b, out))

    def __neg__(self) -> Value:
        return Value(-self.data, "", (self,), "neg", -1.0)

    def __pos__(self) -> Value:
        return self

    # -- elementary functions --------------------------------------------------------------------

    def exp(self) -> Value:
        """e**x; overflows to +inf like NumPy rather than raising."""
        try:
            out = math.exp(self.data)
        except OverflowError:
            out = math.inf
        return Value(out, "", (self,), "exp", out)

    def log(self) -> Value:
        """Natural logarithm; a ValueError for x <= 0, where it is not defined."""
        x = self.data
        if x <= 0.0:
            raise ValueError(f"log is defined for x > 0, got {x}")
        return Value(math.log(x), "", (self,), "log", 1.0 / x)

    def sqrt(self) -> Value:
        """Square root; a ValueError for x < 0; its derivative at 0 is +inf."""
        x = self.data
        if x < 0.0:
            raise ValueError(f"sqrt is defined for x >= 0, got {x}")
        out = math.sqrt(x)
        return Value(out, "", (self,), "sqrt", 0.5 / out if out else math.inf)

    def __abs__(self) -> Value:
        x = self.data
        slope = 1.0 if x > 0.0 else (-1.0 if x < 0.0 else 0.0)
        return Value(abs(x), "", (self,), "abs", slope)

    abs = __abs__

    # -- activations (활성화 함수) ----------------------------------------------------------------

    def identity(self) -> Value:
        """f(x) = x: the output activation for regression."""
        return Value(self.data, "", (self,), "identity", 1.0)

    def step(self) -> Value:
        """1 for x > 0 else 0 (the perceptron's activation); its derivative is 0 everywhere."""
        return Value(1.0 if self.data > 0.0 else 0.0, "", (self,), "step", 0.0)

    def sigmoid(self) -> Value:
        """1 / (1 + e**-x), computed without overflow for any x."""
        s = _sigmoid(self.data)
        return Value(s, "", (self,), "sigmoid", s * (1.0 - s))

    def tanh(self) -> Value:
        t = math.tanh(self.data)
        return Value(t, "", (self,), "tanh", 1.0 - t * t)

    def relu(self) -> Value:
        """max(0, x); relu'(0) = 0."""
        x = self.data
        if x > 0.0:
            return Value(x, "", (self,), "relu", 1.0)
        return Value(0.0, "", (self,), "relu", 0.0)

    def leaky_relu(self, slope: float = 0.01) -> Value:
        """x for x > 0 else slope * x; the derivative at 0 is ``slope``."""
        x = self.data
        if x > 0.0:
            return Value(x, "", (self,), "leaky_relu", 1.0)
        return Value(slope * x, "", (self,), "leaky_relu", slope)

    def elu(self, alpha: float = 1.0) -> Value:
        """x for x > 0 else alpha * (e**x - 1); the derivative at 0 is ``alpha``."""
        x = self.data
        if x > 0.0:
            return Value(x, "", (self,), "elu", 1.0)
        out = alpha * math.expm1(x)
        return Value(out, "", (self,), "elu", out + alpha)

    def selu(self) -> Value:
        """Self-normalising ELU: SCALE * elu(x, ALPHA) with Klambauer et al.'s constants."""
        x = self.data
        if x > 0.0:
            return Value(SELU_SCALE * x, "", (self,), "selu", SELU_SCALE)
        e = math.exp(x)
        return Value(SELU_SCALE * SELU_ALPHA * (e - 1.0), "", (self,), "selu", SELU_SCALE * SELU_ALPHA * e)

    def gelu(self) -> Value:
        """x * Φ(x) with the exact normal CDF (PyTorch's default, not the tanh approximation)."""
        x = self.data
        cdf = 0.5 * (1.0 + math.erf(x * _INV_SQRT2))
        pdf = _INV_SQRT_2PI * math.exp(-0.5 * x * x)
        return Value(x * cdf, "", (self,), "gelu", cdf + x * pdf)

    def swish(self) -> Value:
        """x * sigmoid(x), also called SiLU."""
        s = _sigmoid(self.data)
        out = self.data * s
        return Value(out, "", (self,), "swish", s + out * (1.0 - s))

    silu = swish

    def softplus(self) -> Value:
        """log(1 + e**x) as max(x, 0) + log1p(e**-|x|): no overflow; its derivative is sigmoid(x)."""
        x = self.data
        out = max(x, 0.0) + math.log1p(math.exp(-abs(x)))
        return Value(out, "", (self,), "softplus", _sigmoid(x))

    def softsign(self) -> Value:
        """x / (1 + |x|)."""
        x = self.data
        denominator = 1.0 + abs(x)
        return Value(x / denominator, "", (self,), "softsign", 1.0 / (denominator * denominator))

    def hard_sigmoid(self) -> Value:
        """clip(x / 6 + 1/2, 0, 1) as in PyTorch; slope 1/6 inside (-3, 3), 0 outside and at ±3."""
        x = self.data
        if x <= -3.0:
            return Value(0.0, "", (self,), "hard_sigmoid", 0.0)
        if x >= 3.0:
            return Value(1.0, "", (self,), "hard_sigmoid", 0.0)
        return Value(x / 6.0 + 0.5, "", (self,), "hard_sigmoid", 1.0 / 6.0)

    # -- backpropagation (오차역전파) ---------------------------------------------------------------

    def backward(self, gradient: float = 1.0) -> None:
        """Fill ``.grad`` of this node and of every node it depends on (d self / d node).

        Leaves accumulate with ``+=`` (as in PyTorch): call ``zero_grad()`` between steps, or a second
        call adds the same gradients again. Intermediate nodes are reset, so they show this call's values.
        """
        graph.backward(self, _to_float(gradient, "backward(gradient)"))

    def zero_grad(self) -> None:
        """Set ``.grad`` of this node and of every node it depends on to 0."""
        graph.zero_grad(self)

    @staticmethod
    def _seed_grad(root: Value, seed: float) -> None:
        root.grad += seed

    @staticmethod
    def _backprop(order: list[Value]) -> None:
        """The chain rule, children before parents: each edge adds local derivative × gradient."""
        for node in reversed(order):
            parents = node._parents
            if parents:
                grad = node.grad
                if len(parents) == 2:
                    a, b = parents
                    a.grad += node._da * grad
                    b.grad += node._db * grad
                else:
                    parents[0].grad += node._da * grad

    @property
    def local_grads(self) -> tuple[float, ...]:
        """d self / d parent for each parent, in order: the numbers on the graph's edges."""
        return (self._da, self._db)[: len(self._parents)]

    @property
    def parents(self) -> tuple[Value, ...]:
        """The Values this one was computed from, in order (empty for a leaf)."""
        return self._parents

    @property
    def op(self) -> str:
        """The operation that made this Value ('' for a leaf)."""
        return self._op


def _reciprocal(denominator: float, numerator: float) -> float:
    """1 / denominator, with an error that shows the division that failed."""
    if denominator == 0.0:
        raise ZeroDivisionError(f"division by zero: {numerator} / 0")
    return 1.0 / denominator
