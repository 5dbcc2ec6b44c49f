"""Lesson: the chain rule (연쇄법칙) on z = t**2, t = x + y: the engine next to the hand derivation."""

from __future__ import annotations

from collections.abc import Sequence

import viz
from autograd import Value
from examples._common import parse_args, save_animation, save_graph


def main(argv: Sequence[str] | None = None) -> None:
    args = parse_args(__doc__ or "", argv, x=(1.0, "the input x"), y=(2.0, "the input y"))
    x, y = Value(args.x, "x"), Value(args.y, "y")
    t = x + y
    t.label = "t"
    z = t**2
    z.label = "z"
    z.backward()
    by_hand = 2 * (args.x + args.y)
    print("Chain rule (연쇄법칙): dz/dx = dz/dt * dt/dx")
    print(f"  x = {args.x:g}, y = {args.y:g}, t = x + y = {t.data:g}, z = t**2 = {z.data:g}")
    print(f"  by hand: dz/dt = 2t = {2 * t.data:g}, dt/dx = dt/dy = 1, so dz/dx = dz/dy = {by_hand:g}")
    print(f"  engine:  dz/dt = {t.grad:g}, dz/dx = {x.grad:g}, dz/dy = {y.grad:g}")
    print("  the engine's steps, one edge at a time:")
    viz.explain(z, lambda line: print(f"    {line}"))
    save_graph(z, args.out / "chain_rule.png", "z = t², t = x + y; grad = dz / d node")
    save_animation(z, args.out / "chain_rule_backprop.html")


if __name__ == "__main__":
    main()
