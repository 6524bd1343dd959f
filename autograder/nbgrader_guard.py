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

from nbgrader.converters.base import NbGraderException
from nbgrader.preprocessors import NbGraderPreprocessor

ALLOW_ENV = "AUTOGRADER_ALLOW_NBGRADER_AUTOGRADE"


class RefuseNbgraderAutograde(NbGraderPreprocessor):
    def preprocess(self, nb, resources):  # type: ignore[no-untyped-def]
        if os.environ.get(ALLOW_ENV) == "1":
            return nb, resources
        assignment = resources.get("nbgrader", {}).get("assignment", "ASSIGNMENT")
        raise NbGraderException(
            "this course is graded by `autograder autograde " + str(assignment) + "`: `nbgrader autograde` would run "
            "each student's notebook with your rights in the course directory (reading the reference, writing the "
            f"gradebook). Nothing was run. To run it anyway on trusted notebooks, set {ALLOW_ENV}=1.")
