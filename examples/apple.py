"""Lesson: the notes' shopping example as a computational graph (계산 그래프), forward and backward."""

from __future__ import annotations

from collections.abc import Sequence

import viz
from autograd import Value
from examples._common import parse_args, save_animation, save_graph


def apples() -> tuple[Value, dict[str, Value]]:
    """2 apples at 100 each with 10% consumption tax."""
    apple, count, tax = Value(100.0, "apple"), Value(2.0, "apple count"), Value(1.1, "tax")
    subtotal = apple * count
    subtotal.label = "apple price"
    price = subtotal * tax
    price.label = "price"
    return price, {"apple": apple, "apple count": count, "tax": tax}


def apples_and_oranges() -> tuple[Value, dict[str, Value]]:
    """2 apples at 100 and 3 oranges at 150, with 10% tax."""
    apple, apple_count = Value(100.0, "apple"), Value(2.0, "apple count")
    orange, orange_count = Value(150.0, "orange"), Value(3.0, "orange count")
    tax = Value(1.1, "tax")
    apple_price = apple * apple_count
    apple_price.label = "apple price"
    orange_price = orange * orange_count
    orange_price.label = "orange price"
    subtotal = apple_price + orange_price
    subtotal.label = "subtotal"
    price = subtotal * tax
    price.label = "price"
    leaves = {"apple": apple, "apple count": apple_count, "orange": orange, "orange count": orange_count}
    return price, leaves | {"tax": tax}


def report(title: str, price: Value, leaves: dict[str, Value]) -> None:
    price.backward()
    print(f"\n{title}\n  forward: price = {price.data:g}")
    print("  backward, one edge at a time (upstream gradient × local derivative):")
    viz.explain(price, lambda line: print(f"    {line}"))
    for name, leaf in leaves.items():
        print(f"  d price / d {name:<12} = {leaf.grad:g}")


def main(argv: Sequence[str] | None = None) -> None:
    args = parse_args(__doc__ or "", argv)
    print("Computational graph (계산 그래프): forward computes the price, backpropagation (오차역전파)")
    print("sends d price / d node back along each edge: a multiply node passes the gradient times the")
    print("other input, an add node passes it through unchanged.")
    price, leaves = apples()
    report("Apples: 100 x 2, tax 1.1", price, leaves)
    save_graph(price, args.out / "apple.png", "apples: price = 100 × 2 × 1.1; grad = d price / d node")
    save_animation(price, args.out / "apple_backprop.html")
    price, leaves = apples_and_oranges()
    report("Apples and oranges: (100 x 2 + 150 x 3) x 1.1", price, leaves)
    save_graph(price, args.out / "apple_orange.png", "apples and oranges; grad = d price / d node")
    save_animation(price, args.out / "apple_orange_backprop.html")


if __name__ == "__main__":
    main()
