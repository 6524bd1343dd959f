from __future__ import annotations

from pathlib import Path

import pytest

from autograder.expected import Oracles
from autograder.reference import reference_student

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def oracles() -> Oracles:
    """Instructor-side oracles (reference + mutants), shared by every test of a worker."""
    return Oracles(reference=reference_student(ROOT / "reference"))


@pytest.fixture(scope="session")
def student_oracles() -> Oracles:
    """What a student's machine has: no reference, no mutants."""
    return Oracles()
