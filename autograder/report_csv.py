"""CSV: one row per submission with per-exercise scores (for spreadsheets and LMS uploads)."""
from __future__ import annotations

import csv
import io
from pathlib import Path

from autograder.files import write_atomic
from autograder.text import NOTE_CAP, csv_cell, escape, label
from autograder.verdicts import SubmissionResult


def to_csv(results: list[SubmissionResult]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf)
    exercises = list(dict.fromkeys(e.exercise for r in results for e in r.exercises))
    writer.writerow(["submission", "score", "max_score", *exercises, "protection", "grader_error"])
    for r in results:
        per = {e.exercise: f"{e.score:g}" for e in r.exercises}
        writer.writerow([csv_cell(label(r.submission)), f"{r.score:g}", f"{r.max_score:g}",
                         *(per.get(n, "") for n in exercises), r.protection,
                         csv_cell(escape(r.grader_error or "", NOTE_CAP).replace("\n", " "))])
    return buf.getvalue()


def write_csv(results: list[SubmissionResult], path: Path) -> None:
    write_atomic(path, to_csv(results))
