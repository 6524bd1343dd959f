"""Red team of the course workflow: "a grade nobody can forge: the sandboxed grader owns the
whole grading path".

Hostile students against a TA's documented workflow, end to end with real nbgrader in a
scratch course directory (built as tests/test_nbgrader_course.py builds it):

    nbgrader generate_assignment backprop       # + the course's students in the gradebook
    nbgrader autograde backprop --force         # a TA runs it anyway (override set): class 1 only
    autograder autograde backprop --out out --timeout 2 --workers 2
    nbgrader generate_feedback backprop --force
    nbgrader export
    nbgrader autograde backprop --force         # again, without the override: must be refused

Every attack is planted by course_attacks/course_plant.py (one student id, or one folder of
submitted/ that is nobody's submission; its docstring says the attack and the expected
verdict). An attacking notebook's functions are otherwise the all-zeros baseline's, so an
attack wins only if it scores above the baseline (b_zeros), changes someone else's grade,
gets reference text to a student, breaks an output, or makes the grader fail or stall.
Honest students (examples/submissions/correct.py) are graded among the attackers.

ONE course run per module serves every test (pytest runs a module on one worker: see
pyproject.toml's --dist loadfile). Side runs, each in a copy of the course, run in two
background threads while it goes on: the class-1 damage a course directory keeps, the
zygote with one worker, --create-students, the guard against a planted FIFO, and the
sabotage runs: the grader with ONE defence removed (course_attacks/sabotage_patches.py,
monkeypatched in the grader's process, never by editing the engine), which show that the
checks here fire when that defence is gone.

Tests marked xfail(strict=True, reason="HOLE: ...") are attacks that win against the engine
as it is (HOLES below says how); they turn into failures (XPASS) once the hole is closed.
REDTEAM_TIMINGS=1 prints how long each phase of the main run took.
"""
from __future__ import annotations

import concurrent.futures
import contextlib
import csv
import hashlib
import html
import json
import os
import re
import shutil
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
ATTACKS_DIR = HERE / "course_attacks"
sys.path.insert(0, str(ATTACKS_DIR))
sys.path.insert(0, str(ROOT / "tests"))

import course_plant as cp
import notebooks as nbs

from autograder.batch import out_dir_for
from autograder.nbgrader_guard import ALLOW_ENV
from tools import course

pytestmark = pytest.mark.slow

ASSIGNMENT, NOTEBOOK = "backprop", "backprop.ipynb"
SECRET = "a fixed secret for the course red team"
CANARY = "REDTEAM-CANARY-c0ffee-reference"  # a comment planted in each module of the course's reference/backprop/
FULL = 29.0  # the automatic checks' total; nbgrader's maximum is 35 (6 points of derivations a TA grades)
CALL_TIMEOUT = "2"  # the main run's --timeout
# Side runs keep the default: the reference's own calls run under --timeout too, and on a
# loaded machine (load average 10 while this was written) 2 s failed the reference's warm-up
# ("the reference implementation fails ...": exit 3, nothing graded).
SIDE_CALL_TIMEOUT = "10"
MAX_RESULT_BYTES = 100_000  # out/<student>/*: an honest submission's are < 15 KB
MAX_AUTOGRADED_BYTES = 3_000_000  # the release (~60 KB) and at most 1,000,000 characters of graded code
MAX_FEEDBACK_BYTES = 10_000_000  # nbgrader's HTML of such a notebook (one 190,000-character line: 4.8 MB)
MAX_COMMENT_CHARS = 10_000
MAX_RUN_SECONDS = 120  # `autograder autograde` of the main run: no stall (it takes ~15 s)
RAW_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # anything but \t and \n
FORMULA = ("=", "+", "-", "@", "\t", "\r")
KERNELS = sorted(a.sid for a in cp.ATTACKS.values() if a.phase == "kernel")
GRADED = sorted(a.sid for a in cp.ATTACKS.values() if a.verdict == "graded")
REFUSED = sorted(a.sid for a in cp.ATTACKS.values() if a.verdict == "refused")
TIMINGS: dict[str, float] = {}


# --- running things ------------------------------------------------------------------------

@dataclass
class Proc:
    args: list[str]
    returncode: int
    stdout: str
    stderr: str
    seconds: float
    timed_out: bool = False

    def tail(self) -> str:
        return f"exit {self.returncode} after {self.seconds:.1f} s; stderr: {self.stderr[-1500:]}"


_CAPPED = ("import os, resource, sys; resource.setrlimit(resource.RLIMIT_AS, (int(sys.argv[1]) << 30,) * 2); "
           "os.execv(sys.argv[2], sys.argv[2:])")  # no preexec_fn: side runs start processes from threads


def run(args: list[str], cwd: Path, extra_env: dict[str, str] | None = None, timeout: float = 600,
        memory_gib: int | None = None) -> Proc:
    """`memory_gib` caps the address space of runs that may read a planted file without end
    (uncapped, `nbgrader autograde` reading submitted/f_device was OOM-killed at 24 GB)."""
    env = {k: v for k, v in course.venv_env().items() if k != ALLOW_ENV}
    env |= {"AUTOGRADER_SECRET": SECRET, "COLUMNS": "250", **(extra_env or {})}
    if memory_gib:
        args = [sys.executable, "-c", _CAPPED, str(memory_gib), *args]
    start = time.monotonic()
    try:
        p = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, errors="backslashreplace",
                           timeout=timeout, check=False)
        return Proc(args, p.returncode, p.stdout, p.stderr, time.monotonic() - start)
    except subprocess.TimeoutExpired as exc:
        out = exc.stderr.decode(errors="replace") if isinstance(exc.stderr, bytes) else (exc.stderr or "")
        return Proc(args, -1, "", f"TIMED OUT after {timeout} s\n{out}", time.monotonic() - start, True)


def nbgrader(root: Path, *args: str, override: bool = False, timeout: float = 600,
             memory_gib: int | None = None) -> Proc:
    return run([sys.executable, "-m", "nbgrader", *args], root, {ALLOW_ENV: "1"} if override else None, timeout,
               memory_gib)


def autograde(root: Path, *args: str, patches: tuple[str, ...] = (), timeout: float = 300,
              call_timeout: str = CALL_TIMEOUT) -> Proc:
    """`autograder autograde backprop --timeout 2 ARGS` from the course directory; with
    `patches`, in a process where sabotage_patches.apply(*patches) ran first."""
    if patches:
        boot = (f"import sys; sys.path.insert(0, {str(ATTACKS_DIR)!r}); import sabotage_patches as s; "
                f"s.apply(*{list(patches)!r}); from autograder.cli import main; raise SystemExit(main())")
        head = [sys.executable, "-c", boot]
    else:
        head = [sys.executable, "-m", "autograder.cli"]
    return run([*head, "autograde", ASSIGNMENT, "--timeout", call_timeout, *args], root, timeout=timeout)


def side_autograde(root: Path, *args: str, patches: tuple[str, ...] = (), retry: bool = True) -> Proc:
    """A side run's `autograder autograde`, once more if it could not start at all: on the
    shared machine these tests were written on (load average 8-15 from other test suites), the
    reference's sandboxed child was now and then killed (SIGKILL) during the warm-up, by
    nothing these tests do ("internal error, nothing was graded", exit 3). The main run
    retries the same way."""
    proc = autograde(root, *args, patches=patches, call_timeout=SIDE_CALL_TIMEOUT)
    if retry and could_not_start(proc):
        proc = autograde(root, *args, patches=patches, call_timeout=SIDE_CALL_TIMEOUT)
    return proc


def could_not_start(proc: Proc) -> bool:
    """`autograder autograde` stopped in its warm-up, before grading anything (exit 3)."""
    return proc.returncode == 3 and "internal error, nothing was graded" in proc.stderr


# --- the scratch course ----------------------------------------------------------------------

def make_course(root: Path) -> None:
    """As tests/test_nbgrader_course.py: the repository's config, solutions and reference
    (plus a canary comment), generate_assignment, then the course's students."""
    root.mkdir(parents=True)
    shutil.copy(ROOT / "nbgrader_config.py", root)
    shutil.copytree(ROOT / "solutions", root / "solutions")
    shutil.copytree(ROOT / "reference", root / "reference")
    for module in sorted((root / "reference" / ASSIGNMENT).glob("*.py")):
        with open(module, "a") as f:
            f.write(f"\n# {CANARY}: instructors only\n")
    proc = nbgrader(root, "generate_assignment", ASSIGNMENT, "--force")
    assert proc.returncode == 0, proc.tail()
    add_students(root, *cp.known_students())


