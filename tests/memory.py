"""Helper for the "memory stays flat" tests: bytes still held after many steps, cycle collector off."""

from __future__ import annotations

import gc
import tracemalloc
from collections.abc import Callable


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
