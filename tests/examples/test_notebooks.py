"""The notebooks in examples/notebooks are chapter companions of the notes, stored without outputs, and
each runs top to bottom in a fresh Jupyter kernel (when nbclient and ipykernel are installed: the dev
extra)."""

from __future__ import annotations

import importlib.util
import json
import os
import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((REPO / "examples" / "notebooks").glob("*.ipynb"))
EXPECTED = {  # what each notebook must show besides text: graphs, an animation, plots, progress widgets
    "01_graphs_and_backprop": {"text/html", "image/svg+xml", "image/png"},
    "02_training_an_mlp": {"application/vnd.jupyter.widget-view+json", "image/png", "text/html"},
    "03_cnn_and_rnn": {"image/svg+xml", "image/png"},
    "04_rbm": {"application/vnd.jupyter.widget-view+json", "image/png"},
    "05_attention": {"image/svg+xml", "image/png"},
}
CHAPTERS = {  # the notes' chapters each notebook covers: its part, and the Korean of its section headings
    "01_graphs_and_backprop": (
        1,
        ["퍼셉트론", "다층 퍼셉트론과 XOR", "계산 그래프", "연쇄법칙과 오차역전파", "활성화 함수와 미분",
         "수치 미분과 오차역전파"],
    ),
    "02_training_an_mlp": (
        2,
        ["손실 함수", "경사 하강법", "미니배치 학습", "옵티마이저", "가중치 초기화", "드롭아웃",
         "배치 정규화", "오버피팅", "MNIST 피드포워드 신경망"],
    ),
    "03_cnn_and_rnn": (
        3,
        ["합성곱 연산", "패딩, 스트라이드, 풀링", "특징 맵", "합성곱 신경망 LeNet-5", "순환 신경망",
         "시간에 따른 오차역전파", "장단기 메모리"],
    ),
    "04_rbm": (
        4,
        ["제한 볼츠만 머신", "에너지와 자유 에너지", "대조 발산", "숫자 이미지로 학습한 RBM",
         "심층 신뢰 신경망"],
    ),
    "05_attention": (
        5,
        ["어텐션", "인과 마스크", "어텐션의 기울기", "멀티헤드 어텐션", "트랜스포머 블록", "작은 GPT 학습",
         "샘플링"],
    ),
}  # fmt: skip
KOREAN_WITH_ENGLISH = r"(?=[^(]*[가-힣])[^(]+ \([A-Za-z][^()]*\)"  # "한국어 (English)"
NOTES_LOOP = re.compile(  # the training loop as the notes write it in PyTorch
    r"for epoch in range\(.*?for \w+, \w+ in \w+:\s+optimizer\.zero_grad\(\)\s+"
    r"loss = criterion\(model\(\w+\), \w+\)\s+loss\.backward\(\)\s+optimizer\.step\(\)",
    re.DOTALL,
)
HAS_JUPYTER = all(importlib.util.find_spec(name) for name in ("nbclient", "nbformat", "ipykernel"))


def cells(path: Path, kind: str) -> list[str]:
    notebook = json.loads(path.read_text(encoding="utf-8"))
    return ["".join(cell["source"]) for cell in notebook["cells"] if cell["cell_type"] == kind]


def test_there_is_a_notebook_per_group_of_lessons_stored_without_outputs() -> None:
    assert [path.stem for path in NOTEBOOKS] == sorted(CHAPTERS)
    for path in NOTEBOOKS:
        notebook = json.loads(path.read_text(encoding="utf-8"))
        assert notebook["nbformat"] == 4, path.name
        code = [cell for cell in notebook["cells"] if cell["cell_type"] == "code"]
        assert code and all(cell["outputs"] == [] and cell["execution_count"] is None for cell in code), (
            path.name
        )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_each_notebook_is_a_chapter_with_korean_and_english_headings(path: Path) -> None:
    part, sections = CHAPTERS[path.stem]
    markdown = cells(path, "markdown")
    assert re.fullmatch(rf"# Part {part} — {KOREAN_WITH_ENGLISH}", markdown[0].splitlines()[0]), markdown[0]
    headings = [line[3:] for text in markdown for line in text.splitlines() if line.startswith("## ")]
    for heading in headings:
        assert re.fullmatch(KOREAN_WITH_ENGLISH, heading), (
            f"{path.name}: {heading!r} is not '한국어 (English)'"
        )
    korean = [heading.split(" (")[0] for heading in headings]
    assert korean == sections, f"{path.name}: sections {korean}"


@pytest.mark.parametrize("stem", ["02_training_an_mlp", "03_cnn_and_rnn"])
def test_the_notebook_trains_with_the_loop_the_notes_write(stem: str) -> None:
    code = cells(next(path for path in NOTEBOOKS if path.stem == stem), "code")
    assert any("import chainrule as torch" in source for source in code)
    loops = [number for number, source in enumerate(code) if NOTES_LOOP.search(source)]
    assert loops, f"{stem}: no cell with for epoch ...: for x, y in loader: zero_grad, loss, backward, step"
    if stem == "02_training_an_mlp":  # the loop first, then fit as its short form
        fits = [number for number, source in enumerate(code) if re.search(r"\bfit\(", source)]
        assert fits and min(loops) < min(fits), (loops, fits)


def test_the_attention_notebook_trains_a_gpt_with_the_notes_loop_and_samples_from_it() -> None:
    code = "\n".join(cells(next(path for path in NOTEBOOKS if path.stem == "05_attention"), "code"))
    assert "import chainrule as torch" in code
    assert "F.scaled_dot_product_attention(q, k, v, is_causal=True)" in code and "viz.draw(" in code
    assert "need_weights=True, average_attn_weights=False" in code
    step = re.compile(
        r"for epoch in range\(.*?for x, y in loader:\s+optimizer\.zero_grad\(\)\s+"
        r"loss = criterion\(model\(x\).*?loss\.backward\(\)\s+"
        r"torch\.nn\.utils\.clip_grad_norm_\(.*?optimizer\.step\(\)",
        re.DOTALL,
    )
    assert step.search(code), "no cell with the notes' loop: zero_grad, loss, backward, clip, step"
    assert re.search(
        r"@torch\.no_grad\(\)\ndef generate\(.*?torch\.topk\(.*?torch\.multinomial\(", code, re.DOTALL
    )


@pytest.mark.skipif(not HAS_JUPYTER, reason="needs nbclient and ipykernel (the dev extra)")
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_the_notebook_runs_and_shows_rich_output(
    path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import nbformat
    from nbclient import NotebookClient

    # The kernel inherits this: the notebooks multiply small matrices, and on a shared 2-core machine
    # OpenBLAS's second thread waits for a busy core, which made a notebook up to 10x slower.
    monkeypatch.setenv("OPENBLAS_NUM_THREADS", "1")
    # and imports this checkout's chainrule, whichever one an editable install points at
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])))
    notebook = nbformat.read(path, as_version=4)
    NotebookClient(
        notebook, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    ).execute()
    kinds = {
        kind
        for cell in notebook.cells
        if cell.cell_type == "code"
        for output in cell.outputs
        for kind in output.get("data", {})
    }
    assert EXPECTED[path.stem] <= kinds, kinds
