"""The derivative table for elementwise ops, shared by Value and Tensor: each op's forward on a float and
on an array, and its local derivatives written once as ``partials(m, out, *inputs, *params)``.

``m`` is one of the spaces in ``autograd.rules.spaces``: the same rule gives Value its local-derivative
numbers, Tensor its gradient arrays, and either engine a differentiable backward graph (``create_graph``).
A comparison such as ``x > 0`` gives a mask in every space (bool, bool array, bool Tensor): a constant.
Kinks (documented and tested): relu'(0) = 0, leaky_relu'(0) = slope, elu'(0) = alpha, abs'(0) = 0,
step' = 0, hard_sigmoid'(±3) = 0, clip' = 1 on its closed interval, sqrt'(0) = +inf; d(x**y)/dx = 0 where
y = 0 and d(x**y)/dy = 0 where x = 0 (PyTorch's conventions), NaN for a negative base.
Tensor ``x ** 2`` lifts 2 to a constant Tensor and skips its gradient; Value uses ``with_constant``.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from autograd.kernels.special import (
    INV_SQRT2,
    erf_array,
    gelu_array,
    sigmoid_array,
    sigmoid_float,
    softplus_float,
)

SELU_ALPHA = 1.6732632423543772
SELU_SCALE = 1.0507009873554805
_TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)

X, Y, OUT = 0, 1, -1  # what a gradient reads: the first input, the second, the output
Reads = tuple[tuple[int, ...], ...]  # per input: the values its gradient formula reads


def saved_values(
    reads: Reads | None, needs: tuple[bool, ...], cache: dict[Any, tuple[int, ...]]
) -> tuple[int, ...]:
    """The inputs (by position) and ``OUT`` whose values the backward reads for the gradients in ``needs``:
    what an in-place change must not touch before backward. ``reads`` None means every value, always."""
    found = cache.get(needs)
    if found is None:
        if reads is None:
            found = (*range(len(needs)), OUT)
        else:
            found = tuple(sorted({i for need, what in zip(needs, reads) if need for i in what}))
        cache[needs] = found
    return found


@dataclass(frozen=True, eq=False)
class Elementwise:
    """One elementwise op: ``arity`` inputs, ``params`` constants after them (slope, exponent, bounds).

    ``on_float`` / ``on_array`` compute the forward value; ``partials`` returns d out / d input (one value
    for a unary op, a pair for a binary one). Where those are numbers whatever the inputs (+, -, neg),
    give them as ``constant`` instead: they are then data, which the Value fast path reads without a call.
    ``label`` formats the op for pictures; ``doc`` is the docstring of the methods bound to it.
    """

    name: str
    arity: int
    on_float: Callable[..., float]
    on_array: Callable[..., np.ndarray]
    partials: Callable[..., Any] = None  # type: ignore[assignment]
    params: int = 0
    label: str = ""
    constant: Any = None
    doc: str = ""
    constant_side: int | None = None  # with_constant: the operand fixed to a number (0 left, 1 right)
    reads: Reads | None = None  # per input, what its partial reads (X, Y, OUT); None: everything
    _saved: dict[Any, tuple[int, ...]] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        if (self.partials is None) == (self.constant is None):
            raise ValueError(f"rule {self.name}: give partials or constant, not both or neither")
        if self.constant is not None:
            constant = self.constant
            object.__setattr__(self, "partials", lambda m, out, *inputs: constant)
            object.__setattr__(self, "reads", ((),) * self.arity)

    def saved(self, needs: tuple[bool, ...]) -> tuple[int, ...]:
        """The values the backward reads for the gradients in ``needs`` (input positions, ``OUT``)."""
        return saved_values(self.reads, needs, self._saved)

    def describe(self, params: tuple[Any, ...] = ()) -> str:
        """The op as a picture shows it, e.g. ``tanh``, ``leaky_relu(0.01)``, ``**2``."""
        if self.label:
            return self.label.format(*params)
        if not params:
            return self.name
        return f"{self.name}({', '.join(f'{p:g}' if isinstance(p, float) else str(p) for p in params)})"

    def vjp(
        self, m: Any, g: Any, out: Any, inputs: tuple[Any, ...], needs: tuple[bool, ...], ctx: Any
    ) -> tuple[Any, ...]:
        """Gradients of the inputs: upstream ``g`` times each local derivative (Tensor's interface)."""
        partials = self.constant if self.constant is not None else self.partials(m, out, *inputs, *ctx)
        if self.arity == 1:
            return (times(g, partials),)
        return tuple([times(g, p) if need else None for p, need in zip(partials, needs)])


def with_constant(rule: Elementwise, side: int) -> Elementwise:
    """The binary ``rule`` with operand ``side`` (0: ``c op x``, 1: ``x op c``) fixed to a number ``c``:
    a unary rule with one parameter, derived from the binary one, so no derivative is written again.
    Value uses it for ``x * 2`` and ``2 / x``: no leaf node for the constant, and the label tells the
    two sides apart (Tensor uses it for Python numbers). A node space lifts ``c`` with ``m.constant(c, x)``
    (a node of ``x``'s kind and dtype) to evaluate the binary rule on nodes."""
    other = 1 - side

    def on_float(x: float, c: float) -> float:
        return rule.on_float(c, x) if side == 0 else rule.on_float(x, c)

    def on_array(x: np.ndarray, c: float) -> np.ndarray:
        return rule.on_array(c, x) if side == 0 else rule.on_array(x, c)

    def partials(m: Any, out: Any, x: Any, c: float) -> Any:
        k = m.constant(c, x)
        return (rule.partials(m, out, k, x) if side == 0 else rule.partials(m, out, x, k))[other]

    symbol = rule.label or rule.name
    label = f"{{0:g}}{symbol}" if side == 0 else f"{symbol}{{0:g}}"
    reads = (
        None
        if rule.reads is None
        else (tuple(X if i == other else i for i in rule.reads[other] if i != side),)
    )
    if rule.constant is not None:
        return Elementwise(
            rule.name,
            1,
            on_float,
            on_array,
            params=1,
            label=label,
            constant=rule.constant[other],
            constant_side=side,
        )
    return Elementwise(
        rule.name, 1, on_float, on_array, partials, params=1, label=label, constant_side=side, reads=reads
    )


def times(g: Any, partial: Any) -> Any:
    """g · partial, skipping the product for the constant derivatives ±1 of sums and differences."""
    if type(partial) is float:
        if partial == 1.0:
            return g
        if partial == -1.0:
            return -g
    return g * partial


# -- float forwards with the errors Value documents (arrays follow NumPy: inf and NaN; the Tensor engine
# runs every forward and backward with NumPy's warnings off, so none escapes) -------------------------


def _divide(x: float, y: float) -> float:
    if y == 0.0:
        raise ZeroDivisionError(f"division by zero: {x} / 0")
    return x / y


def power(x: float, y: float) -> float:
    """``x ** y`` over the reals, with a clear error where that is not a real number."""
    if x < 0.0 and not float(y).is_integer():
        raise ValueError(f"pow: a negative base ({x}) with a non-integer exponent ({y}) is not a real number")
    if x == 0.0 and y < 0.0:
        raise ZeroDivisionError(f"pow: 0 cannot be raised to a negative exponent ({y})")
    try:
        return x**y
    except OverflowError:
        return math.copysign(math.inf, x) if float(y).is_integer() and y % 2 else math.inf


def _exp(x: float) -> float:
    try:
        return math.exp(x)
    except OverflowError:
        return math.inf


def _log(x: float) -> float:
    if x <= 0.0:
        raise ValueError(f"log is defined for x > 0, got {x}")
    return math.log(x)


def _sqrt(x: float) -> float:
    if x < 0.0:
        raise ValueError(f"sqrt is defined for x >= 0, got {x}")
    return math.sqrt(x)


def _like(x: np.ndarray, values: Any) -> np.ndarray:
    return np.asarray(values).astype(np.result_type(x, np.float32), copy=False)


# -- arithmetic ------------------------------------------------------------------------------------------

ADD = Elementwise("add", 2, operator.add, np.add, constant=(1.0, 1.0), label="+", doc="x + y.")
SUB = Elementwise("sub", 2, operator.sub, np.subtract, constant=(1.0, -1.0), label="-", doc="x - y.")
MUL = Elementwise(
    "mul",
    2,
    operator.mul,
    np.multiply,
    lambda m, out, x, y: (y, x),
    label="*",
    doc="x · y.",
    reads=((Y,), (X,)),
)
DIV = Elementwise(
    "div",
    2,
    _divide,
    np.divide,
    lambda m, out, x, y: (1.0 / y, -out / y),
    label="/",
    doc="x / y; Value raises ZeroDivisionError at y = 0, Tensor gives inf.",
    reads=((Y,), (Y, OUT)),
)
NEG = Elementwise("neg", 1, operator.neg, np.negative, constant=-1.0, doc="-x.")


def _integer_divisor(y: np.ndarray) -> None:
    """PyTorch refuses an integer division by zero (NumPy would give 0 and a warning)."""
    if y.dtype.kind in "iu" and not np.all(y):
        raise RuntimeError("ZeroDivisionError: integer division or modulo by zero")


def _floor_divide(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    _integer_divisor(np.asarray(y))
    return np.floor_divide(x, y)


def _remainder(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    _integer_divisor(np.asarray(y))
    return np.remainder(x, y)


FLOOR_DIVIDE = Elementwise(
    "floor_divide",
    2,
    operator.floordiv,
    _floor_divide,
    constant=(0.0, 0.0),
    label="//",
    doc="⌊x / y⌋, rounded as Python rounds; its derivative is 0 where it exists (PyTorch defines none).",
)
REMAINDER = Elementwise(
    "remainder",
    2,
    operator.mod,
    _remainder,
    lambda m, out, x, y: (1.0, (out - x) / y),  # x % y = x - ⌊x/y⌋·y, and ⌊x/y⌋ = (x - out) / y
    label="%",
    doc="x - ⌊x / y⌋·y, with the sign of y, as Python's %.",
    reads=((), (X, Y, OUT)),
)


def _pow_partials(m: Any, out: Any, x: Any, y: Any) -> tuple[Any, Any]:
    base_data, exponent_data = m.data(x), m.data(y)
    # where y == 0 the base derivative y·x^(y-1) is 0: evaluate it at base 1 there, never at 0^-1
    base = y * m.power(m.where(exponent_data == 0, 1.0, x), y - 1.0)
    positive = base_data > 0
    log_base = m.log(m.where(positive, x, 1.0))
    exponent = m.where(positive, out * log_base, m.where(base_data == 0, 0.0, math.nan))
    return base, exponent


POW = Elementwise(
    "pow",
    2,
    power,
    np.power,
    _pow_partials,
    label="**",
    doc="x ** y over the reals; Value raises where that is undefined, Tensor gives NaN.",
    reads=((X, Y), (X, Y, OUT)),
)

# -- elementary functions ------------------------------------------------------------------------------

EXP = Elementwise(
    "exp",
    1,
    _exp,
    np.exp,
    lambda m, out, x: out,
    doc="e**x; +inf where it overflows (no error, no warning).",
    reads=((OUT,),),
)
LOG = Elementwise(
    "log",
    1,
    _log,
    np.log,
    lambda m, out, x: 1.0 / x,
    doc="Natural log; Value raises for x <= 0, Tensor gives -inf at 0 and NaN below.",
    reads=((X,),),
)
SQRT = Elementwise(
    "sqrt",
    1,
    _sqrt,
    np.sqrt,
    lambda m, out, x: 0.5 / out,
    doc="Square root; Value raises for x < 0, Tensor gives NaN; the derivative at 0 is +inf.",
    reads=((OUT,),),
)
ABS = Elementwise(
    "abs", 1, abs, np.abs, lambda m, out, x: m.sign(x), doc="|x|; its derivative at 0 is 0.", reads=((X,),)
)
SIN = Elementwise(
    "sin",
    1,
    lambda x: math.sin(x) if math.isfinite(x) else math.nan,
    np.sin,
    lambda m, out, x: m.cos(x),
    doc="Sine (radians).",
    reads=((X,),),
)
COS = Elementwise(
    "cos",
    1,
    lambda x: math.cos(x) if math.isfinite(x) else math.nan,
    np.cos,
    lambda m, out, x: -m.sin(x),
    doc="Cosine (radians).",
    reads=((X,),),
)
ERF = Elementwise(
    "erf",
    1,
    math.erf,
    erf_array,
    lambda m, out, x: _TWO_OVER_SQRT_PI * m.exp(-(x * x)),
    doc="The error function (Tensor: accurate to ~1e-15 in float64); its derivative is 2/sqrt(pi) e**(-x²).",
    reads=((X,),),
)

# -- rounding: piecewise constant, so the derivative is 0 everywhere (PyTorch's too) ---------------------


def _rounding(name: str, on_float: Any, on_array: Any, doc: str) -> Elementwise:
    """A rounding op: NaN and ±inf pass through the float form as NumPy's array form passes them."""
    return Elementwise(
        name,
        1,
        lambda x: float(on_float(x)) if math.isfinite(x) else x,
        on_array,
        constant=0.0,
        doc=doc + " Its gradient is 0 everywhere, as in PyTorch.",
    )


SIGN = _rounding("sign", lambda x: (x > 0) - (x < 0), np.sign, "-1, 0 or 1 by the sign of x.")
FLOOR = _rounding("floor", math.floor, np.floor, "The largest integer <= x.")
CEIL = _rounding("ceil", math.ceil, np.ceil, "The smallest integer >= x.")
ROUND = _rounding("round", round, np.round, "The nearest integer, halves to even (as PyTorch).")

# -- activations (활성화 함수) ----------------------------------------------------------------------------

IDENTITY = Elementwise(
    "identity",
    1,
    lambda x: x,
    np.positive,
    constant=1.0,
    doc="f(x) = x: the output activation for regression.",
)
STEP = Elementwise(
    "step",
    1,
    lambda x: 1.0 if x > 0.0 else 0.0,
    lambda x: _like(x, x > 0),
    constant=0.0,
    doc="1 where x > 0 else 0 (the perceptron's activation); its derivative is 0 everywhere.",
)
SIGMOID = Elementwise(
    "sigmoid",
    1,
    sigmoid_float,
    sigmoid_array,
    lambda m, out, x: out * (1.0 - out),
    doc="1 / (1 + e**-x), computed without overflow for any input.",
    reads=((OUT,),),
)
TANH = Elementwise(
    "tanh",
    1,
    math.tanh,
    np.tanh,
    lambda m, out, x: 1.0 - out * out,
    doc="Hyperbolic tangent; its derivative is 1 - tanh².",
    reads=((OUT,),),
)
RELU = Elementwise(
    "relu",
    1,
    lambda x: 0.0 if x <= 0.0 else x,  # NaN stays NaN, as in NumPy and PyTorch
    lambda x: np.maximum(x, 0),
    lambda m, out, x: out > 0,  # the same mask as x > 0, read from the output as PyTorch does
    doc="max(0, x); relu'(0) = 0.",
    reads=((OUT,),),
)
LEAKY_RELU = Elementwise(
    "leaky_relu",
    1,
    lambda x, slope: x if x > 0.0 else slope * x,
    lambda x, slope: _like(x, np.where(x > 0, x, x * slope)),
    lambda m, out, x, slope: m.where(x > 0, 1.0, slope),
    params=1,
    doc="x where x > 0 else slope · x; the derivative at 0 is slope.",
    reads=((X,),),
)
ELU = Elementwise(
    "elu",
    1,
    lambda x, alpha: x if x > 0.0 else alpha * math.expm1(x),
    lambda x, alpha: _like(x, np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0)))),
    lambda m, out, x, alpha: m.where(x > 0, 1.0, out + alpha),
    params=1,
    doc="x where x > 0 else alpha · (e**x - 1); the derivative at 0 is alpha.",
    reads=((X, OUT),),
)
SELU = Elementwise(
    "selu",
    1,
    lambda x: SELU_SCALE * (x if x > 0.0 else SELU_ALPHA * math.expm1(x)),
    lambda x: _like(x, SELU_SCALE * np.where(x > 0, x, SELU_ALPHA * np.expm1(np.minimum(x, 0)))),
    lambda m, out, x: m.where(x > 0, SELU_SCALE, out + SELU_SCALE * SELU_ALPHA),
    doc="SCALE · elu(x, ALPHA) with Klambauer et al.'s self-normalising constants.",
    reads=((X, OUT),),
)
GELU = Elementwise(
    "gelu",
    1,
    lambda x: x * 0.5 * (1.0 + math.erf(x * INV_SQRT2)),
    gelu_array,
    lambda m, out, x: m.gelu_slope(out, x),
    doc="x · Φ(x) with the exact normal CDF (PyTorch's default, not the tanh approximation).",
    reads=((X, OUT),),
)


