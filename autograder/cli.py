"""`autograder grade PATH...`: grade submissions, print feedback, write result files.

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
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

from autograder import report_text
from autograder.batch import Job, OpenStudent, discover, in_process, run_batch
from autograder.exercises import EXERCISES
from autograder.expected import GraderError, Oracles, default_reference_dir, warm_up
from autograder.report_csv import write_csv
from autograder.report_gradescope import write_gradescope
from autograder.report_junit import write_junit
from autograder.submission import Submission
from autograder.verdicts import SubmissionResult

if TYPE_CHECKING:
    from autograder.sandbox import SandboxPool

EXIT_OK, EXIT_USAGE, EXIT_GRADER, EXIT_INTERRUPTED = 0, 2, 3, 130
NO_SANDBOX = "in-process, NO SANDBOX (--no-sandbox): student code ran with the grader's rights"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="autograder", description="Grade backprop homework submissions.")
    sub = parser.add_subparsers(dest="command", required=True)
    g = sub.add_parser("grade", help="grade .py/.ipynb submissions (files or directories)")
    g.add_argument("paths", nargs="+", type=Path, help="files, or directories searched recursively "
                   "(nbgrader's submitted/<student>/<assignment>/ layout is recognised)")
    g.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="submissions graded in parallel (default: cores)")
    g.add_argument("--out", type=Path, help="write <label>/results.json (Gradescope) and feedback.txt per submission here")
    g.add_argument("--resume", action="store_true", help="with --out: skip submissions already graded (unchanged files)")
    g.add_argument("--gradescope", type=Path, help="write Gradescope's results.json for a single submission")
    g.add_argument("--junit", type=Path, help="write a JUnit XML report")
    g.add_argument("--csv", type=Path, help="write one CSV row per submission")
    g.add_argument("--gradebook", metavar="DB", help="write scores and feedback into this nbgrader gradebook "
                   "(a path to gradebook.db or an SQLAlchemy URL)")
    g.add_argument("--assignment", default="backprop", help="nbgrader assignment name for --gradebook (default: backprop)")
    g.add_argument("--course-id", default="default_course", help="nbgrader course id for --gradebook")
    g.add_argument("--no-sandbox", action="store_true", help="run student code in this process (trusted code only)")
    g.add_argument("--timeout", type=float, default=10.0, help="seconds per student function call (sandbox)")
    g.add_argument("--reference", type=Path, default=None,
                   help="reference/ directory (default: ./reference if present; else torch.autograd is the primary oracle)")
    g.add_argument("--exercise", action="append", choices=sorted(EXERCISES), help="grade only these exercises")
    g.add_argument("--quiet", action="store_true", help="print the summary table only, no feedback")
    return parser


def _start_sandboxes(args: argparse.Namespace, jobs: list[Job], stack: contextlib.ExitStack) -> SandboxPool | None:
    """One sandbox per worker, started now so that they get ready during the oracles' warm-up."""
    if args.no_sandbox:
        return None
    from autograder.sandbox import Limits, SandboxPool

    pool = stack.enter_context(SandboxPool(Limits(call_timeout=args.timeout)))
    pool.prewarm(max(1, min(args.workers, len(jobs))))
    return pool


def _check_sandbox(pool: SandboxPool | None, args: argparse.Namespace) -> tuple[OpenStudent, str]:
    """Probe the sandbox from inside; fail closed (SandboxUnavailable) unless --no-sandbox."""
    if pool is None:
        return in_process, NO_SANDBOX
    from autograder.sandbox import SandboxedStudent

    # What the children must not see: where the grader runs, the course's files, the submissions.
    hidden = [Path.cwd(), Path(__file__).resolve().parent.parent,
              *(p.resolve() for p in args.paths), *([args.reference.resolve()] if args.reference else [])]
    protection = pool.probe(hidden)

    @contextlib.contextmanager
    def open_student(submission: Submission) -> Iterator[SandboxedStudent]:
        with SandboxedStudent(submission.source, submission.path.name, pool) as student:
            yield student

    return open_student, protection


