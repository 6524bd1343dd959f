"""`autograder run-gradescope`: what the zip's run_autograder runs for each submission.

    /autograder/source/       the zip (bundle/, the wheel): root only
    /autograder/submission/   what the student uploaded: hostile, whatever it holds
    /autograder/results/results.json   always written, whatever happens

Before any student code starts, the three folders are made root-only (0700), so that a
child running as an unprivileged uid (the container level) can read neither the bundle's
values and signing key nor the submission's files, nor write results; bubblewrap hides
them anyway. The submission is found by name or as the only candidate; anything else is a
clear message and zero. A grader failure is reported as such (score 0, "not your fault").
The exit status is 0 whenever results.json was written.
"""
from __future__ import annotations

import argparse
import contextlib
import os
import sys
import time
import traceback
from dataclasses import dataclass
from pathlib import Path

from autograder import bundle, course
from autograder.batch import grade_job
from autograder.expected import GraderError
from autograder.layout import Job
from autograder.protection import ProtectionRefused, add_arguments
from autograder.report_gradescope import GradescopeOptions, write_gradescope
from autograder.submission_finder import find_submission
from autograder.text import escape
from autograder.verdicts import SubmissionResult

NOT_GRADED = "not graded"


@dataclass(frozen=True)
class Layout:
    """Gradescope's folders (docs: autograder specifications)."""

    root: Path

    @property
    def source(self) -> Path:
        return self.root / "source"

    @property
    def submission(self) -> Path:
        return self.root / "submission"

    @property
    def results(self) -> Path:
        return self.root / "results"

    @property
    def bundle(self) -> Path:
        return self.source / "bundle"


def add_parser(sub: argparse._SubParsersAction) -> None:
    r = sub.add_parser("run-gradescope", help="grade /autograder/submission inside Gradescope (the zip's run_autograder)")
    r.add_argument("--root", type=Path, default=Path("/autograder"), help="Gradescope's folder (default: /autograder)")
    r.add_argument("--check-bundle", action="store_true",
                   help="only check that the zip's values load with this installation (setup.sh runs it)")
    r.add_argument("--timeout", type=float, default=None, help="seconds per function call (default: the zip's)")
    add_arguments(r)
    r.set_defaults(workers=1)


def lock_down(layout: Layout) -> None:
    """Root-only folders before any student code runs (the child's uid is unprivileged)."""
    layout.results.mkdir(parents=True, exist_ok=True)
    for folder in (layout.source, layout.submission, layout.results):
        if folder.is_dir() and not folder.is_symlink():
            os.chmod(folder, 0o700)


def grade(args: argparse.Namespace, layout: Layout) -> SubmissionResult:
    """Raises GraderError, ProtectionRefused or SandboxUnavailable: the grader's failures."""
    from autograder.cli import open_session

    manifest = bundle.read_manifest(layout.bundle)
    assignment = course.assignment(manifest.assignment)
    oracles = bundle.oracles(layout.bundle, manifest, assignment)
    if args.timeout is None:
        args.timeout = manifest.call_timeout
    found = find_submission(layout.submission, assignment)
    job = Job(found.path or layout.submission / assignment.notebook_name, found.label, problem=found.problem,
              assignment=assignment.name)
    with contextlib.ExitStack() as stack:
        session = open_session(args, assignment, 1, stack, [layout.source, layout.submission, layout.results],
                               None, None, layout.root, oracles=oracles)
        return grade_job(job, oracles, session.open_student, assignment, None, session.protection,
                         release_dir=assignment.folder.parent)


def check_bundle(layout: Layout) -> int:
    manifest = bundle.read_manifest(layout.bundle)
    assignment = course.assignment(manifest.assignment)
    bundle.oracles(layout.bundle, manifest, assignment)
    print(f"autograder: the bundle of {assignment.name!r} loads ({len(assignment.exercises)} exercises, "
          f"course secret {manifest.secret_digest})")
    return 0


def _options(layout: Layout) -> GradescopeOptions:
    try:
        return GradescopeOptions(visibility=bundle.read_manifest(layout.bundle).visibility)
    except (GraderError, ValueError):
        return GradescopeOptions()


def _failure(message: str) -> SubmissionResult:
    return SubmissionResult("submission", [], protection=NOT_GRADED, grader_error=message)


def grade_safely(args: argparse.Namespace, layout: Layout) -> SubmissionResult:
    """A result whatever happens: the grader's own failures become a grader_error the
    student is told is not theirs (the details go to the staff's log, stdout)."""
    try:
        return grade(args, layout)
    except (GraderError, ProtectionRefused, course.CourseError) as exc:
        return _failure(str(exc))
    except Exception as exc:  # noqa: BLE001 - SandboxUnavailable, a grader bug: never a traceback for the student
        print("autograder: internal error (details for the course staff):", file=sys.stderr)
        traceback.print_exc()
        return _failure(f"{type(exc).__name__}: {exc}")


def log_summary(result: SubmissionResult, seconds: float) -> None:
    """For the course staff (Gradescope keeps stdout for instructors)."""
    if result.grader_error:
        print(f"autograder: GRADER ERROR, nothing was scored: {escape(result.grader_error, 2000)}")
    else:
        print(f"autograder: {escape(result.submission, 100)}: {result.score:g}/{result.max_score:g} points")
    print(f"autograder: protection: {result.protection}; {seconds:.1f} s")


def cmd_run_gradescope(args: argparse.Namespace) -> int:
    layout = Layout(args.root)
    if args.check_bundle:
        try:
            return check_bundle(layout)
        except (GraderError, course.CourseError) as exc:
            print(f"autograder: {exc}", file=sys.stderr)
            return 3
    start = time.monotonic()
    try:
        lock_down(layout)
    except OSError as exc:
        result = _failure(f"cannot protect the grader's folders: {exc}")
    else:
        result = grade_safely(args, layout)
    seconds = time.monotonic() - start
    try:
        write_gradescope(result, layout.results / "results.json", seconds, _options(layout))
    except OSError as exc:
        print(f"autograder: cannot write results.json: {exc}", file=sys.stderr)
        return 3
    log_summary(result, seconds)
    return 0

