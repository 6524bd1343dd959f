"""Stops `nbgrader autograde` in a course graded by `autograder autograde`.

`nbgrader autograde` runs each submitted notebook in a kernel with the instructor's rights
inside the course directory: the student's code can read the reference, write the
gradebook and edit any file of the course. The course's nbgrader_config.py lists this
preprocessor first among nbgrader's sanitizing steps, so `nbgrader autograde` fails before
any kernel starts and says what to run instead. Set AUTOGRADER_ALLOW_NBGRADER_AUTOGRADE=1
to run it anyway (on trusted notebooks only, e.g. the solutions).
"""
from __future__ import annotations

import os
from pathlib import Path

from nbgrader.converters.base import NbGraderException
from nbgrader.preprocessors import NbGraderPreprocessor

ALLOW_ENV = "AUTOGRADER_ALLOW_NBGRADER_AUTOGRADE"


def _refusal(assignment: str) -> str:
    return ("this course is graded by `autograder autograde " + assignment + "`: `nbgrader autograde` would run "
            "each student's notebook with your rights in the course directory (reading the reference, writing the "
            f"gradebook). Nothing was run. To run it anyway on trusted notebooks, set {ALLOW_ENV}=1.")


def refuse_at_start(argv: list[str]) -> None:
    """Called by the course's nbgrader_config.py, which nbgrader loads before it does
    anything: `nbgrader autograde` stops there, before it deletes autograded/ folders and
    adds every folder of submitted/ to the gradebook as a student (the preprocessor below
    only stops it per notebook, after that)."""
    program = Path(argv[0]) if argv else Path()
    if (program.name == "nbgrader" or program.parent.name == "nbgrader") and argv[1:2] == ["autograde"] \
            and os.environ.get(ALLOW_ENV) != "1":
        raise SystemExit("nbgrader: " + _refusal(argv[2] if len(argv) > 2 and not argv[2].startswith("-")
                                                   else "ASSIGNMENT"))


class RefuseNbgraderAutograde(NbGraderPreprocessor):
    def preprocess(self, nb, resources):  # type: ignore[no-untyped-def]
        if os.environ.get(ALLOW_ENV) == "1":
            return nb, resources
        raise NbGraderException(_refusal(str(resources.get("nbgrader", {}).get("assignment", "ASSIGNMENT"))))
