"""Data sets: toy problems for the lessons (MNIST loaders and batching arrive with the Tensor path)."""

from nn.data.toy import gate, make_moons, make_spiral, xor

__all__ = ["gate", "make_moons", "make_spiral", "xor"]
