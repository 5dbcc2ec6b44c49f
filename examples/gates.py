"""Lesson: the perceptron (퍼셉트론) as logic gates, XOR from two layers, and the perceptron learning rule."""

from __future__ import annotations

from collections.abc import Sequence

import graphviz

import viz
from examples._common import parse_args
from nn import AND, NAND, OR, XOR, train_perceptron
from nn.data import gate


def truth_table(name: str, gate_function: object) -> list[tuple[int, int, int]]:
    """Rows (x1, x2, y) in the notes' order 00, 10, 01, 11."""
    inputs, _ = gate(name)
    return [(int(a), int(b), gate_function(a, b)) for a, b in inputs]  # type: ignore[operator]


def xor_network() -> graphviz.Digraph:
    """The two-layer perceptron that computes XOR: NAND and OR feed AND."""
    title = {"label": "XOR as a two-layer perceptron: AND(NAND(x1, x2), OR(x1, x2))", "labelloc": "t"}
    picture = graphviz.Digraph(
        "xor",
        graph_attr={"rankdir": "LR", "fontname": "Helvetica", **title},
        node_attr={"fontname": "Helvetica"},
    )
    for name in ("x1", "x2"):
        picture.node(name, shape="circle")
    for name in ("NAND", "OR", "AND"):
        picture.node(name, shape="box")
    picture.node("y", shape="circle")
    for source in ("x1", "x2"):
        for target in ("NAND", "OR"):
            picture.edge(source, target)
    picture.edges([("NAND", "AND"), ("OR", "AND"), ("AND", "y")])
    return picture


def main(argv: Sequence[str] | None = None) -> None:
    args = parse_args(__doc__ or "", argv)
    print("Perceptron (퍼셉트론): y = 1 if w1*x1 + w2*x2 + b > 0 else 0")
    gates = {"AND": AND, "NAND": NAND, "OR": OR, "XOR": XOR}
    for name, function in gates.items():
        print(
            f"\n{name}"
            + ("  = AND(NAND(x1, x2), OR(x1, x2)), a multi-layer perceptron" if name == "XOR" else "")
        )
        print("x1 x2 | y")
        for x1, x2, y in truth_table(name, function):
            print(f" {x1}  {x2} | {y}")

    print("\nPerceptron learning rule: w += lr * (t - y) * x, b += lr * (t - y), from zero weights")
    for name in ("and", "nand", "or", "xor"):
        inputs, targets = gate(name)
        result = train_perceptron(inputs.tolist(), targets.tolist(), lr=0.1, max_epochs=100)
        p = result.perceptron
        if result.converged:
            learned = [p(*x) for x in inputs]
            print(
                f"  {name.upper():<4} converged in {result.epochs} epochs: "
                f"w = ({p.weights[0]:.1f}, {p.weights[1]:.1f}), b = {p.bias:.1f}, outputs {learned}"
            )
        else:
            print(
                f"  {name.upper():<4} did NOT converge in {result.epochs} epochs (mistakes in the last "
                f"epoch: {result.errors_per_epoch[-1]}): XOR is not linearly separable, so no single "
                "line splits its classes; it needs a second layer."
            )
    if viz.dot_available():
        path = xor_network().render(outfile=args.out / "xor_gates.png", cleanup=True)
        print(f"\n  wrote {path}")


if __name__ == "__main__":
    main()
