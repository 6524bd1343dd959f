"""`autograder check NOTEBOOK`: a student grades their saved notebook as the course will.

A kernel's checks see the kernel's state (cells run out of order, a deleted helper still
defined); the course grades the saved file. This command reads the saved file with the
course's cell rules (against the released notebook shipped in the package), runs it in the
sandbox when the machine has one, and checks it with the oracles a student has (finite
differences, torch.autograd) on the notebook's public inputs. The course's grader draws its
inputs from the course secret, from the same families of sizes.
"""
from __future__ import annotations

import argparse
import contextlib
import sys
from pathlib import Path
from typing import Iterator

from autograder import course, ipynb, report_text
from autograder.batch import OpenStudent, grade_job, in_process
from autograder.expected import GraderError, Oracles, public_store
from autograder.layout import Job
from autograder.spec import Assignment, grade_cell_id
from autograder.submission import Submission
from autograder.text import escape

IN_PROCESS = "in this process (no sandbox on this machine; the course's grader uses one)"


def _grade_ids(notebook: Path) -> set[str]:
    """The nbgrader grade ids in a notebook's cells (none if it cannot be read)."""
    try:
        return {c.grade_id for c in ipynb.load_cells(notebook) if c.grade_id}
    except ipynb.NotebookError:
        return set()


def _assignment(notebook: Path, name: str | None) -> Assignment:
    """The installed assignment this notebook answers: named, else the only one installed,
    else by file name, else by the grade ids of its cells (a renamed copy). Raises
    course.CourseError."""
    try:
        return course.assignments_for(name, [notebook])[0]
    except course.CourseError:
        if name:
            raise
    ids = _grade_ids(notebook)
    installed = list(course.assignments().values())
    matching = [a for a in installed
                if any(grade_cell_id(ex.name, g.name) in ids for ex in a.exercises for g in ex.groups())]
    if len(matching) == 1:
        return matching[0]
    raise course.CourseError(f"which assignment does {escape(notebook.name, 100)} answer? add --assignment, one of: "
                             + ", ".join(a.name for a in installed))


@contextlib.contextmanager
def _runner(timeout: float, hidden: list[Path]) -> Iterator[tuple[OpenStudent, str]]:
    """The strongest sandbox this machine has (as `--protection auto`), else this process
    (the student's own code on the student's own machine)."""
    from autograder.cli import start_pool
    from autograder.protection import AUTO, Level, ProtectionRefused, Request
    from autograder.sandbox import Limits, SandboxedStudent, SandboxUnavailable

    with contextlib.ExitStack() as stack:
        try:
            pool, protection = start_pool(Request(AUTO, Level.CONTAINER), Limits(call_timeout=timeout), 1, stack,
                                          hidden)
        except (ProtectionRefused, SandboxUnavailable, OSError):
            yield in_process, IN_PROCESS
            return

        @contextlib.contextmanager
        def open_student(submission: Submission) -> Iterator[SandboxedStudent]:
            with SandboxedStudent(list(submission.chunks), pool) as student:
                yield student

        yield open_student, protection


def cmd_check(args: argparse.Namespace) -> int:
    notebook: Path = args.notebook
    if notebook.suffix != ".ipynb" or not notebook.is_file():
        print(f"autograder: {escape(str(notebook), 200)} is not a saved notebook (.ipynb file)", file=sys.stderr)
        return 2
    try:
        assignment = _assignment(notebook, args.assignment)
    except course.CourseError as exc:
        print(f"autograder: {exc}", file=sys.stderr)
        return 2
    job = Job(notebook, escape(notebook.name, 100), assignment=assignment.name)
    try:
        with _runner(args.timeout, [notebook.resolve().parent]) as (open_student, protection):
            result = grade_job(job, Oracles(store=public_store(assignment)), open_student, assignment, None,
                               protection, release_dir=assignment.folder.parent)
    except GraderError as exc:
        print(f"autograder: the checks themselves failed (not your fault): {exc}", file=sys.stderr)
        return 3
    if result.grader_error:
        print(f"autograder: cannot check {escape(notebook.name, 100)}: {result.grader_error}", file=sys.stderr)
        return 3
    print(report_text.render(result))
    print(f"\nThe saved {escape(notebook.name, 100)} earns {result.score:g}/{result.max_score:g} on the notebook's "
          "public inputs, read and run as the course's grader reads and runs it. The course grades the same file "
          "on inputs of its own (same kinds of sizes), so a correct solution earns the same there.")
    return 0


def add_parser(sub: argparse._SubParsersAction) -> None:
    c = sub.add_parser("check", help="a student's check: grade a saved notebook as the course will")
    c.add_argument("notebook", type=Path, help="the saved .ipynb (Restart & Run All and save it first)")
    c.add_argument("--assignment", help="which assignment it answers (when several are installed)")
    c.add_argument("--timeout", type=float, default=10.0, help="seconds per function call (default: 10)")
