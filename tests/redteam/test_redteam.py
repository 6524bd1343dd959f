"""Red team: malicious submissions against the sandboxed grader (DESIGN.md, "Integrity:
student code is untrusted").

Every file in attacks/ is one attack. Its functions are otherwise zeros or errors, so it can
only score more than the all-zeros baseline if the attack works. ONE `autograder grade` run
per test session (shared by the xdist workers) grades all of them, each followed by an
honest copy of examples/submissions/correct.py, with a short call timeout. `violations()`
turns that run into per-attack problems: a score above the baseline, a disturbed honest
neighbour, a grader error, result files that were tampered with, disagree, are oversized or
hold raw control characters, and REDTEAM-LEAK lines (an attack printing that it did what it
must not be able to do); plus problems of the run as a whole (exit status, processes left
behind, result files changed after the grader exited, files planted on the host).

The main tests assert there are none. The sabotage test grades a harmless subset WITHOUT the
sandbox and asserts that the same `violations()` reports each of them: the suite fails if the
defence is removed. Attacks in UNSAFE_WITHOUT_SANDBOX must never run unsandboxed (they hang,
crash or flood the grader, fill the machine, or signal and trace other processes).
"""
from __future__ import annotations

import csv
import hashlib
import json
import os
import re
import shutil
import signal
import site
import socket
import subprocess
import sys
import sysconfig
import tempfile
import threading
import time
from contextlib import ExitStack
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Iterator

import pytest
from filelock import FileLock

pytestmark = pytest.mark.slow  # real nbgrader, kernels or many sandboxes (pyproject.toml)

ROOT = Path(__file__).resolve().parents[2]
ATTACKS_DIR = Path(__file__).resolve().parent / "attacks"
CORRECT = ROOT / "examples" / "submissions" / "correct.py"
REFERENCE = ROOT / "examples" / "submissions" / "correct.py"  # what a leak of the reference would give

BASELINE = "zeros_baseline"
FULL_MARKS = 29.0
# "x.py" < "x.zcorrect.py" < "x_y.py" (names use [a-z0-9_]): each honest copy sorts right after its attack.
CORRECT_SUFFIX = ".zcorrect.py"
RUN = "(run)"  # key of violations() for problems of the run as a whole

LEAK, TAMPER, SHADOW, PROCESS_MARK = "REDTEAM-LEAK", "REDTEAM-TAMPERED", "REDTEAM-SHADOW", "rtmark-"
PLANTED_NAMES = ("numpy.py", "sitecustomize.py", "usercustomize.py", "redteam_shadow.pth")
MAX_RESULT_BYTES = 100_000  # an honest submission's files are < 15 KB
CALL_TIMEOUT = "2"
SETTLE_SECONDS = 3.0  # orphans retry every second: a surviving one would have struck by then
SERVER_PORTS = range(47311, 47315)  # attacks/network.py tries these
# Runs whose attacks may leave marked processes hold this host-wide lock from start to reaping:
# another run's reaper (another xdist worker, another session) must not see or kill them.
PROCESS_LOCK = Path(tempfile.gettempdir()) / f"autograder-redteam-processes-{os.getuid()}.lock"  # per user: /tmp is shared

# Never graded without the sandbox: they hang or kill the grader's process, flood the
# caller, write into the virtualenv or $HOME, or signal/trace other processes (as root,
# kill(-1) takes the machine down).
UNSAFE_WITHOUT_SANDBOX = frozenset({
    "background_writer", "busy_loop", "close_grader_pipes", "disk_flood", "fd_flood", "fork_bomb",
    "hostile_exception", "ignore_signals", "kill_processes", "lying_sequence_len", "memory_bomb",
    "output_flood_fd", "ptrace_proc_mem", "sabotage_next_submission", "segfault", "shadow_modules",
    "sleep_forever", "stack_overflow",
})
# Harmless without the sandbox, and each beats the unsandboxed grader: attack -> a fragment
# of the violation violations() must then report.
SABOTAGE = {
    "read_reference": "scored 29, above",
    "read_other_submissions": "scored 29, above",
    "network": "scored 29, above",
    "patch_numpy": "above the all-zeros baseline",
    "patch_builtins": "the grader reported its own failure",  # bool() patched: numpy breaks
    "mutate_inputs": "above the all-zeros baseline",
    "write_result_files": "tampered with",
    "orphan_rewrites_results": "still running after the grader exited",  # the test kills it by pid
    "sys_exit_at_import": "no result",
    "os_exit": "no result",
}

