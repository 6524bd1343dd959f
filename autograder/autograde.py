"""`autograder autograde ASSIGNMENT`: the course's grading step, in place of `nbgrader autograde`.

`nbgrader autograde` runs each submitted notebook in a kernel with the instructor's rights
inside the course directory, where it can write the gradebook and read the reference. This
step grades every `submitted/<student>/<assignment>/` notebook in the sandbox instead, and
writes everything nbgrader's later steps read: the gradebook (submission rows, every score
field that enters a total, comments; see gradebook.py) and autograded/<student>/<assignment>/
(see autograded.py). `nbgrader generate_feedback` and `nbgrader export` then work as usual.

Everything a submission holds is hostile here: a student is exactly a top-level folder
with a valid id (layout.py); files are read bounded and without following links; a
submission that cannot be graded is recorded with zeros and the reason, never skipped.
"""
from __future__ import annotations

import argparse
import ast
import contextlib
import sys
import warnings
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from autograder import autograded, ipynb
from autograder.cli import (EXIT_GRADER, EXIT_OK, EXIT_USAGE, default_reference_dir, grade_with_progress,
                            grader_failures, interrupted, open_session, secret_for, setup_failed, summary)
from autograder.files import FileRefused, read_regular
from autograder.gradebook import write_student
from autograder.integrity import installation
from autograder.layout import Job, Refused, course_submissions, valid_student_id
from autograder.spec import Assignment
from autograder.text import escape
from autograder.verdicts import SubmissionResult


class CourseError(Exception):
    """The course directory is not set up for this step (a usage error)."""


@dataclass(frozen=True)
class Course:
    root: Path
    submitted: Path
    autograded: Path
    release: Path
    db_url: str
    course_id: str
    config: Any  # traitlets Config, from nbgrader_config.py


def declared(name: str, exercises: Path | None) -> Assignment:
    from autograder import course

    try:
        return course.assignment(name, exercises)
    except course.CourseError as exc:
        raise CourseError(str(exc)) from None


def literal_config(path: Path) -> Any:
    """nbgrader's configuration from `path` without running it: each top-level
    `c.Section.option = <literal>` counts, anything else is ignored (a notebook that once ran
    with the instructor's rights could have appended code there, and this process grades)."""
    from traitlets.config import Config

    config = Config()
    try:
        tree = ast.parse(path.read_text(encoding="utf-8")) if path.is_file() else ast.Module(body=[], type_ignores=[])
    except (OSError, UnicodeDecodeError, SyntaxError, ValueError) as exc:
        raise CourseError(f"cannot read {path.name}: {exc}") from None
    for node in tree.body:
        target = node.targets[0] if isinstance(node, ast.Assign) and len(node.targets) == 1 else None
        if isinstance(target, ast.Attribute) and isinstance(target.value, ast.Attribute) \
                and isinstance(target.value.value, ast.Name) and target.value.value.id == "c":
            try:
                config[target.value.attr][target.attr] = ast.literal_eval(node.value)
            except ValueError:
                print(f"autograder: {path.name}, line {node.lineno}: ignored (not a literal value)", file=sys.stderr)
    return config


def load_course(course_dir: Path) -> Course:
    """The course as nbgrader sees it (its nbgrader_config.py is the instructor's own)."""
    from nbgrader.coursedir import CourseDirectory

    root = course_dir.resolve()
    config = literal_config(root / "nbgrader_config.py")
    coursedir = CourseDirectory(config=config)
    coursedir.root = str(root)
    return Course(root, root / coursedir.submitted_directory, root / coursedir.autograded_directory,
                  root / coursedir.release_directory, coursedir.db_url, coursedir.course_id, config)


def released_notebook(course: Course, assignment: Assignment) -> tuple[ipynb.Release, str | None]:
    """The release the grader was installed with (the declaration's, which the start-up check
    holds to pip's record) and, if the course's copy in its release folder differs, why: that
    copy may have been edited by code that ran with the instructor's rights, so it never
    decides which code runs or what the autograded notebooks show."""
    packaged = assignment.folder / assignment.notebook_name
    try:
        release = ipynb.read_release(packaged)
    except ipynb.ReleaseError as exc:
        raise CourseError(f"{exc}: generate it with `python -m tools.course`") from None
    copy = course.release / assignment.name / assignment.notebook_name
    try:
        differs = ipynb.cells_differ(release, ipynb.read_release(copy))
    except ipynb.ReleaseError as exc:
        return release, str(exc)
    return release, f"{copy} differs from the release installed with the grader ({differs})" if differs else None


