"""CSV: one row per submission with per-exercise scores (for spreadsheets and LMS uploads)."""
from __future__ import annotations

import csv
import io
from pathlib import Path

from autograder.exercises import EXERCISES
from autograder.files import write_atomic
from autograder.text import NOTE_CAP, csv_cell, escape, label
from autograder.verdicts import SubmissionResult


def to_csv(results: list[SubmissionResult]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(["submission", "score", "max_score", *EXERCISES, "protection", "grader_error"])
    for r in results:
        per = {e.exercise: f"{e.score:g}" for e in r.exercises}
        writer.writerow([csv_cell(label(r.submission)), f"{r.score:g}", f"{r.max_score:g}",
                         *(per.get(n, "") for n in EXERCISES), r.protection,
                         csv_cell(escape(r.grader_error or "", NOTE_CAP).replace("\n", " "))])
    return buf.getvalue()


def write_csv(results: list[SubmissionResult], path: Path) -> None:
    write_atomic(path, to_csv(results))