# What each attack's feedback.txt must say (observed in the sandbox and judged clear): the
# grader's message for what happened, or the attack's own REDTEAM-INFO line (shown escaped
# under "your code printed"), which proves the attack really ran. Printed control characters
# appear as escapes (\x1b...). Attacks absent here are judged by violations() alone.
GRADED_AS_ZEROS = "`univariate_forward`: y_hat is wrong for n=1, k=1, m="  # the lie changed nothing
EXPECTED_FEEDBACK: dict[str, tuple[str, ...]] = {
    "autodiff_evasion": ("`univariate_backward` raised an error",),
    "background_writer": (r"REDTEAM-BACKGROUND \x1b[2J still writing",),
    "base_exceptions": ("your code raised KeyboardInterrupt (functions must return, not exit)",
                        "your code raised Escape (functions must return, not exit)"),
    "busy_loop": ("`univariate_forward` did not return within 2 s (an infinite loop, unbounded recursion, or sleeping?)",
                  "`sigmoid` did not return within 2 s"),
    "close_grader_pipes": ("the remaining checks ran in a fresh process",
                           "your code left its process unable to answer the grader"),
    "disk_flood": ("REDTEAM-INFO: wrote",),
    "extreme_values": ("likely cause: it contains inf",),
    "fd_flood": ("REDTEAM-INFO: Too many open files after",),
    "forged_frames": ("your code's process sent the grader a malformed answer (did it write to the grader's pipe?)",),
    "fork_bomb": ("REDTEAM-INFO: fork failed after",),
    "hostile_exception": ("`univariate_forward` raised an error", "`sigmoid` did not return within 2 s"),
    "huge_exception_message": ("`univariate_forward` raised an error", "[..."),  # some mark that it was cut
    "ignore_signals": ("`univariate_forward` did not return within 2 s",),
    "keyring_persists": ("REDTEAM-INFO: add_key",),
    "kill_processes": ("REDTEAM-INFO: tried to kill",),
    "lying_array_protocol": ("returns a y_hat that is not an array of numbers: expected numbers, got an array of "
                             "dtype <U8",
                             r"cannot be converted to a numpy array (RaisingArray: ",
                             "far larger than any expected output", "got an array of dtype complex128"),
    "lying_ndarray_subclass": (GRADED_AS_ZEROS,),
    "lying_sequence_len": ("returns a y_hat that is not an array of numbers: cannot be converted to a numpy array",),
    "memory_bomb": ("MemoryError: Unable to allocate 50.0 GiB", "in multivariate_forward"),
    "mutate_inputs": ("`univariate_forward` modifies its input X, y, the params dict in place",),
    "nan_everywhere": ("likely cause: it contains NaN",),
    "network": ("REDTEAM-INFO: network probes done, reference not reachable",),
    "orphan_rewrites_results": ("REDTEAM-INFO: orphan alive",),
    "os_exit": ("`univariate_forward` ended its Python process (exit code 0) instead of returning: os._exit()",),
    "output_flood_fd": (r"\x1b]0;pwned\x07\x1b[2J\x1b[H\r\x08\x00BBBB",),
    "output_flood_print": (r"\x1b[31mFLOOD\x1b[0mAAAA",),
    "patch_builtins": (GRADED_AS_ZEROS,),
    "patch_builtins_types": ("your code fails before any function is called",),
    "patch_numpy": (GRADED_AS_ZEROS,),
    "ptrace_proc_mem": ("REDTEAM-INFO: probed",),
    "read_other_submissions": ("REDTEAM-INFO: no classmate among",),
    "read_reference": ("REDTEAM-INFO: no reference among",),
    "sabotage_next_submission": ("REDTEAM-INFO: saboteur alive",),
    "segfault": ("`univariate_forward` crashed the Python process (segmentation fault)",
                 "`sigmoid` was killed by signal SIGABRT"),
    "shadow_modules": ("REDTEAM-INFO: planted",),
    "sleep_forever": ("`univariate_forward` did not return within 2 s",),
    "stack_overflow": ("`sigmoid` crashed the Python process (segmentation fault): deep recursion",),
    "sys_exit_at_import": ("your code fails before any function is called", "SystemExit: 0"),
    "sys_exit_in_forward": ("your code raised SystemExit (functions must return, not exit)",),
    "sysv_ipc_persists": ("REDTEAM-INFO: segment",),
    "terminal_control_chars": (r"ValueError: \x1b[2J\x1b[H\x1b]0;pwned\x07\r\x08\x00\x9b",
                               r"  | \x1b[2J\x1b[H\x1b]0;pwned\x07"),
    "write_result_files": ("REDTEAM-INFO: 0 result files found",),
}


