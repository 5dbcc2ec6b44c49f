"""Scalar engine speed against micrograd 0.1.0, both running the same model code in the same process.

Times one training step of micrograd's moons demo (MLP 2-16-16-1, ReLU, hinge loss + L2, full batch of
100 points, SGD) in a plain loop with Python's default garbage collection, and with gc disabled during
each step (see the two timing functions for how each is kept fair), each the fastest of several, and a
500,000-link chain ``y = y * 1.000001 + 0.0`` (forward + backward). Run: ``make bench``.
"""

from __future__ import annotations

import argparse
import gc
import itertools
import random
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from autograd import Value

Engine = Any  # a Value class: chainrule's or micrograd's


def make_model(engine: Engine, seed: int) -> list[list[tuple[list[Any], Any]]]:
    """Layers of (weights, bias) neurons for 2-16-16-1, weights uniform in (-1, 1) as in micrograd."""
    rng = random.Random(seed)
    sizes = [2, 16, 16, 1]
    return [
        [([engine(rng.uniform(-1, 1)) for _ in range(n_in)], engine(0.0)) for _ in range(n_out)]
        for n_in, n_out in itertools.pairwise(sizes)
    ]


def forward(layers: list[list[tuple[list[Any], Any]]], x: list[Any]) -> Any:
    """micrograd's Neuron: sum(w_i * x_i) + b, ReLU on all but the last layer."""
    for depth, layer in enumerate(layers):
        last = depth == len(layers) - 1
        outputs = []
        for weights, bias in layer:
            act = sum((w * xi for w, xi in zip(weights, x)), bias)
            outputs.append(act if last else act.relu())
        x = outputs
    return x[0]


def train_step(engine: Engine, layers: Any, xs: list[list[float]], ys: list[int], lr: float) -> Any:
    """One step of micrograd's demo: hinge loss + 1e-4 L2, backward, SGD; returns the loss node."""
    params = [p for layer in layers for weights, bias in layer for p in [*weights, bias]]
    inputs = [[engine(v) for v in row] for row in xs]
    scores = [forward(layers, row) for row in inputs]
    losses = [(1 + -y * s).relu() for y, s in zip(ys, scores)]
    data_loss = sum(losses) * (1.0 / len(losses))
    total = data_loss + 1e-4 * sum(p * p for p in params)
    for p in params:
        p.grad = 0
    total.backward()
    for p in params:
        p.data -= lr * p.grad
    return total


def moons(n: int, seed: int) -> tuple[list[list[float]], list[int]]:
    """Two interleaving half circles with noise, labels ±1 (as micrograd's demo uses)."""
    import math

    rng = random.Random(seed)
    xs, ys = [], []
    for i in range(n):
        t = math.pi * rng.random()
        if i % 2:
            xs.append([math.cos(t) + rng.gauss(0, 0.1), math.sin(t) + rng.gauss(0, 0.1)])
            ys.append(-1)
        else:
            xs.append([1 - math.cos(t) + rng.gauss(0, 0.1), 0.5 - math.sin(t) + rng.gauss(0, 0.1)])
            ys.append(1)
    return xs, ys


def time_steps_with_gc(engine: Engine, repeats: int) -> float:
    """Fastest of ``repeats`` steps in ms, in a plain loop with Python's default garbage collection.

    One engine at a time: interleaving would let micrograd's cyclic garbage be collected inside our
    steps. Freeing each graph is timed, as a real training loop pays it."""
    gc.collect()
    xs, ys = moons(100, seed=0)
    layers = make_model(engine, seed=1)
    times = []
    for _ in range(repeats + 1):
        start = time.perf_counter()
        train_step(engine, layers, xs, ys, lr=0.05)
        times.append(time.perf_counter() - start)
    return 1e3 * min(times[1:])


