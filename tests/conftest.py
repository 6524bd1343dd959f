from __future__ import annotations

import os
from pathlib import Path

import pytest

from autograder.expected import Oracles
from autograder.reference import reference_student

ROOT = Path(__file__).resolve().parent.parent
# Every process the tests start (the grader's CLI, nbgrader, Jupyter kernels) runs this
# tree's code, not a copy of the package installed in the environment earlier.
os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)


@pytest.fixture(scope="session")
def oracles() -> Oracles:
    """Instructor-side oracles (reference + mutants), shared by every test of a worker."""
    return Oracles(reference=reference_student(ROOT / "reference", "backprop"))


@pytest.fixture(scope="session")
def student_oracles() -> Oracles:
    """What a student's machine has: no reference, no mutants."""
    return Oracles()
