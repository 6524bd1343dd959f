"""`autograder grade PATH...` and `autograder autograde ASSIGNMENT`.

`grade` grades files (CI, Gradescope, a folder of submissions) and writes reports;
`autograde` is the course's grading step in nbgrader's layout (autograde.py). Both run
every submission in the sandbox.

Exit status: 0 when every submission was graded (whatever the students scored), 2 for a
usage error, 3 when the grader itself failed (sandbox unavailable, oracles disagree, a
submission that could not be graded for a reason that is not the student's), 130 when
interrupted (Ctrl-C; what was persisted with --out stays, --resume finishes the rest).
"""
from __future__ import annotations

import argparse
import contextlib
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

from autograder import course, export_gradescope, reference, report_classroom, report_text, run_gradescope, self_check, text
from autograder.batch import OpenStudent, in_process, run_batch
from autograder.expected import GraderError, Oracles, Store, all_stored, graded_store, public_store, warm_up
from autograder.integrity import installation
from autograder.protection import Level, ProtectionRefused, Request, add_arguments, requested
from autograder.layout import Job, discover
from autograder.report_csv import write_csv
from autograder.report_gradescope import write_gradescope
from autograder.report_junit import write_junit
from autograder.secret import CourseSecret, load_or_create
from autograder.spec import Assignment
from autograder.student import InProcessStudent, Student
from autograder.submission import Submission
from autograder.text import escape
from autograder.verdicts import SubmissionResult

if TYPE_CHECKING:
    from autograder.sandbox import Limits, SandboxPool

EXIT_OK, EXIT_USAGE, EXIT_GRADER, EXIT_INTERRUPTED = 0, 2, 3, 130
NO_SANDBOX = "in-process, NO SANDBOX (--protection none): student code ran with the grader's rights"


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="submissions graded in parallel (default: cores)")
    add_arguments(p)  # --protection, --min-protection, --no-sandbox
    p.add_argument("--timeout", type=float, default=10.0, help="seconds per student function call (sandbox)")
    p.add_argument("--reference", type=Path, default=None,
                   help="reference/ directory (default: ./reference if present; else torch.autograd is the primary oracle)")
    p.add_argument("--public-inputs", action="store_true",
                   help="grade on the notebook's public inputs instead of the course secret's (to reproduce a notebook)")
    p.add_argument("--quiet", action="store_true", help="print the summary table only, no feedback")
    p.add_argument("--exercises", type=Path, default=None, metavar="DIR",
                   help="a folder of assignment declarations to use instead of the installed ones "
                        "(or $AUTOGRADER_EXERCISES)")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="autograder", description="Grade backprop homework submissions.")
    sub = parser.add_subparsers(dest="command", required=True)
    g = sub.add_parser("grade", help="grade .py/.ipynb submissions (files or directories)")
    g.add_argument("paths", nargs="+", type=Path, help="files, or directories searched recursively (links are not followed)")
    g.add_argument("--out", type=Path, help="write <label>/results.json (Gradescope) and feedback.txt per submission here")
    g.add_argument("--resume", action="store_true", help="with --out: skip submissions already graded (unchanged files)")
    g.add_argument("--gradescope", type=Path, help="write Gradescope's results.json for a single submission")
    g.add_argument("--junit", type=Path, help="write a JUnit XML report")
    g.add_argument("--csv", type=Path, help="write one CSV row per submission")
    g.add_argument("--github-classroom", action="store_true",
                   help="append GitHub Classroom's result (per-check points) to $GITHUB_OUTPUT as the step output `result`")
    g.add_argument("--assignment", help="which assignment the submissions answer (needed when several are installed)")
    g.add_argument("--exercise", action="append", help="grade only these exercises")
    _common(g)
    a = sub.add_parser("autograde", help="the course's grading step: nbgrader's submitted/ -> gradebook, autograded/")
    a.add_argument("assignment", help="the nbgrader assignment, e.g. backprop")
    a.add_argument("--course-dir", type=Path, default=Path("."), help="the nbgrader course directory (default: .)")
    a.add_argument("--student", action="append", help="grade only these students (default: every submission)")
    a.add_argument("--create-students", action="store_true",
                   help="add students that the gradebook does not know (default: refuse their submissions)")
    a.add_argument("--keep-manual-scores", action="store_true",
                   help="keep manual scores and extra credit a person set on test cells (default: clear them)")
    a.add_argument("--out", type=Path, help="also write <student>/results.json and feedback.txt here")
    _common(a)
    self_check.add_parser(sub)
    export_gradescope.add_parser(sub)
    run_gradescope.add_parser(sub)
    return parser