def read_timestamp(folder: Path) -> tuple[datetime | None, str | None]:
    """nbgrader's timestamp.txt (a time of submission, for late penalties), bounded."""
    from nbgrader.utils import parse_utc

    path = folder / "timestamp.txt"
    try:
        text = read_regular(path, 100).decode("ascii").strip()
        return parse_utc(text), None
    except FileRefused as exc:
        return None, None if not path.exists() and not path.is_symlink() else f"timestamp.txt ignored: {exc}"
    except (UnicodeDecodeError, ValueError, OverflowError):
        return None, "timestamp.txt ignored: it does not hold a time"


def _known_students(course: Course, assignment: str, notebook: str) -> set[str]:
    from nbgrader.api import Gradebook, MissingEntry

    with Gradebook(course.db_url, course.course_id) as gb:
        try:
            gb.find_notebook(notebook, assignment)
        except MissingEntry:
            raise CourseError(f"assignment {assignment!r} (notebook {notebook!r}) is not in the gradebook: run "
                              f"`nbgrader generate_assignment {assignment}` first") from None
        return {s.id for s in gb.students}


def select_jobs(args: argparse.Namespace, course: Course, release: ipynb.Release) -> tuple[list[Job], list[Refused]]:
    jobs, refused = course_submissions(course.submitted, args.assignment, release.path.name)
    if args.student:
        wanted = set(args.student)
        jobs = [j for j in jobs if j.student in wanted]
        refused = [r for r in refused if r.label in wanted]
    known = _known_students(course, args.assignment, release.path.stem)
    if not args.create_students:
        refused += [Refused(j.label, "not a student of this course in the gradebook (add the student with "
                                     "`nbgrader db student add`, or pass --create-students)")
                    for j in jobs if j.student not in known]
        jobs = [j for j in jobs if j.student in known]
    return jobs, refused


def _late_penalties(gb: Any, course: Course, assignment: str, notebook: str, students: list[str]) -> None:
    """As nbgrader's AssignLatePenalties: the configured plugin, clamped to [0, score]."""
    from nbgrader.preprocessors import AssignLatePenalties

    penalties = AssignLatePenalties(config=course.config)
    penalties.init_plugin()
    for student in students:
        submitted = gb.find_submission_notebook(notebook, assignment, student)
        submitted.late_submission_penalty = None
        late = gb.find_submission(assignment, student).total_seconds_late
        if late > 0:
            penalty = penalties.plugin_inst.late_submission_penalty(student, submitted.score, late)
            if penalty is not None:
                submitted.late_submission_penalty = min(max(penalty, 0), submitted.score)


def record(course: Course, args: argparse.Namespace, release: ipynb.Release, jobs: list[Job],
           results: list[SubmissionResult]) -> None:
    """The autograded notebooks first, then the gradebook in one transaction: a failure of
    the environment (disk full) leaves the gradebook as it was."""
    from nbgrader.api import Gradebook

    timestamps: dict[str, datetime | None] = {}
    for job, result in zip(jobs, results):
        timestamps[job.student], note = read_timestamp(job.path.parent) if job.problem is None else (None, None)
        if note:
            result.notes.append(note)
        try:
            cells = ipynb.load_cells(job.path) if job.problem is None else None
        except ipynb.NotebookError:
            cells = None
        notebook = autograded.build(release, cells, result)
        autograded.write(course.autograded, job.student, args.assignment, release.path.name, notebook)
    with Gradebook(course.db_url, course.course_id) as gb, warnings.catch_warnings():
        # nbgrader's own API makes SQLAlchemy warn about its autoflush; nothing is lost.
        warnings.simplefilter("ignore", category=Warning)
        nb = gb.find_notebook(release.path.stem, args.assignment)
        for job, result in zip(jobs, results):
            if args.create_students:
                gb.update_or_create_student(job.student)
            write_student(gb, args.assignment, nb, result, job.student, timestamps[job.student],
                          args.keep_manual_scores)
        gb.db.flush()
        _late_penalties(gb, course, args.assignment, release.path.stem, [j.student for j in jobs])
        _forget_ungraded(gb, course, args.assignment, {j.student for j in jobs}, set(args.student or ()))
        gb.db.commit()


