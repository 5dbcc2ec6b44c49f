"""Backpropagation step by step: viz.explain's chain rule edge by edge, viz.animate's frames (the last holds
backward()'s gradients) and page (clicked through in Chromium when installed), and readable graph pictures."""

from __future__ import annotations

import html.parser
import importlib.util
import json
import re
import shutil
import struct
import subprocess
from pathlib import Path

import numpy as np
import pytest

import nn
import nn.scalar
import viz
from autograd import Tensor, Value, topological_order

needs_dot = pytest.mark.skipif(not viz.dot_available(), reason="needs graphviz's dot")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def notes_example() -> tuple[Value, dict[str, Value]]:
    """L = (a·b + c)·f with a = 2, b = -3, c = 10, f = -2 (micrograd's and the notes' example)."""
    a, b, c, f = Value(2.0, "a"), Value(-3.0, "b"), Value(10.0, "c"), Value(-2.0, "f")
    e = a * b
    e.label = "e"
    d = e + c
    d.label = "d"
    loss = d * f
    loss.label = "L"
    return loss, {"a": a, "b": b, "c": c, "f": f, "d": d, "e": e}


def test_explain_writes_the_chain_rule_one_edge_per_line() -> None:
    loss, _ = notes_example()
    lines = viz.explain(loss, print_line=None)
    assert lines == [
        "dL/dd = dL/dL · dL/dd = 1 · -2 = -2",
        "dL/df = dL/dL · dL/df = 1 · 4 = 4",
        "dL/de = dL/dd · dd/de = -2 · 1 = -2",
        "dL/dc = dL/dd · dd/dc = -2 · 1 = -2",
        "dL/da = dL/de · de/da = -2 · -3 = 6",
        "dL/db = dL/de · de/db = -2 · 2 = -4",
    ]


def test_a_reused_input_accumulates_and_says_so() -> None:
    x = Value(3.0, "x")
    y = x * x + x
    y.label = "y"
    lines = viz.explain(y, print_line=None)
    assert lines[-1].startswith("dy/dx += ") and lines[-1].endswith("(now 7)")


def test_steps_end_with_backwards_gradients_and_touch_no_grad() -> None:
    loss, nodes = notes_example()
    steps = viz.backward_steps(loss)
    assert all(node.grad == 0.0 for node in nodes.values())  # computed without backward()
    totals = {step.parent: step.total for step in steps}
    loss.backward()
    assert all(totals[node] == node.grad for node in nodes.values())


def test_tensor_steps_are_the_engines_vector_jacobian_products() -> None:
    model = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 1))
    loss = model(Tensor(np.arange(6.0, dtype=np.float32).reshape(2, 3))).sum()
    steps = viz.backward_steps(loss)
    totals = {step.parent: step.total for step in steps}
    loss.backward()
    for parameter in model.parameters():
        np.testing.assert_allclose(totals[parameter], parameter.grad.data, rtol=1e-6)
    assert any(
        "d0.weight = " in line and "through linear = 4×3 array, norm" in line
        for line in viz.explain(loss, None)
    )


@needs_dot
def test_one_frame_per_edge_and_the_last_frame_shows_backwards_gradients() -> None:
    loss, nodes = notes_example()
    animation = viz.animate(loss)
    edges = sum(len(node._parents) for node in topological_order(loss))
    assert len(animation.frames) == edges == 6
    loss.backward()
    last = animation.frames[-1].dot
    for name, node in nodes.items():
        assert re.search(rf"{{ {name} \| data [-\d.]+ \| grad {node.grad:g}\u2007* }}", last), name
    assert "grad ?" in animation.frames[0].dot and "grad ?" not in last
    assert 'xlabel="-2 × -3 = 6"' in animation.frames[4].dot  # dL/da's edge: upstream × local = contribution


class _Page(html.parser.HTMLParser):
    """Collects frames, controls and anything that would load from elsewhere."""

    def __init__(self) -> None:
        super().__init__()
        self.drawings, self.ids, self.external = 0, set(), []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "svg":
            self.drawings += 1
        if values.get("id"):
            self.ids.add(values["id"])
        for name in ("src", "href", "xlink:href", "data"):
            if values.get(name):
                self.external.append(f"{tag} {name}={values[name]}")
        if tag in ("link", "iframe", "object", "embed") or (tag == "script" and "src" in values):
            self.external.append(tag)


@needs_dot
def test_the_page_is_self_contained_with_a_frame_per_step(tmp_path: Path) -> None:
    loss, _ = notes_example()
    path = tmp_path / "backprop.html"
    viz.animate(loss, path)
    text = path.read_text()
    page = _Page()
    page.feed(text)
    page.close()
    steps = json.loads(re.search(r"var steps = (.*?);\n", text).group(1))  # type: ignore[union-attr]
    assert page.drawings == 1 and len(steps) == 6  # one drawing; each step is the few things that change
    assert {"first", "previous", "play", "next", "slider", "caption", "stage"} <= page.ids
    assert page.external == [] and "url(" not in text and "@import" not in text


