"""NumPy's floating-point warnings off around the engine's own array math (inf and NaN are answers there,
as in PyTorch), for the cost of one context-variable set and reset instead of an ``np.errstate`` object.

NumPy >= 2 keeps its error state in a ContextVar: the state ``np.errstate(all="ignore")`` would build is
built once here and swapped in (``token = silence()`` ... ``restore(token)``), which is thread- and
asyncio-safe like errstate itself. Older NumPy gets an entered ``np.errstate`` as the token.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

import numpy as np

silence: Callable[[], Any]
restore: Callable[[Any], None]

try:
    from numpy._core._ufunc_config import _extobj_contextvar, _make_extobj  # type: ignore[attr-defined]
except ImportError:  # NumPy 1.x: the error state is per thread, set by errstate

    def silence() -> Any:
        state = np.errstate(all="ignore")
        state.__enter__()
        return state

    def restore(token: Any) -> None:
        token.__exit__(None, None, None)

else:
    silence = partial(_extobj_contextvar.set, _make_extobj(all="ignore"))  # a C call, no Python frame
    restore = _extobj_contextvar.reset