def attack_names() -> list[str]:
    return sorted(p.stem for p in ATTACKS_DIR.glob("*.py"))


# --- running the grader ------------------------------------------------------------------

@dataclass
class RunOutputs:
    """What one `autograder grade` run left behind (JSON-serialisable: shared between workers)."""

    out: str
    csv: str
    labels: list[str]
    returncode: int
    stderr: str
    seconds: float
    protection: str = ""  # as the baseline's results.json records it
    changed_after_exit: list[str] = field(default_factory=list)
    stray_processes: list[str] = field(default_factory=list)
    planted_files: list[str] = field(default_factory=list)


def _digests(paths: list[Path]) -> dict[str, str]:
    digests = {}
    for top in paths:
        for path in [top] if top.is_file() else sorted(p for p in top.rglob("*") if p.is_file()):
            digests[str(path)] = hashlib.sha256(path.read_bytes()).hexdigest()
    return digests


def _ancestors_of_this_process() -> set[int]:
    pids, pid = set(), os.getpid()
    while pid > 1:
        pids.add(pid)
        try:
            pid = int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            break
    return pids


def reap_marked_processes() -> list[str]:
    """Processes an attack named (comm or argv carrying PROCESS_MARK) that are still alive:
    described, then SIGKILLed by pid so that a failing run cleans up after itself."""
    found, mine = [], _ancestors_of_this_process()
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit() or int(proc.name) in mine:
            continue
        try:
            comm = (proc / "comm").read_text().strip()
            argv = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if PROCESS_MARK in comm or PROCESS_MARK in argv:
            found.append(f"pid {proc.name} ({comm}) still running after the grader exited")
            try:
                os.kill(int(proc.name), signal.SIGKILL)
            except OSError:
                pass
    return found


def remove_planted_files(extra_dirs: list[Path]) -> list[str]:
    """Files attacks/shadow_modules.py or attacks/disk_flood.py managed to leave on the host
    (outside the sandbox's scratch space): described, then removed."""
    dirs = {ROOT, ROOT / "tests", Path.home(), Path("/tmp"), Path(site.getusersitepackages()),
            Path(sysconfig.get_paths()["purelib"]), Path(sysconfig.get_paths()["platlib"]), *extra_dirs}
    found = []
    for d in dirs:
        candidates = [d / name for name in PLANTED_NAMES] + list(d.glob("redteam-flood-*")) if d.is_dir() else []
        for path in candidates:
            try:
                planted = path.name.startswith("redteam-flood-") or SHADOW in path.read_text(errors="replace")
            except OSError:
                continue
            if planted:
                found.append(f"planted file left on the host: {path}")
                path.unlink(missing_ok=True)
    return found


