"""The array engine: the ``Tensor`` class (``core``) and its parts: how an op is recorded (``record``),
its backward pass (``backprop``), views and in-place writes, versions, promotion, PyTorch's spellings."""
