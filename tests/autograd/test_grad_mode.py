"""no_grad / enable_grad: nothing recorded, nesting restores, thread-local, usable as a decorator."""

from __future__ import annotations

import threading

import pytest

from autograd import Value, enable_grad, is_grad_enabled, no_grad, set_grad_enabled


def test_no_graph_is_recorded_under_no_grad() -> None:
    a = Value(2.0)
    with no_grad():
        b = (a * 3.0).tanh() + a
    assert b._parents == () and b.op == ""
    with pytest.raises(RuntimeError, match="computed under no_grad"):  # review S19: say so, as Tensor does
        b.backward()
    assert a.grad == 0.0


def test_nesting_restores_the_previous_mode() -> None:
    assert is_grad_enabled()
    with no_grad():
        assert not is_grad_enabled()
        with enable_grad():
            assert is_grad_enabled()
            assert (Value(1.0) * 2)._parents
        assert not is_grad_enabled()
    assert is_grad_enabled()
    with set_grad_enabled(False):
        assert not is_grad_enabled()


def test_decorator_form() -> None:
    @no_grad()
    def evaluate(x: Value) -> Value:
        return x * x

    assert evaluate(Value(3.0))._parents == ()
    assert is_grad_enabled()


def test_mode_is_thread_local() -> None:
    seen: list[bool] = []
    with no_grad():
        worker = threading.Thread(target=lambda: seen.append(is_grad_enabled()))
        worker.start()
        worker.join()
    assert seen == [True]


def test_ops_record_per_thread_while_another_thread_is_in_no_grad() -> None:
    """Ops skip the thread-local read while no thread is in no_grad; the flag must follow every switch."""
    from autograd import Tensor
    from autograd.grad_mode import _everyone

    recorded: list[bool] = []

    def work() -> None:
        recorded.append(bool((Value(1.0) * 2)._parents))
        recorded.append((Tensor([1.0], requires_grad=True) * 2).requires_grad)

    with no_grad():
        assert not _everyone.records
        worker = threading.Thread(target=work)
        worker.start()
        worker.join()
        assert not (Value(1.0) * 2)._parents
        with enable_grad():
            assert _everyone.records and (Value(1.0) * 2)._parents
        assert not _everyone.records
    assert _everyone.records and recorded == [True, True]
