"""chainrule's neural-network building blocks.

Tensor modules (``nn.Linear``, ``nn.Sequential``, ``nn.ReLU``...), ``nn.functional`` (as ``F``),
``nn.optim``, ``nn.init``, ``nn.data`` and ``nn.train``; the perceptron and its gates; and
``nn.scalar``, the Value-based Neuron / Layer / MLP.
"""

from nn import data, functional, init, optim, train
from nn.activations import (
    ELU,
    GELU,
    SELU,
    Activation,
    Hardsigmoid,
    Identity,
    LeakyReLU,
    LogSoftmax,
    Maxout,
    PReLU,
    ReLU,
    Sigmoid,
    SiLU,
    Softmax,
    Softplus,
    Softsign,
    Step,
    Swish,
    Tanh,
)
from nn.layers import BatchNorm1d, Dropout, Flatten, Linear, ModuleList, Sequential
from nn.module import Module, Parameter
from nn.perceptron import AND, NAND, OR, XOR, Perceptron, TrainingResult, train_perceptron

__all__ = [
    "AND",
    "ELU",
    "GELU",
    "NAND",
    "OR",
    "SELU",
    "XOR",
    "Activation",
    "BatchNorm1d",
    "Dropout",
    "Flatten",
    "Hardsigmoid",
    "Identity",
    "LeakyReLU",
    "Linear",
    "LogSoftmax",
    "Maxout",
    "Module",
    "ModuleList",
    "PReLU",
    "Parameter",
    "Perceptron",
    "ReLU",
    "Sequential",
    "SiLU",
    "Sigmoid",
    "Softmax",
    "Softplus",
    "Softsign",
    "Step",
    "Swish",
    "Tanh",
    "TrainingResult",
    "data",
    "functional",
    "init",
    "optim",
    "train",
    "train_perceptron",
]
