"""Version counters and rewritten history: how backward tells that a value an op saved was changed in
place, and how an in-place op makes the caller's Tensor the output of a new node while the ops recorded
before it keep their input (PyTorch's "rebase history").

One counter belongs to a piece of memory: a Tensor, its views and ``detach()`` share it, so a change
through any alias is seen by every op that saved one of them. When an in-place op is recorded, the
Tensor's earlier role in the graph moves to a new node (``move_history``) and the Tensor's list of
rebases says from which moment on; the graph walk sends each edge recorded before that moment to the
earlier node (``resolve``), so nothing a user holds ever changes identity.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from autograd.rules.elementwise import OUT

if TYPE_CHECKING:
    from autograd.tensor.core import Tensor


class Version:
    """The number of in-place changes made to one piece of memory, and the op that made the last."""

    __slots__ = ("changed_by", "value")

    def __init__(self) -> None:
        self.value = 0
        self.changed_by = ""


class Clock:
    """Counts rebases (a node recorded at ``tick`` t saw every Tensor as it was after rebase t) and
    in-place changes of any memory (``writes``): a node recorded when no change has been made since has
    nothing to check, which makes the version check of a training step one integer compare per node."""

    __slots__ = ("tick", "writes")

    def __init__(self) -> None:
        self.tick = 0
        self.writes = 0


CLOCK = Clock()


def version_of(t: Any) -> int:
    """How many in-place changes ``t``'s memory has seen (0 until the first)."""
    counter = t._vc
    return 0 if counter is None else counter.value


def counter_of(t: Tensor) -> Version:
    """``t``'s version counter, made on first use (most Tensors are never changed nor viewed)."""
    counter = t._vc
    if counter is None:
        counter = t._vc = Version()
    return counter


def increment_version(t: Tensor, by: str = "a write through numpy() (increment_version)") -> None:
    """Count one change of ``t``'s memory, made by ``by`` (named in backward's error), so a backward pass
    that would read the old values fails instead: in-place ops call it, and so must code that writes
    through ``numpy()`` behind the engine's back (``torch.autograd.graph.increment_version``)."""
    counter = counter_of(t)
    counter.value += 1
    counter.changed_by = by
    CLOCK.writes += 1


def record_versions(node: Tensor) -> None:
    """Note the versions of the values ``node``'s backward will read (its inputs' and its own), if any."""
    parents, rule = node._parents, node._op
    if rule.saved(tuple(p.requires_grad for p in parents)):  # type: ignore[union-attr]  # a node has a rule
        node._versions = (CLOCK.writes, (*(version_of(p) for p in parents), version_of(node)))
    else:
        node._versions = None


def check_versions(node: Tensor, needs: tuple[bool, ...]) -> None:
    """Before ``node``'s backward: every value it reads must be the one it computed with (PyTorch's
    "modified by an inplace operation" error otherwise, naming the op that saved it and what changed it)."""
    recorded = node._versions[1]  # type: ignore[index]  # called for nodes with versions
    parents, rule = node._parents, node._op
    for index in rule.saved(needs):  # type: ignore[union-attr]  # a node has a rule
        t = node if index == OUT else parents[index]
        then, now = recorded[index], version_of(t)
        if now != then:
            what = "its output" if index == OUT else f"its input {index}"
            raise RuntimeError(
                "backward(): one of the values needed for gradient computation has been modified by an "
                f"in-place operation: {what} (shape {t.shape}, {t.dtype}) of '{node.op}' is at version "
                f"{now}; expected version {then} instead. It was changed by {counter_of(t).changed_by}. "
                "That happens e.g. with optimizer.step() between two backward() calls over one graph, or "
                "with x.add_(1), x += 1 or x[i] = v on a value an op saved: compute the forward pass again, "
                "or use the out-of-place form (x = x + 1)."
            )


def move_history(t: Tensor, by: str) -> Tensor:
    """A new node that takes over ``t``'s current place in the graph (its op, inputs and saved versions),
    sharing its memory and version counter; ``t`` is then free to become the output of the in-place op
    ``by`` (which a picture names). Edges recorded before this moment are sent to the new node by
    ``resolve``."""
    earlier = type(t).__new__(type(t))
    earlier._data = t._data
    earlier._vc = counter_of(t)
    earlier._grad = None
    earlier.label = f"{t.label} before {by}" if t.label else ""
    earlier.requires_grad = t.requires_grad
    earlier._parents = t._parents
    earlier._op = t._op
    earlier._ctx = t._ctx
    earlier._versions = t._versions
    earlier._epoch = t._epoch
    earlier._rebases = None
    earlier._view = None
    CLOCK.tick += 1
    history = t._rebases
    entry = (CLOCK.tick, earlier)
    t._rebases = [entry] if history is None else [*history, entry]
    t._epoch = CLOCK.tick
    t._grad = None
    return earlier


def resolve(node: Any) -> tuple[Any, ...]:
    """``node``'s inputs as they were when it was recorded: an input rebased since then is replaced by
    the node that took over its earlier place. The answer is written back, so it is worked out once."""
    epoch = node._epoch
    parents = []
    for parent in node._parents:
        history = parent._rebases
        if history is not None:
            for tick, earlier in history:
                if tick > epoch:
                    parent = earlier
                    break
        parents.append(parent)
    fixed = tuple(parents)
    node._parents = fixed
    return fixed