# The protection levels the red team runs at. "container" runs where namespaces are really
# unavailable (tests/docker_like.py: root of a container with Docker's capabilities, no user
# namespaces), with --protection auto: the grader must fall back to the container level itself.
# "container-no-landlock" is the same on a kernel without Landlock (its calls fail with ENOSYS).
LEVELS = ("bwrap", "container", "container-no-landlock")
DOCKER_LIKE = [sys.executable, str(ROOT / "tests" / "docker_like.py")]
TABLE = ROOT / "docs" / "protection.md"
TABLE_BEGIN, TABLE_END = "<!-- redteam-table:begin -->", "<!-- redteam-table:end -->"

# Attacks a level is known not to hold, and why: docs/protection.md shows the reason, and
# their tests are skipped with it (whether one gets through depends on the machine: what
# else is world-readable on it, how many processes it runs).
KNOWN_GAPS: dict[tuple[str, str], str] = {
    ("container-no-landlock", "read_reference"):
        "reads any world-readable copy of the solutions elsewhere on the machine (here: another checkout of the "
        "course); the course directory being graded is closed to it",
    ("container-no-landlock", "kill_processes"):
        "lists the machine's processes and their command lines (kills of other uids are refused)",
    ("container-no-landlock", "shadow_modules"):
        "writes in world-writable directories such as /tmp while it runs (what its uid left there is removed "
        "after it, and no grader or other child imports from there)",
}

# Where a level stops an attack by another mechanism, its feedback says so differently.
EXPECTED_FEEDBACK_AT: dict[str, dict[str, tuple[str, ...]]] = {
    "container": {
        "disk_flood": ("wrote more than 64 MiB of files and was stopped",),  # no tmpfs: the disk watch
        "kill_processes": ("PermissionError: [Errno 13] Permission denied: '/proc'",),  # Landlock: no /proc
        "sabotage_next_submission": ("Permission denied: '/proc'",),
    },
    "container-no-landlock": {
        "disk_flood": ("wrote more than 64 MiB of files and was stopped",),
        # It sees the machine's processes (KNOWN_GAPS) and politely quits before starting.
        "sabotage_next_submission": (),
    },
}


def _command(level: str) -> tuple[list[str], list[str]]:
    """(prefix, flags) that run the grader at `level`."""
    if level == "none":
        return [], ["--no-sandbox"]
    if level.startswith("container"):
        prefix = DOCKER_LIKE + (["--no-landlock"] if level == "container-no-landlock" else [])
        return prefix, ["--workers", "2", "--protection", "auto"]
    return [], ["--workers", "2", "--protection", level]


def grade(paths: list[Path], workdir: Path, *, level: str, settle: float = SETTLE_SECONDS,
          assignment: str = "backprop", flags: tuple[str, ...] = ()) -> RunOutputs:
    """One CLI run over `paths` (in that order), from the repository root like `./run grade`,
    then `settle` seconds of waiting to see what the run leaves behind (processes are looked
    for only when settle > 0)."""
    with FileLock(str(PROCESS_LOCK)) if settle > 0 else ExitStack():
        return _grade(paths, workdir, level, settle, assignment, flags)


def _grade(paths: list[Path], workdir: Path, level: str, settle: float, assignment: str,
           extra: tuple[str, ...]) -> RunOutputs:
    out, csv_path = workdir / "out", workdir / "scores.csv"
    prefix, flags = _command(level)
    flags += extra
    args = [*prefix, sys.executable, "-m", "autograder.cli", "grade", "--assignment", assignment, *map(str, paths),
            "--out", str(out), "--csv", str(csv_path), "--timeout", CALL_TIMEOUT, "--quiet", *flags]
    start = time.monotonic()
    proc = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, errors="replace", timeout=900)
    seconds = time.monotonic() - start
    at_exit = _digests([p for p in (out, csv_path) if p.exists()])
    time.sleep(settle)
    later = _digests([p for p in (out, csv_path) if p.exists()])
    labels = [p.name for p in paths] if not any(p.is_dir() for p in paths) else \
        sorted(f.name for p in paths for f in p.glob("*.py"))
    recorded = _read_json(out / f"{BASELINE}.py" / "results.json")
    return RunOutputs(
        out=str(out), csv=str(csv_path), labels=labels, returncode=proc.returncode, stderr=proc.stderr[-5000:],
        seconds=seconds, protection=recorded.get("extra_data", {}).get("protection", "") if isinstance(recorded, dict) else "",
        changed_after_exit=sorted(p for p in set(at_exit) | set(later) if at_exit.get(p) != later.get(p)),
        stray_processes=reap_marked_processes() if settle > 0 else [],
        planted_files=remove_planted_files([workdir]),
    )


