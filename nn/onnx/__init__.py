"""ONNX export: a model's recorded graph written for onnxruntime, Netron and serving stacks
(``chainrule.onnx.export`` after ``import chainrule as torch``: ``torch.onnx.export``)."""

from nn.onnx.errors import OnnxExportError, UnsupportedOperatorError
from nn.onnx.export import export

__all__ = ["OnnxExportError", "UnsupportedOperatorError", "export"]
