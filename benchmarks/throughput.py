"""Throughput: `nbgrader autograde` against `autograder autograde` (sandbox on), and what one
submission costs in the sandbox against in-process, in the same run.

    .venv/bin/python benchmarks/throughput.py [-n 160] [--workers 2] [--repeat 3] [--keep DIR] [--gradescope RUNS]

Builds a scratch nbgrader course (this repository's config, solutions and reference),
writes N notebook submissions cycling through the example submissions (correct, stub and
classic mistakes) filled into the released notebook, grades all of them with each tool,
and prints submissions per second and the ratio. Then, on the same submissions graded one
at a time on the course's graded inputs (the values `autograder autograde` cached, so this
process never imports torch, as a grading run with a warm cache does not): the cost of one
submission in-process and in each kind of sandbox (median wall time, and CPU time of every
process involved), round trips to the sandboxed child per submission, and the sandboxed
cost with half a CPU (a cgroup CPU quota where this machine allows one, as Gradescope's
half vCPU; else one core and the CPU time doubled, said so).
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from autograder import course as declarations  # noqa: E402
from autograder.checks import grade  # noqa: E402
from autograder.cli import load_oracles  # noqa: E402
from autograder.expected import Oracles  # noqa: E402
from autograder.sandbox import Limits, SandboxedStudent, SandboxPool  # noqa: E402
from autograder.secret import load_or_create  # noqa: E402
from autograder.student import InProcessStudent  # noqa: E402
from autograder.submission import Submission, load  # noqa: E402
from tools import course  # noqa: E402

ASSIGNMENT, NOTEBOOK = "backprop", "backprop.ipynb"
BACKPROP = declarations.assignment(ASSIGNMENT)
BIN = Path(sys.executable).parent
SAMPLE = 15  # submissions graded one at a time per measurement (all five examples, three times)
HALF = (50_000, 100_000)  # CPU quota per period, microseconds: half a CPU
TICK = os.sysconf("SC_CLK_TCK")


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


# --- one submission at a time ------------------------------------------------------------

def _tree_cpu(pid: int) -> float:
    """CPU seconds of a process and its descendants, the ones it has reaped included
    (a zygote reaps each child it forks, so its children's time lands in its own)."""
    total, todo = 0.0, [pid]
    while todo:
        p = todo.pop()
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            total += sum(int(x) for x in fields[11:15]) / TICK
            todo += [int(c) for t in os.listdir(f"/proc/{p}/task")
                     for c in Path(f"/proc/{p}/task/{t}/children").read_text().split()]
        except (OSError, ValueError):
            pass
    return total


@dataclass
class Cost:
    """One way of running student code, over the sample: per submission, medians."""

    wall_ms: float
    cpu_ms: float  # this process and the sandboxes' processes, per submission (total / count)
    round_trips: list[int]


def _measure(one: Callable[[Submission], int], submissions: list[Submission], sandboxes: Callable[[], list[int]]) -> Cost:
    walls, trips = [], []
    cpu0 = time.process_time() + sum(_tree_cpu(p) for p in sandboxes())
    for submission in submissions:
        start = time.perf_counter()
        trips.append(one(submission))
        walls.append(time.perf_counter() - start)
    cpu = time.process_time() + sum(_tree_cpu(p) for p in sandboxes()) - cpu0
    return Cost(1000 * statistics.median(walls), 1000 * cpu / len(submissions), trips)


def in_process_cost(submissions: list[Submission], oracles: Oracles) -> Cost:
    def one(submission: Submission) -> int:
        grade(InProcessStudent(list(submission.chunks)), oracles, "s", BACKPROP)
        return 0

    one(submissions[0])
    return _measure(one, submissions, list)


def sandboxed_cost(submissions: list[Submission], oracles: Oracles, confined: bool, reuse: bool) -> Cost:
    with SandboxPool(Limits(), confined=confined, reuse=reuse) as pool:
        def one(submission: Submission) -> int:
            with SandboxedStudent(list(submission.chunks), pool) as student:
                grade(student, oracles, "s", BACKPROP)
                return student.round_trips

        one(submissions[0])  # a warm sandbox (and caches), as in a batch
        # The idle sandbox's processes, whose CPU includes the children they reaped (a fresh
        # sandbox per submission is killed with its zygote unreaped: its CPU is not known).
        cost = _measure(one, submissions, lambda: [s.proc.pid for s in pool._idle])
        cost.cpu_ms = cost.cpu_ms if reuse else float("nan")
        return cost


ROWS = (("in-process (no isolation)", None),
        ("fresh bare child process per submission", dict(confined=False, reuse=False)),
        ("fresh bubblewrap sandbox per submission", dict(confined=True, reuse=False)),
        ("pre-warmed zygote, bare child", dict(confined=False, reuse=True)),
        ("pre-warmed zygote in bubblewrap (autograder grade)", dict(confined=True, reuse=True)))
SANDBOXED = ROWS[-1][0]


def sample(root: Path) -> tuple[list[Submission], Oracles]:
    """The first SAMPLE submissions, and the course's graded values (cached by autograde)."""
    paths = sorted((root / "submitted").glob(f"*/{ASSIGNMENT}/{NOTEBOOK}"))[:SAMPLE]  # every example, in turn
    submissions = [load(p, root / "assignments", ASSIGNMENT) for p in paths]
    oracles = load_oracles(None, BACKPROP, root, root / "reference", load_or_create(root))
    return submissions, oracles


def costs(root: Path, rows: tuple = ROWS) -> dict[str, Cost]:
    submissions, oracles = sample(root)
    if "torch" in sys.modules:
        print("warning: torch was imported to compute expected values: in-process costs include hiding it",
              file=sys.stderr)
    return {label: in_process_cost(submissions, oracles) if kwargs is None
            else sandboxed_cost(submissions, oracles, **kwargs) for label, kwargs in rows}


# --- half a CPU ----------------------------------------------------------------------------

def _cgroup_v2() -> Path | None:
    for line in Path("/proc/self/mounts").read_text().splitlines():
        kind, where = line.split()[2], line.split()[1]
        if kind == "cgroup2" and "cpu" in (Path(where) / "cgroup.controllers").read_text().split():
            return Path(where)
    return None


def half_cpu_group() -> tuple[Path, str] | None:
    """A new cgroup holding at most half a CPU, and how it was made; None if not allowed here."""
    name = f"autograder-bench-{os.getpid()}"
    try:
        v2 = _cgroup_v2()
        if v2 is not None:
            if "cpu" not in (v2 / "cgroup.subtree_control").read_text().split():
                (v2 / "cgroup.subtree_control").write_text("+cpu")
            (v2 / name).mkdir()
            (v2 / name / "cpu.max").write_text(f"{HALF[0]} {HALF[1]}")
            return v2 / name, f"cgroup v2 cpu.max {HALF[0]} {HALF[1]}"
        v1 = Path("/sys/fs/cgroup/cpu")
        (v1 / name).mkdir()
        (v1 / name / "cpu.cfs_period_us").write_text(str(HALF[1]))
        (v1 / name / "cpu.cfs_quota_us").write_text(str(HALF[0]))
        return v1 / name, f"cgroup v1 cpu.cfs_quota_us {HALF[0]} / cpu.cfs_period_us {HALF[1]}"
    except OSError:
        return None


def half_cpu(root: Path) -> tuple[str, float]:
    """(how half a CPU was had, the sandboxed cost per submission with it, ms)."""
    cmd = [sys.executable, __file__, "--measure", str(root)]
    group = half_cpu_group()
    if group is None:  # one whole core, and twice the CPU time each submission takes
        out = subprocess.run(["taskset", "-c", "0", *cmd], capture_output=True, text=True, check=True).stdout
        return "no cgroup CPU quota here: taskset to one core, CPU time per submission x 2", 2 * json.loads(out)["cpu_ms"]
    path, how = group
    try:
        def enter() -> None:
            (path / "cgroup.procs").write_text(str(os.getpid()))

        out = subprocess.run(cmd, capture_output=True, text=True, check=True, preexec_fn=enter).stdout
        return how, json.loads(out)["wall_ms"]
    finally:
        _remove(path)


def _remove(group: Path) -> None:
    """The cgroup, once the sandboxes' processes are gone (a pid namespace ends a moment
    after its init is killed)."""
    for _ in range(50):
        try:
            group.rmdir()
            return
        except OSError:
            time.sleep(0.1)


# --- report --------------------------------------------------------------------------------

def report_costs(runs: list[dict[str, Cost]]) -> None:
    print(f"\nper submission, one at a time ({SAMPLE} submissions; medians of {len(runs)} runs):")
    median = {label: (statistics.median(r[label].wall_ms for r in runs), statistics.median(r[label].cpu_ms for r in runs))
              for label, _ in ROWS}
    for label, (wall, cpu) in median.items():
        print(f"  {label:52s} {wall:7.1f} ms wall  " + (f"{cpu:7.1f} ms CPU" if cpu == cpu else "   (CPU not known)"))
    (inp_wall, inp_cpu), (box_wall, box_cpu) = median[ROWS[0][0]], median[SANDBOXED]
    print(f"  sandboxed / in-process: {box_wall / inp_wall:.2f}x wall, {box_cpu / inp_cpu:.2f}x CPU")
    trips = [t for r in runs for t in r[SANDBOXED].round_trips]
    print(f"  round trips to the sandboxed child per submission: median {statistics.median(trips):g}, "
          f"min {min(trips)}, max {max(trips)}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("-n", type=int, default=40, help="notebook submissions (default 40)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=3, help="runs of the one-at-a-time measurements (default 3)")
    parser.add_argument("--keep", type=Path, help="build the course here and keep it")
    parser.add_argument("--gradescope", type=int, default=0, metavar="RUNS",
                        help="then time the Gradescope zip's run_autograder, RUNS per submission and level")
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)  # internal: the half-CPU child
    args = parser.parse_args()
    if args.measure:
        cost = costs(args.measure, ROWS[-1:])[SANDBOXED]
        print(json.dumps({"wall_ms": cost.wall_ms, "cpu_ms": cost.cpu_ms}))
        return

    root = args.keep or Path(tempfile.mkdtemp(prefix="throughput-"))
    root.mkdir(parents=True, exist_ok=True)
    try:
        make_course(root, args.n)
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
        report_costs([costs(root) for _ in range(args.repeat)])
        how, ms = half_cpu(root)
        print(f"  sandboxed, with half a CPU: {ms:.1f} ms per submission ({how})")
        if args.gradescope:
            sys.path.insert(0, str(Path(__file__).resolve().parent))
            import gradescope_zip

            print("The Gradescope zip (half a CPU, 768 MB), in the same run:")
            gradescope_zip.report(args.gradescope, gradescope_zip.default_python())
    finally:
        if args.keep is None:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