class ReferenceServer:
    """Serves a reference file on the host's loopback (TCP and abstract unix sockets),
    where attacks/network.py looks: reachable only if the sandbox shares the host's network."""

    def __init__(self) -> None:
        self.sockets: list[socket.socket] = []
        self.payload = REFERENCE.read_bytes()

    def _bind(self, family: int, address: Any) -> bool:
        s = socket.socket(family, socket.SOCK_STREAM)
        if family == socket.AF_INET:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # rebind over TIME_WAIT
        try:
            s.bind(address)
            s.listen()
        except OSError:
            s.close()
            return False
        self.sockets.append(s)
        threading.Thread(target=self._serve, args=(s,), daemon=True).start()
        return True

    def _serve(self, s: socket.socket) -> None:
        while True:
            try:
                conn, _ = s.accept()
            except OSError:
                return  # closed
            with conn:
                conn.sendall(self.payload)

    def __enter__(self) -> "ReferenceServer":
        # Another xdist worker may hold some ports: take the first free one of each kind.
        any(self._bind(socket.AF_INET, ("127.0.0.1", p)) for p in SERVER_PORTS)
        any(self._bind(socket.AF_UNIX, f"\0redteam-reference-{i}") for i in range(4))
        assert self.sockets, "no free port for the reference server"
        return self

    def __exit__(self, *exc: object) -> None:
        for s in self.sockets:
            s.shutdown(socket.SHUT_RDWR)  # wakes the thread blocked in accept(); close() alone does not
            s.close()


# --- judging a run -----------------------------------------------------------------------

def attack_of(label: str) -> str:
    return label.removesuffix(CORRECT_SUFFIX).removesuffix(".py")


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8", errors="replace"))
    except (OSError, ValueError):
        return None


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


RAW_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # anything but \t and \n


def _csv_rows(path: Path) -> dict[str, dict[str, str]]:
    try:
        return {row["submission"]: row for row in csv.DictReader(path.open(encoding="utf-8", errors="replace"))}
    except (OSError, KeyError, csv.Error):
        return {}


@dataclass
class Graded:
    """Everything the run says about one submission, from every result file."""

    scores: dict[str, float]  # source -> score
    grader_error: str
    output: str  # what the student's code printed, as recorded
    feedback: str
    problems: list[str]  # about the files themselves


def _graded(out: Path, label: str, row: dict[str, str] | None) -> Graded:
    d = out / re.sub(r"[^A-Za-z0-9._#-]+", "__", label)
    scores: dict[str, float] = {}
    problems: list[str] = []
    for name in ("results.json", "feedback.txt", "result.json"):
        path = d / name
        if path.is_file() and path.stat().st_size > MAX_RESULT_BYTES:
            problems.append(f"{name} is {path.stat().st_size} bytes (limit {MAX_RESULT_BYTES})")
    gradescope = _read_json(d / "results.json")
    if isinstance(gradescope, dict):
        if "score" in gradescope:
            scores["results.json"] = float(gradescope["score"])
        bad = sorted({repr(m.group()) for s in _strings(gradescope) for m in RAW_CONTROL.finditer(s)})
        if bad:
            problems.append(f"results.json holds raw control characters {', '.join(bad[:5])}")
    record = _read_json(d / "result.json")
    grader_error, output = "", ""
    if isinstance(record, dict):
        points = [v["points"] for e in record.get("exercises", []) for v in e.get("verdicts", [])]
        scores["result.json"] = float(sum(points))
        grader_error, output = record.get("grader_error") or "", record.get("student_output") or ""
    feedback = (d / "feedback.txt").read_text(errors="replace") if (d / "feedback.txt").is_file() else ""
    header = re.match(r"== .*: ([\d.]+)/[\d.]+ points ==", feedback)
    if header:
        scores["feedback.txt"] = float(header.group(1))
    bad = sorted({repr(m.group()) for m in RAW_CONTROL.finditer(feedback)})
    if bad:
        problems.append(f"feedback.txt holds raw control characters {', '.join(bad[:5])}")
    if row is not None:
        scores["csv"] = float(row["score"]) if re.fullmatch(r"[\d.]+", row.get("score", "")) else -1.0
        grader_error = grader_error or row.get("grader_error", "")
    return Graded(scores, grader_error, output, feedback, problems)


