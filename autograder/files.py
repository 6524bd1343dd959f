"""Files on the grader's side: reading submissions without following links, and writing
results so that a killed run never leaves a half-written one."""
from __future__ import annotations

import errno
import os
import stat
import tempfile
from pathlib import Path

from autograder.text import escape


class FileRefused(Exception):
    """A submitted file that is not read: a link, not a regular file, too large, unreadable.
    The message is for the student (and names the file escaped)."""


def _kind(mode: int) -> str:
    for test, name in ((stat.S_ISLNK, "a symbolic link"), (stat.S_ISDIR, "a directory"), (stat.S_ISFIFO, "a FIFO"),
                       (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a device"), (stat.S_ISBLK, "a device")):
        if test(mode):
            return name
    return "not a regular file"


def read_regular(path: Path, cap: int) -> bytes:
    """The bytes of `path`, which must be a regular file (a link is refused, never
    followed) of at most `cap` bytes."""
    name = escape(path.name, 100)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise FileRefused(f"{name} is a symbolic link: submissions are read as regular files only") from None
        raise FileRefused(f"cannot read {name}: {exc.strerror}") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise FileRefused(f"{name} is {_kind(info.st_mode)}: submissions are read as regular files only")
        if info.st_nlink > 1:  # O_NOFOLLOW does not see these: e.g. another name of the solutions
            raise FileRefused(f"{name} is a hard link (a second name of another file): submissions are read as "
                              "files of their own only")
        if info.st_size > cap:
            raise FileRefused(f"{name} is {info.st_size} bytes, more than the {cap} a submission may have "
                              "(clear the notebook's outputs and submit again)")
        with os.fdopen(fd, "rb", closefd=False) as f:
            data = f.read(cap + 1)
    except OSError as exc:
        raise FileRefused(f"cannot read {name}: {exc.strerror}") from None
    finally:
        os.close(fd)
    if len(data) > cap:
        raise FileRefused(f"{name} is more than {cap} bytes")
    return data


def write_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", errors="backslashreplace") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