def add_students(root: Path, *sids: str) -> None:
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gb:
        for sid in sids:
            gb.add_student(sid)


def copy_course(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst, symlinks=True)
    return dst


def remove_special_files(top: Path) -> list[str]:
    """FIFOs, sockets and devices under `top` (what blocks or floods a plain reader)."""
    removed = []
    for folder, dirs, files in os.walk(top):
        for name in dirs + files:
            path = Path(folder) / name
            mode = os.lstat(path).st_mode
            if stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode) or stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
                path.unlink()
                removed.append(str(path.relative_to(top)))
    return removed


def gradebook_state(root: Path) -> dict[str, Any]:
    """Students, and per student with a submission: total, each grade's fields, comments."""
    from nbgrader.api import Gradebook, MissingEntry

    state: dict[str, Any] = {"students": [], "rows": {}}
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gb:
        nb = gb.find_notebook(ASSIGNMENT, ASSIGNMENT)
        state["students"] = sorted(s.id for s in gb.students)
        for sid in state["students"]:
            try:
                gb.find_submission_notebook(ASSIGNMENT, ASSIGNMENT, sid)
            except MissingEntry:
                continue
            grades = [gb.find_grade(c.name, nb.name, ASSIGNMENT, sid) for c in nb.grade_cells]
            comments = [gb.find_comment(c.name, nb.name, ASSIGNMENT, sid) for c in nb.solution_cells]
            state["rows"][sid] = {
                "score": sum(g.score for g in grades),
                "fields": [[g.name, g.auto_score, g.manual_score, g.extra_credit, g.needs_manual_grade] for g in grades],
                "comments": [[c.name, c.auto_comment or "", c.manual_comment or ""] for c in comments],
            }
    return state


def export_rows(root: Path) -> dict[str, dict[str, str]]:
    path = root / "grades.csv"
    if not path.is_file():
        return {}
    with open(path, newline="", encoding="utf-8", errors="backslashreplace") as f:
        return {row["student_id"]: row for row in csv.DictReader(f)}


def exported(root: Path, sid: str) -> float | None:
    row = export_rows(root).get(sid)
    return float(row["score"]) if row else None


def tree_digests(top: Path) -> dict[str, str]:
    return {str(p.relative_to(top)): hashlib.sha256(p.read_bytes()).hexdigest()[:16]
            for p in sorted(top.rglob("*")) if p.is_file()} if top.is_dir() else {}


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8", errors="backslashreplace"))
    except (OSError, ValueError, RecursionError):
        return None


def _read_text(path: Path) -> str:
    return path.read_text(encoding="utf-8", errors="backslashreplace") if path.is_file() else ""


@dataclass
class Outputs:
    """One student's output files after a run (out/, autograded/, feedback/)."""

    results: Any  # out/<student>/results.json (Gradescope), parsed
    record: Any  # out/<student>/result.json, parsed
    raw: dict[str, str]  # out/<student>/* as text
    sizes: dict[str, int]
    autograded: str  # the autograded notebook's text ("" if absent)
    feedback_html: str  # feedback/<student>/backprop/*, all of them

    @property
    def score(self) -> float | None:
        return float(self.results["score"]) if isinstance(self.results, dict) and "score" in self.results else None

    @property
    def grader_error(self) -> str:
        return (self.record.get("grader_error") or "") if isinstance(self.record, dict) else ""

    @property
    def feedback_txt(self) -> str:
        return self.raw.get("feedback.txt", "")


def outputs(root: Path, sid: str) -> Outputs:
    out = out_dir_for(root / "out", sid)
    names = ("results.json", "result.json", "feedback.txt")
    sizes = {name: (out / name).stat().st_size for name in names if (out / name).is_file()}
    ag = root / "autograded" / sid / ASSIGNMENT / NOTEBOOK
    fb = root / "feedback" / sid / ASSIGNMENT
    pages = sorted(p for p in fb.rglob("*") if p.is_file()) if fb.is_dir() else []
    sizes |= {f"feedback/{p.name}": p.stat().st_size for p in pages}
    if ag.is_file():
        sizes["autograded"] = ag.stat().st_size
    return Outputs(_read_json(out / "results.json"), _read_json(out / "result.json"),
                   {name: _read_text(out / name) for name in names}, sizes, _read_text(ag),
                   "\n".join(_read_text(p) for p in pages))


def score_of(root: Path, sid: str) -> float | None:
    return outputs(root, sid).score


# --- what counts as reference text ---------------------------------------------------------

def _normal(text: str) -> str:
    return re.sub(r"\s+", "", text)


def reference_fragments() -> list[str]:
    """Statements of the reference and of its known-wrong variants (reference/backprop/*.py),
    and each entry of their gradient dicts, whitespace removed (as tests/test_wheel.py's
    solution_fragments())."""
    import ast

    fragments = []
    for path in sorted((ROOT / "reference" / ASSIGNMENT).glob("*.py")):
        text = path.read_text()
        for fn in (n for n in ast.walk(ast.parse(text)) if isinstance(n, ast.FunctionDef)):
            for node in ast.walk(fn):
                if isinstance(node, (ast.Assign, ast.Return, ast.AugAssign)):
                    fragments.append(_normal(ast.get_source_segment(text, node) or ""))
                elif isinstance(node, ast.Dict):
                    fragments += [_normal(f"{ast.get_source_segment(text, k)}:{ast.get_source_segment(text, v)}")
                                  for k, v in zip(node.keys, node.values) if k is not None]
    return sorted({f for f in fragments if len(f) >= 16})


def html_text(page: str) -> str:
    """What a reader of an HTML page sees (tags dropped, entities decoded)."""
    return html.unescape(re.sub(r"<[^>]*>", "", page))


LIVE_MARKUP = ("<script>alert", "<img src=x onerror", "\x1b[", 'href="javascript:', "<iframe")


def live_markup(page: str) -> list[str]:
    """Live markup from a submission in a feedback page (not its escaped text)."""
    return [live for live in LIVE_MARKUP if live in page]


def notebook_text(text: str) -> str:
    """Every cell's source and every output of a notebook's JSON text (the text itself if it
    is not a notebook)."""
    try:
        nb = json.loads(text)
    except (ValueError, RecursionError):
        return text
    cells = nb.get("cells") if isinstance(nb, dict) else None
    parts = []
    for c in cells if isinstance(cells, list) else []:
        if isinstance(c, dict):
            src = c.get("source", "")
            parts.append("".join(map(str, src)) if isinstance(src, list) else str(src))
            parts += [json.dumps(o, ensure_ascii=False) for o in c.get("outputs", []) or []]
            parts += ["".join(map(str, o.get("text", ""))) for o in c.get("outputs", []) or [] if isinstance(o, dict)]
    return "\n".join(parts)


def own_text(root: Path, sid: str) -> str:
    """The student's own submitted notebook, read without following links: the code they may
    see again in their feedback."""
    path = root / "submitted" / sid / ASSIGNMENT / NOTEBOOK
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return ""
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return ""
        with os.fdopen(os.dup(fd), "rb") as f:
            data = f.read(20_000_000)
    finally:
        os.close(fd)
    return notebook_text(data.decode("utf-8", "backslashreplace"))


def leaks(text: str, allowed: str, fragments: list[str]) -> list[str]:
    """Reference text (and the canary, and the course secret) in `text` that is not in
    `allowed` (the student's own code and the release)."""
    flat, ok = _normal(text), _normal(allowed)
    found = [f for f in fragments if f in flat and f not in ok]
    return found + [s for s in (CANARY, SECRET) if _normal(s) in flat]


def release_text(root: Path) -> str:
    return notebook_text((root / "assignments" / ASSIGNMENT / NOTEBOOK).read_text())


# --- side runs -------------------------------------------------------------------------------

@dataclass
class Paths:
    """What side runs start from: the course before any submission (students known), and a
    copy taken right after `nbgrader autograde` ran the class-1 kernels."""

    template: Path
    kernel_snapshot: Path | None = None