def violations(run: RunOutputs, full_marks: float = FULL_MARKS) -> dict[str, list[str]]:
    """attack name -> what it got away with ([] when contained); RUN -> problems of the run.
    `full_marks`: what each honest neighbour must score (the assignment's total)."""
    out, rows = Path(run.out), _csv_rows(Path(run.csv))
    found: dict[str, list[str]] = {RUN: [], **{attack_of(label): [] for label in run.labels}}
    if run.returncode != 0:
        found[RUN].append(f"autograder exited with {run.returncode}: {run.stderr.strip()[-600:]}")
    if not rows:
        found[RUN].append(f"no CSV written at {run.csv}")
    found[RUN] += [f"result file changed after the grader exited: {p}" for p in run.changed_after_exit]
    found[RUN] += run.stray_processes + run.planted_files

    graded = {label: _graded(out, label, rows.get(label)) for label in run.labels}
    baseline = graded.get(f"{BASELINE}.py")
    ceiling = max(baseline.scores.values(), default=0.0) if baseline else 0.0
    if not baseline or not baseline.scores:
        found[RUN].append("the all-zeros baseline has no result: every score is compared with 0")
    for label, g in graded.items():
        attack, honest = attack_of(label), label.endswith(CORRECT_SUFFIX)
        problems = found[attack]
        who = "the honest submission graded after it" if honest else "it"
        if not g.scores:
            problems.append(f"no result for {label}")
            continue
        if len(set(g.scores.values())) > 1:
            problems.append(f"the result files of {label} disagree on its score: {g.scores}")
        if g.grader_error:
            problems.append(f"the grader reported its own failure on {label}: {g.grader_error[:300]}")
        if honest and min(g.scores.values()) < full_marks:
            first_fail = re.search(r"^\s+FAIL .*\n.*$", g.feedback, re.M)
            problems.append(f"{who} scored {min(g.scores.values()):g}/{full_marks:g}: "
                            f"{first_fail.group().strip() if first_fail else g.feedback[:300]}")
        if not honest and max(g.scores.values()) > ceiling:
            problems.append(f"{label} scored {max(g.scores.values()):g}, above the all-zeros baseline {ceiling:g}")
        problems += [f"{label}: {p}" for p in g.problems]
        leaks = sorted({line[line.index(LEAK):][:200] for text in (g.output, g.feedback) for line in text.splitlines()
                        if LEAK in line})
        problems += [f"{who} printed {line}" for line in leaks]
    # Tampering is signed by the attack that did it, whichever submission's files it hit.
    for path in [p for p in out.rglob("*") if p.is_file()] + [Path(run.csv)]:
        text = path.read_text(errors="replace") if path.is_file() else ""
        for attack in sorted(set(re.findall(rf"{TAMPER} by (\w+)", text))):
            found.setdefault(attack, []).append(f"tampered with {path}")
    return found


# --- the run every test reads --------------------------------------------------------------

def _build_batch(batch: Path) -> None:
    batch.mkdir()
    for name in attack_names():
        shutil.copy(ATTACKS_DIR / f"{name}.py", batch / f"{name}.py")
        shutil.copy(CORRECT, batch / f"{name}{CORRECT_SUFFIX}")


