"""Lesson: take a trained model elsewhere. ONNX for inference, safetensors for the weights.

Trains the MNIST MLP (or LeNet-5 with ``--model cnn``) briefly on the bundled sample, then writes it out
the two ways the ecosystem reads: an ONNX file (the recorded graph, op by op, with a dynamic batch) that
onnxruntime runs, and a safetensors file of the weights under PyTorch's names. It runs the ONNX file in
onnxruntime and compares its answers with chainrule's, and, when PyTorch is installed, loads the
safetensors file into the same network written in PyTorch and measures its accuracy too. Whatever is
not installed is skipped with a message saying what to install.
"""

from __future__ import annotations

import argparse
import importlib
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

import chainrule as torch
import nn
from examples._common import lesson_parser
from examples.mnist_cnn import lenet5
from examples.mnist_mlp import accuracy, build_model
from nn import functional as F
from nn import optim
from nn.data import DataLoader, load_mnist_sample
from nn.train import fit

CHUNK = 1000  # test images per forward pass


def parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = lesson_parser(
        __doc__ or "",
        epochs=(2, "passes over the 8,000 training digits"),
        batch_size=(64, "samples per mini-batch"),
        lr=(1e-3, "Adam's learning rate"),
        seed=(0, "random seed for weights and shuffling"),
    )
    parser.add_argument("--model", choices=("mlp", "cnn"), default="mlp", help="the network (default: mlp)")
    return parser.parse_args(argv)


def network(kind: str, seed: int) -> nn.Sequential:
    """The MNIST MLP lesson's 784-256-128-10, or the CNN lesson's LeNet-5."""
    torch.manual_seed(seed)
    return build_model([256, 128], 0.1, seed) if kind == "mlp" else lenet5()


def shaped(images: np.ndarray, kind: str) -> np.ndarray:
    """Flat 784-pixel rows for the MLP, (1, 28, 28) images for the CNN."""
    return images.reshape(len(images), -1) if kind == "mlp" else images.reshape(-1, 1, 28, 28)


def predict_all(run: Callable[[np.ndarray], np.ndarray], images: np.ndarray) -> np.ndarray:
    """The scores of every image, computed in chunks."""
    return np.concatenate([run(images[i : i + CHUNK]) for i in range(0, len(images), CHUNK)])


def chainrule_scores(model: nn.Module, images: np.ndarray) -> np.ndarray:
    model.eval()
    with torch.no_grad():
        return predict_all(lambda x: model(torch.tensor(x)).numpy(), images)


def optional(name: str, install: str) -> Any:
    """The module ``name``, or None after saying what to install to see this step."""
    try:
        return importlib.import_module(name)
    except ImportError:
        print(f"  skipped: {name} is not installed ({install})")
        return None


def run_onnx(path: Path, images: np.ndarray, ours: np.ndarray, labels: np.ndarray) -> None:
    """Run the ONNX file in onnxruntime and compare with chainrule's scores."""
    ort = optional("onnxruntime", "pip install 'chainrule[onnx]'; it needs Python >= 3.11")
    if ort is None:
        return
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    name = session.get_inputs()[0].name
    theirs = predict_all(lambda x: session.run(None, {name: x})[0], images)
    same = float((theirs.argmax(1) == ours.argmax(1)).mean())
    right = float((theirs.argmax(1) == labels).mean())
    print(f"  onnxruntime: largest difference from chainrule's scores {np.abs(theirs - ours).max():.2e}, "
          f"same answer on {same:.2%} of the test digits, accuracy {right:.2%}")  # fmt: skip


def in_pytorch(model: nn.Sequential, pytorch: Any) -> Any:
    """The same Sequential written in PyTorch, layer by layer: the same names, so the weights fit."""
    tnn = pytorch.nn
    writers: dict[type, Callable[[Any], Any]] = {
        nn.Linear: lambda m: tnn.Linear(m.in_features, m.out_features),
        nn.Conv2d: lambda m: tnn.Conv2d(m.in_channels, m.out_channels, m.kernel_size, m.stride, m.padding),
        nn.MaxPool2d: lambda m: tnn.MaxPool2d(m.kernel_size, m.stride),
        nn.ReLU: lambda m: tnn.ReLU(),
        nn.Flatten: lambda m: tnn.Flatten(),
        nn.Dropout: lambda m: tnn.Dropout(m.p),
    }
    return tnn.Sequential(*[writers[type(layer)](layer) for layer in model])


def load_into_pytorch(model: nn.Sequential, path: Path, images: np.ndarray, labels: np.ndarray) -> None:
    """Load the safetensors file into the PyTorch twin (strict: every name and shape must fit)."""
    pytorch = optional("torch", "pip install torch to see PyTorch read the file")
    safetensors_torch = optional("safetensors.torch", "pip install safetensors") if pytorch else None
    if safetensors_torch is None:
        return
    twin = in_pytorch(model, pytorch)
    twin.load_state_dict(safetensors_torch.load_file(str(path)), strict=True)
    twin.eval()
    with pytorch.no_grad():
        scores = predict_all(lambda x: twin(pytorch.from_numpy(x)).numpy(), images)
    print(f"  PyTorch {pytorch.__version__} read {path.name} into its own {type(twin).__name__}: "
          f"accuracy {(scores.argmax(1) == labels).mean():.2%}")  # fmt: skip


def main(argv: Sequence[str] | None = None) -> dict[str, float]:
    args = parse(argv)
    (x, t), (x_test, t_test) = load_mnist_sample()
    x, x_test = shaped(x, args.model), shaped(x_test, args.model)
    model = network(args.model, args.seed)
    print(
        f"{args.model} on the bundled MNIST sample: {len(x)} training digits, {args.epochs} epoch(s) of Adam"
    )
    loader = DataLoader((x, t), args.batch_size, shuffle=True, seed=args.seed)
    fit(
        model,
        F.cross_entropy,
        optim.Adam(model.parameters(), lr=args.lr),
        loader,
        args.epochs,
        progress=False,
    )
    ours = chainrule_scores(model, x_test)
    trained = accuracy(model, x_test, t_test)
    print(f"chainrule: test accuracy {trained:.2%}")
    args.out.mkdir(parents=True, exist_ok=True)

    print("ONNX: the graph chainrule records, written op by op (any batch size)")
    onnx_path = args.out / f"export_{args.model}.onnx"
    if optional("onnx", "pip install 'chainrule[onnx]'") is not None:
        example = torch.tensor(x_test[:2])
        torch.onnx.export(model, (example,), onnx_path, input_names=["images"], output_names=["scores"],
                          dynamic_axes={"images": {0: "batch"}, "scores": {0: "batch"}})  # fmt: skip
        print(f"  wrote {onnx_path} ({onnx_path.stat().st_size:,} bytes)")
        run_onnx(onnx_path, x_test, ours, t_test)

    print("safetensors: the weights under PyTorch's names, read without pickle")
    weights = model.save(args.out / f"export_{args.model}.safetensors")
    print(f"  wrote {weights} ({weights.stat().st_size:,} bytes)")
    again = network(args.model, args.seed + 1).load(weights)
    print(
        f"  chainrule read it back: the same scores: {np.array_equal(chainrule_scores(again, x_test), ours)}"
    )
    load_into_pytorch(model, weights, x_test, t_test)
    return {"accuracy": trained}


if __name__ == "__main__":
    main()