def secret_for(args: argparse.Namespace, course_dir: Path) -> CourseSecret | None:
    return None if args.public_inputs else load_or_create(course_dir)


def default_reference_dir(course_dir: Path, assignment: str) -> Path | None:
    """<course>/reference, else the checkout this package runs from (a source tree)."""
    for candidate in (course_dir / "reference", Path(__file__).resolve().parent.parent / "reference"):
        if (candidate / assignment / "__init__.py").is_file():
            return candidate
    return None


@dataclass
class Session:
    """What grading needs, set up once: the oracles' values, how to run a submission, and
    the protection level every result records."""

    assignment: Assignment
    oracles: Oracles
    open_student: OpenStudent
    protection: str
    workers: int


def _reference_sources(directory: Path | None, assignment: str) -> dict[str, str] | None:
    if directory is None:
        return None
    try:
        return reference.sources(directory, assignment)
    except (reference.ReferenceMissing, OSError, UnicodeDecodeError) as exc:
        raise GraderError(str(exc)) from None


def _reference(pool: SandboxPool | None, modules: dict[str, str] | None, assignment: str,
               stack: contextlib.ExitStack) -> Student | None:
    if modules is None:
        return None
    chunks = reference.loader(modules, assignment)
    if pool is None:
        return InProcessStudent(chunks, modules)
    from autograder.sandbox import SandboxedStudent

    return stack.enter_context(SandboxedStudent(chunks, pool, modules))


def _store(course_dir: Path, assignment: Assignment, secret: CourseSecret | None,
           modules: dict[str, str] | None) -> Store | None:
    """Graded values are cached signed with the secret. Without one (public inputs) only
    the package's own public values are read: an unsigned file in a folder a student may
    control (a CI checkout) must never decide a grade."""
    if secret is not None:
        return graded_store(course_dir, assignment, secret, modules)
    return public_store(assignment) if modules is None else None


def load_oracles(pool: SandboxPool | None, assignment: Assignment, course_dir: Path, reference_dir: Path | None,
                 secret: CourseSecret | None) -> Oracles:
    """Every expected value, from the store when it is current, else from the oracles (the
    reference runs only then, in its own child that ends with the warm-up)."""
    modules = _reference_sources(reference_dir, assignment.name)
    oracles = Oracles(secret=secret, store=_store(course_dir, assignment, secret, modules))
    if all_stored(oracles, assignment):
        return oracles
    with contextlib.ExitStack() as reference_stack:
        oracles.reference = _reference(pool, modules, assignment.name, reference_stack)
        warm_up(oracles, assignment)
    oracles.reference = None  # every value it gave is cached; nothing may call it again
    return oracles


def start_pool(request: Request, limits: "Limits", prewarm: int, stack: contextlib.ExitStack,
               hidden: list[Path]) -> tuple[SandboxPool, str]:
    """The strongest requested level that starts here and passes its probe (checked from
    inside a child), with the protection string every result records; the others of
    `prewarm` get ready while the oracles warm up. Raises ProtectionRefused with every
    level's reason when none holds."""
    from autograder.sandbox import SandboxPool, SandboxUnavailable

    reasons = []
    for level in request.candidates():
        pool = SandboxPool(limits, level=level)
        try:
            pool.prewarm(prewarm)
            pool.wait_one_ready()
            protection = pool.probe(hidden)
        except SandboxUnavailable as exc:
            pool.close()
            reasons.append(f"--protection {level.flag}: {exc}")
            continue
        return stack.enter_context(pool), protection
    raise ProtectionRefused("no sandbox of the protection required could be started here (minimum: "
                            f"{request.minimum.flag}):\n" + "\n".join(reasons))


