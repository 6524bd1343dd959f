"""Sabotage for the course red team: remove ONE defence of `autograder autograde` in the
process that runs it (monkeypatching; the engine's files are never edited), to show that
the red team's checks fire when that defence is gone. Used as

    python -c "import sys; sys.path.insert(0, DIR); import sabotage_patches as s; s.apply('NAME', ...);
               from autograder.cli import main; raise SystemExit(main())" autograde backprop ...

Each patch replaces one function (every module's by-name import of it too). Besides the
sabotages there are two instruments that remove nothing: `inject_grader_error=<student>`
(the grader fails on that student, as a grader bug would) and `count_sandboxes` (prints how
many sandboxes were started, to see whether a zygote survived).
"""
from __future__ import annotations

import atexit
import importlib
import json
import sys
from pathlib import Path

MODULES = ("text", "files", "layout", "ipynb", "submission", "batch", "gradebook", "autograded", "cli", "autograde",
           "protocol", "sandbox", "values", "student", "report_text", "report_gradescope", "checks", "expected",
           "secret", "reference")


def _load() -> None:
    for name in MODULES:
        importlib.import_module(f"autograder.{name}")


def _replace(name: str, original: object, new: object) -> None:
    """Every autograder module's binding of `original` (from-imports included) -> `new`."""
    hits = 0
    for module in list(sys.modules.values()):
        if getattr(module, "__name__", "").startswith("autograder") and getattr(module, name, None) is original:
            setattr(module, name, new)
            hits += 1
    assert hits, f"sabotage: nothing bound to {name}"


def discovery() -> None:
    """layout.course_submissions -> every submitted/**/backprop/backprop.ipynb, the student
    being the folder under the last "submitted" of its path (nested folders count)."""
    from autograder import layout

    def course_submissions(submitted: Path, assignment: str, notebook: str):
        jobs = []
        for path in sorted(submitted.rglob(notebook)):
            parts = ("submitted", *path.relative_to(submitted).parts)
            if len(parts) < 4 or parts[-2] != assignment:
                continue
            last = max(i for i, part in enumerate(parts[:-2]) if part == "submitted")
            student = parts[last + 1]
            jobs.append(layout.Job(path, student, student, None, assignment))
        return jobs, []

    _replace("course_submissions", layout.course_submissions, course_submissions)


def student_id() -> None:
    """layout.valid_student_id -> always True."""
    from autograder import layout

    _replace("valid_student_id", layout.valid_student_id, lambda name: True)


def read_regular() -> None:
    """files.read_regular -> a plain open() (follows links, no size cap)."""
    from autograder import files

    def plain(path: Path, cap: int) -> bytes:
        with open(path, "rb") as f:
            return f.read()

    _replace("read_regular", files.read_regular, plain)


def gradebook_clearing() -> None:
    """gradebook._score_cell keeps manual scores and extra credit (as with --keep-manual-scores)."""
    from autograder import gradebook

    original = gradebook._score_cell

    def _score_cell(grade, verdicts, max_score, failed, clear):
        original(grade, verdicts, max_score, failed, False)

    _replace("_score_cell", original, _score_cell)


def failed_scores() -> None:
    """gradebook._score_cell leaves a cell as it was when the grader failed on the submission."""
    from autograder import gradebook

    original = gradebook._score_cell

    def _score_cell(grade, verdicts, max_score, failed, clear):
        if not failed:
            original(grade, verdicts, max_score, failed, clear)

    _replace("_score_cell", original, _score_cell)


def secret() -> None:
    """cli.secret_for -> None: the graded inputs are the notebook's public ones."""
    from autograder import cli

    _replace("secret_for", cli.secret_for, lambda args, course_dir: None)


def autograded_build() -> None:
    """autograded.build -> the student's own notebook, outputs and metadata included."""
    from autograder import autograded, ipynb

    seen: list[Path] = []
    load_cells = ipynb.load_cells

    def remembering(path: Path):
        seen.append(path)
        return load_cells(path)

    def build(release, cells, result):
        if cells is None or not seen:
            return json.loads(json.dumps(release.notebook))
        return json.loads(seen[-1].read_text(encoding="utf-8"))

    ipynb.load_cells = remembering
    _replace("build", autograded.build, build)


