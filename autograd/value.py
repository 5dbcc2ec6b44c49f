"""Value: one scalar that remembers how it was computed, so ``backward()`` can apply the chain rule.

Each operation returns a new Value holding its result, its inputs (``_parents``), its rule from the
derivative table (``_op``, see ``autograd.rules.elementwise``) and the local derivative of the result
with respect to each input (``_da``, ``_db``), evaluated on numbers during the forward pass.
Backpropagation is then the notes' computational-graph rule on every edge:
``parent.grad += local_derivative * node.grad``.
A unary op keeps its constant (slope, exponent) in ``_db``, so the rule can be evaluated again on
graph nodes for ``create_graph``: gradients of gradients.

Storing numbers instead of a closure per node (micrograd's way) means a node never refers to itself
through its closure: no reference cycle, so a graph is freed by reference counting the moment it is
unreferenced, and the cyclic collector tracks two objects per op (the node and its parents tuple).
A number mixed into an op is kept in ``_db`` of a unary node (``rules.with_constant``): no leaf node
for it, and ``x / 2`` and ``2 / x`` stay distinguishable.
"""

from __future__ import annotations

import numbers
from typing import Any, ClassVar

import numpy as np

from autograd import graph
from autograd.anomaly import recording
from autograd.grad_mode import _everyone
from autograd.rules import elementwise as rules
from autograd.rules.elementwise import Elementwise, times, with_constant
from autograd.rules.spaces import ArrayMath, FloatMath, NodeMath

_new = object.__new__
UNRECORDED = "computed under no_grad"  # the _op of an op's result that recorded no graph


def _to_float(data: object, what: str = "Value(data)") -> float:
    """A Python float from a real number (or 0-d array), else a TypeError naming what was passed."""
    if type(data) is float:
        return data
    if isinstance(data, numbers.Real) or (
        getattr(data, "shape", None) == () and getattr(data, "dtype", np.dtype("O")).kind in "biuf"
    ):
        return float(data)  # type: ignore[arg-type]
    hint = " (use .item() for a one-element Tensor)" if type(data).__name__ == "Tensor" else ""
    raise TypeError(f"{what} takes a real number, got {type(data).__name__}: {data!r}{hint}")


def _node(data: float, parents: tuple[Value, ...], rule: Elementwise, da: float, db: float) -> Value:
    """A Value computed by ``rule``; under ``no_grad`` it records nothing and is a leaf."""
    out = _new(Value)
    out.data, out.grad, out.label = data, 0.0, ""
    if _everyone.records or recording(out, rule, parents):
        out._parents, out._op, out._da, out._db = parents, rule, da, db
    else:
        out._parents, out._op = (), UNRECORDED
    return out


def _leaf(data: float) -> Value:
    out = _new(Value)
    out.data, out.grad, out.label = data, 0.0, ""
    out._parents, out._op = (), None
    return out


def _number(other: object) -> float | None:
    """A plain real number as a float, anything else None (the op then returns NotImplemented)."""
    if type(other) is float:
        return other
    if isinstance(other, numbers.Real):
        return float(other)
    return None


def _ieee_partials(rule: Elementwise, *args: float) -> Any:
    """The rule in IEEE arithmetic, for where Python's float math raises (0 ** -1, exp(1e4)): inf or NaN."""
    with np.errstate(all="ignore"):
        partials = rule.partials(ArrayMath, *(np.float64(a) for a in args))
    return tuple(map(float, partials)) if rule.arity == 2 else float(partials)


def _binary(a: Value, b: Value, rule: Elementwise) -> Value:
    x, y = a.data, b.data
    out = rule.on_float(x, y)
    try:
        da, db = rule.partials(FloatMath, out, x, y)
    except (ArithmeticError, ValueError):
        da, db = _ieee_partials(rule, out, x, y)
    return _node(out, (a, b), rule, da, db)


def _unary(a: Value, rule: Elementwise, param: float = 0.0) -> Value:
    """A unary op; a rule with a parameter gets ``param`` (kept in the node's ``_db`` for create_graph)."""
    x = a.data
    params = (param,) if rule.params else ()
    out = rule.on_float(x, *params)
    try:
        d = rule.partials(FloatMath, out, x, *params)
    except (ArithmeticError, ValueError):
        d = _ieee_partials(rule, out, x, *params)
    return _node(out, (a,), rule, d, param)


