"""The training loop (학습): ``fit`` over epochs of mini-batches with a progress bar, validation, early
stopping on validation loss, and a history; ``evaluate`` for loss and accuracy without a graph."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterable, Sized
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from autograd import Tensor, no_grad
from nn.module import Module, evaluating
from nn.optim import Optimizer, ReduceLROnPlateau

LossFunction = Callable[[Tensor, Any], Tensor]


@dataclass
class History:
    """Per-epoch averages; the validation lists stay empty without a validation loader, and the
    accuracy lists stay empty for a regression (accuracy is only counted for classification)."""

    loss: list[float] = field(default_factory=list)
    accuracy: list[float] = field(default_factory=list)
    val_loss: list[float] = field(default_factory=list)
    val_accuracy: list[float] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)
    stopped_early: bool = False


def is_classification(outputs: Tensor, labels: Any) -> bool:
    """Whether accuracy means something: integer labels, or one-hot / probability rows over C > 1 classes.
    A regression (float targets, or a single output column) has no accuracy."""
    targets = np.asarray(labels)
    if outputs.ndim != 2 or outputs.shape[1] < 2:
        return False
    return (targets.ndim == 1 and targets.dtype.kind in "iu") or targets.shape == outputs.shape


def correct_predictions(outputs: Tensor, labels: Any) -> int:
    """How many rows' largest output is the label (integer labels or one-hot rows, arrays or Tensors)."""
    targets = np.asarray(labels)
    if targets.ndim == 2:
        targets = targets.argmax(axis=1)
    return int((outputs.numpy().argmax(axis=1) == targets).sum())


class _Tally:
    """Sums of loss and correct predictions over an epoch; accuracy only for classification batches."""

    def __init__(self) -> None:
        self.loss, self.correct, self.count, self.classified = 0.0, 0, 0, True

    def add(self, loss: float, outputs: Tensor, labels: Any) -> None:
        n = len(labels)
        self.loss += loss * n
        self.count += n
        if self.classified and is_classification(outputs, labels):
            self.correct += correct_predictions(outputs, labels)
        else:
            self.classified = False

    def results(self, what: str) -> tuple[float, float | None]:
        if self.count == 0:
            raise ValueError(
                f"{what}: the loader yielded no samples (an empty dataset, drop_last with batch_size larger "
                "than the dataset, or a generator already used up by an earlier epoch: pass a DataLoader)"
            )
        return self.loss / self.count, (self.correct / self.count if self.classified else None)


def evaluate(
    model: Module, loss_fn: LossFunction, loader: Iterable[tuple[Any, ...]]
) -> tuple[float, float | None]:
    """(mean loss, accuracy or None for a regression) over a loader in eval mode without a graph;
    every submodule's own mode is restored afterwards, also when the loss raises."""
    tally = _Tally()
    with evaluating(model), no_grad():
        for inputs, labels in loader:
            outputs = model(inputs)
            tally.add(loss_fn(outputs, labels).item(), outputs, labels)
    return tally.results("evaluate")


def in_notebook() -> bool:
    """Whether code runs in a Jupyter kernel (where tqdm draws an HTML widget instead of text)."""
    shell = getattr(sys.modules.get("IPython"), "get_ipython", lambda: None)()
    return type(shell).__name__ == "ZMQInteractiveShell"


class ProgressBar:
    """tqdm's bar when it is installed: a notebook widget in Jupyter (``tqdm.auto``), a text bar on a
    terminal; elsewhere (logs, pipes) silence until the epoch line."""

    def __init__(self, total: int, epoch: int, epochs: int, enabled: bool) -> None:
        self.bar = None
        notebook = in_notebook()
        if enabled and (notebook or sys.stderr.isatty()):
            try:
                from tqdm import tqdm
                from tqdm.auto import tqdm as auto_tqdm
            except ImportError:
                return
            bar = auto_tqdm if notebook else tqdm
            self.bar = bar(total=total, desc=f"epoch {epoch}/{epochs}", leave=False, unit="batch")

    def update(self, loss: float) -> None:
        if self.bar is not None:
            self.bar.update(1)
            self.bar.set_postfix(loss=f"{loss:.4f}")

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def fit(
    model: Module,
    loss_fn: LossFunction,
    optimizer: Optimizer,
    train_loader: Iterable[tuple[Any, ...]],
    epochs: int,
    val_loader: Iterable[tuple[Any, ...]] | None = None,
    patience: int | None = None,
    scheduler: Any = None,
    progress: bool = True,
    log: Callable[[str], None] = print,
) -> History:
    """Train for ``epochs`` (에폭); one optimizer step per mini-batch (iteration).

    With ``val_loader`` and ``patience``, stop once validation loss has not improved for ``patience``
    epochs and restore the best weights. ``scheduler.step()`` runs after each epoch
    (``ReduceLROnPlateau`` is given the validation loss,
    or the training loss without validation). Returns the History.
    """
    if epochs < 1:
        raise ValueError(f"epochs must be >= 1, got {epochs}")
    if patience is not None and val_loader is None:
        raise ValueError("early stopping (patience) needs a val_loader")
    history = History()
    best_loss, best_state, waited = np.inf, None, 0
    for epoch in range(1, epochs + 1):
        start = time.perf_counter()
        model.train()
        tally = _Tally()
        batches = len(train_loader) if isinstance(train_loader, Sized) else 0
        bar = ProgressBar(batches, epoch, epochs, progress)
        for inputs, labels in train_loader:
            outputs = model(inputs)
            loss = loss_fn(outputs, labels)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            value = loss.item()
            tally.add(value, outputs, labels)
            bar.update(value)
        bar.close()
        mean_loss, accuracy = tally.results(f"fit, epoch {epoch}")
        history.loss.append(mean_loss)
        line = f"epoch {epoch}/{epochs}: loss {mean_loss:.4f}"
        if accuracy is not None:
            history.accuracy.append(accuracy)
            line += f", accuracy {accuracy:.2%}"
        if val_loader is not None:
            val_loss, val_accuracy = evaluate(model, loss_fn, val_loader)
            history.val_loss.append(val_loss)
            line += f" | validation loss {val_loss:.4f}"
            if val_accuracy is not None:
                history.val_accuracy.append(val_accuracy)
                line += f", accuracy {val_accuracy:.2%}"
        history.seconds.append(time.perf_counter() - start)
        if progress:
            log(f"{line} ({history.seconds[-1]:.1f} s)")
        if isinstance(scheduler, ReduceLROnPlateau):
            scheduler.step(history.val_loss[-1] if history.val_loss else history.loss[-1])
        elif scheduler is not None:
            scheduler.step()
        if patience is not None:
            if history.val_loss[-1] < best_loss:
                best_loss, best_state, waited = history.val_loss[-1], model.state_dict(), 0
            else:
                waited += 1
                if waited >= patience:
                    history.stopped_early = True
                    if progress:
                        log(f"early stopping: validation loss has not improved for {patience} epochs")
                    break
    if best_state is not None:
        model.load_state_dict(best_state)
    return history
