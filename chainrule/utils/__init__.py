"""``torch.utils``: ``data`` is chainrule's ``nn.data`` (Dataset, TensorDataset, DataLoader, random_split),
the same module, also importable as ``chainrule.utils.data``."""

from nn import data

__all__ = ["data"]
