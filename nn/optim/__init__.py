"""Optimizers and learning-rate schedules, as ``torch.optim``: ``optim.SGD(model.parameters(), lr=0.1)``,
``optim.lr_scheduler.StepLR(optimizer, step_size=10)``."""

from nn.optim import lr_scheduler
from nn.optim.algorithms import SGD, AdaDelta, Adadelta, AdaGrad, Adagrad, Adam, AdamW, RMSprop
from nn.optim.lbfgs import LBFGS
from nn.optim.lr_scheduler import CosineAnnealingLR, ExponentialLR, ReduceLROnPlateau, StepLR
from nn.optim.optimizer import Optimizer

__all__ = [
    "LBFGS",
    "SGD",
    "AdaDelta",
    "AdaGrad",
    "Adadelta",
    "Adagrad",
    "Adam",
    "AdamW",
    "CosineAnnealingLR",
    "ExponentialLR",
    "Optimizer",
    "RMSprop",
    "ReduceLROnPlateau",
    "StepLR",
    "lr_scheduler",
]
