"""`autograder grade PATH...`: grade submissions and print feedback."""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from autograder import report_text
from autograder.checks import grade
from autograder.exercises import EXERCISES
from autograder.expected import GraderError, Oracles, default_reference_dir
from autograder.report_gradescope import write_gradescope
from autograder.student import InProcessStudent
from autograder.submission import SubmissionError, find, load
from autograder.verdicts import SubmissionResult


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="autograder", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    g = sub.add_parser("grade", help="grade .py submissions (files or directories)")
    g.add_argument("paths", nargs="+", type=Path)
    g.add_argument("--gradescope", type=Path, help="write Gradescope's results.json here (one submission)")
    g.add_argument("--reference", type=Path, default=None,
                   help="reference/ directory (default: ./reference if present; without it torch.autograd is the primary oracle)")
    g.add_argument("--exercise", action="append", choices=sorted(EXERCISES), help="grade only these exercises")
    g.add_argument("--quiet", action="store_true", help="scores only, no messages")
    return parser


def _grade_one(path: Path, oracles: Oracles, exercises: list[str] | None) -> SubmissionResult:
    try:
        submission = load(path)
    except SubmissionError as exc:
        return SubmissionResult(path.name, [], notes=[str(exc)])
    return grade(InProcessStudent(submission.source, str(path)), oracles, submission.label, exercises)


def cmd_grade(args: argparse.Namespace) -> int:
    paths = find(args.paths)
    missing = [p for p in paths if not p.exists()]
    if missing:
        print(f"autograder: no such file: {', '.join(map(str, missing))}", file=sys.stderr)
        return 2
    if not paths:
        print("autograder: no submissions found", file=sys.stderr)
        return 2
    if args.gradescope and len(paths) != 1:
        print("autograder: --gradescope takes exactly one submission", file=sys.stderr)
        return 2
    try:
        oracles = Oracles.from_reference_dir(args.reference or default_reference_dir())
        for path in paths:
            start = time.perf_counter()
            result = _grade_one(path, oracles, args.exercise)
            print(report_text.render(result, verbose=not args.quiet))
            for note in result.notes:
                print(f"  {note}")
            if args.gradescope:
                write_gradescope(result, args.gradescope, time.perf_counter() - start)
    except GraderError as exc:
        print(f"autograder: internal error, nothing was scored: {exc}", file=sys.stderr)
        return 3
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    return cmd_grade(args)


if __name__ == "__main__":
    sys.exit(main())