def _summary(results: list[SubmissionResult]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title="Summary")
    table.add_column("submission")
    for name in EXERCISES:
        table.add_column(name, justify="right")
    table.add_column("total", justify="right")
    for r in results:
        per = {e.exercise: f"{e.score:g}/{e.max_score:g}" for e in r.exercises}
        total = "GRADER ERROR" if r.grader_error else f"{r.score:g}/{r.max_score:g}"
        table.add_row(r.submission, *(per.get(n, "-") for n in EXERCISES), total)
    Console(stderr=True).print(table)


def _usage_error(args: argparse.Namespace, jobs: list[Job]) -> str | None:
    missing = [str(p) for p in args.paths if not p.exists()]
    if missing:
        return f"no such file or directory: {', '.join(missing)}"
    if not jobs:
        return "no .py or .ipynb submissions found"
    if args.gradescope and len(jobs) != 1:
        return f"--gradescope takes exactly one submission ({len(jobs)} found); use --out DIR for a batch"
    if args.resume and not args.out:
        return "--resume needs --out DIR (where the finished results are)"
    return None


def cmd_grade(args: argparse.Namespace) -> int:
    jobs = discover(args.paths)
    problem = _usage_error(args, jobs)
    if problem:
        print(f"autograder: {problem}", file=sys.stderr)
        return EXIT_USAGE
    with contextlib.ExitStack() as stack:
        try:
            pool = _start_sandboxes(args, jobs, stack)
            oracles = Oracles.from_reference_dir(args.reference or default_reference_dir())
            warm_up(oracles)
            open_student, protection = _check_sandbox(pool, args)
        except GraderError as exc:
            print(f"autograder: internal error, nothing was graded: {exc}", file=sys.stderr)
            return EXIT_GRADER
        except Exception as exc:  # noqa: BLE001 - SandboxUnavailable and friends: fail closed
            print(f"autograder: cannot grade: {exc}", file=sys.stderr)
            return EXIT_GRADER
        workers = args.workers if not args.no_sandbox else 1  # in-process calls share stdout: one at a time
        try:
            results = _run_with_progress(jobs, oracles, open_student, workers, protection, args)
        except KeyboardInterrupt:
            done = f"the results graded so far are in {args.out}; rerun with --resume to finish" if args.out \
                else "nothing was saved (use --out DIR to keep results as they finish)"
            print(f"autograder: interrupted: {done}", file=sys.stderr)
            return EXIT_INTERRUPTED
    for r in results:
        if not args.quiet and not args.out:
            print(report_text.render(r))
    try:
        _write_reports(results, args)
        report_error = None
    except Exception as exc:  # noqa: BLE001 - e.g. GradebookError; --out results are already on disk
        report_error = exc
    _summary(results)
    if report_error is not None:
        print(f"autograder: graded, but could not write a report: {report_error}", file=sys.stderr)
        return EXIT_GRADER
    failed = [r.submission for r in results if r.grader_error]
    if failed:
        print(f"autograder: the grader failed on {len(failed)} submission(s): {', '.join(failed)} "
              "(not graded; not the students' fault)", file=sys.stderr)
        return EXIT_GRADER
    return EXIT_OK


def _run_with_progress(jobs: list[Job], oracles: Oracles, open_student: OpenStudent, workers: int,
                       protection: str, args: argparse.Namespace) -> list[SubmissionResult]:
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

    columns = (TextColumn("grading"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), TextColumn("ETA"),
               TimeRemainingColumn())
    with Progress(*columns, console=Console(stderr=True), transient=False) as progress:
        task = progress.add_task("grading", total=len(jobs))

        def on_result(job: Job, result: SubmissionResult, reused: bool) -> None:
            progress.advance(task)

        return run_batch(jobs, oracles, open_student, workers=workers, protection=protection,
                         exercises=args.exercise, out=args.out, resume=args.resume, on_result=on_result)


def _write_reports(results: list[SubmissionResult], args: argparse.Namespace) -> None:
    if args.gradescope:
        write_gradescope(results[0], args.gradescope)
    if args.junit:
        write_junit(results, args.junit)
    if args.csv:
        write_csv(results, args.csv)
    if args.gradebook:
        from autograder.gradebook import write_gradebook

        write_gradebook(results, args.gradebook, args.assignment, args.course_id)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    return cmd_grade(args)


if __name__ == "__main__":
    sys.exit(main())
