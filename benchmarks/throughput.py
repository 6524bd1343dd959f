"""Throughput: `nbgrader autograde` against `autograder grade` (sandbox on), in the same run.

    .venv/bin/python benchmarks/throughput.py [-n 40] [--workers 2] [--keep DIR]

Builds a scratch nbgrader course (this repository's config, solutions and reference),
writes N notebook submissions cycling through the example submissions (correct, stub and
classic mistakes) filled into the released notebook, grades all of them with each tool,
and prints submissions per second and the ratio. Then the cost of isolation per
submission, each way of running student code measured on the same submissions:
in-process (no isolation), a fresh bare child process, a fresh bubblewrap sandbox, and the
pre-warmed zygote (bare and in bubblewrap) that `autograder grade` uses.
"""
from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from autograder import course as declarations  # noqa: E402
from autograder.checks import grade  # noqa: E402
from autograder.expected import Oracles, warm_up  # noqa: E402
from autograder.reference import reference_student  # noqa: E402
from autograder.sandbox import Limits, SandboxedStudent, SandboxPool  # noqa: E402
from autograder.student import InProcessStudent  # noqa: E402
from autograder.submission import load  # noqa: E402
from tools import course  # noqa: E402

ASSIGNMENT, NOTEBOOK = "backprop", "backprop.ipynb"
BACKPROP = declarations.assignment(ASSIGNMENT)

BIN = Path(sys.executable).parent


def make_course(root: Path, n: int) -> list[Path]:
    for item in ("nbgrader_config.py", "solutions", "reference"):
        src = ROOT / item
        (shutil.copytree if src.is_dir() else shutil.copy)(src, root / item)
    run([str(BIN / "nbgrader"), "generate_assignment", ASSIGNMENT, "--force"], root)
    release = json.loads((root / "assignments" / ASSIGNMENT / NOTEBOOK).read_text())
    examples = sorted((ROOT / "examples" / "submissions").glob("*.py"))
    paths = []
    for i in range(n):
        nb = course.fill(release, examples[i % len(examples)].read_text())
        path = root / "submitted" / f"student{i:03d}" / ASSIGNMENT / NOTEBOOK
        path.parent.mkdir(parents=True)
        path.write_text(course.dumps(nb))
        paths.append(path)
    return paths


def run(cmd: list[str], cwd: Path, env: dict[str, str] | None = None) -> float:
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, env={**course.venv_env(), **(env or {})})
    if proc.returncode != 0:
        sys.exit(f"{' '.join(cmd[:3])} failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    return time.perf_counter() - start


def per_submission_ms(pool: SandboxPool | None, submissions: list, oracles: Oracles) -> float:
    """Sequential, one at a time: the cost of one submission, start to finish."""
    times = []
    for submission in submissions:
        start = time.perf_counter()
        if pool is None:
            grade(InProcessStudent(list(submission.chunks)), oracles, "s", BACKPROP)
        else:
            with SandboxedStudent(list(submission.chunks), pool) as student:
                grade(student, oracles, "s", BACKPROP)
        times.append(time.perf_counter() - start)
    return 1000 * statistics.median(times)


def isolation_costs(paths: list[Path], root: Path) -> None:
    oracles = Oracles(reference=reference_student(ROOT / "reference", ASSIGNMENT))
    warm_up(oracles, BACKPROP)
    sources = [load(p, root / "assignments", ASSIGNMENT) for p in paths[:15]]
    rows = [("in-process (no isolation)", None)]
    for label, kwargs in (("fresh bare child process per submission", dict(confined=False, reuse=False)),
                          ("fresh bubblewrap sandbox per submission", dict(confined=True, reuse=False)),
                          ("pre-warmed zygote, bare child", dict(confined=False, reuse=True)),
                          ("pre-warmed zygote in bubblewrap (autograder grade)", dict(confined=True, reuse=True))):
        rows.append((label, kwargs))
    print("\nper submission, sequential (median of %d):" % len(sources))
    figures = {}
    for label, kwargs in rows:
        if kwargs is None:
            figures[label] = per_submission_ms(None, sources, oracles)
        else:
            with SandboxPool(Limits(), **kwargs) as pool:
                per_submission_ms(pool, sources[:2], oracles)  # warm
                figures[label] = per_submission_ms(pool, sources, oracles)
        print(f"  {label:55s} {figures[label]:7.1f} ms")
    bare = figures["fresh bare child process per submission"]
    ours = figures["pre-warmed zygote in bubblewrap (autograder grade)"]
    zygote_bare = figures["pre-warmed zygote, bare child"]
    print(f"  sandbox overhead vs a fresh bare child: {ours - bare:+.1f} ms; "
          f"vs the same zygote without bubblewrap: {ours - zygote_bare:+.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("-n", type=int, default=40, help="notebook submissions (default 40)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--keep", type=Path, help="build the course here and keep it")
    args = parser.parse_args()

    root = args.keep or Path(tempfile.mkdtemp(prefix="throughput-"))
    root.mkdir(parents=True, exist_ok=True)
    try:
        paths = make_course(root, args.n)
        # nbgrader autograde runs each notebook with our rights: the course's config forbids it
        # unless told otherwise, which a benchmark on trusted notebooks may do.
        nb = run([str(BIN / "nbgrader"), "autograde", ASSIGNMENT, "--force"], root,
                 env={"AUTOGRADER_ALLOW_NBGRADER_AUTOGRADE": "1"})
        ours = run([sys.executable, "-m", "autograder.cli", "autograde", ASSIGNMENT, "--quiet", "--create-students",
                    "--workers", str(args.workers)], root)
        print(f"{args.n} notebook submissions, {args.workers} workers")
        print(f"  nbgrader autograde:              {nb:7.1f} s  {args.n / nb:6.2f} submissions/s")
        print(f"  autograder autograde (sandbox):  {ours:7.1f} s  {args.n / ours:6.2f} submissions/s")
        print(f"  ratio: {nb / ours:.1f}x nbgrader's throughput (both including start-up)")
        isolation_costs(paths, root)
    finally:
        if args.keep is None:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
