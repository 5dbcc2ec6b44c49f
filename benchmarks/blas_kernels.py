"""Which kernels NumPy's OpenBLAS runs, for the benchmarks' headers: PyTorch's oneDNN picks its own
(AVX-512 where the CPU has it), so a ratio means little without this line."""

from __future__ import annotations

import ctypes
import os
from pathlib import Path

import numpy as np

CORENAME = ("scipy_openblas_get_corename64_", "scipy_openblas_get_corename", "openblas_get_corename")


def describe() -> str:
    """E.g. "NumPy 2.4.6 on OpenBLAS's Haswell kernels (OPENBLAS_CORETYPE=Haswell is set)"."""
    core = None
    maps = Path("/proc/self/maps")
    paths = {line.split()[-1] for line in maps.read_text().splitlines()} if maps.exists() else set()
    for path in sorted(p for p in paths if "openblas" in Path(p).name.lower()):
        for name in CORENAME:
            function = getattr(ctypes.CDLL(path), name, None)
            if function is not None:
                function.restype = ctypes.c_char_p
                core = function().decode()
                break
    kernels = f"OpenBLAS's {core} kernels" if core else "its BLAS"
    pinned = os.environ.get("OPENBLAS_CORETYPE")
    setting = f" (OPENBLAS_CORETYPE={pinned} is set)" if pinned else ""
    return f"NumPy {np.__version__} on {kernels}{setting}"
