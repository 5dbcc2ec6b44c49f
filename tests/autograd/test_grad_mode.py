"""no_grad / enable_grad / set_grad_enabled: nothing recorded, nesting restores, thread-local, usable as
a decorator (with or without parentheses, on generators too), a bool only."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from autograd import Value, enable_grad, is_grad_enabled, no_grad, set_grad_enabled
from tests.twin import check


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


# -- Second reliability review, S11: @no_grad() / @set_grad_enabled on generator functions -------------------


def test_grad_mode_decorators_hold_during_each_resumption_of_a_generator() -> None:
    def scenario(t: Any) -> Any:
        @t.no_grad()
        def doubled(x: Any) -> Any:
            sent = yield x * 2
            yield (x * sent, t.is_grad_enabled())

        x = t.ones(2, requires_grad=True)
        steps = doubled(x)
        first = next(steps)
        outside = t.is_grad_enabled()
        second, inside = steps.send(3.0)
        return first.requires_grad, second.requires_grad, inside, outside, (x * 2).requires_grad

    check(scenario, (False, False, False, True, True))


def test_a_generator_under_enable_grad_records_inside_no_grad() -> None:
    def scenario(t: Any) -> Any:
        @t.enable_grad()
        def squares(x: Any) -> Any:
            yield x * x

        x = t.ones(2, requires_grad=True)
        with t.no_grad():
            first = next(squares(x))
            (only,) = list(squares(x))  # run to the end: the generator's StopIteration passes through
        return first.requires_grad, only.requires_grad

    check(scenario, (True, True))


def test_no_grad_and_enable_grad_decorate_without_parentheses() -> None:
    def scenario(t: Any) -> Any:
        @t.no_grad
        def doubled(x: Any) -> Any:
            return x * 2

        @t.enable_grad
        def squared(x: Any) -> Any:
            return x * x

        x = t.ones(2, requires_grad=True)
        with t.no_grad():
            recorded = squared(x).requires_grad
        return doubled(x).requires_grad, recorded, doubled.__name__, t.is_grad_enabled()

    check(scenario, (False, True, "doubled", True))


@pytest.mark.parametrize("mode", [1, None, len], ids=repr)
def test_set_grad_enabled_takes_a_bool_only(mode: Any) -> None:
    check(lambda t: t.set_grad_enabled(mode), TypeError)  # a bare @set_grad_enabled passes a function