def elementwise(rule: Elementwise, inputs: tuple[Value, ...], params: tuple[float, ...] = ()) -> Value:
    """Apply a rule of the derivative table to Values: how each method is bound, and how to add an op."""
    if len(inputs) != rule.arity or len(params) != rule.params:
        raise ValueError(
            f"{rule.name} takes {rule.arity} input(s) and {rule.params} parameter(s), "
            f"got {len(inputs)} and {len(params)}"
        )
    if rule.params > 1:
        raise ValueError(f"{rule.name}: a Value node keeps one constant, this rule needs {rule.params}")
    if rule.arity == 2:
        return _binary(inputs[0], inputs[1], rule)
    return _unary(inputs[0], rule, *params)


# The hot methods (arithmetic and parameter-free activations) are closures with _binary / _unary /
# _node inlined: each Python call level costs a training step ~10% (benchmarks/scalar.py).


def _binary_method(rule: Elementwise, reflected: bool = False) -> Any:
    forward, partials, constant = rule.on_float, rule.partials, rule.constant
    with_number = with_constant(rule, 0 if reflected else 1)
    number_constant = with_number.constant

    def method(self: Value, other: Any) -> Value:
        node = _new(Value)
        if isinstance(other, Value):
            if reflected:
                a, b = other, self
            else:
                a, b = self, other
            x, y = a.data, b.data
            out = forward(x, y)
            if constant is not None:
                da, db = constant
            else:
                try:
                    da, db = partials(FloatMath, out, x, y)
                except (ArithmeticError, ValueError):
                    da, db = _ieee_partials(rule, out, x, y)
            parents: tuple[Value, ...] = (a, b)
            op = rule
        else:  # a number: a unary node that keeps it in _db (see rules.with_constant)
            db = other if type(other) is float else _number(other)
            if db is None:
                return NotImplemented
            x = self.data
            out = forward(db, x) if reflected else forward(x, db)
            if number_constant is not None:
                da = number_constant
            else:
                try:  # with_number.partials, inlined: FloatMath keeps the number as it is
                    da = (
                        partials(FloatMath, out, db, x)[1]
                        if reflected
                        else partials(FloatMath, out, x, db)[0]
                    )
                except (ArithmeticError, ValueError):
                    da = _ieee_partials(with_number, out, x, db)
            parents, op = (self,), with_number
        node.data, node.grad, node.label = out, 0.0, ""
        if _everyone.records or recording(node, op, parents):
            node._parents, node._op, node._da, node._db = parents, op, da, db
        else:
            node._parents, node._op = (), UNRECORDED
        return node

    method.__name__ = f"__{'r' if reflected else ''}{rule.name}__"
    return method


def _unary_method(rule: Elementwise) -> Any:
    forward, partials, constant = rule.on_float, rule.partials, rule.constant

    def method(self: Value) -> Value:
        x = self.data
        out = forward(x)
        if constant is not None:
            d = constant
        else:
            try:
                d = partials(FloatMath, out, x)
            except (ArithmeticError, ValueError):
                d = _ieee_partials(rule, out, x)
        node = _new(Value)
        node.data, node.grad, node.label = out, 0.0, ""
        if _everyone.records or recording(node, rule, (self,)):
            node._parents, node._op, node._da, node._db = (self,), rule, d, 0.0
        else:
            node._parents, node._op = (), UNRECORDED
        return node

    method.__name__ = rule.name
    method.__qualname__ = f"Value.{rule.name}"
    method.__doc__ = rule.doc
    return method


class ValueMath(NodeMath):
    """Rules evaluated on Values: ``where`` decides on the data, so a branch choice is a constant."""

    @staticmethod
    def constant(c: float, like: Value) -> Value:
        return _leaf(c)

    @staticmethod
    def where(condition: bool, a: Any, b: Any) -> Any:
        return a if condition else b

    @staticmethod
    def sign(x: Value) -> float:
        return FloatMath.sign(x.data)


