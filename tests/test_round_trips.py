"""Round trips to the student's side: the checks ask at once for every call they already know
they need (a case's passes, every case of an exercise, a whole descent path), so grading
costs a few round trips per exercise, not one per call or per case. Counted, not timed:
the time itself is benchmarks/throughput.py's."""
from __future__ import annotations

from pathlib import Path

import pytest

from assignment1 import EXERCISES, FULL_MARKS, grade
from autograder.execution import Chunk
from autograder.sandbox import Limits, SandboxedStudent, SandboxPool
from autograder.student import Call, InProcessStudent, Outcome
from mistakes import MISTAKES

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples" / "submissions").glob("*.py"))
# An exercise's helpers and cases; the notes that need the student's own forward (only when
# a gradient fails and the forward is wrong); its descent path.
MOST_PER_EXERCISE = 3


class Counting:
    """A Student that counts its requests: each `run` or `run_groups` is one round trip
    to a sandboxed child (unless the child dies and the rest goes to a fresh one)."""

    def __init__(self, student: InProcessStudent) -> None:
        self.student, self.requests = student, 0

    def run(self, calls: list[Call]) -> list[Outcome]:
        self.requests += 1
        return self.student.run(calls)

    def run_groups(self, groups: list[list[Call]]) -> list[list[Outcome]]:
        self.requests += 1 if groups else 0
        return self.student.run_groups(groups)

    def has(self, name: str) -> bool:
        return self.student.has(name)

    def output(self) -> str:
        return self.student.output()


def _requests(source: str, oracles) -> int:
    student = Counting(InProcessStudent.from_source(source, "submission.py"))
    grade(student, oracles, "submission")
    return student.requests


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_each_exercise_costs_at_most_three_requests(path, oracles):
    requests = _requests(path.read_text(), oracles)
    assert requests <= MOST_PER_EXERCISE * len(EXERCISES)
    if path.name in ("correct.py", "stub.py"):
        assert requests == 2 * len(EXERCISES)  # nothing needs the notes


def test_no_mistake_of_the_corpus_costs_more(oracles):
    costs = {m.id: _requests(m.source, oracles) for m in MISTAKES}
    assert max(costs.values()) <= MOST_PER_EXERCISE * len(EXERCISES), costs


def test_a_sandboxed_submission_costs_a_round_trip_per_request_plus_loading_and_output(oracles):
    with SandboxPool(Limits()) as pool:
        with SandboxedStudent([Chunk((ROOT / "examples" / "submissions" / "correct.py").read_text(), "c.py")],
                              pool) as student:
            result = grade(student, oracles, "correct")
            trips = student.round_trips
    assert result.score == FULL_MARKS
    assert trips == 1 + 2 * len(EXERCISES) + 1  # load, two requests per exercise, the printed output
