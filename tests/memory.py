"""Helper for the "memory stays flat" tests: bytes still held after many steps, cycle collector off."""

from __future__ import annotations

import gc
import tracemalloc
import weakref
from collections.abc import Callable
from typing import Any


def growth_over(step: Callable[[], None], warmup: int, steps: int) -> int:
    """Run ``step`` ``warmup`` times, then ``steps`` more; bytes allocated and kept by the second run.

    The cyclic garbage collector is off throughout, so anything freed was freed by reference counting.
    """
    gc.disable()
    try:
        tracemalloc.start()
        for _ in range(warmup):
            step()
        baseline = tracemalloc.get_traced_memory()[0]
        for _ in range(steps):
            step()
        return tracemalloc.get_traced_memory()[0] - baseline
    finally:
        tracemalloc.stop()
        gc.enable()


def freed_without_cycle_collector(build: Callable[[], Any]) -> bool:
    """Build a graph (run backward on it too), drop it: is its first intermediate node gone at once?"""
    gc.disable()
    try:
        out = build()
        out.backward()
        middle = weakref.ref(out.parents[0])
        del out
        return middle() is None
    finally:
        gc.enable()
