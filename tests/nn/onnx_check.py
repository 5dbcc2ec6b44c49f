"""The check every ONNX export test makes: export, pass onnx's full checker, run the file in onnxruntime
and compare with chainrule's own outputs (float32, 1e-4) at the example inputs and at other ones."""

from __future__ import annotations

import io
import sys
from collections.abc import Sequence
from typing import Any

import numpy as np
import pytest

import chainrule as torch
from nn.onnx.trace import tensors_in

onnx = pytest.importorskip("onnx", reason="the onnx extra is not installed (pip install 'chainrule[onnx]')")
ort = pytest.importorskip(
    "onnxruntime",
    reason=f"onnxruntime is not installed (it needs Python >= 3.11; this is {sys.version_info[:2]})",
)


def exported(model: Any, args: Sequence[Any], **options: Any) -> Any:
    """The ONNX model ``torch.onnx.export`` writes for ``model`` (into memory)."""
    buffer = io.BytesIO()
    torch.onnx.export(model, tuple(args), buffer, **options)
    return onnx.load_from_string(buffer.getvalue())


def run_onnx(proto: Any, args: Sequence[Any]) -> list[np.ndarray]:
    session = ort.InferenceSession(proto.SerializeToString(), providers=["CPUExecutionProvider"])
    return session.run(None, {i.name: a.numpy() for i, a in zip(session.get_inputs(), args)})


def assert_runs_alike(model: Any, *batches: Sequence[Any], atol: float = 1e-4, **options: Any) -> Any:
    """Export with the first batch; every batch gives onnxruntime the outputs chainrule gives."""
    proto = exported(model, batches[0], **options)
    model.eval()
    for batch in batches:
        with torch.no_grad():
            want = [t.numpy() for t in tensors_in(model(*batch))]
        got = run_onnx(proto, batch)
        assert len(got) == len(want)
        for g, w in zip(got, want):
            assert g.shape == w.shape
            np.testing.assert_allclose(g, w, rtol=1e-4, atol=atol)
    return proto


def op_types(proto: Any) -> list[str]:
    return [node.op_type for node in proto.graph.node]
