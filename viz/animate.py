"""Backpropagation as an animation: one frame per backward step (edge), the node being processed and
the input it sends to highlighted, the edge labelled ``upstream × local = contribution``, gradients
filling in as they are computed. ``animate(root, "backprop.html")`` writes a self-contained page (ONE
inline SVG of the graph, and per step the few texts and colours that change, applied by a short script:
the page grows with nodes + steps, not nodes × steps); ``.gif`` writes an animated GIF (needs Pillow)."""

from __future__ import annotations

import html
import io
import json
import os
import re
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import graphviz

from autograd.files import atomic_write_bytes
from autograd.graph import topological_order
from viz.graph import Highlight, grad_text, pipe, to_dot
from viz.steps import Step, backward_steps, describe, names, seed_of

PROCESSING = 'style=filled, fillcolor="#ffe08a"'  # the node whose gradient is being sent back
RECEIVING = 'style=filled, fillcolor="#b8e6b8"'  # the input receiving a contribution
UNKNOWN = "grad ?"
SUFFIXES = (".html", ".gif")


@dataclass(frozen=True)
class Frame:
    """One backward step as a picture: its DOT text and the step in the notes' words; for the page, what
    changes in the one drawing: the gradient row the input now shows, the two highlighted boxes (DOT
    names), the edge (its DOT title and which of same-titled edges) and its ``upstream × local`` text."""

    dot: str
    caption: str
    grad_row: str = ""
    processing: str = ""
    receiving: str = ""
    edge: tuple[str, int] = ("", 0)
    edge_label: str = ""


def frames(root: Any, rankdir: str = "auto", max_nodes: int | None = 200) -> list[Frame]:
    """A frame per edge the backward pass from ``root`` processes (see ``viz.steps``)."""
    if not root.parents:
        raise ValueError(
            "animate: this value is a leaf, made by no operation, so backpropagation has no step to show; "
            "animate the result of a computation (e.g. the loss)"
        )
    steps = backward_steps(root)
    dot_name = {node: f"n{i}" for i, node in enumerate(topological_order(root))}  # to_dot's names
    name = names(root)
    seed = seed_of(root)
    known: dict[Any, Any] = {root: seed}
    final = {root: seed, **{step.parent: step.total for step in steps}}
    width = {node: len(grad_text(node, grad)) for node, grad in final.items()}
    result = []
    for step in steps:
        known[step.parent] = step.total
        highlight = Highlight(
            grad_text=partial(_padded, known=dict(known), width=width),
            node_attributes={step.child: PROCESSING, step.parent: RECEIVING},
            edge_attributes={(step.child, step.index): _edge(step)},
        )
        dot = to_dot(root, rankdir=rankdir, max_nodes=max_nodes, highlight=highlight)
        child, parent = dot_name[step.child], dot_name[step.parent]
        repeat = step.child.parents[: step.index].count(step.parent) if isinstance(step.index, int) else 0
        result.append(
            Frame(
                dot,
                describe(step, name, name[root]),
                _padded(step.parent, known, width),
                child,
                parent,
                (f"{parent}->{child}_op", repeat),
                _edge_text(step),
            )
        )
    return result


def _stage(root: Any, rankdir: str, max_nodes: int | None) -> str:
    """The drawing every page frame changes: the graph before the first step (only the root's gradient
    known), each gradient row padded to its final width so later texts fit."""
    steps = backward_steps(root)
    seed = seed_of(root)
    final = {root: seed, **{step.parent: step.total for step in steps}}
    width = {node: len(grad_text(node, grad)) for node, grad in final.items()}
    highlight = Highlight(grad_text=partial(_padded, known={root: seed}, width=width))
    return to_dot(root, rankdir=rankdir, max_nodes=max_nodes, highlight=highlight)


def _padded(node: Any, known: dict[Any, Any], width: dict[Any, int]) -> str:
    """The gradient row, or "grad ?" padded to the final text's width so boxes keep their size."""
    text = grad_text(node, known[node]) if node in known else UNKNOWN
    return text + "\u2007" * max(0, width.get(node, 0) - len(text))


def _edge_text(step: Step) -> str:
    """``upstream × local = contribution`` for a Value edge; a Tensor edge is a vector-Jacobian product."""
    if step.local is not None:
        return f"{step.upstream:.4g} × {step.local:.4g} = {step.contribution:.4g}"
    return "vector-Jacobian product"