def _swish_partial(m: Any, out: Any, x: Any) -> Any:
    s = m.sigmoid(x)
    return s * (1.0 + x * (1.0 - s))


SWISH = Elementwise(
    "swish",
    1,
    lambda x: x * sigmoid_float(x),
    lambda x: x * sigmoid_array(x),
    _swish_partial,
    doc="x · sigmoid(x), also called SiLU.",
    reads=((X,),),
)
SOFTPLUS = Elementwise(
    "softplus",
    1,
    softplus_float,
    lambda x: np.logaddexp(0, x),
    lambda m, out, x: m.sigmoid(x),
    doc="log(1 + e**x) without overflow; its derivative is sigmoid(x).",
    reads=((X,),),
)


def _softsign_partial(m: Any, out: Any, x: Any) -> Any:
    denominator = 1.0 + m.abs(x)
    return 1.0 / (denominator * denominator)


SOFTSIGN = Elementwise(
    "softsign",
    1,
    lambda x: x / (1.0 + abs(x)),
    lambda x: x / (1 + np.abs(x)),
    _softsign_partial,
    doc="x / (1 + |x|).",
    reads=((X,),),
)
HARD_SIGMOID = Elementwise(
    "hard_sigmoid",
    1,
    lambda x: min(max(x / 6.0 + 0.5, 0.0), 1.0),
    lambda x: _like(x, np.clip(x / 6 + 0.5, 0, 1)),
    lambda m, out, x: m.where(x > -3, m.where(x < 3, 1.0 / 6.0, 0.0), 0.0),
    doc="clip(x/6 + 1/2, 0, 1) as in PyTorch; slope 1/6 strictly inside (-3, 3).",
    reads=((X,),),
)
CLIP = Elementwise(
    "clip",
    1,
    lambda x, low, high: min(max(x, low), high),
    lambda x, low, high: np.clip(x, low, high),
    lambda m, out, x, low, high: m.where(x >= low, x <= high, False),
    params=2,
    doc="Limit to [low, high]; the gradient flows where low <= x <= high (PyTorch's clamp).",
    reads=((X,),),
)

RULES: tuple[Elementwise, ...] = (
    ADD, SUB, MUL, DIV, NEG, FLOOR_DIVIDE, REMAINDER, POW, EXP, LOG, SQRT, ABS, SIN, COS, ERF, SIGN, FLOOR,
    CEIL, ROUND, IDENTITY,
    STEP, SIGMOID, TANH, RELU, LEAKY_RELU, ELU, SELU, GELU, SWISH, SOFTPLUS, SOFTSIGN, HARD_SIGMOID, CLIP,
)  # fmt: skip
