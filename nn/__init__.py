"""chainrule's neural-network building blocks: perceptrons and gates here; ``nn.scalar``
holds the Value-based Neuron/Layer/MLP, ``nn.data`` the data sets."""

from nn.perceptron import AND, NAND, OR, XOR, Perceptron, TrainingResult, train_perceptron

__all__ = [
    "AND",
    "NAND",
    "OR",
    "XOR",
    "Perceptron",
    "TrainingResult",
    "train_perceptron",
]