def _edge(step: Step) -> str:
    """The processed edge: red and bold, with ``upstream × local = contribution`` beside it (an xlabel,
    which does not move the layout)."""
    return f'color="#d62728", penwidth=2.5, fontcolor="#d62728", xlabel="{_edge_text(step)}"'


class Animation:
    """The frames of one backward pass, shown inline by Jupyter and saved as HTML or GIF."""

    def __init__(self, frames: list[Frame], title: str, stage: str) -> None:
        self.frames, self.title, self.stage = frames, title, stage

    def html(self) -> str:
        """A self-contained page: the graph's SVG once, each step's changes as data, a short script that
        applies them, no network."""
        steps = [
            {
                "caption": f"{frame.caption}   [{frame.edge_label}]",
                "row": frame.grad_row,
                "processing": frame.processing,
                "receiving": frame.receiving,
                "edge": list(frame.edge),
            }
            for frame in self.frames
        ]
        data = json.dumps(steps, ensure_ascii=False).replace("</", "<\\/")  # no early </script>
        return (
            _PAGE.replace("{title}", html.escape(self.title))
            .replace("{last}", str(len(self.frames) - 1))
            .replace("{stage}", _inline_svg(pipe(graphviz.Source(self.stage, format="svg"))))
            .replace("{steps}", data)
        )

    def gif(self, milliseconds: int = 1200) -> bytes:
        """An animated GIF of the frames (Pillow), each padded to the largest frame's size."""
        try:
            from PIL import Image
        except ImportError as error:
            raise ImportError(
                "an animated GIF needs Pillow: `pip install pillow` (in the chainrule checkout: "
                "`pip install -e '.[gif]'`); viz.animate(root, 'backprop.html') needs nothing more"
            ) from error
        images = [
            Image.open(io.BytesIO(pipe(graphviz.Source(f.dot, format="png")))).convert("RGB")
            for f in self.frames
        ]
        width, height = max(i.width for i in images), max(i.height for i in images)
        padded = []
        for image in images:
            canvas = Image.new("RGB", (width, height), "white")
            canvas.paste(image, (0, 0))
            padded.append(canvas)
        buffer = io.BytesIO()
        padded[0].save(
            buffer, format="GIF", save_all=True, append_images=padded[1:], duration=milliseconds, loop=0
        )
        return buffer.getvalue()

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the animation as ``.html`` or ``.gif`` (by suffix), atomically."""
        suffix = Path(path).suffix.lower()
        if suffix not in SUFFIXES:
            raise ValueError(f"cannot animate to {path}: use a file ending in {' or '.join(SUFFIXES)}")
        data = self.html().encode() if suffix == ".html" else self.gif()
        return atomic_write_bytes(path, data)

    def _repr_html_(self) -> str:
        """Jupyter: the page inside an iframe (its script runs apart from the notebook's)."""
        return (
            f'<iframe srcdoc="{html.escape(self.html())}" style="width:100%;height:640px;border:0"></iframe>'
        )


def animate(
    root: Any, path: str | os.PathLike[str] | None = None, rankdir: str = "auto", max_nodes: int | None = 200
) -> Animation:
    """Backpropagation from ``root`` frame by frame; written to ``path`` (``.html`` or ``.gif``) if given,
    and shown inline when returned in a notebook."""
    if path is not None and Path(path).suffix.lower() not in SUFFIXES:
        raise ValueError(f"cannot animate to {path}: use a file ending in {' or '.join(SUFFIXES)}")
    animation = Animation(
        frames(root, rankdir, max_nodes),
        f"Backpropagation (오차역전파) from {names(root)[root]}",
        _stage(root, rankdir, max_nodes),
    )
    if path is not None:
        animation.save(path)
    return animation


def _inline_svg(svg: bytes) -> str:
    """graphviz's SVG without its XML declaration, DOCTYPE and comments, ready to sit inside HTML."""
    text = svg.decode()
    text = re.sub(r"<\?xml[^>]*\?>", "", text)
    text = re.sub(r"<!DOCTYPE[^>]*>", "", text)
    return re.sub(r"<!--.*?-->", "", text, flags=re.S).strip()


_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{title}</title>
<style>
body { font-family: Helvetica, Arial, sans-serif; margin: 1.5em; }
#controls { display: flex; gap: 0.5em; align-items: center; margin-bottom: 0.5em; }
#caption { font-family: monospace; font-size: 1.1em; min-height: 1.5em; }
#stage svg { max-width: 100%; height: auto; }
</style>
</head>
<body>
<h1>{title}</h1>
<p>Each step sends the gradient of the node in yellow back to the input in green: upstream gradient ×
local derivative = the contribution, added to the input's gradient (the chain rule).</p>
<div id="controls">
<button id="first" type="button">&laquo; first</button>
<button id="previous" type="button">&#x25C0; back</button>
<button id="play" type="button">&#x25B6; play</button>
<button id="next" type="button">next &#x25B6;</button>
<input id="slider" type="range" min="0" max="{last}" value="0" aria-label="step">
<span id="counter"></span>
</div>
<p id="caption"></p>
<div id="stage">{stage}</div>
<pre id="selftest" hidden></pre>
<script>
window.addEventListener("error", function (event) {
  document.getElementById("selftest").textContent += " script error: " + event.message;
});
(function () {
  var steps = {steps};
  var slider = document.getElementById("slider");
  var caption = document.getElementById("caption");
  var counter = document.getElementById("counter");
  var nodes = {}, edges = {}, current = 0, timer = null;
  document.querySelectorAll("#stage g.node").forEach(function (g) {
    var texts = g.querySelectorAll("text"), box = g.querySelector("polygon, ellipse");
    if (!box || !texts.length) { return; }  // an op's ellipse keeps its looks; boxes change
    nodes[g.querySelector("title").textContent] = {
      row: texts[texts.length - 1], first: texts[texts.length - 1].textContent,
      box: box, fill: box.getAttribute("fill")
    };
  });
  document.querySelectorAll("#stage g.edge").forEach(function (g) {
    var title = g.querySelector("title").textContent;
    (edges[title] = edges[title] || []).push(g.querySelectorAll("path, polygon"));
  });
  function paint(name, colour) {
    var node = nodes[name];
    if (node) { node.box.setAttribute("fill", colour || node.fill); }
  }
  function mark(edge, on) {
    var parts = (edges[edge[0]] || [])[edge[1]] || [];
    parts.forEach(function (part) {
      part.setAttribute("stroke", on ? "#d62728" : "black");
      part.setAttribute("stroke-width", on ? "2.5" : "1");
    });
  }
  function show(index) {
    var before = steps[current];
    paint(before.processing); paint(before.receiving); mark(before.edge, false);
    current = Math.max(0, Math.min(steps.length - 1, index));
    Object.keys(nodes).forEach(function (name) { nodes[name].row.textContent = nodes[name].first; });
    for (var i = 0; i <= current; i++) {  // the gradients known after this step
      var node = nodes[steps[i].receiving];
      if (node) { node.row.textContent = steps[i].row; }
    }
    var step = steps[current];
    paint(step.processing, "#ffe08a"); paint(step.receiving, "#b8e6b8"); mark(step.edge, true);
    slider.value = current;
    caption.textContent = step.caption;
    counter.textContent = "step " + (current + 1) + " of " + steps.length;
  }
  function stop() { if (timer) { clearInterval(timer); timer = null; } }
  document.getElementById("first").onclick = function () { stop(); show(0); };
  document.getElementById("previous").onclick = function () { stop(); show(current - 1); };
  document.getElementById("next").onclick = function () { stop(); show(current + 1); };
  document.getElementById("play").onclick = function () {
    if (timer) { stop(); return; }
    if (current === steps.length - 1) { show(0); }
    timer = setInterval(function () {
      if (current === steps.length - 1) { stop(); } else { show(current + 1); }
    }, 1200);
  };
  slider.oninput = function () { stop(); show(Number(slider.value)); };
  show(0);
  if (location.hash === "#selftest") {  // used by the tests: click through every step
    var report = document.getElementById("selftest"), seen = [];
    try {
      show(0);
      for (var i = 0; i < steps.length; i++) {
        var step = steps[i], box = document.querySelector("#stage svg").getBoundingClientRect();
        if (box.width <= 0) { throw new Error("the graph is not shown"); }
        if (!nodes[step.processing] || !nodes[step.receiving] || !(edges[step.edge[0]] || [])[step.edge[1]]) {
          throw new Error("step " + i + " names a box or an edge the drawing lacks");
        }
        if (nodes[step.receiving].row.textContent !== step.row) {
          throw new Error("step " + i + " does not show its gradient");
        }
        seen.push(counter.textContent);
        document.getElementById("next").click();
      }
      report.textContent = "ok " + seen.length + " frames; " + seen.join(", ");
    } catch (error) {
      report.textContent = "error " + error;
    }
  }
})();
</script>
</body>
</html>
"""
