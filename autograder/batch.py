"""Grading many submissions: discovery, parallel workers, results persisted as they finish.

Oracles are computed once before any submission is graded and are read-only afterwards,
so worker threads share them; each submission's code runs in its own child process (the
sandbox), so threads here only wait on pipes and compare arrays.
"""
from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, ContextManager, Iterator

from autograder import __version__, report_text, results_io
from autograder.checks import grade
from autograder.expected import GraderError, Oracles
from autograder.files import write_atomic
from autograder.report_gradescope import write_gradescope
from autograder.student import InProcessStudent, Student, UnloadableStudent
from autograder.submission import SUFFIXES, Submission, SubmissionError, load, nbgrader_folder, nbgrader_student
from autograder.verdicts import SubmissionResult

OpenStudent = Callable[[Submission], ContextManager[Student]]


@dataclass(frozen=True)
class Job:
    path: Path
    label: str  # student id in nbgrader's layout, else the path relative to what was given


def _label(path: Path, root: Path | None) -> str:
    student = nbgrader_student(path)  # submitted/<student>/<assignment>/<notebook>
    if student is not None:
        return student
    if root is None:
        return path.name
    return path.relative_to(root).as_posix()


def _without_helpers(files: list[Path]) -> list[Path]:
    """In nbgrader's layout a folder that holds notebooks submits those: .py files beside
    them are the student's helper modules, not submissions of their own."""
    with_notebooks = {nbgrader_folder(f) for f in files if f.suffix == ".ipynb"} - {None}
    return [f for f in files if f.suffix != ".py" or nbgrader_folder(f) not in with_notebooks]


def discover(paths: list[Path]) -> list[Job]:
    jobs: list[Job] = []
    for p in paths:
        if p.is_dir():
            files = sorted(f for f in p.rglob("*") if f.suffix in SUFFIXES and f.is_file()
                           and not any(part.startswith(".") for part in f.relative_to(p).parts))
            jobs += [Job(f, _label(f, p)) for f in _without_helpers(files)]
        else:
            jobs.append(Job(p, _label(p, None)))
    return _unique(jobs)


def _unique(jobs: list[Job]) -> list[Job]:
    """Two notebooks of one student (or same names in different folders) keep distinct labels."""
    seen: dict[str, int] = {}
    out = []
    for job in jobs:
        n = seen.get(job.label, 0)
        seen[job.label] = n + 1
        out.append(job if n == 0 else Job(job.path, f"{job.label}#{n + 1}"))
    return out


def release_digest() -> bytes:
    """The released notebooks that notebook submissions are read against."""
    from autograder.ipynb import default_release_dir

    release, digest = default_release_dir(), hashlib.sha256()
    for notebook in sorted(release.glob("*/*.ipynb")) if release else []:
        with contextlib.suppress(OSError):
            digest.update(notebook.read_bytes())
    return digest.digest()


def fingerprint(path: Path, release: bytes | None = None) -> str:
    """What a result depends on besides the grader: the file, and for a notebook the
    released notebooks (`release_digest()`, read once per batch) it is read against:
    --resume regrades when either changes."""
    digest = hashlib.sha256(__version__.encode())
    with contextlib.suppress(OSError):
        digest.update(path.read_bytes())
    if path.suffix == ".ipynb":
        digest.update(release_digest() if release is None else release)
    return digest.hexdigest()


def out_dir_for(out: Path, label: str) -> Path:
    return out / re.sub(r"[^A-Za-z0-9._#-]+", "__", label)


@contextlib.contextmanager
def in_process(submission: Submission) -> Iterator[Student]:
    yield InProcessStudent(submission.source, str(submission.path))


def _in_student_terms(result: SubmissionResult, submission: Submission) -> SubmissionResult:
    """Notebook line numbers as the student sees them, plus how the notebook was read."""
    for ex in result.exercises:
        ex.verdicts = [dataclasses.replace(v, message=submission.locate(v.message)) for v in ex.verdicts]
    result.student_output = submission.locate(result.student_output)  # a cell's own error report
    result.notes += list(submission.notes)
    return result


def grade_job(job: Job, oracles: Oracles, open_student: OpenStudent, exercises: list[str] | None,
              protection: str) -> SubmissionResult:
    try:
        submission = load(job.path)
    except SubmissionError as exc:
        result = grade(UnloadableStudent(str(exc)), oracles, job.label, exercises)
        result.protection = protection
        return result
    except GraderError as exc:  # e.g. no released notebook to read a notebook against
        return SubmissionResult(job.label, [], protection=protection, grader_error=str(exc))
    try:
        with open_student(submission) as student:
            result = grade(student, oracles, job.label, exercises)
    except GraderError as exc:
        return SubmissionResult(job.label, [], protection=protection, grader_error=str(exc))
    except Exception as exc:  # noqa: BLE001 - a grader bug must not lose the batch or blame the student
        return SubmissionResult(job.label, [], protection=protection, grader_error=f"{type(exc).__name__}: {exc}")
    result.protection = protection
    return _in_student_terms(result, submission)


def persist(result: SubmissionResult, out: Path, fp: str, seconds: float | None = None) -> None:
    directory = out_dir_for(out, result.submission)
    write_gradescope(result, directory / "results.json", seconds)
    write_atomic(directory / "feedback.txt", report_text.render(result) + "\n")
    results_io.save(result, directory, fp)  # last: its presence means the others are complete


def run_batch(
    jobs: list[Job],
    oracles: Oracles,
    open_student: OpenStudent,
    *,
    workers: int,
    protection: str,
    exercises: list[str] | None = None,
    out: Path | None = None,
    resume: bool = False,
    on_result: Callable[[Job, SubmissionResult, bool], None] = lambda job, result, reused: None,
) -> list[SubmissionResult]:
    """Grades every job; returns results in job order. on_result(job, result, reused) reports progress."""
    results: dict[int, SubmissionResult] = {}
    todo: list[tuple[int, Job, str]] = []
    release = release_digest()
    for i, job in enumerate(jobs):
        fp = fingerprint(job.path, release)
        previous = results_io.load_if_current(out_dir_for(out, job.label), fp) if (out and resume) else None
        if previous is not None:
            results[i] = previous
            on_result(job, previous, True)
        else:
            todo.append((i, job, fp))

    stopping = threading.Event()

    def work(job: Job, fp: str) -> SubmissionResult:
        start = time.perf_counter()
        result = grade_job(job, oracles, open_student, exercises, protection)
        # After an interrupt the sandboxes are torn down under the submissions still running:
        # what they report then is not their grade, and --resume must not take it as one.
        if out is not None and not stopping.is_set():
            persist(result, out, fp, time.perf_counter() - start)
        return result

    pool = ThreadPoolExecutor(max_workers=max(1, workers))
    try:
        futures = {pool.submit(work, job, fp): (i, job) for i, job, fp in todo}
        for future in as_completed(futures):
            i, job = futures[future]
            results[i] = future.result()
            on_result(job, results[i], False)
    except BaseException:  # KeyboardInterrupt: stop now, keep what is persisted
        stopping.set()
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown()
    return [results[i] for i in range(len(jobs))]