def autograded_write() -> None:
    """autograded.write -> leaves autograded/<student>/<assignment>/ as it was (whatever an
    earlier `nbgrader autograde` wrote there stays)."""
    from autograder import autograded

    def write(root: Path, student: str, assignment: str, name: str, notebook):
        return root / student / assignment / name

    _replace("write", autograded.write, write)


def escape() -> None:
    """text.escape -> the text as it is: no escaping, no cap."""
    from autograder import text

    _replace("escape", text.escape, lambda value, cap=0: value)


def written_answer() -> None:
    """text.written_answer -> the student's markdown as it is (raw HTML, javascript: links)."""
    from autograder import text

    _replace("written_answer", text.written_answer, lambda markdown: markdown)


def grade_id_bound() -> None:
    """ipynb._grade_id -> any string a cell's metadata holds (no length or character limit)."""
    from autograder import ipynb

    def _grade_id(nbgrader):
        value = nbgrader.get("grade_id")
        return value if isinstance(value, str) else None

    _replace("_grade_id", ipynb._grade_id, _grade_id)


def header_limits() -> None:
    """protocol.parse_header -> json.loads with no limit on nesting or numbers."""
    from autograder import protocol

    def parse_header(data: bytes):
        header = json.loads(data.decode("utf-8"))
        if not isinstance(header, dict):
            raise protocol.ProtocolError("frame header is not an object")
        return header

    _replace("parse_header", protocol.parse_header, parse_header)


def reference_in_process() -> None:
    """cli._reference -> the course's reference loaded in the grader's own process."""
    from autograder import cli

    original = cli._reference
    _replace("_reference", original, lambda pool, modules, assignment, stack: original(None, modules, assignment, stack))


_NAIVE_RESET = """
import os as _os
import autograder.worker as _w

def _no_wipe(scope, patience=10.0):
    return True

def _reuse_work(scope):
    if not _os.path.isdir(scope.work):
        _os.mkdir(scope.work, 0o700)
        if scope.drop_to is not None:
            _os.chown(scope.work, scope.drop_to, scope.drop_to)

_w.reset_scratch, _w._prepare_work = _no_wipe, _reuse_work
"""


def zygote_reset() -> None:
    """The zygote's clean-up between two children (worker.reset_scratch, and the fresh work
    directory of worker._prepare_work that relies on it) -> nothing is wiped, the next child
    gets the work directory the last one left."""
    from autograder import sandbox

    sandbox.BOOT = "import sys; sys.path.insert(0, {path!r}); exec(" + repr(_NAIVE_RESET) + \
                   "); from autograder.worker import main; main()"


def inject_grader_error(student: str) -> None:
    """Instrument: the grader fails on `student` (as a bug in the grader would)."""
    from autograder import batch
    from autograder.verdicts import SubmissionResult

    original = batch.grade_job

    def grade_job(job, oracles, open_student, assignment, exercises, protection, release_dir=None):
        if job.student == student:
            return SubmissionResult(job.label, [], protection=protection, grader_error="injected grader failure")
        return original(job, oracles, open_student, assignment, exercises, protection, release_dir)

    _replace("grade_job", original, grade_job)


def count_sandboxes() -> None:
    """Instrument: prints REDTEAM-SANDBOXES <started> at exit."""
    from autograder import sandbox

    started = [0]
    original = sandbox.Sandbox.__init__

    def __init__(self, *args, **kwargs):
        started[0] += 1
        original(self, *args, **kwargs)

    sandbox.Sandbox.__init__ = __init__
    atexit.register(lambda: print(f"REDTEAM-SANDBOXES {started[0]}", file=sys.stderr))


SABOTAGES = {name: globals()[name] for name in (
    "discovery", "student_id", "read_regular", "gradebook_clearing", "failed_scores", "secret", "autograded_build",
    "autograded_write", "escape", "written_answer", "grade_id_bound", "header_limits", "reference_in_process", "zygote_reset")}
INSTRUMENTS = {"inject_grader_error": inject_grader_error, "count_sandboxes": count_sandboxes}


def apply(*names: str) -> None:
    """Apply sabotages and instruments by name ("inject_grader_error=<student>")."""
    _load()
    for spec in names:
        name, _, arg = spec.partition("=")
        if name in SABOTAGES:
            SABOTAGES[name]()
        else:
            INSTRUMENTS[name](*([arg] if arg else []))
