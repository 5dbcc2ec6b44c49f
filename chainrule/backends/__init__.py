"""``torch.backends``: the switches scripts read or set before choosing a device; none of the backends
exists here (``mps.is_available()`` is False), and cuDNN's flags are kept but change nothing."""

from chainrule.backends import cudnn, mps

__all__ = ["cudnn", "mps"]