@dataclass
class Side:
    """What one side run showed: `won` lists how the attack won (empty: contained)."""

    name: str
    won: list[str]
    proc: Proc | None = None
    notes: dict[str, Any] = field(default_factory=dict)

    def explain(self) -> str:
        return f"{self.name}: won={self.won} notes={self.notes} " + (self.proc.tail() if self.proc else "")


def plant(root: Path, *sids: str, honest: tuple[str, ...] = ()) -> cp.Course:
    c = cp.Course(root)
    for sid in sids:
        if sid == cp.BASELINE:
            c.write(sid, cp.zeros())
        else:
            cp.ATTACKS[sid].plant(c)
    for sid in honest:
        c.write(sid, cp.honest())
    return c


def run_kernel_payload(root: Path, sid: str, payload: str) -> Proc:
    """What `nbgrader autograde` makes of a payload: its code, run with the TA's rights in
    the kernel's working directory (autograded/<sid>/backprop/ of the course). The main run
    shows kernels doing exactly this (kernel_*.py attacks run under nbgrader there)."""
    cwd = root / "autograded" / sid / ASSIGNMENT
    cwd.mkdir(parents=True, exist_ok=True)
    proc = run([sys.executable, str(ATTACKS_DIR / f"{payload}.py")], cwd)
    assert proc.returncode == 0 and "REDTEAM-KERNEL" in proc.stdout, proc.tail()
    return proc


def residue_course(paths: Paths, work: Path, attackers: tuple[str, ...]) -> tuple[Path, cp.Course, str]:
    """A copy of the course with `attackers` (and the baseline and the victim) as students;
    also the release's text before any kernel ran."""
    root = copy_course(paths.template, work / "course")
    add_students(root, *attackers)
    plant(root, cp.BASELINE, honest=(cp.VICTIM,))
    return root, cp.Course(root), release_text(root)


def residue_run(root: Path, attackers: tuple[str, ...]) -> tuple[Proc, float | None]:
    proc = side_autograde(root, "--out", "out", *[a for sid in (*attackers, cp.BASELINE, cp.VICTIM)
                                             for a in ("--student", sid)])
    return proc, score_of(root, cp.BASELINE)


def side_release_residue(paths: Paths, work: Path) -> Side:
    """Class 1, what the course directory keeps after a kernel ran with the TA's rights:
    kernel_tamper_release.py (run as nbgrader runs a kernel) appended the reference's
    functions to the release's setup cell; x1_release's answer cells are empty. In a course
    of its own: the tampered release puts the reference's code (and the canary) in every
    autograded notebook, which would confound the other residue checks."""
    attackers = ("x1_release",)
    root, c, _ = residue_course(paths, work, attackers)
    nb = cp.zeros()
    for cell in nbs.answer_cells(nb):
        cell["source"] = "# YOUR CODE HERE"
    c.write("x1_release", nb)
    run_kernel_payload(root, "x1_release", "kernel_tamper_release")
    proc, floor = residue_run(root, attackers)
    if floor is None:
        return Side("release_tamper", [f"no baseline score: {proc.tail()}"], proc, {"crashed": True})
    won = [f"x1_release scored {score_of(root, 'x1_release')} with empty answer cells (baseline {floor})"] \
        if (score_of(root, "x1_release") or 0) > floor else []
    if CANARY in _read_text(root / "autograded" / cp.VICTIM / ASSIGNMENT / NOTEBOOK):
        won.append("h_victim's autograded notebook (rendered as its feedback) shows the reference's code")
    return Side("release_tamper", won, proc)


