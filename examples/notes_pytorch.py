"""The notes' PyTorch code, run on chainrule with only the import lines changed.

Each file in ``examples/notes_code`` is the notes' code as written for PyTorch: a Net with ReLU and
Softmax, the losses by task with their reductions, a CustomDataset fed to a DataLoader, and the
DropoutModel 784-1200-1200-10 (드롭아웃) trained on the bundled MNIST sample. This lesson rewrites
the import lines by the README's mapping (``import torch`` -> ``import chainrule as torch``, ...), shows
each change, and runs the rest unchanged; what it prints is what PyTorch prints, up to the random
initial weights.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from examples._common import parse_args
from examples._porting import port_imports, run_script
from nn.data import load_mnist_sample

NOTES = Path(__file__).resolve().parent / "notes_code"
SCRIPTS = ("net_relu_softmax", "losses", "custom_dataset", "dropout_mnist")


def main(argv: Sequence[str] | None = None) -> dict[str, str]:
    args = parse_args(
        __doc__ or "",
        argv,
        epochs=(2, "training epochs of the DropoutModel"),
        train_samples=(8000, "how many of the bundled 8,000 training digits the DropoutModel sees"),
    )
    (x_train, y_train), (x_test, y_test) = load_mnist_sample()
    data = {
        "x_train": x_train[: args.train_samples], "y_train": y_train[: args.train_samples],
        "x_test": x_test, "y_test": y_test, "epochs": args.epochs,
    }  # fmt: skip
    outputs = {}
    for name in SCRIPTS:
        path = NOTES / f"{name}.py"
        ported, changes = port_imports(path.read_text())
        print(f"== {path.name}: {len(changes)} import line(s) changed, nothing else")
        for old, new in changes:
            print(f"   {old:<44} -> {new}")
        outputs[name] = run_script(ported, str(path), **(data if name == "dropout_mnist" else {}))
        print("   " + outputs[name].rstrip().replace("\n", "\n   "))
    return outputs


if __name__ == "__main__":
    main()
