"""Every lesson runs, prints the notes' numbers and writes its picture."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

import viz


def run(name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], *args: str) -> str:
    importlib.import_module(f"examples.{name}").main(["--out", str(tmp_path), *args])
    return capsys.readouterr().out


def picture(tmp_path: Path, stem: str) -> bool:
    suffix = ".png" if viz.dot_available() else ".dot"
    return (tmp_path / f"{stem}{suffix}").stat().st_size > 0


def test_gates(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = run("gates", tmp_path, capsys)
    assert "XOR  did NOT converge" in out and "AND  converged" in out and "퍼셉트론" in out
    assert " 1  1 | 0" in out


def test_apple(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = run("apple", tmp_path, capsys)
    expected = [
        ("price = 220", "d apple        = 2.2", "d apple count  = 110", "d tax          = 200"),
        ("price = 715", "d orange       = 3.3", "d orange count = 165", "d tax          = 650"),
    ]
    for line in (line for group in expected for line in group):
        assert line in out
    assert picture(tmp_path, "apple") and picture(tmp_path, "apple_orange")


def test_chain_rule(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = run("chain_rule", tmp_path, capsys, "--x", "3", "--y", "1")
    assert "so dz/dx = dz/dy = 8" in out and "dz/dx = 8, dz/dy = 8" in out and "연쇄법칙" in out
    assert picture(tmp_path, "chain_rule")


def test_xor(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = run("xor", tmp_path, capsys)
    assert "4/4 correct" in out and picture(tmp_path, "xor_mlp")


def test_moons_reaches_full_training_accuracy(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = run("moons", tmp_path, capsys)
    assert "training accuracy: 100%" in out
    assert (tmp_path / "moons.png").stat().st_size > 0
