"""Grading many submissions: discovery, parallel workers, results persisted as they finish.

Oracles are computed once before any submission is graded and are read-only afterwards,
so worker threads share them; each submission's code runs in its own child process (the
sandbox), so threads here only wait on pipes and compare arrays.
"""
from __future__ import annotations

import contextlib
import hashlib
import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path
from typing import Callable, ContextManager, Iterator

from autograder import __version__, report_text, results_io
from autograder.checks import grade
from autograder.expected import GraderError, Oracles
from autograder.files import FileRefused, read_regular, write_atomic
from autograder.ipynb import MAX_BYTES as MAX_NOTEBOOK_BYTES
from autograder.ipynb import ReleaseError, default_release_dir
from autograder.layout import Job
from autograder.report_gradescope import write_gradescope
from autograder.student import InProcessStudent, Student, UnloadableStudent
from autograder.submission import Submission, SubmissionError, load
from autograder.text import escape
from autograder.spec import Assignment
from autograder.verdicts import SubmissionResult

OpenStudent = Callable[[Submission], ContextManager[Student]]


def release_digest(release_dir: Path | None = None) -> bytes:
    """The released notebooks that notebook submissions are read against."""
    release, digest = release_dir or default_release_dir(), hashlib.sha256()
    for notebook in sorted(release.glob("*/*.ipynb")) if release else []:
        with contextlib.suppress(FileRefused):  # a FIFO there must not stall the batch
            digest.update(read_regular(notebook, MAX_NOTEBOOK_BYTES))
    return digest.digest()


def fingerprint(path: Path, release: bytes, secret_digest: str = "") -> str:
    """What a result depends on besides the grader: the file, the released notebooks it is
    read against and the course's graded inputs: --resume regrades when any changes."""
    digest = hashlib.sha256(f"{__version__}/{secret_digest}".encode())
    try:
        digest.update(read_regular(path, MAX_NOTEBOOK_BYTES))
    except FileRefused as exc:
        digest.update(str(exc).encode())
    if path.suffix == ".ipynb":
        digest.update(release)
    return digest.hexdigest()


def out_dir_for(out: Path, label: str) -> Path:
    """A directory name of its own for every label (names that had to be changed get a
    digest of the label, so that two labels never share a directory)."""
    safe = re.sub(r"[^A-Za-z0-9._#-]+", "__", label)[:80].lstrip(".") or "_"
    if safe != label:
        safe += "." + hashlib.sha256(label.encode("utf-8", "backslashreplace")).hexdigest()[:8]
    return out / safe


@contextlib.contextmanager
def in_process(submission: Submission) -> Iterator[Student]:
    yield InProcessStudent(list(submission.chunks))


def _load(job: Job, release_dir: Path | None, assignment: Assignment) -> Submission:
    if job.problem is not None:
        raise SubmissionError(job.problem)
    return load(job.path, release_dir, job.assignment or assignment.name)


def grade_job(job: Job, oracles: Oracles, open_student: OpenStudent, assignment: Assignment,
              exercises: list[str] | None, protection: str, release_dir: Path | None = None) -> SubmissionResult:
    try:
        submission = _load(job, release_dir, assignment)
    except SubmissionError as exc:
        result = grade(UnloadableStudent(str(exc)), oracles, job.label, assignment, exercises)
        result.protection = protection
        return result
    except ReleaseError as exc:  # e.g. no released notebook to read a notebook against
        return SubmissionResult(job.label, [], protection=protection, grader_error=str(exc))
    try:
        with open_student(submission) as student:
            result = grade(student, oracles, job.label, assignment, exercises)
    except GraderError as exc:
        return SubmissionResult(job.label, [], protection=protection, grader_error=str(exc))
    except Exception as exc:  # noqa: BLE001 - a grader bug must not lose the batch or blame the student
        return SubmissionResult(job.label, [], protection=protection,
                                grader_error=escape(f"{type(exc).__name__}: {exc}", 1000))
    result.protection = protection
    result.notes += list(submission.notes)
    return result


def persist(result: SubmissionResult, out: Path, fp: str, seconds: float | None = None) -> None:
    directory = out_dir_for(out, result.submission)
    write_gradescope(result, directory / "results.json", seconds)
    write_atomic(directory / "feedback.txt", report_text.render(result) + "\n")
    results_io.save(result, directory, fp)  # last: its presence means the others are complete


def run_batch(
    jobs: list[Job],
    oracles: Oracles,
    open_student: OpenStudent,
    assignment: Assignment,
    *,
    workers: int,
    protection: str,
    exercises: list[str] | None = None,
    out: Path | None = None,
    resume: bool = False,
    release_dir: Path | None = None,
    on_result: Callable[[Job, SubmissionResult, bool], None] = lambda job, result, reused: None,
) -> list[SubmissionResult]:
    """Grades every job; returns results in job order. on_result(job, result, reused) reports progress."""
    results: dict[int, SubmissionResult] = {}
    todo: list[tuple[int, Job, str]] = []
    release = release_digest(release_dir)
    for i, job in enumerate(jobs):
        fp = fingerprint(job.path, release, oracles.secret_digest)
        previous = results_io.load_if_current(out_dir_for(out, job.label), fp) if (out and resume) else None
        if previous is not None:
            results[i] = previous
            on_result(job, previous, True)
        else:
            todo.append((i, job, fp))

    stopping = threading.Event()

    def work(job: Job, fp: str) -> SubmissionResult:
        start = time.perf_counter()
        result = grade_job(job, oracles, open_student, assignment, exercises, protection, release_dir)
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
