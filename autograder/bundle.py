"""A grading bundle: an assignment's expected values, computed once where torch and the
reference are, and read where only numpy is (the Gradescope zip's `bundle/` folder).

    bundle/manifest.json   which assignment, under which key, with which engine; settings
    bundle/signing-key     the key that signs the values (derived from the course secret)
    bundle/values/*.npz    every graded case's expected values (store.py), signed

The course secret itself never enters a bundle. What grading needs from it is already in
the values (the cases were drawn with it when the bundle was built); the values are signed
with a key derived from the secret for this bundle alone, so a leaked zip reveals one
assignment's graded cases (which its values reveal anyway) and nothing that draws another's.
Who can read the bundle at grading time is the grader's business: only root (run_gradescope
makes the source folder 0700 before any student code starts, and the sandbox hides it).
"""
from __future__ import annotations

import hashlib
import hmac
import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from autograder.expected import GraderError, Oracles, Store, all_stored, engine_digest
from autograder.secret import CourseSecret
from autograder.spec import Assignment

FORMAT = 1
MANIFEST, KEY_FILE, VALUES = "manifest.json", "signing-key", "values"
MAX_MANIFEST_BYTES = 64 * 1024


@dataclass(frozen=True)
class Manifest:
    assignment: str
    key: str  # the values' store key (store.py): what they were computed from
    engine: str  # expected.engine_digest of the grader that computed them
    secret_digest: str  # names the course secret the cases were drawn with (not the secret)
    grader_version: str
    visibility: str = "visible"  # of the checks' tests on Gradescope
    call_timeout: float = 10.0  # seconds per student function call
    format: int = FORMAT


def signing_key(secret: CourseSecret, assignment: str, key: str) -> CourseSecret:
    """The key that signs one bundle's values: the course secret's HMAC of what they are."""
    derived = hmac.new(secret.key, f"autograder-bundle/{assignment}/{key}".encode(), hashlib.sha256).hexdigest()
    return CourseSecret(derived.encode())


def write(folder: Path, manifest: Manifest, values: dict[str, Any], secret: CourseSecret) -> None:
    """Writes a bundle (folder must be new or empty). Raises OSError."""
    signer = signing_key(secret, manifest.assignment, manifest.key)
    store = Store(folder / VALUES, manifest.key, signer)
    for name, value in values.items():
        store.save(name, value)
    fd = os.open(folder / KEY_FILE, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(signer.key)
    (folder / MANIFEST).write_text(json.dumps(asdict(manifest), indent=1) + "\n")


def read_manifest(folder: Path) -> Manifest:
    """Raises GraderError: a bundle that is missing or malformed is the grader's problem."""
    try:
        with open(folder / MANIFEST, "rb") as f:
            data = json.loads(f.read(MAX_MANIFEST_BYTES))
        manifest = Manifest(**data)
    except (OSError, ValueError, TypeError) as exc:
        raise GraderError(f"this autograder's bundle ({folder / MANIFEST}) cannot be read: {exc}; "
                          "rebuild the zip with `autograder export gradescope`") from None
    if manifest.format != FORMAT:
        raise GraderError(f"this autograder's bundle has format {manifest.format}, this grader reads {FORMAT}")
    return manifest


def oracles(folder: Path, manifest: Manifest, assignment: Assignment) -> Oracles:
    """Every expected value, from the bundle only: nothing is computed (no torch here), and a
    value that is missing, stale or not signed with the bundle's key fails the grader."""
    if engine_digest(assignment) != manifest.engine:
        raise GraderError("the grader installed from this zip is not the one its values were computed with: "
                          "rebuild the zip with `autograder export gradescope`")
    try:
        signer = CourseSecret((folder / KEY_FILE).read_bytes().strip())
    except OSError as exc:
        raise GraderError(f"this autograder's bundle has no signing key: {exc.strerror}") from None
    found = Oracles(store=Store(folder / VALUES, manifest.key, signer, writable=False))
    if not all_stored(found, assignment):
        missing = [ex.name for ex in assignment.exercises if not found.stored(ex)]
        raise GraderError(f"this autograder's bundle lacks valid values for {', '.join(missing)} (missing, "
                          "changed or signed with another key): rebuild the zip with `autograder export gradescope`")
    return found
