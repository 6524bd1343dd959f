"""Running `autograder grade` as a user does: a separate process, from the repository root."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The bundled examples are assignment 1's; with more than one assignment installed, grade names it.
GRADE = [sys.executable, "-m", "autograder.cli", "grade", "--assignment", "backprop"]


def grade_cli(*args: str, cwd: Path = ROOT, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*GRADE, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300)