def side_course_residue(paths: Paths, work: Path) -> list[Side]:
    """Class 1, what the course directory keeps after kernels ran with the TA's rights (each
    payload is one of the kernel_*.py files, run as nbgrader runs a kernel), then ONE
    `autograder autograde` run judged three ways:

    mutant_leak     kernel_mutant_leak.py: every known-wrong variant's backward returns zeros
                    and carries the reference's code (docstring, extra KNOWN_WRONG ids);
                    x2_mutants' forward passes are right (correct.py's) and its backward
                    passes return zeros, which the planted variants match (the run counts as
                    crashed unless its feedback names a variant only the reference holds).
    config          kernel_tamper_config.py: code appended to nbgrader_config.py, which the
                    grader executes when it loads the course.
    added_cells     (class 3/5, no kernel) x6_added_cells: 70 added code cells of 199,000
                    characters (14 MB, under the 16 MiB cap, over the 1,000,000 characters of
                    code a notebook may send to the sandbox). `nbgrader generate_feedback`
                    took 41 s and wrote 27 MB of HTML for the autograded notebook that
                    resulted before the cap (measured on this machine), so the main run does
                    not include it."""
    attackers = ("x2_mutants", "x5_tamper_config", "x6_added_cells")
    root, c, release = residue_course(paths, work, attackers)
    nb = cp.honest()
    for cell in nbs.answer_cells(nb):
        grade_id = cell["metadata"]["nbgrader"]["grade_id"]
        if grade_id.endswith("_backward_code"):
            cell["source"] = (f"def {grade_id.removesuffix('_code')}(params, cache):\n"
                              "    return {k: np.zeros(np.shape(v)) for k, v in params.items()}\n")
    c.write("x2_mutants", nb)
    c.write("x5_tamper_config", cp.zeros())
    nb = cp.zeros()
    line = "x = 1  # " + "y" * 90 + "\n"
    nb["cells"] += [nbs.code_cell(line * (199_000 // len(line))) for _ in range(70)]
    c.write("x6_added_cells", nb)
    for sid, payload in (("x2_mutants", "kernel_mutant_leak"), ("x5_tamper_config", "kernel_tamper_config")):
        run_kernel_payload(root, sid, payload)
    proc, floor = residue_run(root, attackers)
    if floor is None:
        return [Side(name, [f"no baseline score: {proc.tail()}"], proc, {"crashed": True})
                for name in ("mutant_leak", "config", "added_cells")]

    o = outputs(root, "x2_mutants")
    hits = leaks(o.feedback_txt + json.dumps(o.results) + notebook_text(o.autograded),
                 own_text(root, "x2_mutants") + release, reference_fragments())
    causes = sorted(set(re.findall(r"likely cause: (.{0,80})", o.feedback_txt)))
    # dw_without_x is a known-wrong variant only the reference holds: its wording for a
    # backward of zeros shows that the planted variants were loaded and matched.
    matched = any(cause.startswith("the gradient of w is missing the factor x") for cause in causes)
    sides = [Side("mutant_leak", [f"x2_mutants' feedback shows the reference's code: {hits[:3]}"] if hits else [],
                  proc, {"likely causes": causes[:5], **({} if matched else {"crashed": True})})]

    score = score_of(root, "x5_tamper_config")
    sides.append(Side("config", [f"x5_tamper_config scored {score} (baseline {floor})"] if (score or 0) > floor
                      else [], proc))

    size = outputs(root, "x6_added_cells").sizes.get("autograded", 0)
    too_big = f"the autograded notebook is {size} bytes (cap {MAX_AUTOGRADED_BYTES}): every added cell copied"
    sides.append(Side("added_cells", [too_big] if size > MAX_AUTOGRADED_BYTES else [], proc))
    return sides


def side_broken_reference(paths: Paths, work: Path) -> Side:
    """kernel_break_reference.py (class 1 + 4): forged gradebook fields, then a reference
    that keeps `autograder autograde` from starting."""
    root = copy_course(paths.template, work / "course")
    add_students(root, "x3_break_reference")
    cp.Course(root).write("x3_break_reference", cp.zeros())
    run_kernel_payload(root, "x3_break_reference", "kernel_break_reference")
    proc = side_autograde(root, "--out", "out", retry=False)
    nbgrader(root, "export")
    score = exported(root, "x3_break_reference")
    won = [f"autograder autograde exited {proc.returncode} and nbgrader export still shows the forged {score}"] \
        if score else []
    return Side("broken_reference", won, proc)


def side_zygote(paths: Paths, work: Path, patches: tuple[str, ...] = (),
                attacks: tuple[str, ...] = ("z_tree", "z_workdir")) -> Side:
    """Class 7 with one worker, so that each attack's honest neighbour is graded next in the
    same sandbox; counts the sandboxes started (1 if the zygote survived everything)."""
    root = copy_course(paths.template, work / "course")
    order = [sid for a in attacks for sid in (a, a + cp.NEIGHBOUR)]
    plant(root, *attacks, honest=tuple(a + cp.NEIGHBOUR for a in attacks))
    args = ["--out", "out", "--workers", "1", *[arg for sid in order for arg in ("--student", sid)]]
    proc = side_autograde(root, *args, patches=("count_sandboxes", *patches))
    started = re.search(r"REDTEAM-SANDBOXES (\d+)", proc.stderr)
    won = [f"{sid} scored {score_of(root, sid)}" for sid in order[1::2] if score_of(root, sid) != FULL]
    if proc.returncode != 0:
        won.append(f"exit {proc.returncode}")
    if not started or int(started.group(1)) != 1:
        won.append(f"{started.group(1) if started else '?'} sandboxes were started for one worker: a zygote died")
    return Side("zygote" + "".join(f"+{p}" for p in patches), won, proc)


def side_create_students(paths: Paths, work: Path, patches: tuple[str, ...] = ()) -> Side:
    """--create-students, with folders whose names are not valid ids and an unknown valid id:
    only the valid id may be created; grades.csv holds no formula."""
    root = copy_course(paths.template, work / "course")
    plant(root, "u_unknown", "i_formula", "i_space", "i_markup")
    before = set(gradebook_state(root)["students"])
    proc = side_autograde(root, "--out", "out", "--create-students", patches=patches)
    nbgrader(root, "export")
    created = sorted(set(gradebook_state(root)["students"]) - before)
    won = [f"created {created!r}"] if created != ["u_unknown"] else []
    rows = []
    if (root / "grades.csv").is_file():
        with open(root / "grades.csv", newline="") as f:
            rows = list(csv.reader(f))
    formulas = [c for row in rows for c in row if c.startswith(FORMULA)]
    return Side("create_students" + "".join(f"+{p}" for p in patches),
                won + ([f"grades.csv holds formulas {formulas}"] if formulas else []), proc)


def side_guard_fifo(paths: Paths, work: Path) -> Side:
    """Class 1/2: `nbgrader autograde --force` run again after the sandboxed grader, without
    the override, with f_fifo (backprop.ipynb a FIFO nobody writes to) in submitted/. The
    guard must refuse before anything touches a submission; nbgrader opens each submitted
    notebook before its preprocessors run, so the guard must act when nbgrader loads the
    course's config. 60 s of patience (refused in ~3 s on an idle machine; 15 s was exceeded
    once under load while the main run graded)."""
    root = copy_course(paths.template, work / "course")
    plant(root, "f_fifo", honest=(cp.VICTIM,))
    proc = nbgrader(root, "autograde", ASSIGNMENT, "--force", memory_gib=3, timeout=60)
    won = ["nbgrader autograde hangs on the FIFO (killed after 60 s) before the guard refuses"] if proc.timed_out \
        else []
    if not proc.timed_out and "this course is graded by `autograder autograde backprop`" not in proc.stdout + proc.stderr:
        won.append(f"nbgrader autograde was not refused by the guard (exit {proc.returncode})")
    return Side("guard_fifo", won, proc)


# Sabotage: for a selection of attacks, the grader with ONE defence removed: the attack wins.
def sab_discovery(paths: Paths, work: Path) -> Side:
    """layout.course_submissions -> any submitted/**/backprop/backprop.ipynb: n_nested's
    planted submitted/h_victim/... is graded as h_victim's, and absent_n gets a submission."""
    root = copy_course(paths.template, work / "course")
    plant(root, "n_nested", honest=(cp.VICTIM,))
    proc = side_autograde(root, "--out", "out", patches=("discovery",))
    rows = gradebook_state(root)["rows"]
    victim, absent = rows.get(cp.VICTIM, {}).get("score"), rows.get("absent_n", {}).get("score")
    won = [f"h_victim's gradebook score is {victim}"] if victim != FULL else []
    return Side("discovery", won + ([f"absent_n got a submission scored {absent}"] if absent is not None else []),
                proc)


def sab_student_id(paths: Paths, work: Path) -> Side:
    """layout.valid_student_id -> True (with --create-students): invalid folder names become
    students, and one of them a formula in grades.csv."""
    return side_create_students(paths, work, ("student_id",))


def sab_read_regular(paths: Paths, work: Path) -> Side:
    """files.read_regular -> plain open(): a link to the solutions, or to a classmate's
    notebook, is graded as the student's own."""
    root = copy_course(paths.template, work / "course")
    plant(root, cp.BASELINE, "l_solutions", "l_peer", honest=(cp.VICTIM,))
    proc = side_autograde(root, "--out", "out", patches=("read_regular",))
    floor = score_of(root, cp.BASELINE) or 0.0
    return Side("read_regular", [f"{sid} scored {score_of(root, sid)}" for sid in ("l_solutions", "l_peer")
                                 if (score_of(root, sid) or 0) > floor], proc)


def sab_gradebook_clearing(paths: Paths, work: Path) -> Side:
    """gradebook clearing removed: the manual scores and extra credit k1_gradebook's kernel
    wrote (snapshot taken right after nbgrader autograde) are exported."""
    root = copy_course(paths.kernel_snapshot, work / "course")
    proc = side_autograde(root, "--out", "out", "--student", "k1_gradebook", patches=("gradebook_clearing",))
    score = gradebook_state(root)["rows"]["k1_gradebook"]["score"]  # what nbgrader export totals
    return Side("gradebook_clearing", [f"k1_gradebook's gradebook total is {score}"] if score >= FULL else [], proc)


def sab_failed_scores(paths: Paths, work: Path, sabotage: bool = True) -> Side:
    """A grader error on k3_replace_check (injected, as a grader bug would) whose gradebook
    holds the 29 its replaced `check` scored in nbgrader's kernel: with the defence the
    gradebook gets zeros; with it removed the forged 29 stays."""
    root = copy_course(paths.kernel_snapshot, work / "course")
    patches = ("inject_grader_error=k3_replace_check", *(("failed_scores",) if sabotage else ()))
    proc = side_autograde(root, "--out", "out", "--student", "k3_replace_check", patches=patches)
    score = gradebook_state(root)["rows"]["k3_replace_check"]["score"]  # what nbgrader export totals
    won = [f"k3_replace_check's gradebook total is {score} after a grader error"] if score else []
    if proc.returncode != 3:
        won.append(f"exit {proc.returncode}, not 3, after a grader error")
    return Side("failed_scores" if sabotage else "injected_grader_error", won, proc)


def sab_secret(paths: Paths, work: Path) -> Side:
    """No course secret (the notebook's public inputs): the lookup table scores."""
    root = copy_course(paths.template, work / "course")
    plant(root, cp.BASELINE, "c6_lookup")
    proc = side_autograde(root, "--out", "out", patches=("secret",))
    floor, score = score_of(root, cp.BASELINE) or 0.0, score_of(root, "c6_lookup")
    return Side("secret", [f"c6_lookup scored {score} (baseline {floor})"] if (score or 0) > floor else [], proc)


def sab_autograded_build(paths: Paths, work: Path) -> Side:
    """autograded.build -> the student's own notebook: p_outputs' script and forged
    "29/29" output reach the feedback HTML."""
    root = copy_course(paths.template, work / "course")
    plant(root, "p_outputs")
    proc = side_autograde(root, "--out", "out", patches=("autograded_build",))
    page = outputs(root, "p_outputs").autograded  # what generate_feedback renders
    return Side("autograded_build", [f"its autograded notebook holds {s!r}" for s in (
        "<script>alert('redteam-output')", "autograder: 29/29 points") if s in page], proc)


def sab_autograded_write(paths: Paths, work: Path) -> Side:
    """autograded.write left out: the notebook nbgrader's kernel run wrote for
    k2_print_reference (its outputs hold the reference) is what generate_feedback ships."""
    root = copy_course(paths.kernel_snapshot, work / "course")
    proc = side_autograde(root, "--out", "out", "--student", "k2_print_reference", patches=("autograded_write",))
    page = outputs(root, "k2_print_reference").autograded  # what generate_feedback renders
    return Side("autograded_write", ["k2's autograded notebook shows the reference (canary)"] if CANARY in page
                else [], proc)


def sab_escape(paths: Paths, work: Path) -> Side:
    """text.escape -> identity: o_markup's control characters reach results.json raw,
    i_escape's folder name reaches the terminal raw."""
    root = copy_course(paths.template, work / "course")
    plant(root, "o_markup", "i_escape")
    proc = side_autograde(root, "--out", "out", patches=("escape",))
    o = outputs(root, "o_markup")
    won = ["results.json holds raw control characters"] if RAW_CONTROL.search(
        json.dumps(o.results, ensure_ascii=False) + o.raw["results.json"]) else []
    return Side("escape", won + (["the terminal got raw control characters"] if RAW_CONTROL.search(proc.stderr)
                                 else []), proc)


def sab_written_answer(paths: Paths, work: Path) -> Side:
    """text.written_answer -> identity: p_derivation_markup's script, onerror image,
    javascript: links and iframe reach the feedback HTML live."""
    root = copy_course(paths.template, work / "course")
    plant(root, "p_derivation_markup")
    proc = side_autograde(root, "--out", "out", patches=("written_answer",))
    feedback = nbgrader(root, "generate_feedback", ASSIGNMENT, "--force")
    found = live_markup(outputs(root, "p_derivation_markup").feedback_html)
    return Side("written_answer", [f"its feedback HTML holds {found}"] if found else [],
                proc, {"generate_feedback": feedback.tail()})


def sab_grade_id_bound(paths: Paths, work: Path) -> Side:
    """ipynb._grade_id unbounded: p_foreign_ids' megabyte grade id is copied into its results."""
    root = copy_course(paths.template, work / "course")
    plant(root, "p_foreign_ids")
    proc = side_autograde(root, "--out", "out", patches=("grade_id_bound",))
    o = outputs(root, "p_foreign_ids")
    return Side("grade_id_bound", [f"{n} is {s} bytes" for n, s in o.sizes.items()
                                   if n in ("results.json", "result.json", "feedback.txt") and s > MAX_RESULT_BYTES],
                proc)


def sab_header_limits(paths: Paths, work: Path) -> Side:
    """protocol.parse_header without limits: p_frames' 100,000-deep header breaks the grader."""
    root = copy_course(paths.template, work / "course")
    plant(root, "p_frames")
    proc = side_autograde(root, "--out", "out", patches=("header_limits",))
    error = outputs(root, "p_frames").grader_error
    return Side("header_limits", [f"grader error: {error[:200]}"] if error else [], proc)


def sab_reference_in_process(paths: Paths, work: Path) -> Side:
    """The reference run in the grader's own process: the code k4_append_reference's kernel
    appended to it (snapshot) hijacks the grader."""
    root = copy_course(paths.kernel_snapshot, work / "course")
    proc = side_autograde(root, "--out", "out", "--student", "k4_append_reference", patches=("reference_in_process",))
    score = score_of(root, "k4_append_reference")
    return Side("reference_in_process", [f"k4_append_reference scored {score}"] if score == FULL else [], proc)


def sab_zygote_reset(paths: Paths, work: Path) -> Side:
    """The zygote's wipe between children removed: z_workdir's locked work directory is
    what its neighbour's child gets."""
    return side_zygote(paths, work, ("zygote_reset",), ("z_workdir",))


# name -> (run, needs the kernel snapshot); a run may be judged several ways (a list of Sides)
SIDES: dict[str, tuple[Callable[[Paths, Path], Side | list[Side]], bool]] = {
    "course_residue": (side_course_residue, False),
    "release_tamper": (side_release_residue, False),
    "broken_reference": (side_broken_reference, False),
    "zygote": (side_zygote, False),
    "create_students": (side_create_students, False),
    "guard_fifo": (side_guard_fifo, False),
    "injected_grader_error": (lambda p, w: sab_failed_scores(p, w, sabotage=False), True),
}
SIDE_NAMES = sorted(["mutant_leak", "config", "added_cells", *SIDES.keys() - {"course_residue"}])
# sabotage -> (run, needs the kernel snapshot, the attacks it lets win, their class)
SABOTAGES: dict[str, tuple[Callable[[Paths, Path], Side], bool, str, str]] = {
    "discovery": (sab_discovery, False, "n_nested", "2"),
    "student_id": (sab_student_id, False, "i_formula, i_space, i_markup", "2, 5"),
    "read_regular": (sab_read_regular, False, "l_solutions, l_peer", "2"),
    "secret": (sab_secret, False, "c6_lookup", "6"),
    "autograded_build": (sab_autograded_build, False, "p_outputs", "1b, 5"),
    "escape": (sab_escape, False, "o_markup, i_escape", "5"),
    "written_answer": (sab_written_answer, False, "p_derivation_markup", "5"),
    "grade_id_bound": (sab_grade_id_bound, False, "p_foreign_ids", "3, 5"),
    "header_limits": (sab_header_limits, False, "p_frames", "3"),
    "zygote_reset": (sab_zygote_reset, False, "z_workdir", "7"),
    "gradebook_clearing": (sab_gradebook_clearing, True, "k1_gradebook", "1a"),
    "failed_scores": (sab_failed_scores, True, "k3_replace_check (+ an injected grader error)", "4"),
    "autograded_write": (sab_autograded_write, True, "k2_print_reference", "1b"),
    "reference_in_process": (sab_reference_in_process, True, "k4_append_reference", "1d"),
}


class SideRunner:
    """Side runs in background threads, each in its own copy of the course, started as soon
    as what they copy exists (the main run goes on meanwhile)."""

    THREADS = 2

    def __init__(self, work: Path) -> None:
        self.work = work
        self.pool = concurrent.futures.ThreadPoolExecutor(max_workers=self.THREADS)
        self.futures: dict[str, concurrent.futures.Future[Side | list[Side]]] = {}
        self.state = threading.Condition()
        self.paused, self.active = False, 0

    @contextlib.contextmanager
    def quiet(self) -> Iterator[None]:
        """No side run while the main run's `autograder autograde` runs: with --timeout 2 the
        reference's own calls time out on a loaded machine (exit 3, nothing graded)."""
        with self.state:
            self.paused = True
            self.state.wait_for(lambda: self.active == 0)
        try:
            yield
        finally:
            with self.state:
                self.paused = False
                self.state.notify_all()

    def jobs(self, snapshot: bool) -> dict[str, Callable[[Paths, Path], Side | list[Side]]]:
        found = {name: fn for name, (fn, snap) in SIDES.items() if snap == snapshot}
        return found | {f"sabotage:{name}": fn for name, (fn, snap, _, _) in SABOTAGES.items() if snap == snapshot}

    def start(self, paths: Paths, snapshot: bool) -> None:
        for name, fn in self.jobs(snapshot).items():
            self.futures[name] = self.pool.submit(self._one, name, fn, paths)

    def _one(self, name: str, fn: Callable[[Paths, Path], Side | list[Side]], paths: Paths) -> Side | list[Side]:
        with self.state:
            self.state.wait_for(lambda: not self.paused)
            self.active += 1
        folder = self.work / re.sub(r"\W", "_", name)
        try:
            folder.mkdir(parents=True)
            return fn(paths, folder)
        except Exception as exc:  # noqa: BLE001 - reported by the test that reads it
            return Side(name, [f"the side run itself failed: {type(exc).__name__}: {exc}"], notes={"crashed": True})
        finally:
            with self.state:
                self.active -= 1
                self.state.notify_all()

    def results(self) -> dict[str, Side]:
        out: dict[str, Side] = {}
        for name, future in self.futures.items():
            found = future.result()
            for side in found if isinstance(found, list) else [found]:
                out[name if name.startswith("sabotage:") else side.name] = side
        self.pool.shutdown()
        return out


# --- the main run --------------------------------------------------------------------------

@dataclass
class CourseRun:
    root: Path
    paths: Paths
    sides: SideRunner
    kernels: Proc  # nbgrader autograde --force, with the override
    old_export: dict[str, dict[str, str]]  # nbgrader export right after it (the old workflow)
    old_feedback: dict[str, str]  # feedback HTML right after it, per kernel student
    old_reference: str  # reference/backprop/univariate.py right after it
    students_before: list[str]  # in the gradebook before `autograder autograde`
    state: dict[str, Any]  # gradebook_state after `autograder autograde`
    main: Proc  # autograder autograde
    feedback: Proc  # nbgrader generate_feedback --force
    export_proc: Proc
    export: dict[str, dict[str, str]]
    guard: Proc  # `nbgrader autograde --force` after everything, without the override
    guard_state: tuple[dict[str, Any], dict[str, Any]]  # the gradebook before and after it
    guard_files: tuple[dict[str, str], dict[str, str]]  # autograded/ before and after it
    out: dict[str, Outputs] = field(default_factory=dict)


def build_course_run(base: Path) -> CourseRun:
    root = base / "course"
    clock = time.monotonic()

    def lap(what: str) -> None:
        nonlocal clock
        TIMINGS[what] = TIMINGS.get(what, 0.0) + round(time.monotonic() - clock, 1)
        clock = time.monotonic()
        if os.environ.get("REDTEAM_TIMINGS"):
            print(f"course red team: {what}: {TIMINGS[what]} s", file=sys.stderr, flush=True)

    make_course(root)
    paths = Paths(copy_course(root, base / "template"))
    sides = SideRunner(base / "side")
    sides.start(paths, snapshot=False)
    c = cp.Course(root)
    lap("course")

    # Class 1: a handful of hostile notebooks, run by nbgrader autograde (override set).
    cp.plant(c, "kernel")
    kernels = nbgrader(root, "autograde", ASSIGNMENT, "--force", override=True)
    paths.kernel_snapshot = copy_course(root, base / "after-kernels")
    sides.start(paths, snapshot=True)
    lap("nbgrader autograde (kernels)")
    nbgrader(root, "generate_feedback", ASSIGNMENT, "--force")  # some fail: forged rows without notebooks
    nbgrader(root, "export")
    old_export = export_rows(root)
    old_feedback = {sid: "\n".join(_read_text(p) for p in (root / "feedback" / sid).rglob("*.html"))
                    for sid in (*KERNELS, "absent_k1")}
    old_reference = (root / "reference" / ASSIGNMENT / "univariate.py").read_text()
    lap("old workflow")

    # Everyone else, then the documented workflow.
    cp.plant(c, "main")
    before = gradebook_state(root)["students"]
    lap("plant")
    with sides.quiet():
        lap("waiting for side runs to pause")
        main = autograde(root, "--out", "out", "--workers", "2")
        if could_not_start(main):  # before any submission ran: nothing was written (see side_autograde)
            main = autograde(root, "--out", "out", "--workers", "2")
    lap("autograder autograde")
    state = gradebook_state(root)
    feedback = nbgrader(root, "generate_feedback", ASSIGNMENT, "--force")
    lap("generate_feedback")
    export_proc = nbgrader(root, "export")
    export = export_rows(root)
    lap("export")

    # `nbgrader autograde --force` again, without the override. nbgrader opens every submitted
    # notebook before the guard runs (side run guard_fifo): what would block or flood it goes.
    remove_special_files(root / "submitted")
    files_before = tree_digests(root / "autograded")
    guard = nbgrader(root, "autograde", ASSIGNMENT, "--force", memory_gib=3, timeout=300)
    guard_state = (state, gradebook_state(root))
    files_after = tree_digests(root / "autograded")
    lap("guard")
    run_ = CourseRun(root, paths, sides, kernels, old_export, old_feedback, old_reference, before, state, main,
                     feedback, export_proc, export, guard, guard_state, (files_before, files_after))
    for sid in [*cp.known_students(), "k1_ghost"]:
        run_.out[sid] = outputs(root, sid)
    lap("outputs read")
    return run_


@pytest.fixture(scope="module")
def course_run(tmp_path_factory: pytest.TempPathFactory) -> CourseRun:
    return build_course_run(tmp_path_factory.mktemp("course-redteam"))


@pytest.fixture(scope="module")
def side_runs(course_run: CourseRun) -> dict[str, Side]:
    return course_run.sides.results()


@pytest.fixture(scope="module")
def baseline(course_run: CourseRun) -> float:
    score = course_run.out[cp.BASELINE].score
    assert score is not None, f"the all-zeros baseline has no score: {course_run.main.tail()}"
    return score


@pytest.fixture(scope="module")
def fragments() -> list[str]:
    found = reference_fragments()
    assert len(found) > 40
    return found


# --- expectations ----------------------------------------------------------------------------

# What each graded attack's feedback must say (observed, and judged clear), in its
# out/<student>/feedback.txt or its gradebook comment (generate_feedback shows both).
# Printed control characters appear as escapes.
GRADED_AS_ZEROS = "`univariate_forward`: y_hat is wrong for n=1, k=1, m="  # the attack changed nothing
AS_FILE = ": submissions are read as regular files only"
MALFORMED = "your code's process sent the grader a malformed answer"
EXPECTED_FEEDBACK: dict[str, tuple[str, ...]] = {
    "CaseX": ("`univariate_forward` is not implemented yet",),
    "autograded": (GRADED_AS_ZEROS,),
    "c6_lookup": (GRADED_AS_ZEROS,),
    "f_device": ("backprop.ipynb is a device" + AS_FILE,),
    "f_dir": ("backprop.ipynb is a directory" + AS_FILE,),
    "f_empty": ("backprop.ipynb is not a valid notebook: it is not valid JSON",),
    "f_fifo": ("backprop.ipynb is a FIFO" + AS_FILE,),
    "f_missing": ("cannot read backprop.ipynb: No such file or directory",),
    "f_socket": ("cannot read backprop.ipynb",),
    "k1_gradebook": (GRADED_AS_ZEROS,),
    "k2_print_reference": (GRADED_AS_ZEROS,),
    "k3_replace_check": (MALFORMED,),
    "k4_append_reference": (GRADED_AS_ZEROS,),
    "l_assignment_file": ("submitted/l_assignment_file/backprop is not a directory: refused",),
    "l_dir_assignment": ("submitted/l_dir_assignment/backprop is a symbolic link: refused",),
    "l_dir_student": ("submitted/l_dir_student is a symbolic link: refused",),
    "l_hard": ("backprop.ipynb is a hard link (a second name of another file): submissions are read as files of "
               "their own only",),
    "l_peer": ("backprop.ipynb is a symbolic link" + AS_FILE,),
    "l_reference": ("backprop.ipynb is a symbolic link" + AS_FILE,),
    "l_solutions": ("backprop.ipynb is a symbolic link" + AS_FILE,),
    "n_nested": (GRADED_AS_ZEROS,),
    "o_markup": (r"ValueError: \x1b[2J\x1b[H\x1b]0;pwned\x07\r\x08\x00\x9b\x0c [red]RED[/red]",
                 r"  | \x1b[2J\x1b[H\x1b]0;pwned\x07", "<script>alert('redteam')</script>"),
    "p_100k_cells": (f"has {100_000 + len(cp.zeros()['cells'])} cells, more than the 1000 a notebook may have",),
    "p_17mb": ("bytes, more than the 16777216 a submission may have",),
    "p_2mb_line": ("cell 5 holds 2000005 characters, more than the 200000 a cell may hold",),
    "p_bad_ids": (GRADED_AS_ZEROS,),
    "p_big_answer": ("more than the 200000 a cell may hold",),
    "p_bignum": ("it is not valid JSON (a number in the notebook is too long)",),
    "p_cells_dict": ("is not a Jupyter notebook (it has no list of cells)",),
    "p_deep": ("it is not valid JSON (nested too deeply)",),
    "p_dup_test_id": ("(`univariate_forward`) is read-only, but its code was changed: the grader ignores it",),
    "p_foreign_ids": ("is not a submission of assignment 'backprop': it has none of the answer cells",),
    "p_frames": tuple(f"while `{fn}` ran, {MALFORMED}" for fn in (
        "univariate_forward", "multivariate_forward", "two_layer_linear_forward", "sigmoid_mlp_forward", "sigmoid")),
    "p_hidden_lines": ("cell 6 (`univariate_forward`) is read-only, but its code was changed",),
    "p_many_notes": ("more notes like these",),
    "p_not_utf8": ("cannot read backprop.ipynb: it is not UTF-8 text",),
    "p_outputs": (GRADED_AS_ZEROS,),
    "p_parens": ("cell 5 was not run: it is not valid Python", "SyntaxError: too many nested parentheses"),
    "p_source_dict": ("cell 5 is malformed (no cell type or no source text)",),
    "p_sum_line": ("cell 5 was not run: RecursionError",),
    "p_surrogate_src": (GRADED_AS_ZEROS,),
    "p_top_list": ("is not a Jupyter notebook (it has no list of cells)",),
    "p_wrong_types": (GRADED_AS_ZEROS,),
    "t_fifo": ("timestamp.txt ignored: timestamp.txt is a FIFO",),
    "t_garbage": ("timestamp.txt ignored: it does not hold a time",),
    "t_huge": ("timestamp.txt ignored: timestamp.txt is 5000000 bytes",),
    "t_link": ("timestamp.txt ignored: timestamp.txt is a symbolic link",),
    "t_overflow": ("timestamp.txt ignored: it does not hold a time",),
    "u@x.y+z": (GRADED_AS_ZEROS,),
    "s_vandal": ("REDTEAM-INFO: vandalised",),
    "z_tree": ("REDTEAM-INFO: scratch tree planted",),
    "z_workdir": ("REDTEAM-INFO: work directory locked",),
}

# What the terminal summary must show for each refused folder: its label, escaped and on
# one line, on the same line as the reason.
INVALID = "REFUSED: not a valid student id"
EXPECTED_REFUSAL: dict[str, tuple[str, str]] = {
    "i_space": ("│ a b ", INVALID),
    "i_newline": (r"│ x\ny ", INVALID),
    "i_escape": (r"│ \x1b[31mred\x1b[0m\x1b]0;pwned\x07 ", INVALID),
    "i_bytes": (r"│ \udcff\udcfe\udc80bytes ", INVALID),
    "i_long": ("│ " + "a" * 65, INVALID),
    "i_dash": ("│ -rf ", INVALID),
    "i_formula": ('│ =HYPERLINK("evil") ', INVALID),
    "i_markup": ("│ [blink]x[link=http:evil]y ", INVALID),
    "i_unicode": ("│ \u00e9tudiant ", INVALID),
    "i_rtl": (r"│ ab\u202egnp.exe ", INVALID),
    "u_unknown": ("│ u_unknown ", "REFUSED: not a student of this course in the gradebook"),
}

# Attacks that win against the engine as it is: test key -> how (none today; side:release_tamper
# and side:broken_reference were listed here until the grader used its installed release and
# zeroed the submissions it could not start grading).
HOLES: dict[str, str] = {}


def _params(keys: list[str], prefix: str) -> list[Any]:
    def marks(key: str) -> list[Any]:
        reason = HOLES.get(prefix + key)
        return [pytest.mark.xfail(strict=True, reason=f"HOLE: {reason}")] if reason else []
    return [pytest.param(k, marks=marks(k), id=re.sub(r"[^\w.@+-]", "_", k)) for k in keys]


# --- the run as a whole --------------------------------------------------------------------------

def test_the_kernels_ran_and_the_old_workflow_lets_class_1_win(course_run: CourseRun) -> None:
    """Sabotage "old workflow": `nbgrader autograde` (override set) and no `autograder
    autograde` after it: every class-1 attack wins. This also shows each kernel payload ran."""
    assert course_run.kernels.returncode == 0, course_run.kernels.tail()
    old = course_run.old_export
    assert float(old["k1_gradebook"]["score"]) > FULL, old.get("k1_gradebook")  # manual scores + extra credit
    assert float(old["absent_k1"]["score"]) > FULL and float(old["k1_ghost"]["score"]) > FULL
    assert float(old["k3_replace_check"]["score"]) == FULL  # its replaced check
    assert CANARY in course_run.old_feedback["k2_print_reference"]  # the reference, shipped as feedback
    assert CANARY in course_run.old_feedback["absent_k1"]
    assert "REDTEAM-APPENDED by k4_append_reference" in course_run.old_reference


def test_the_run_exits_as_documented(course_run: CourseRun) -> None:
    """0 when every submission was graded (some folders refused), 3 only if the grader
    reported its own failure on a submission (each such failure is an attack's violation)."""
    failed = sorted(sid for sid, o in course_run.out.items() if o.grader_error)
    assert course_run.main.returncode == (3 if failed else 0), course_run.main.tail()
    assert "Traceback" not in course_run.main.stderr, course_run.main.tail()
    assert "refused (see the table)" in course_run.main.stderr


def test_no_stall(course_run: CourseRun) -> None:
    assert course_run.main.seconds < MAX_RUN_SECONDS, course_run.main.tail()


def test_honest_students_keep_full_marks(course_run: CourseRun) -> None:
    """Every honest student, graded among the attackers with --timeout 2, in every output:
    results.json, the gradebook, grades.csv."""
    low = {}
    for sid in cp.honest_students():
        scores = (course_run.out[sid].score, course_run.state["rows"].get(sid, {}).get("score"),
                  float(course_run.export.get(sid, {}).get("score", "nan")))
        if scores != (FULL, FULL, FULL):
            low[sid] = scores
    assert low == {}, course_run.main.tail()


def test_exported_grades_equal_the_sandboxes(course_run: CourseRun) -> None:
    """grades.csv (nbgrader export) holds, for every graded student, the score of its
    out/<student>/results.json (0 after a grader error, which has no score)."""
    differ = {}
    for sid in cp.known_students():
        o = course_run.out[sid]
        if o.results is not None:
            expected = 0.0 if o.grader_error else o.score
            got = float(course_run.export.get(sid, {}).get("score", "nan"))
            if got != expected:
                differ[sid] = (expected, got)
    assert differ == {}


def test_no_student_is_created_or_renamed(course_run: CourseRun) -> None:
    """The gradebook's students are the same before and after `autograder autograde`
    (nested folders, links, invalid ids and unknown students create nobody)."""
    assert course_run.state["students"] == course_run.students_before
    assert {sid for sid, o in course_run.out.items() if o.results} <= set(cp.known_students())
    assert "absent_n" not in course_run.state["rows"]


def test_every_output_folder_belongs_to_a_graded_student(course_run: CourseRun) -> None:
    expected = {out_dir_for(course_run.root / "out", sid).name for sid, o in course_run.out.items() if o.results}
    assert {p.name for p in (course_run.root / "out").iterdir()} == expected


def test_terminal_output_is_escaped(course_run: CourseRun) -> None:
    """No raw control character (escape sequences, carriage returns, C1 controls) in what
    the CLI printed."""
    bad = sorted({repr(m.group()) for m in RAW_CONTROL.finditer(course_run.main.stderr)})
    assert bad == [], course_run.main.stderr[-3000:]


def test_grades_csv_has_no_formula(course_run: CourseRun) -> None:
    with open(course_run.root / "grades.csv", newline="") as f:
        assert [c for row in csv.reader(f) for c in row if c.startswith(FORMULA)] == []


def test_generate_feedback_and_export_work_for_everyone(course_run: CourseRun) -> None:
    """`nbgrader generate_feedback` and `nbgrader export` succeed, and every graded student
    gets a feedback file."""
    assert course_run.export_proc.returncode == 0, course_run.export_proc.tail()
    missing = [sid for sid in cp.known_students() if course_run.out[sid].results
               and not (course_run.root / "feedback" / sid / ASSIGNMENT / "backprop.html").is_file()]
    assert (course_run.feedback.returncode, missing) == (0, []), course_run.feedback.stdout[-2000:]


def test_nbgrader_autograde_after_the_grader_is_refused_and_changes_nothing(course_run: CourseRun) -> None:
    """`nbgrader autograde --force` run again after the sandboxed grader (without the
    override): refused before any kernel runs; the gradebook and autograded/ unchanged."""
    guard = course_run.guard
    assert guard.returncode != 0 and not guard.timed_out, guard.tail()
    assert "this course is graded by `autograder autograde backprop`" in guard.stdout + guard.stderr
    (before, after), (state, state_after) = course_run.guard_files, course_run.guard_state
    rows, rows_after = state["rows"], state_after["rows"]
    problems = [f"{len(set(before) - set(after))} autograded files removed, e.g. {sorted(set(before) - set(after))[:3]}",
                f"{len(set(after) - set(before))} autograded files added",
                f"{len([k for k in before if k in after and before[k] != after[k]])} autograded files changed",
                f"students created: {sorted(set(state_after['students']) - set(state['students']))}",
                f"gradebook rows changed: {sorted(k for k in rows.keys() | rows_after.keys() if rows.get(k) != rows_after.get(k))}"]
    assert [p for p in problems if not re.match(r"(0 |.*: \[\]$)", p)] == []


# --- per attack ---------------------------------------------------------------------------------

@pytest.mark.parametrize("sid", _params(GRADED, "contained:"))
def test_attack_is_contained(sid: str, course_run: CourseRun, baseline: float) -> None:
    """Scored no more than the all-zeros baseline (the honest halves of identity pairs: 29),
    the same in every output (results.json, result.json, feedback.txt, the gradebook,
    grades.csv), never a grader error."""
    o = course_run.out[sid]
    assert o.results is not None, f"no result for {sid}: {course_run.main.tail()}"
    assert o.grader_error == "", f"the grader reported its own failure on {sid}: {o.grader_error[:500]}"
    points = sum(v["points"] for e in o.record["exercises"] for v in e["verdicts"])
    header = re.match(r"== .*: ([\d.]+)/[\d.]+ points ==", o.feedback_txt)
    scores = {"results.json": o.score, "result.json": float(points),
              "feedback.txt": float(header.group(1)) if header else None,
              "gradebook": course_run.state["rows"].get(sid, {}).get("score"),
              "grades.csv": float(course_run.export.get(sid, {}).get("score", "nan"))}
    assert len(set(scores.values())) == 1, scores
    if sid in cp.honest_students():
        assert o.score == FULL
    else:
        assert o.score <= baseline, f"{sid} scored {o.score}, above the all-zeros baseline {baseline}"


@pytest.mark.parametrize("sid", _params(sorted(EXPECTED_FEEDBACK), "feedback:"))
def test_feedback_says_what_happened(sid: str, course_run: CourseRun) -> None:
    comments = [auto for _, auto, _ in course_run.state["rows"].get(sid, {}).get("comments", [])]
    text = "\n".join([course_run.out[sid].feedback_txt, *comments])
    missing = [m for m in EXPECTED_FEEDBACK[sid] if m not in text]
    assert not missing, f"{sid}'s feedback lacks {missing}:\n{text[:4000]}"


@pytest.mark.parametrize("sid", _params(REFUSED, "refused:"))
def test_refused_folder_is_nobodys(sid: str, course_run: CourseRun) -> None:
    """Not graded, not created, no output folder; listed (escaped, on one line) with the
    reason in the terminal summary."""
    name = os.fsdecode(cp.REFUSED_FOLDERS[sid])
    assert name not in course_run.state["students"] and name not in course_run.state["rows"]
    assert not out_dir_for(course_run.root / "out", name).exists()
    if sid in EXPECTED_REFUSAL:
        label, reason = EXPECTED_REFUSAL[sid]
        lines = [line for line in course_run.main.stderr.splitlines() if label in line and reason in line]
        assert lines, f"no summary line shows {label!r} with {reason!r}:\n{course_run.main.stderr[-5000:]}"


@pytest.mark.parametrize("sid", _params([*cp.known_students(), "k1_ghost"], "leak:"))
def test_no_reference_text_reaches_the_student(sid: str, course_run: CourseRun, fragments: list[str]) -> None:
    """No feedback file and no autograded notebook of this student holds reference text
    (statements of reference/ beyond what the student's own notebook and the release
    hold), the canary planted in the course's reference, or the course secret."""
    root = course_run.root
    allowed = own_text(root, sid) + release_text(root)
    found = {}
    for folder in ("feedback", "autograded"):
        top = root / folder / sid
        for path in sorted(p for p in top.rglob("*") if p.is_file()) if top.is_dir() else []:
            text = _read_text(path)
            shown = html_text(text) if path.suffix == ".html" else notebook_text(text)
            hits = leaks(shown, allowed, fragments)
            if hits:
                found[str(path.relative_to(root))] = hits[:5]
    assert found == {}


@pytest.mark.parametrize("sid", _params(cp.known_students(), "files:"))
def test_output_files_are_well_formed_and_capped(sid: str, course_run: CourseRun) -> None:
    """out/<sid>/*: no raw control characters, results.json valid JSON whose strings hold
    none either, each under 100 KB; the autograded notebook: valid nbformat v4, writable as
    UTF-8, no output but the sandbox's feedback under each test cell, capped; the feedback
    HTML capped, with no live script from the student; gradebook comments capped."""
    import nbformat

    o, problems = course_run.out[sid], []
    if o.results is None and sid not in cp.ABSENT:
        problems.append("no results.json")
    for name, size in o.sizes.items():
        cap = MAX_AUTOGRADED_BYTES if name == "autograded" else MAX_FEEDBACK_BYTES if name.startswith("feedback/") \
            else MAX_RESULT_BYTES
        if size > cap:
            problems.append(f"{name} is {size} bytes (cap {cap})")
    for name, text in o.raw.items():
        if RAW_CONTROL.search(text):
            problems.append(f"{name} holds raw control characters")
    if o.results is not None and RAW_CONTROL.search(json.dumps(o.results, ensure_ascii=False)):
        problems.append("results.json's strings hold control characters")
    if o.autograded:
        try:
            nb = json.loads(o.autograded)
            json.dumps(nb, ensure_ascii=False).encode("utf-8")
            nbformat.validate(nbformat.from_dict(nb))
            assert nb["nbformat"] == 4
            for cell in nb["cells"]:
                outs = cell.get("outputs", [])
                grade = cell.get("metadata", {}).get("nbgrader", {}).get("grade")
                if outs and not (grade and len(outs) == 1 and "".join(outs[0]["text"]).startswith("autograder:")):
                    problems.append(f"autograded cell {cell.get('id')} has outputs that are not the grader's")
        except (UnicodeError, ValueError, KeyError, AssertionError, nbformat.ValidationError) as exc:
            problems.append(f"autograded notebook invalid: {type(exc).__name__}: {str(exc)[:300]}")
    problems += [f"feedback HTML holds {live!r}" for live in live_markup(o.feedback_html)]
    for name, auto, manual in course_run.state["rows"].get(sid, {}).get("comments", []):
        if len(auto) + len(manual) > MAX_COMMENT_CHARS:
            problems.append(f"comment on {name} holds {len(auto) + len(manual)} characters")
        if RAW_CONTROL.search(auto):
            problems.append(f"comment on {name} holds raw control characters")
    assert problems == []


def test_autograde_clears_what_the_kernels_forged(course_run: CourseRun) -> None:
    """Class 1a/1c after the documented workflow: manual scores and extra credit cleared for
    every graded student (the forged ones included); the victim keeps 29."""
    forged = {sid: [f for f in row["fields"] if f[2] is not None or f[3] is not None]
              for sid, row in course_run.state["rows"].items() if course_run.out.get(sid) and course_run.out[sid].results}
    assert {k: v for k, v in forged.items() if v} == {}
    assert float(course_run.export[cp.VICTIM]["score"]) == FULL


@pytest.mark.parametrize("sid", _params(["absent_k1", "k1_ghost"], "ghost:"))
def test_no_forged_grade_survives_for_students_nobody_graded(sid: str, course_run: CourseRun) -> None:
    """Class 1a: the kernel forged a full submission for a classmate who never submitted
    (absent_k1) and for a student it created (k1_ghost). After the documented workflow no
    such grade is exported."""
    row = course_run.export.get(sid)
    assert row is None or float(row["score"]) == 0.0, row


# --- side runs ------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", _params(SIDE_NAMES, "side:"))
def test_side_run_is_contained(name: str, side_runs: dict[str, Side]) -> None:
    side = side_runs.get(name) or Side(name, ["no such side run"], notes={"crashed": True})
    assert not side.notes.get("crashed"), side.explain()
    assert side.won == [], side.explain()


@pytest.mark.parametrize("name", sorted(SABOTAGES))
def test_without_the_defence_the_attack_wins(name: str, side_runs: dict[str, Side]) -> None:
    """The suite fails if a defence is removed: with ONE defence removed the attack wins
    (the tests above show it does not win with the defence)."""
    side = side_runs[f"sabotage:{name}"]
    assert not side.notes.get("crashed"), side.explain()
    assert side.won, f"the attack did not win without {name}: {side.explain()}"


def test_every_attack_says_what_it_does_and_what_to_expect() -> None:
    for path in sorted(ATTACKS_DIR.glob("*.py")):
        if path.name not in ("course_plant.py", "sabotage_patches.py"):
            doc = path.read_text().split('"""')[1]
            assert "Expected" in doc or path.stem == "zeros", path.name
    assert all("Expected" in a.doc for a in cp.ATTACKS.values())
    named = [fn for fn, _ in SIDES.values()] + [fn for fn, _, _, _ in SABOTAGES.values()]
    assert all(fn.__doc__ for fn in named if fn.__name__ != "<lambda>")
