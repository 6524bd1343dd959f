"""Gradescope's default resources for a command run by the tests: 768 MB of memory for the
whole process tree (a memory cgroup, as Docker sets it) and, optionally, half a CPU (a CFS
quota). cgroup v2 or v1, whichever this machine lets root write; else `prlimit --as`, which
caps each process rather than the tree (weaker: `how` says which was used)."""
from __future__ import annotations

import contextlib
import os
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

GRADESCOPE_MEMORY = 768 * 1024 * 1024
V2 = Path("/sys/fs/cgroup")
V1_MEMORY, V1_CPU = Path("/sys/fs/cgroup/memory"), Path("/sys/fs/cgroup/cpu")
JOIN = 'for g in "$@"; do [ "$g" = -- ] && break; echo $$ > "$g/cgroup.procs"; done; while [ "$1" != -- ]; do shift; done; shift; exec "$@"'


@dataclass(frozen=True)
class Limited:
    prefix: list[str]  # put before the command
    how: str


def _writable(path: Path) -> bool:
    return path.is_dir() and os.access(path, os.W_OK)


def _make(parent: Path, settings: dict[str, str]) -> Path:
    group = parent / f"autograder-test-{uuid.uuid4().hex[:12]}"
    group.mkdir()
    for name, value in settings.items():
        (group / name).write_text(value)
    return group


def _remove(group: Path) -> None:
    for _ in range(50):  # the tree's last processes may take a moment to be reaped
        try:
            group.rmdir()
            return
        except OSError:
            time.sleep(0.1)


def _groups(memory: int, cpu_half: bool) -> list[tuple[Path, dict[str, str]]] | None:
    if (V2 / "cgroup.controllers").is_file() and _writable(V2):
        settings = {"memory.max": str(memory), "memory.swap.max": "0"}
        return [(V2, {**settings, **({"cpu.max": "50000 100000"} if cpu_half else {})})]
    if _writable(V1_MEMORY) and (not cpu_half or _writable(V1_CPU)):
        groups = [(V1_MEMORY, {"memory.limit_in_bytes": str(memory)})]
        return groups + ([(V1_CPU, {"cpu.cfs_period_us": "100000", "cpu.cfs_quota_us": "50000"})] if cpu_half else [])
    return None


@contextlib.contextmanager
def gradescope_limits(cpu_half: bool = False, memory: int = GRADESCOPE_MEMORY) -> Iterator[Limited]:
    planned = _groups(memory, cpu_half)
    if planned is None:
        yield Limited(["prlimit", f"--as={memory}", "--"], "prlimit --as (per process; no cgroup here)")
        return
    made: list[Path] = []
    try:
        for parent, settings in planned:
            made.append(_make(parent, settings))
        how = f"cgroup {', '.join(str(g) for g in made)}"
        yield Limited(["sh", "-c", JOIN, "sh", *map(str, made), "--"], how)
    finally:
        for group in made:
            _remove(group)