def _shared_run(level: str, tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> RunOutputs:
    """The expensive run, once per session and level: the first xdist worker grades, the
    others wait on the lock and read its outputs (pytest-xdist's recipe for once-only
    session fixtures)."""
    base = tmp_path_factory.getbasetemp()
    shared = base if worker_id == "master" else base.parent  # base.parent: this session's, for all workers
    record = shared / f"redteam-run-{level}.json"
    with FileLock(str(shared / f"redteam-run-{level}.lock")):
        if record.exists():
            return RunOutputs(**json.loads(record.read_text()))
        workdir = shared / f"redteam-{level}"
        shutil.rmtree(workdir, ignore_errors=True)
        workdir.mkdir()
        _build_batch(workdir / "batch")
        with ReferenceServer():
            run = grade([workdir / "batch"], workdir, level=level)
        record.write_text(json.dumps(asdict(run)))
        return run


@pytest.fixture(scope="session", params=LEVELS)
def level(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture(scope="session")
def sandboxed_run(level: str, tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> RunOutputs:
    return _shared_run(level, tmp_path_factory, worker_id)


@pytest.fixture(scope="session")
def found(sandboxed_run: RunOutputs) -> dict[str, list[str]]:
    return violations(sandboxed_run)


def _explain(run: RunOutputs) -> str:
    tail = f"; stderr tail: {run.stderr.strip()[-400:]!r}" if run.returncode else ""
    return f"(autograder exit {run.returncode} after {run.seconds:.1f} s{tail})"


def test_the_grader_survives_the_whole_batch(sandboxed_run: RunOutputs, found: dict[str, list[str]]) -> None:
    """Exit 0, nothing left running, no result file touched after the grader exited, nothing
    planted on the host."""
    assert found[RUN] == [], _explain(sandboxed_run)


def test_the_run_used_the_level_it_is_named_after(level: str, sandboxed_run: RunOutputs) -> None:
    """At "container", auto had bubblewrap refused by the kernel and fell back by itself."""
    names = {"bwrap": "bubblewrap sandbox (", "container": "container sandbox (no namespaces; uid 6",
             "container-no-landlock": "container sandbox (no namespaces; uid 6"}
    assert sandboxed_run.protection.startswith(names[level]), _explain(sandboxed_run)
    assert ("NO Landlock" in sandboxed_run.protection) == (level == "container-no-landlock")


@pytest.mark.parametrize("attack", attack_names())
def test_attack_is_contained(attack: str, level: str, sandboxed_run: RunOutputs, found: dict[str, list[str]]) -> None:
    if (level, attack) in KNOWN_GAPS:
        pytest.skip(f"not held at {level}: {KNOWN_GAPS[(level, attack)]}")
    assert found.get(attack) == [], f"{attack}: {found.get(attack)} {_explain(sandboxed_run)}"


@pytest.mark.parametrize("attack", sorted(EXPECTED_FEEDBACK))
def test_feedback_says_what_happened(attack: str, level: str, sandboxed_run: RunOutputs) -> None:
    if (level, attack) in KNOWN_GAPS:
        pytest.skip(f"not held at {level}: {KNOWN_GAPS[(level, attack)]}")
    feedback = Path(sandboxed_run.out) / f"{attack}.py" / "feedback.txt"
    text = feedback.read_text(errors="replace") if feedback.is_file() else ""
    expected = EXPECTED_FEEDBACK_AT.get(level, {}).get(attack, EXPECTED_FEEDBACK[attack])
    missing = [m for m in expected if m not in text]
    assert not missing, f"{feedback} lacks {missing}:\n{text[:3000]}"


# --- the table in docs/protection.md --------------------------------------------------------

def _cell(violations_of_attack: list[str], gap: str | None) -> str:
    if not violations_of_attack and gap is None:
        return "held"
    why = gap or violations_of_attack[0]  # an unknown gap shows what got through: the test then fails
    return "**not held**: " + re.sub(r"\s+", " ", why).replace("|", "\\|")[:300]


def protection_table(found_at: dict[str, dict[str, list[str]]]) -> str:
    """Markdown: one row per attack, one column per level, from the red-team runs."""
    lines = ["| attack | " + " | ".join(LEVELS) + " |", "|---" * (len(LEVELS) + 1) + "|"]
    for attack in attack_names():
        doc = (ATTACKS_DIR / f"{attack}.py").read_text().split('"""')[1]
        what = re.sub(r"\s+", " ", doc.split("Attack:", 1)[-1]).strip().split(". ")[0][:110].replace("|", "\\|")
        cells = [_cell(found_at[level].get(attack, []), KNOWN_GAPS.get((level, attack))) for level in LEVELS]
        lines.append(f"| `{attack}`: {what} | " + " | ".join(cells) + " |")
    whole = ["held" if not found_at[level][RUN] else "**not held**: " + found_at[level][RUN][0][:200] for level in LEVELS]
    lines.append("| the run as a whole: exit 0, no process or file left behind | " + " | ".join(whole) + " |")
    return "\n".join(lines)


@pytest.mark.slow
def test_the_protection_table_in_the_docs_is_the_red_teams(tmp_path_factory: pytest.TempPathFactory,
                                                          worker_id: str) -> None:
    """docs/protection.md shows what these runs found. AUTOGRADER_WRITE_TABLE=1 rewrites it."""
    found_at = {level: violations(_shared_run(level, tmp_path_factory, worker_id)) for level in LEVELS}
    table = protection_table(found_at)
    text = TABLE.read_text()
    head, rest = text.split(TABLE_BEGIN)
    current = rest.split(TABLE_END)[0].strip()
    if os.environ.get("AUTOGRADER_WRITE_TABLE") == "1":
        TABLE.write_text(f"{head}{TABLE_BEGIN}\n{table}\n{TABLE_END}{rest.split(TABLE_END)[1]}")
        return
    assert current == table, f"{TABLE} is stale: rerun with AUTOGRADER_WRITE_TABLE=1"


# --- sabotage: without the sandbox the same checks must fire -------------------------------

@pytest.mark.parametrize("attack", sorted(SABOTAGE))
def test_without_the_sandbox_the_checks_fire(attack: str, tmp_path_factory: pytest.TempPathFactory) -> None:
    assert attack not in UNSAFE_WITHOUT_SANDBOX
    workdir = tmp_path_factory.mktemp(f"redteam-sabotage-{attack}")
    batch = workdir / "batch"
    batch.mkdir()
    # The baseline first: an in-process attack (patched numpy) would otherwise lift it too.
    paths = [batch / f"{BASELINE}.py", batch / f"{attack}.py", batch / f"{attack}{CORRECT_SUFFIX}"]
    for path, source in zip(paths, (ATTACKS_DIR / f"{BASELINE}.py", ATTACKS_DIR / f"{attack}.py", CORRECT)):
        shutil.copy(source, path)
    with ReferenceServer():
        # Only an attack that leaves a process behind can strike after the grader exits.
        run = grade(paths, workdir, level="none", settle=SETTLE_SECONDS if "orphan" in attack else 0.0)
    found = violations(run)
    reported = found[attack] + found[RUN]
    assert any(SABOTAGE[attack] in v for v in reported), f"{attack} was not caught without the sandbox: {found}"


def test_every_attack_says_what_it_does_and_what_to_expect() -> None:
    """Keeps the attack directory honest: a docstring with the attack and the expected
    verdict, the baseline present, and the safety classification up to date."""
    names = attack_names()
    assert BASELINE in names
    for name in names:
        doc = (ATTACKS_DIR / f"{name}.py").read_text().split('"""')[1]
        assert "Expected" in doc or name == BASELINE, name
        assert ("UNSAFE without the sandbox" in doc) == (name in UNSAFE_WITHOUT_SANDBOX), name
    assert set(UNSAFE_WITHOUT_SANDBOX) <= set(names) and set(SABOTAGE) <= set(names)
