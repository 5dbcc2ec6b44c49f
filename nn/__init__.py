"""chainrule's neural-network building blocks.

Tensor modules (``nn.Linear``, ``nn.Sequential``, ``nn.ReLU``...), ``nn.functional`` (as ``F``),
``nn.optim``, ``nn.init``, ``nn.utils``, ``nn.data`` and ``nn.train``; loss modules (``nn.MSELoss``...);
the perceptron and its gates; and
``nn.scalar``, the Value-based Neuron / Layer / MLP.
"""

__chainrule__ = True  # chainrule's own package (see chainrule_guard for why packages carry this mark)

import chainrule_guard  # noqa: F401  (stops with an error naming another package called autograd)
from nn import data, functional, init, optim, train, utils
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
from nn.attention import MultiheadAttention
from nn.conv import AdaptiveAvgPool2d, AvgPool2d, Conv2d, Dropout2d, MaxPool2d
from nn.embedding import Embedding
from nn.layers import BatchNorm1d, BatchNorm2d, Dropout, Flatten, Linear, ModuleDict, ModuleList, Sequential
from nn.losses import (
    BCELoss,
    BCEWithLogitsLoss,
    CrossEntropyLoss,
    L1Loss,
    Loss,
    MSELoss,
    NLLLoss,
    SmoothL1Loss,
)
from nn.module import Module, Parameter
from nn.normalization import LayerNorm, RMSNorm
from nn.perceptron import AND, NAND, OR, XOR, Perceptron, TrainingResult, train_perceptron
from nn.rbm import DBN, RBM, RBMHistory
from nn.recurrent import GRU, LSTM, RNN, GRUCell, LSTMCell, RNNCell
from nn.summary import Summary, summary
from nn.transformer import (
    Transformer,
    TransformerDecoder,
    TransformerDecoderLayer,
    TransformerEncoder,
    TransformerEncoderLayer,
)

__all__ = [
    "AND",
    "DBN",
    "ELU",
    "GELU",
    "GRU",
    "LSTM",
    "NAND",
    "OR",
    "RBM",
    "RNN",
    "SELU",
    "XOR",
    "Activation",
    "AdaptiveAvgPool2d",
    "AvgPool2d",
    "BCELoss",
    "BCEWithLogitsLoss",
    "BatchNorm1d",
    "BatchNorm2d",
    "Conv2d",
    "CrossEntropyLoss",
    "Dropout",
    "Dropout2d",
    "Embedding",
    "Flatten",
    "GRUCell",
    "Hardsigmoid",
    "Identity",
    "L1Loss",
    "LSTMCell",
    "LayerNorm",
    "LeakyReLU",
    "Linear",
    "LogSoftmax",
    "Loss",
    "MSELoss",
    "MaxPool2d",
    "Maxout",
    "Module",
    "ModuleDict",
    "ModuleList",
    "MultiheadAttention",
    "NLLLoss",
    "PReLU",
    "Parameter",
    "Perceptron",
    "RBMHistory",
    "RMSNorm",
    "RNNCell",
    "ReLU",
    "Sequential",
    "SiLU",
    "Sigmoid",
    "SmoothL1Loss",
    "Softmax",
    "Softplus",
    "Softsign",
    "Step",
    "Summary",
    "Swish",
    "Tanh",
    "TrainingResult",
    "Transformer",
    "TransformerDecoder",
    "TransformerDecoderLayer",
    "TransformerEncoder",
    "TransformerEncoderLayer",
    "data",
    "functional",
    "init",
    "optim",
    "summary",
    "train",
    "train_perceptron",
    "utils",
]
