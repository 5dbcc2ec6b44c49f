"""detect_anomaly: the first NaN or Inf raises FloatingPointError naming the op, the pass, the shapes
and the user's line, on both engines; outside the mode nothing is checked."""

from __future__ import annotations

import threading
import warnings

import numpy as np
import pytest

from autograd import Tensor, Value, detect_anomaly, is_anomaly_enabled
from autograd.grad_mode import _everyone


def test_a_forward_nan_or_inf_names_the_op_the_shapes_and_the_line() -> None:
    with detect_anomaly(), pytest.raises(FloatingPointError) as error:
        Tensor(np.array([0.0, 1.0]), requires_grad=True).log()
    message = str(error.value)
    assert "forward pass: 'log' produced -Inf (output shape (2,), input shapes (2,))" in message
    assert "test_anomaly.py:" in message and "test_a_forward_nan_or_inf" in message
    with detect_anomaly(), pytest.raises(FloatingPointError, match=r"'mul' produced \+Inf"):
        Value(1e300) * Value(1e300)


def test_a_backward_anomaly_names_the_op_whose_gradient_broke() -> None:
    x = Tensor(np.array([0.0, 4.0]), requires_grad=True)
    with detect_anomaly(), pytest.raises(FloatingPointError) as error:
        x.sqrt().sum().backward()
    message = str(error.value)
    assert "backward pass: the gradient of 'sqrt' for its input 0 (shape (2,)) is +Inf" in message
    assert "test_anomaly.py:" in message
    v = Value(0.0)
    with detect_anomaly(), pytest.raises(FloatingPointError, match="gradient of 'sqrt'"):
        v.sqrt().backward()


def test_finite_work_passes_and_outside_the_mode_nothing_is_checked() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with detect_anomaly():
            assert is_anomaly_enabled() and not _everyone.records
            x = Tensor(np.array([1.0, 2.0]), requires_grad=True)
            (x.log() * x).sum().backward()
    assert not is_anomaly_enabled() and _everyone.records
    assert np.isneginf(Tensor(np.array([0.0])).log().data[0])


def test_the_mode_is_per_thread_and_works_as_a_decorator() -> None:
    seen: list[bool] = []

    @detect_anomaly()
    def inside() -> None:
        worker = threading.Thread(target=lambda: seen.append(is_anomaly_enabled()))
        worker.start()
        worker.join()
        seen.append(is_anomaly_enabled())

    inside()
    assert seen == [False, True]


def test_a_non_finite_value_that_came_in_is_not_an_anomaly() -> None:
    """Attention masking (review K2): a -inf given as a constant or an input is not born in the op."""
    scores = Tensor(np.array([[1.0, 2.0], [3.0, 4.0]]), requires_grad=True)
    mask = np.array([[False, True], [False, False]])
    with detect_anomaly():
        masked = scores.masked_fill(mask, -np.inf)
        shifted = scores + Tensor(np.where(mask, -np.inf, 0.0))
        (masked.softmax(-1) + shifted.softmax(-1)).sum().backward()
    assert np.isfinite(scores.grad.numpy()).all()


def test_the_user_line_of_a_function_form_is_the_users() -> None:
    """Review K1: torch.log(x) reported chainrule.py's line."""
    import chainrule

    with detect_anomaly(), pytest.raises(FloatingPointError) as error:
        chainrule.log(Tensor(np.array([0.0, 1.0]), requires_grad=True))
    assert "test_anomaly.py:" in str(error.value) and "chainrule.py" not in str(error.value)
