"""gradcheck: passes on correct gradients, names the input and the error when they are wrong, and says to
convert a float32 module with ``.double()``."""

from __future__ import annotations

import pytest

from autograd import GradcheckError, Value, gradcheck
from autograd.rules.elementwise import Elementwise
from autograd.value import elementwise


def test_passes_and_leaves_grads_untouched() -> None:
    a, b = Value(1.5, "a"), Value(-0.5, "b")
    a.grad = 7.0
    assert gradcheck(lambda x, y: (x * y).tanh() + x.exp(), [a, b])
    assert a.grad == 7.0 and b.grad == 0.0


def test_reports_a_wrong_derivative_with_input_name_and_values() -> None:
    wrong_cube = Elementwise(
        "cube",
        1,
        lambda x: x**3,
        lambda x: x**3,
        lambda m, out, x: 2.0 * x * x,  # should be 3x²
    )
    x = Value(2.0, "x")
    with pytest.raises(GradcheckError, match=r"input 0 \('x'\).*analytic 8.0, numeric 12.0") as error:
        gradcheck(lambda v: elementwise(wrong_cube, (v,)), [x])
    assert "worst error 4" in str(error.value)


def test_rejects_non_values() -> None:
    with pytest.raises(TypeError, match="input 0 must be a Value or a Tensor"):
        gradcheck(lambda v: v, [1.0])  # type: ignore[list-item]
    with pytest.raises(TypeError, match="f must return a Value"):
        gradcheck(lambda v: 1.0, [Value(1.0)])  # type: ignore[arg-type, return-value]


# -- Second reliability review, C7: gradcheck of a float32 module names the fix ------------------------------


def test_gradcheck_of_a_float32_module_says_to_convert_it() -> None:
    import chainrule

    conv = chainrule.nn.Conv2d(1, 1, 2)
    x = chainrule.ones(1, 1, 3, 3, requires_grad=True)
    with pytest.raises(TypeError, match=r"model\.double\(\)"):
        chainrule.autograd.gradcheck(lambda a: conv(a).sum(), [x])
    conv.double()
    assert chainrule.autograd.gradcheck(lambda a: conv(a).sum(), [x.double().detach().requires_grad_()])
