"""Is the grader that runs the grader that was installed?

The course's documented workflow never runs student code outside the sandbox, so nothing
can edit the grader. But a step off that path (`nbgrader autograde`, which runs notebooks
with the instructor's rights) could have: the grader refuses to run when its installed
files no longer match the hashes pip recorded at install time, and says plainly when it
runs from a source tree (an editable install), whose files live in the course directory.
A determined attacker with the instructor's rights can rewrite the record too: this
catches tampering, it does not make running student code as the instructor safe.
"""
from __future__ import annotations

import base64
import hashlib
import importlib.metadata
from dataclasses import dataclass
from pathlib import Path

import autograder

DISTRIBUTION = "backprop-autograder"


@dataclass(frozen=True)
class Installation:
    text: str  # for the summary line
    refuse: bool = False


def _digest(path: Path) -> str:
    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(path.read_bytes()).digest()).rstrip(b"=").decode()


def installation() -> Installation:
    running = Path(autograder.__file__).resolve().parent
    try:
        dist = importlib.metadata.distribution(DISTRIBUTION)
    except importlib.metadata.PackageNotFoundError:
        return Installation(f"grader code: not installed, running from {running} (not verified)")
    files = [f for f in dist.files or [] if f.parts[:1] == ("autograder",) and f.hash is not None]
    installed = {Path(dist.locate_file(f)).resolve().parent for f in files if f.name == "__init__.py"}
    if running not in installed:
        return Installation(f"grader code: a source tree at {running}, not an installed package (not verified)")
    changed = [str(f) for f in files if not Path(dist.locate_file(f)).is_file()
               or _digest(Path(dist.locate_file(f))) != f"{f.hash.mode}={f.hash.value}"]
    if changed:
        return Installation(f"the installed grader's files were modified since installation ({', '.join(changed[:5])}): "
                            "reinstall it (`pip install --no-deps --force-reinstall .` in the grader's repository) before grading",
                            refuse=True)
    return Installation(f"grader code: the installed package, {len(files)} files verified against pip's record")