def open_session(args: argparse.Namespace, assignment: Assignment, jobs: int, stack: contextlib.ExitStack,
                 hidden: list[Path], reference_dir: Path | None, secret: CourseSecret | None,
                 course_dir: Path, oracles: Oracles | None = None) -> Session:
    """Raises GraderError, ProtectionRefused or SandboxUnavailable (fail closed: student code
    runs in this process only with --protection none, which --min-protection must allow).
    `oracles`: every expected value known already (a Gradescope zip's), so none is computed."""
    installed = installation()
    if installed.refuse:
        raise GraderError(installed.text)
    request = requested(args)
    pool = None
    if request.candidates() != [Level.NONE]:
        from autograder.sandbox import Limits

        pool, protection = start_pool(request, Limits(call_timeout=args.timeout), max(1, min(args.workers, jobs)),
                                      stack, hidden)
    if oracles is None:
        oracles = load_oracles(pool, assignment, course_dir, reference_dir, secret)
    if pool is None:
        return Session(assignment, oracles, in_process, NO_SANDBOX, 1)  # in-process calls share stdout: one at a time
    from autograder.sandbox import SandboxedStudent

    @contextlib.contextmanager
    def open_student(submission: Submission) -> Iterator[SandboxedStudent]:
        with SandboxedStudent(list(submission.chunks), pool) as student:
            yield student

    return Session(assignment, oracles, open_student, protection, args.workers)


def summary(results: list[SubmissionResult], refused: list[tuple[str, str]] = ()) -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    table = Table(title="Summary")
    table.add_column("submission")
    exercises = list(dict.fromkeys(e.exercise for r in results for e in r.exercises))
    for name in exercises:
        table.add_column(name, justify="right")
    table.add_column("total", justify="right")
    for r in results:
        per = {e.exercise: f"{e.score:g}/{e.max_score:g}" for e in r.exercises}
        total = "GRADER ERROR" if r.grader_error else f"{r.score:g}/{r.max_score:g}"
        # one line per name: a folder name holding a newline must not add rows of its own
        table.add_row(Text(text.label(r.submission)), *(per.get(n, "-") for n in exercises), total)
    for name, reason in refused:
        table.add_row(Text(text.label(name)), *("-" for _ in exercises),
                      Text(f"REFUSED: {escape(reason, 200).replace(chr(10), ' ')}"))
    Console(stderr=True).print(table)


def _usage_error(args: argparse.Namespace, jobs: list[Job]) -> str | None:
    missing = [escape(str(p), 200) for p in args.paths if not os.path.lexists(p)]
    if missing:
        return f"no such file or directory: {', '.join(missing)}"
    if not jobs:
        return "no .py or .ipynb submissions found"
    if args.gradescope and len(jobs) != 1:
        return f"--gradescope takes exactly one submission ({len(jobs)} found); use --out DIR for a batch"
    if args.resume and not args.out:
        return "--resume needs --out DIR (where the finished results are)"
    if args.github_classroom and report_classroom.output_file() is None:
        return "--github-classroom appends to $GITHUB_OUTPUT, which GitHub Actions sets; it is not set here"
    return None


def grade_with_progress(session: Session, jobs: list[Job], args: argparse.Namespace, *, exercises: list[str] | None,
                        release_dir: Path | None = None) -> list[SubmissionResult]:
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

    columns = (TextColumn("grading"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), TextColumn("ETA"),
               TimeRemainingColumn())
    with Progress(*columns, console=Console(stderr=True), transient=False) as progress:
        task = progress.add_task("grading", total=len(jobs))

        def on_result(job: Job, result: SubmissionResult, reused: bool) -> None:
            progress.advance(task)

        return run_batch(jobs, session.oracles, session.open_student, session.assignment, workers=session.workers,
                         protection=session.protection, exercises=exercises, out=args.out,
                         resume=getattr(args, "resume", False), release_dir=release_dir, on_result=on_result)


def interrupted(args: argparse.Namespace) -> int:
    done = f"the results graded so far are in {args.out}; rerun with --resume to finish" if args.out \
        else "nothing was saved (use --out DIR to keep results as they finish)"
    print(f"autograder: interrupted: {done}", file=sys.stderr)
    return EXIT_INTERRUPTED


