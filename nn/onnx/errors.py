"""The errors export raises (PyTorch's ``torch.onnx`` names them the same way)."""


class OnnxExportError(RuntimeError):
    """The model cannot be written as ONNX; the message says what, where, and what to do."""


class UnsupportedOperatorError(OnnxExportError):
    """An op of the recorded graph has no ONNX form at the requested opset."""
