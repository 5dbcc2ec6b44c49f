"""Loss modules (손실 함수) with PyTorch's names and ``reduction='mean' | 'sum' | 'none'``: each calls
its function in ``nn.functional``, where the formula (and its fused gradient) is written once."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from autograd import Tensor
from nn import functional as F
from nn.module import Module


class Loss(Module):
    """``loss(prediction, target)``; ``reduction`` averages ('mean'), adds ('sum') or keeps ('none')
    the per-element (or per-row) losses."""

    function: ClassVar[Callable[..., Tensor]]

    def __init__(self, reduction: str = "mean") -> None:
        super().__init__()
        if reduction not in F.REDUCTIONS:
            raise ValueError(
                f"{type(self).__name__}: reduction must be one of {F.REDUCTIONS}, got {reduction!r}"
            )
        self.reduction = reduction

    def forward(self, prediction: Tensor, target: Any) -> Tensor:
        if not isinstance(prediction, Tensor):
            raise TypeError(
                f"{type(self).__name__}: the prediction must be a Tensor, got {type(prediction).__name__}"
            )
        return self._apply(prediction, target)

    def _apply(self, prediction: Tensor, target: Any) -> Tensor:
        """The loss function with this module's options (each subclass passes its own)."""
        return type(self).function(prediction, target, reduction=self.reduction)

    def extra_repr(self) -> str:
        return "" if self.reduction == "mean" else f"reduction={self.reduction!r}"


class MSELoss(Loss):
    """Squared error (regression): (prediction - target)²."""

    function = staticmethod(F.mse_loss)


class L1Loss(Loss):
    """Absolute error: |prediction - target|."""

    function = staticmethod(F.l1_loss)


class SmoothL1Loss(Loss):
    """Squared error within ``beta`` of the target, absolute error beyond (robust regression)."""

    function = staticmethod(F.smooth_l1_loss)

    def __init__(self, reduction: str = "mean", beta: float = 1.0) -> None:
        super().__init__(reduction)
        self.beta = beta

    def _apply(self, prediction: Tensor, target: Any) -> Tensor:
        return F.smooth_l1_loss(prediction, target, reduction=self.reduction, beta=self.beta)


class CrossEntropyLoss(Loss):
    """Softmax + cross-entropy on (N, C) logits and N integer labels or (N, C) probability rows; PyTorch's
    ``weight`` (per class, kept as a buffer), ``ignore_index`` and ``label_smoothing``."""

    function = staticmethod(F.cross_entropy)
    weight: Tensor | None

    def __init__(
        self,
        weight: Any = None,
        ignore_index: int = -100,
        reduction: str = "mean",
        label_smoothing: float = 0.0,
    ) -> None:
        super().__init__(reduction)
        self.register_buffer("weight", weight)
        self.ignore_index, self.label_smoothing = ignore_index, label_smoothing

    def _apply(self, prediction: Tensor, target: Any) -> Tensor:
        return F.cross_entropy(
            prediction, target, self.weight, self.ignore_index, self.reduction, self.label_smoothing
        )


class NLLLoss(Loss):
    """Negative log-likelihood on (N, C) log-probabilities (after ``LogSoftmax``) and N integer labels;
    PyTorch's ``weight`` and ``ignore_index``."""

    function = staticmethod(F.nll_loss)
    weight: Tensor | None

    def __init__(self, weight: Any = None, ignore_index: int = -100, reduction: str = "mean") -> None:
        super().__init__(reduction)
        self.register_buffer("weight", weight)
        self.ignore_index = ignore_index

    def _apply(self, prediction: Tensor, target: Any) -> Tensor:
        return F.nll_loss(prediction, target, self.weight, self.ignore_index, self.reduction)


class BCELoss(Loss):
    """Binary cross-entropy on probabilities in [0, 1] (after ``Sigmoid``)."""

    function = staticmethod(F.binary_cross_entropy)


class BCEWithLogitsLoss(Loss):
    """Sigmoid + binary cross-entropy on raw scores, stable where a separate sigmoid would saturate."""

    function = staticmethod(F.binary_cross_entropy_with_logits)