@needs_dot
def test_a_long_chain_makes_a_small_page_and_a_leaf_is_refused(tmp_path: Path) -> None:
    """Review K3: a 120-op chain wrote 121 full SVGs (27.5 MB); a leaf wrote a page that failed."""
    x = Value(0.5, label="x")
    out = x
    for _ in range(60):
        out = (out * 1.01).tanh()
    path = tmp_path / "chain.html"
    viz.animate(out, path)
    assert path.stat().st_size < 1_000_000
    with pytest.raises(ValueError, match="leaf"):
        viz.animate(x)


@needs_dot
@pytest.mark.skipif(CHROMIUM is None, reason="needs a headless Chromium (Debian: apt-get install chromium)")
def test_a_browser_clicks_through_every_frame_without_script_errors(tmp_path: Path) -> None:
    loss, _ = notes_example()
    path = tmp_path / "backprop.html"
    viz.animate(loss, path)
    command = [
        CHROMIUM,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--virtual-time-budget=5000",
        "--dump-dom",
    ]
    run = subprocess.run([*command, f"{path.as_uri()}#selftest"], capture_output=True, text=True, timeout=120)
    report = re.search(r'<pre id="selftest"[^>]*>(.*?)</pre>', run.stdout, re.S)
    assert report is not None, run.stderr[-2000:]
    assert report.group(1) == "ok 6 frames; " + ", ".join(f"step {i} of 6" for i in range(1, 7))


@needs_dot
@pytest.mark.skipif(importlib.util.find_spec("PIL") is None, reason="needs Pillow (the gif extra)")
def test_a_gif_has_one_frame_per_step(tmp_path: Path) -> None:
    from PIL import Image

    loss, _ = notes_example()
    viz.animate(loss, tmp_path / "backprop.gif")
    with Image.open(tmp_path / "backprop.gif") as image:
        assert image.n_frames == 6


def test_animate_refuses_other_suffixes() -> None:
    loss, _ = notes_example()
    with pytest.raises(ValueError, match=r"cannot animate to a\.mp4: use a file ending in \.html or \.gif"):
        viz.animate(loss, "a.mp4")


def test_constants_are_boxes_and_operand_order_is_marked() -> None:
    a, b = Value(2.0, "a"), Value(3.0, "b")
    out = (a - b) / (b - 1.0) * 3.0 + 1.0
    dot = viz.to_dot(out)
    assert (
        dot.count("style=dashed") == 3 and 'label="{ const | 3 }"' in dot and 'label="{ const | 1 }"' in dot
    )
    assert len(re.findall(r'-> n\d+_op \[label="a"\]', dot)) == 3  # the left side of both - and the /
    assert len(re.findall(r'-> n\d+_op \[label="b"\]', dot)) == 3
    assert 'label="a"' not in dot.split('label="*"')[1].split("_op")[0]  # * and + are not marked


def test_parameters_are_named_by_module_path_and_grouped_on_request() -> None:
    model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2))
    loss = model(Tensor(np.ones((1, 3), np.float32))).sum()
    dot = viz.to_dot(loss)
    assert "0.weight | data [[" in dot and "| 4×3 float32" in dot and "2.bias | data [" in dot
    grouped = viz.to_dot(loss, group_modules=True)
    assert (
        grouped.count("subgraph cluster_") == 2
        and 'label="0: Linear"' in grouped
        and 'label="2: Linear"' in grouped
    )


def test_max_depth_keeps_the_top_of_the_graph() -> None:
    x = Value(1.0, "x")
    y = x
    for _ in range(10):
        y = y.tanh()
    full, top = viz.to_dot(y), viz.to_dot(y, max_depth=3)
    assert full.count("shape=record") == 11 and top.count("shape=record") == 4 and "…" in top


def _png_size(data: bytes) -> tuple[int, int]:
    width, height = struct.unpack(">II", data[16:24])
    return int(width), int(height)


@needs_dot
def test_a_2_2_1_xor_network_fits_1600_pixels_at_the_default_settings() -> None:
    model = nn.scalar.MLP(2, [2, 1], activation="tanh", output_activation="sigmoid")
    out = model.score([Value(1.0, "x1"), Value(0.0, "x2")])
    out.backward()
    width, height = _png_size(viz.draw(out, format="png").pipe())
    assert width <= 1600, (width, height)
    labels = re.findall(r"\{ (L\d\.N\d\.\w+) \|", viz.to_dot(out))
    assert len(labels) == len(set(labels)) == 9  # every weight and bias named once


def test_a_small_tensor_shows_its_numbers_and_a_large_one_its_shape_and_norm() -> None:
    small = Tensor(np.array([[0.5, -1.0], [2.0, 1 / 3]]), requires_grad=True, dtype=np.float64)
    large = Tensor(np.ones((4, 5)), requires_grad=True, dtype=np.float64)
    ((small * small).sum() + large.sum()).backward()
    dot = viz.to_dot((small * small).sum() + large.sum())
    assert "data [[0.5, -1], [2, 0.333]]" in dot and "grad [[1, -2], [4, 0.667]]" in dot
    assert "4×5 float64 | \\|grad\\| 4.472" in dot  # the norm, | escaped for a DOT record