def setup_failed(exc: Exception, args: argparse.Namespace | None = None) -> int:
    kind = "internal error, nothing was graded" if isinstance(exc, GraderError) else "cannot grade"
    print(f"autograder: {kind}: {exc}", file=sys.stderr)
    classroom = report_classroom.output_file() if getattr(args, "github_classroom", False) else None
    if classroom is not None:  # Classroom's reporter must read an error, not a missing result
        report_classroom.write_classroom(report_classroom.grader_error(f"{kind}: {exc}"), classroom)
    return EXIT_GRADER


def cmd_grade(args: argparse.Namespace) -> int:
    jobs = discover(args.paths)
    problem = _usage_error(args, jobs)
    if problem:
        print(f"autograder: {problem}", file=sys.stderr)
        return EXIT_USAGE
    try:
        per_job = course.assignments_for(args.assignment, [job.path for job in jobs], args.exercises)
    except course.CourseError as exc:
        print(f"autograder: {exc}", file=sys.stderr)
        return EXIT_USAGE
    graded: dict[int, SubmissionResult] = {}
    for name in dict.fromkeys(a.name for a in per_job):  # a batch may mix assignments: one session each
        batch = [i for i, a in enumerate(per_job) if a.name == name]
        results = _grade_assignment(args, per_job[batch[0]], [jobs[i] for i in batch])
        if isinstance(results, int):
            return results
        graded.update(zip(batch, results))
    results = [graded[i] for i in range(len(jobs))]
    for r in results:
        if not args.quiet and not args.out:
            print(report_text.render(r))
    try:
        _write_reports(results, args)
    except OSError as exc:
        summary(results)
        print(f"autograder: graded, but could not write a report: {exc}", file=sys.stderr)
        return EXIT_GRADER
    summary(results)
    return grader_failures(results)


def _grade_assignment(args: argparse.Namespace, chosen: Assignment, jobs: list[Job]) -> list[SubmissionResult] | int:
    """The results, or the exit status if the grader cannot start (fail closed: with --out, what
    an earlier assignment's session graded is kept there for --resume)."""
    course_dir = Path.cwd()
    with contextlib.ExitStack() as stack:
        try:
            # What the children must not see: where the grader runs, the course's files, the submissions.
            hidden = [course_dir, Path(__file__).resolve().parent.parent, *(p.resolve() for p in args.paths),
                      *([args.reference.resolve()] if args.reference else [])]
            session = open_session(args, chosen, len(jobs), stack, hidden,
                                   args.reference or default_reference_dir(course_dir, chosen.name),
                                   secret_for(args, course_dir), course_dir)
        except Exception as exc:  # noqa: BLE001 - GraderError, ProtectionRefused, SandboxUnavailable...: fail closed
            return setup_failed(exc, args)
        try:
            return grade_with_progress(session, jobs, args, exercises=args.exercise)
        except KeyboardInterrupt:
            return interrupted(args)


def grader_failures(results: list[SubmissionResult]) -> int:
    failed = [escape(r.submission, 100) for r in results if r.grader_error]
    if failed:
        print(f"autograder: the grader failed on {len(failed)} submission(s): {', '.join(failed)} "
              "(not the students' fault)", file=sys.stderr)
        return EXIT_GRADER
    return EXIT_OK


def _write_reports(results: list[SubmissionResult], args: argparse.Namespace) -> None:
    if args.gradescope:
        write_gradescope(results[0], args.gradescope)
    if args.junit:
        write_junit(results, args.junit)
    if args.csv:
        write_csv(results, args.csv)
    if args.github_classroom:
        report_classroom.write_classroom(report_classroom.to_classroom(results), report_classroom.output_file())


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "autograde":
        from autograder.autograde import cmd_autograde

        return cmd_autograde(args)
    if args.command == "check":
        return self_check.cmd_check(args)
    if args.command == "export":
        return export_gradescope.cmd_export(args)
    if args.command == "run-gradescope":
        return run_gradescope.cmd_run_gradescope(args)
    return cmd_grade(args)


if __name__ == "__main__":
    sys.exit(main())