def time_steps_without_gc(engines: dict[str, Engine], repeats: int) -> dict[str, float]:
    """Fastest of ``repeats`` steps in ms per engine with gc disabled during each step.

    Engines take turns step by step, so they sample the same spells of outside load. Each graph is
    released after the timer and collected before the next step, for both engines alike: with gc off
    micrograd's cyclic graph would outlive its step, while ours would be freed inside it."""
    xs, ys = moons(100, seed=0)
    models = {name: make_model(engine, seed=1) for name, engine in engines.items()}
    times: dict[str, list[float]] = {name: [] for name in engines}
    for _ in range(repeats + 1):
        for name, engine in engines.items():
            gc.disable()
            start = time.perf_counter()
            graph = train_step(engine, models[name], xs, ys, lr=0.05)
            times[name].append(time.perf_counter() - start)
            del graph
            gc.enable()
            gc.collect()
    return {name: 1e3 * min(values[1:]) for name, values in times.items()}


def time_chain(engine: Engine, links: int, repeats: int = 1) -> float | None:
    """µs per link (forward + backward) of y = y * 1.000001 + 0.0; None when the engine cannot do it."""
    gc.collect()
    elapsed = 0.0
    for _ in range(repeats):
        x = engine(1.0)
        start = time.perf_counter()
        y = x
        for _ in range(links):
            y = y * 1.000001 + 0.0
        try:
            y.backward()
        except RecursionError:
            return None
        elapsed += time.perf_counter() - start
        del x, y
    return 1e6 * elapsed / (links * repeats)


def nodes_per_step(engine: Engine) -> int:
    """Graph size of one moons step, for the nodes-per-second figure."""
    from autograd import topological_order

    xs, ys = moons(100, seed=0)
    layers = make_model(engine, seed=1)
    inputs = [[engine(v) for v in row] for row in xs]
    scores = [forward(layers, row) for row in inputs]
    total = sum((1 + -y * s).relu() for y, s in zip(ys, scores))
    return len(topological_order(total))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=9, help="timed steps per configuration (fastest kept)")
    parser.add_argument("--links", type=int, default=500_000, help="length of the chain")
    args = parser.parse_args(argv)

    engines: dict[str, Engine] = {"chainrule": Value}
    try:
        from micrograd.engine import Value as MicrogradValue

        engines["micrograd"] = MicrogradValue
    except ImportError:
        print("micrograd is not installed (pip install micrograd==0.1.0): showing chainrule alone\n")

    nodes = nodes_per_step(Value)
    results: dict[str, dict[str, float | None]] = {}
    gc_off = time_steps_without_gc(engines, args.repeats)
    for name, engine in engines.items():
        with_gc = time_steps_with_gc(engine, args.repeats)
        without_gc = gc_off[name]
        long_chain = time_chain(engine, args.links)
        short_chain = time_chain(engine, 400, repeats=250)
        results[name] = {"gc": with_gc, "nogc": without_gc, "long": long_chain, "short": short_chain}
        chain = f"{long_chain:5.2f} µs/link" if long_chain else "fails (RecursionError)"
        print(
            f"{name:>10}: moons step {with_gc:7.1f} ms with gc, {without_gc:6.1f} ms gc off "
            f"({nodes / without_gc / 1e3:4.2f} M nodes/s) | {args.links}-link chain {chain} | "
            f"400-link chain {short_chain:4.2f} µs/link"
        )
    ours = results["chainrule"]
    if "micrograd" in results:
        theirs = results["micrograd"]

        def ratio(key: str) -> float:
            return theirs[key] / ours[key]  # type: ignore[operator]

        print(
            f"\nspeed-up over micrograd: step {ratio('gc'):.1f}x with gc (target >= 12x), "
            f"{ratio('nogc'):.2f}x with gc off (target >= 2.3x); 400-link chain {ratio('short'):.1f}x"
        )
    print(f"chainrule {args.links}-link chain: {ours['long']:.2f} µs per link (target <= 5 µs)")


if __name__ == "__main__":
    main()