class Value:
    """A scalar node of a computational graph (계산 그래프), with its gradient after ``backward()``."""

    __slots__ = ("__weakref__", "_da", "_db", "_op", "_parents", "data", "grad", "label")

    _CLEARED_GRAD: ClassVar[float] = 0.0
    _GRAD_SLOT: ClassVar[str] = "grad"
    _BACKPROP_MAY_RECORD: ClassVar[bool] = True  # a grad that is a Value (create_graph before) would record
    _rebases: None = None  # a Value never changes in place, so no edge is ever redirected

    _da: float
    _db: float
    _op: Any  # its Elementwise rule; None for a leaf; UNRECORDED for a result made under no_grad
    _parents: tuple[Value, ...]
    data: float
    grad: Any
    label: str

    def __init__(self, data: float, label: str = "") -> None:
        self.data = _to_float(data)
        self.grad = 0.0
        self.label = label
        self._parents = ()
        self._op = None

    @property
    def _data(self) -> float:
        """The number, under the name the code shared by both engines reads (a Tensor's is its array)."""
        return self.data

    def __repr__(self) -> str:
        name = f"label={self.label!r}, " if self.label else ""
        grad = self.grad.data if isinstance(self.grad, Value) else self.grad
        return f"Value({name}data={self.data:.6g}, grad={grad:.6g})"

    # -- arithmetic ------------------------------------------------------------------------------

    __add__ = _binary_method(rules.ADD)
    __radd__ = _binary_method(rules.ADD, reflected=True)
    __sub__ = _binary_method(rules.SUB)
    __rsub__ = _binary_method(rules.SUB, reflected=True)
    __mul__ = _binary_method(rules.MUL)
    __rmul__ = _binary_method(rules.MUL, reflected=True)
    __truediv__ = _binary_method(rules.DIV)
    __rtruediv__ = _binary_method(rules.DIV, reflected=True)
    __pow__ = _binary_method(rules.POW)
    __rpow__ = _binary_method(rules.POW, reflected=True)
    __floordiv__ = _binary_method(rules.FLOOR_DIVIDE)
    __rfloordiv__ = _binary_method(rules.FLOOR_DIVIDE, reflected=True)
    __mod__ = _binary_method(rules.REMAINDER)
    __rmod__ = _binary_method(rules.REMAINDER, reflected=True)

    __neg__ = _unary_method(rules.NEG)
    __abs__ = _unary_method(rules.ABS)

    def __pos__(self) -> Value:
        return self

    def __float__(self) -> float:
        return self.data

    def __bool__(self) -> bool:
        """The truth of the number (0 is False), as for a one-element Tensor in PyTorch."""
        return self.data != 0.0

    # comparisons look at the data (a mask is a constant), which is how rules test for kinks;
    # == stays identity, so Values remain usable in sets and as dict keys
    def __lt__(self, other: Value | float) -> bool:
        return self.data < (other.data if isinstance(other, Value) else other)

    def __le__(self, other: Value | float) -> bool:
        return self.data <= (other.data if isinstance(other, Value) else other)

    def __gt__(self, other: Value | float) -> bool:
        return self.data > (other.data if isinstance(other, Value) else other)

    def __ge__(self, other: Value | float) -> bool:
        return self.data >= (other.data if isinstance(other, Value) else other)

    # -- elementary functions and activations (활성화 함수): one binding per rule ----------------------

    exp = _unary_method(rules.EXP)
    log = _unary_method(rules.LOG)
    sqrt = _unary_method(rules.SQRT)
    abs = __abs__
    sin = _unary_method(rules.SIN)
    cos = _unary_method(rules.COS)
    erf = _unary_method(rules.ERF)
    sign = _unary_method(rules.SIGN)
    floor = _unary_method(rules.FLOOR)
    ceil = _unary_method(rules.CEIL)
    round = _unary_method(rules.ROUND)
    identity = _unary_method(rules.IDENTITY)
    step = _unary_method(rules.STEP)
    sigmoid = _unary_method(rules.SIGMOID)
    tanh = _unary_method(rules.TANH)
    relu = _unary_method(rules.RELU)
    selu = _unary_method(rules.SELU)
    gelu = _unary_method(rules.GELU)
    swish = _unary_method(rules.SWISH)
    silu = swish
    softplus = _unary_method(rules.SOFTPLUS)
    softsign = _unary_method(rules.SOFTSIGN)
    hard_sigmoid = _unary_method(rules.HARD_SIGMOID)

    def leaky_relu(self, slope: float = 0.01) -> Value:
        """x for x > 0 else slope · x; the derivative at 0 is ``slope``."""
        return _unary(self, rules.LEAKY_RELU, _to_float(slope, "leaky_relu(slope)"))

    def elu(self, alpha: float = 1.0) -> Value:
        """x for x > 0 else alpha · (e**x - 1); the derivative at 0 is ``alpha``."""
        return _unary(self, rules.ELU, _to_float(alpha, "elu(alpha)"))

    # -- backpropagation (오차역전파) ---------------------------------------------------------------

    def backward(self, gradient: float = 1.0, create_graph: bool = False) -> None:
        """Fill ``.grad`` of this node and of every node it depends on (d self / d node).

        Leaves accumulate with ``+=`` (as in PyTorch): call ``zero_grad()`` between steps, or a second
        call adds the same gradients again. Intermediate nodes are reset, so they show this call's values.
        With ``create_graph=True`` every ``.grad`` is a Value built by the backward pass, which can be
        differentiated again (it keeps the forward graph alive while it is referenced).
        """
        if self._op is UNRECORDED:
            raise RuntimeError(
                "backward(): this Value was computed under no_grad: it has no graph to backpropagate through"
            )
        seed = _to_float(gradient, "backward(gradient)")
        graph.run_backward([self], [_leaf(seed) if create_graph else seed], create_graph)

    def zero_grad(self) -> None:
        """Set ``.grad`` of this node and of every node it depends on to 0."""
        graph.zero_grad(self)

    @staticmethod
    def _seed_grad(root: Value, seed: Any) -> None:
        _add_grad(root, seed)

    @staticmethod
    def _as_seed(root: Value, seed: Any, create_graph: bool) -> Any:
        """A grad_outputs entry for ``root`` (1 when None): a float, or a node for create_graph."""
        if isinstance(seed, Value):
            return seed if create_graph else seed.data
        number = 1.0 if seed is None else _to_float(seed, "grad_outputs")
        return _leaf(number) if create_graph else number

    @staticmethod
    def _as_gradient(grad: Any, source: Value) -> Value:
        return grad if isinstance(grad, Value) else _leaf(float(grad))

    @staticmethod
    def _add_to_sink(sink: dict[Any, Any], leaf: Value, grad: Any) -> None:
        current = sink[leaf]
        sink[leaf] = grad if current is None else current + grad

    @staticmethod
    def _backprop(order: list[Value], sink: dict[Any, Any] | None = None) -> None:
        """The chain rule, children before parents: each edge adds local derivative × gradient."""
        if sink is not None:
            Value._backprop_general(order, sink, graph_mode=False)
            return
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

    @staticmethod
    def _backprop_graph(order: list[Value], sink: dict[Any, Any] | None = None) -> None:
        """The same walk with every local derivative rebuilt from the table as Values (create_graph)."""
        Value._backprop_general(order, sink, graph_mode=True)

    @staticmethod
    def _backprop_general(order: list[Value], sink: dict[Any, Any] | None, graph_mode: bool) -> None:
        """The walk for create_graph and for ``grad()``, whose leaves' gradients go to ``sink`` (only for
        its keys) instead of ``.grad``."""
        for node in reversed(order):
            parents = node._parents
            grad = node.grad
            if not parents or (type(grad) is float and grad == 0.0):
                continue
            for parent, partial in zip(parents, _partials(node, graph_mode)):
                contribution = times(grad, partial)
                if sink is None or parent._parents:
                    _add_grad(parent, contribution)
                elif parent in sink:
                    Value._add_to_sink(sink, parent, contribution)

    @property
    def local_grads(self) -> tuple[float, ...]:
        """d self / d parent for each parent, in order: the numbers on the graph's edges (() for a leaf)."""
        if not self._parents:
            return ()
        return tuple(float(d) for d in (self._da, self._db)[: len(self._parents)])

    def input_grads(self, upstream: Any = None) -> tuple[float, ...]:
        """What this node's backward sends to each input for ``upstream`` (default: its own gradient):
        local derivative times upstream, per input, as backward adds them."""
        g = self.grad if upstream is None else upstream
        g = g.data if isinstance(g, Value) else float(g)
        return tuple(local * g for local in self.local_grads)

    @property
    def parents(self) -> tuple[Value, ...]:
        """The Values this one was computed from, in order (empty for a leaf)."""
        return self._parents

    @property
    def rule(self) -> Elementwise | None:
        """The derivative-table entry that made this Value (None for a leaf)."""
        return self._op if self._parents else None

    @property
    def constant(self) -> float | None:
        """The number on one side of this op (``b - 1.0``, ``3.0 * a``), else None."""
        if not self._parents or self._op.constant_side is None:
            return None
        return float(self._db)

    @property
    def op(self) -> str:
        """The op that made this Value as pictures label it, e.g. ``*`` or ``**2`` ('' for a leaf)."""
        rule = self._op
        if not self._parents:
            return ""
        return rule.describe((self._db,) if rule.params else ())


def _partials(node: Value, graph_mode: bool) -> tuple[Any, ...]:
    """d node / d parent for each parent: the numbers stored by the forward pass, or (graph_mode) the
    table's rule rebuilt on Values, so the result can be differentiated again."""
    parents = node._parents
    if not graph_mode:
        return (node._da, node._db)[: len(parents)]
    rule = node._op
    if rule.arity == 1:
        params = (node._db,) if rule.params else ()
        return (rule.partials(ValueMath, node, parents[0], *params),)
    return tuple(rule.partials(ValueMath, node, *parents))


def _add_grad(node: Value, contribution: Any) -> None:
    """``node.grad += contribution`` that keeps a node-valued gradient a node (no ``0 + x`` node)."""
    current = node.grad
    if type(current) is float and current == 0.0:
        node.grad = contribution
    else:
        node.grad = current + contribution