def _forget_ungraded(gb: Any, course: Course, assignment: str, graded: set[str], only: set[str]) -> None:
    """A submission in the gradebook that this run did not grade (no folder in submitted/,
    or one that was refused) was written by something else, e.g. student code run by
    `nbgrader autograde`: it goes, with its autograded and feedback folders. `only`: the
    students this run was asked about (--student), else everyone."""
    for submission in list(gb.find_assignment(assignment).submissions):
        student = submission.student.id
        if student in graded or (only and student not in only):
            continue
        gb.remove_submission(assignment, student)
        if valid_student_id(student):  # an id the gradebook holds may be anything: never a path
            for root in (course.autograded, course.root / "feedback"):
                autograded.remove(root / student / assignment)


def not_started(course: Course, args: argparse.Namespace, release: ipynb.Release, jobs: list[Job],
                exc: Exception) -> int:
    """The grader could not start: every submission it was to grade gets zeros and a comment
    saying so. An old score must not stand: code that ran with the instructor's rights can
    forge the gradebook and then break the reference so that the grader never starts."""
    why = "not graded yet: the grader could not start on the course's machine (not your fault); a TA will rerun it"
    results = [SubmissionResult(j.label, [], protection="not graded", grader_error=why) for j in jobs]
    try:
        record(course, args, release, jobs, results)
        print(f"autograder: the gradebook holds 0 for the {len(jobs)} submission(s) this run was to grade, "
              "until a run that starts grades them", file=sys.stderr)
    except OSError as err:
        print(f"autograder: could not mark them ungraded either ({escape(str(err), 300)})", file=sys.stderr)
    return setup_failed(exc)


def cmd_autograde(args: argparse.Namespace) -> int:
    try:
        assignment = declared(args.assignment, args.exercises)
        course = load_course(args.course_dir)
        release, stale = released_notebook(course, assignment)
        jobs, refused = select_jobs(args, course, release)
    except CourseError as exc:
        print(f"autograder: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if stale:
        print(f"autograder: warning: {stale}. Graded against the installed release. If you changed the "
              f"assignment, regenerate it (`python -m tools.course`; `./run` reinstalls the grader) and run "
              f"`nbgrader generate_assignment {args.assignment} --force`; if you did not, something that ran "
              f"with your rights changed it (restore it with `git checkout {course.release.name}/`).", file=sys.stderr)
    if not jobs:
        summary([], [(r.label, r.reason) for r in refused])
        print(f"autograder: no submission of {args.assignment!r} to grade in {course.submitted}", file=sys.stderr)
        return EXIT_OK
    with contextlib.ExitStack() as stack:
        try:
            reference_dir = args.reference or default_reference_dir(course.root, assignment.name)
            hidden = [course.root, Path(__file__).resolve().parent.parent, *([reference_dir] if reference_dir else [])]
            session = open_session(args, assignment, len(jobs), stack, hidden, reference_dir, secret_for(args, course.root),
                                   course.root)
        except Exception as exc:  # noqa: BLE001 - GraderError, SecretError, SandboxUnavailable...: fail closed
            return not_started(course, args, release, jobs, exc)
        try:
            results = grade_with_progress(session, jobs, args, exercises=None, release_dir=assignment.folder.parent)
        except KeyboardInterrupt:
            return interrupted(args)
    try:
        record(course, args, release, jobs, results)
    except OSError as exc:
        print(f"autograder: graded, but could not write the results ({escape(str(exc), 300)}): the gradebook "
              "was not changed", file=sys.stderr)
        return EXIT_GRADER
    summary(results, [(r.label, r.reason) for r in refused])
    print(f"autograder: {len(results)} submission(s) of {args.assignment!r} graded {session.protection}; "
          f"{installation().text}", file=sys.stderr)
    if refused:
        print(f"autograder: {len(refused)} folder(s) in {course.submitted.name}/ refused (see the table): "
              "nothing was graded for them (a submission the gradebook held for them was removed)", file=sys.stderr)
    return grader_failures(results)
