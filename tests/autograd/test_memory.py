"""Freed memory stays with the process for the next step (glibc's top padding), so repeated steps do not
fault their pages in again; ``CHAINRULE_KEEP_MEMORY=0`` keeps malloc's defaults."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

STEPS = """
import resource
import numpy as np
import autograd
for _ in range(3):  # warm up: the heap reaches its working size
    arrays = [np.ones(1 << 15) for _ in range(60)]
    del arrays
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
for _ in range(20):  # steps that make and free sixty 256 KiB arrays (a step's activations)
    arrays = [np.ones(1 << 15) for _ in range(60)]
    del arrays
print(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
"""


def _page_faults(**environment: str) -> int:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MALLOC_")} | environment
    run = subprocess.run([sys.executable, "-c", STEPS], capture_output=True, text=True, env=env, check=True)
    return int(run.stdout)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc tuning is Linux-only")
def test_repeated_steps_reuse_freed_memory_instead_of_faulting_it_in() -> None:
    kept, returned = _page_faults(), _page_faults(CHAINRULE_KEEP_MEMORY="0")
    assert kept < returned / 10, (kept, returned)
