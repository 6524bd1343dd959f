"""The course secret: graded inputs that no student can compute in advance.

Test inputs drawn from public seeds (the notebook's visible checks) can be tabulated
offline from the student package: a "submission" made of stored outputs would score full
marks. The graded inputs are drawn from a key that never enters the release or the wheel:
created on first use in the course directory (git-ignored) or given in the environment.
Each result records the key's digest, so a regrade is reproducible and a changed key shows.
"""
from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

SECRET_ENV = "AUTOGRADER_SECRET"
SECRET_FILE = ".autograder-secret"


class SecretError(Exception):
    """The secret cannot be read or created: the grader's problem, never a student's."""


@dataclass(frozen=True)
class CourseSecret:
    key: bytes

    @property
    def digest(self) -> str:
        """Names the secret in results without revealing it."""
        return hashlib.sha256(b"autograder-secret-digest/" + self.key).hexdigest()[:16]

    def seed(self, *parts: object) -> int:
        """A 64-bit seed for the inputs named by `parts`, unpredictable without the key."""
        message = "/".join(map(str, parts)).encode()
        return int.from_bytes(hmac.new(self.key, message, hashlib.sha256).digest()[:8], "little")


def from_env() -> CourseSecret | None:
    value = os.environ.get(SECRET_ENV)
    return CourseSecret(value.encode()) if value else None


def load_or_create(course_dir: Path) -> CourseSecret:
    """$AUTOGRADER_SECRET, else <course_dir>/.autograder-secret (made on first use, 0600)."""
    found = from_env()
    if found is not None:
        return found
    path = course_dir / SECRET_FILE
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    except FileExistsError:
        pass
    except OSError as exc:
        raise SecretError(f"cannot create the course secret {path}: {exc.strerror}") from None
    else:
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_hex(32) + "\n")
    try:
        key = path.read_text().strip()
    except (OSError, UnicodeDecodeError) as exc:
        raise SecretError(f"cannot read the course secret {path}: {exc}") from None
    if len(key) < 16:
        raise SecretError(f"the course secret {path} is too short (16 characters at least)")
    return CourseSecret(key.encode())
