"""The Gradescope zip's wheel comes from the installed grader: packed again from the files
pip installed, it holds exactly what the wheel pip installed from held (a fresh RECORD)."""
from __future__ import annotations

import importlib.metadata
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from autograder.wheel import build_from_source, repack

ROOT = Path(__file__).resolve().parent.parent


def _contents(wheel: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(wheel) as z:
        return {n: z.read(n) for n in z.namelist() if not n.endswith("/RECORD")}


@pytest.mark.slow
def test_a_repacked_installation_is_the_wheel_it_was_installed_from(tmp_path):
    built = build_from_source(ROOT, tmp_path)
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-index", "--target", str(target),
                    str(built)], check=True, capture_output=True)
    dist = importlib.metadata.PathDistribution(next(target.glob("backprop_autograder-*.dist-info")))
    out = tmp_path / "out"
    out.mkdir()
    again = repack(dist, out)
    assert again.name == built.name
    assert _contents(again) == _contents(built)
    with zipfile.ZipFile(again) as z:
        record = z.read(next(n for n in z.namelist() if n.endswith("/RECORD"))).decode()
    assert "autograder/cli.py,sha256=" in record and "__pycache__" not in record
