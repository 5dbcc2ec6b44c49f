"""viz: DOT text (no binary needed), escaping, limits, and a real render when ``dot`` exists."""

from __future__ import annotations

import subprocess
import sys

import pytest

import viz
from autograd import Value
from viz.graph import GraphvizNotFoundError


def apple_price() -> Value:
    apple, count = Value(100.0, "apple"), Value(2.0, "count")
    price = apple * count
    price.label = "price"
    price.backward()
    return price


def test_dot_text_shows_values_ops_and_gradients() -> None:
    dot = viz.to_dot(apple_price())
    assert dot.splitlines()[:2] == ["digraph backprop {", "  graph [rankdir=LR, forcelabels=true];"]
    assert 'label="{ apple | data 100 | grad 2 }"' in dot
    assert 'label="{ count | data 2 | grad 100 }"' in dot
    assert 'label="{ price | data 200 | grad 1 }"' in dot
    assert '[shape=ellipse, label="*"]' in dot
    assert dot.count("->") == 3
    assert viz.to_dot(apple_price()) == dot, "the picture is deterministic"


def test_labels_with_record_characters_are_escaped() -> None:
    weird = Value(1.0, 'a{b}|<c> "d" \\')
    dot = viz.to_dot(weird * 2)
    assert 'a\\{b\\}\\|\\<c\\> \\"d\\" \\\\' in dot


def test_arguments_are_checked() -> None:
    with pytest.raises(ValueError, match="rankdir must be one of"):
        viz.to_dot(Value(1.0), rankdir="RL")
    with pytest.raises(ValueError, match="format must be one of"):
        viz.draw(Value(1.0), format="gif")
    total = sum(Value(float(i)) for i in range(20))
    with pytest.raises(ValueError, match="more than max_nodes=10"):
        viz.to_dot(total, max_nodes=10)
    assert "rankdir=TB" in viz.to_dot(Value(1.0), rankdir="TB")


def test_missing_dot_is_a_clear_error(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    assert not viz.dot_available()
    with pytest.raises(GraphvizNotFoundError, match="apt-get install graphviz"):
        viz.draw(apple_price(), tmp_path / "g.png")
    assert "digraph" in viz.to_dot(apple_price())


@pytest.mark.skipif(not viz.dot_available(), reason="graphviz's dot is not installed")
def test_renders_png_svg_and_inline(tmp_path) -> None:
    path = tmp_path / "apple.png"
    source = viz.draw(apple_price(), path)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    viz.draw(apple_price(), tmp_path / "apple.svg")
    assert "<svg" in (tmp_path / "apple.svg").read_text()
    assert "image/svg+xml" in source._repr_mimebundle_(include=["image/svg+xml"])
    assert not list(tmp_path.glob(".*tmp")), "no temporary files are left behind"


def test_tensor_nodes_show_shape_dtype_and_gradient_norm() -> None:
    import numpy as np

    from autograd import Tensor

    w = Tensor(np.full((6, 3), 0.5, np.float32), requires_grad=True, label="W")
    x = Tensor(np.ones((4, 6), np.float32), label="x")
    loss = (x @ w).relu().sum()
    loss.backward()
    dot = viz.to_dot(loss)
    assert 'label="{ W | 6×3 float32 | \\|grad\\| 16.97 }"' in dot
    assert 'label="{ x | 4×6 float32 | grad — }"' in dot
    assert "data 36 | scalar float32 | \\|grad\\| 1" in dot
    assert 'label="@"' in dot and 'label="relu"' in dot and 'label="sum"' in dot


def test_unknown_suffixes_and_bad_max_nodes_are_refused() -> None:
    """Reliability review K1, K2."""
    import pytest

    from autograd import Value

    v = Value(1.0) * 2
    with pytest.raises(
        ValueError, match=r"the suffix \.gif is not a supported format; use one of \.png, \.svg, \.pdf"
    ):
        viz.draw(v, "g.gif")
    with pytest.raises(ValueError, match="max_nodes must be a positive integer or None"):
        viz.to_dot(v, max_nodes=2.5)  # type: ignore[arg-type]
    assert "digraph" in viz.to_dot(v, max_nodes=None)


def test_plots_leave_the_users_matplotlib_backend_alone(tmp_path) -> None:
    """A notebook's inline backend must survive a plot (it was switched to Agg for the whole session)."""
    pytest.importorskip("matplotlib")
    script = (
        "import matplotlib; matplotlib.use('svg'); import numpy as np; from viz import plots; "
        f"plots.image_grid(np.zeros((2, 3, 3)), r'{tmp_path / 'grid.png'}'); "
        "import matplotlib.pyplot as plt; print(matplotlib.get_backend(), len(plt.get_fignums()))"
    )
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert run.stdout.split() == ["svg", "0"] and (tmp_path / "grid.png").stat().st_size > 0
