"""The container level: the bubblewrap level's zygote/child design without namespaces.

Where bubblewrap cannot create namespaces (Docker's default seccomp profile, Gradescope's
root-in-Docker, hosts that forbid user namespaces) the zygote runs as a plain process of
the grader (root) and each child confines itself right after fork (confine.py):

- its own unprivileged uid, one per sandbox, held with a lock so that two graders on one
  machine never share it: other uids' processes cannot be signalled, traced or read in
  /proc, RLIMIT_NPROC counts this child alone, and its leftovers are found by owner;
- no_new_privs (setuid binaries grant nothing);
- Landlock where the kernel has it: read only the interpreter, its libraries and this
  package (autodiff packages left out), write only its scratch directory, no TCP, and
  (ABI >= 6) no signals or abstract sockets out of its domain;
- a seccomp filter: no sockets of any family (the protocol uses pipes), no ptrace, mounts,
  namespaces, SysV IPC, message queues, keyrings, io_uring, bpf;
- rlimits as at the bubblewrap level, and a scratch directory owned by the child, watched
  for size (no tmpfs without CAP_SYS_ADMIN) and emptied between children.

The grader makes the course's files closed to other users (o-rwx) before the probe,
because without Landlock file permissions are all that keep the child out.
This module holds the parts both sides share: the grader's (command, hardening, probe) and
the zygote's (confinement, clean-up).
"""
from __future__ import annotations

import fcntl
import os
import signal
import stat
import tempfile
import time
from dataclasses import dataclass
from typing import Callable

from autograder import confine

# What world-writable directories a child could leave files in when Landlock is missing.
SHARED_WRITABLE = ("/tmp", "/var/tmp", "/dev/shm", "/dev/mqueue", "/run/lock")
DEVICES = ("/dev/null", "/dev/zero", "/dev/urandom")


def unavailable_reason(support: confine.Support) -> str | None:
    """Why the container level cannot run here, or None. Root is needed for the uid of its
    own (without it the child would share the grader's uid and files); seccomp for the
    network (Landlock covers TCP only, and not everywhere)."""
    if not support.root:
        return ("the container level needs root (with CAP_SETUID and CAP_SETGID) to run student code as a uid of "
                "its own; run the grader as root (as Gradescope does), or enable user namespaces for --protection bwrap")
    if not support.seccomp:
        return "the container level needs seccomp filters (CONFIG_SECCOMP_FILTER, x86_64 or aarch64): not available here"
    return None


# --- what the child may read -----------------------------------------------------------------

def _covered(path: str, tops: list[str]) -> bool:
    return any(path == t or path.startswith(t.rstrip("/") + "/") for t in tops)


def allow_except(roots: list[str], excluded: list[str], depth: int = 8) -> list[str]:
    """`roots` with every `excluded` path cut out: a root holding an excluded path is
    replaced by its entries, recursively (Landlock only allows, it cannot deny beneath an
    allowed directory). What cannot be split (too deep, a link) is left out: fail closed."""
    kept: list[str] = []
    for root in roots:
        inside = [e for e in excluded if _covered(e, [root])]
        if _covered(root, excluded):
            continue
        if not inside:
            kept.append(root)
        elif depth > 0 and os.path.isdir(root) and not os.path.islink(root):
            entries = [os.path.join(root, name) for name in sorted(os.listdir(root))]
            kept += allow_except(entries, inside, depth - 1)
    return kept


def readable_roots(interpreter: list[str], package: str) -> list[str]:
    """Real paths (Landlock follows links when a rule is added: /lib is /usr/lib on Debian)."""
    roots = [*interpreter, package, "/etc/ld.so.cache"]
    return list(dict.fromkeys(os.path.realpath(p) for p in roots if os.path.exists(p)))


# --- the grader's side: command, uid lock, hardening ---------------------------------------------

def scratch_dir() -> str:
    """The sandbox's private scratch root: root's, traversable (0711) but not listable, so the
    child reaches only its own work directory inside."""
    path = tempfile.mkdtemp(prefix="autograder-container-")
    os.chmod(path, 0o711)
    return path


def environment(scratch: str) -> dict[str, str]:
    """The zygote's whole environment (never the grader's: it may hold AUTOGRADER_SECRET)."""
    work = os.path.join(scratch, "work")
    return {"PATH": "/usr/bin:/bin", "HOME": work, "TMPDIR": work, "LANG": "C.UTF-8",
            "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


@dataclass
class UidLease:
    """An exclusive claim on a child uid across every grader on this machine (flock on a
    file in a root-only directory): children of two graders never share a uid, so neither
    kills, signals nor counts the other's processes. The zygote inherits the fd, so the
    claim lasts until both are gone."""

    uid: int
    fd: int

    def release(self) -> None:
        try:
            os.close(self.fd)
        except OSError:
            pass


def _lock_dir() -> str:
    path = os.path.join(tempfile.gettempdir(), f"autograder-child-uids-{os.geteuid()}")
    try:
        os.mkdir(path, 0o700)
    except FileExistsError:
        pass
    info = os.lstat(path)
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.geteuid() or info.st_mode & 0o077:
        raise OSError(f"{path} is not a private directory of this user: refusing to use it for uid locks")
    return path


def lease_uid(uids: range, start: int) -> UidLease:
    """The first free uid of `uids` from `start` on. Raises OSError when all are taken."""
    directory = _lock_dir()
    for i in range(len(uids)):
        uid = uids.start + (start + i) % len(uids)
        fd = os.open(os.path.join(directory, str(uid)), os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            continue
        return UidLease(uid, fd)
    raise OSError(f"every child uid in {uids.start}-{uids.stop - 1} is in use by other graders")


def harden(targets: list[str]) -> list[str]:
    """Removes other users' access (o-rwx) from each target that has some: without Landlock
    the child's uid is 'other' to the course's files, and file modes are all that keep it
    out. Links are left alone (their mode means nothing). Returns what was changed."""
    changed = []
    for target in targets:
        try:
            info = os.lstat(target)
        except OSError:
            continue
        if stat.S_ISLNK(info.st_mode) or not info.st_mode & 0o007:
            continue
        os.chmod(target, stat.S_IMODE(info.st_mode) & ~0o007, follow_symlinks=False)
        changed.append(target)
    return changed


# --- the zygote's side: confining a child, cleaning up after it --------------------------------

@dataclass(frozen=True)
class Policy:
    """What every child of one container sandbox gets (computed once, in the zygote)."""

    support: confine.Support
    readable: tuple[str, ...]
    uid: int

    def confinement(self, work: str) -> confine.Confinement:
        return confine.Confinement(readable=self.readable, writable=(work, *DEVICES[:1]), uid=self.uid,
                                   unix_sockets=False)


def make_policy(uid: int, package: str, interpreter: list[str], excluded: list[str]) -> Policy:
    """Raises RuntimeError when the level cannot run here (the zygote then never says ready)."""
    support = confine.probe()
    reason = unavailable_reason(support)
    if reason:
        raise RuntimeError(reason)
    readable = allow_except(readable_roots(interpreter, package), [os.path.realpath(e) for e in excluded])
    return Policy(support, tuple(readable + list(DEVICES)), uid)


def processes_of(uid: int) -> list[int]:
    """Every process with `uid` as its real, effective, saved or filesystem uid (from
    /proc/<pid>/status: a non-dumpable process's /proc entry is owned by root)."""
    found = []
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/status") as f:
                line = next(line for line in f if line.startswith("Uid:"))
        except (OSError, StopIteration):
            continue
        if str(uid) in line.split()[1:]:
            found.append(int(name))
    return found


def _kill_all_as(uid: int) -> None:
    """kill(-1, SIGKILL) from a helper with the child's uid: the kernel signals every process
    of that uid in one pass (a fork cannot slip between a listing and the kills), and no other."""
    helper = os.fork()
    if helper == 0:
        try:
            os.setgroups([])
            os.setresgid(uid, uid, uid)
            os.setresuid(uid, uid, uid)
            os.kill(-1, signal.SIGKILL)
        finally:
            os._exit(0)
    os.waitpid(helper, 0)


def kill_uid(uid: int, reap: Callable[[], None], patience: float = 3.0) -> bool:
    """Kills every process of `uid` and reaps those that were ours (we are their subreaper).
    True once none is left."""
    deadline = time.monotonic() + patience
    while time.monotonic() < deadline:
        _kill_all_as(uid)
        reap()
        if not processes_of(uid):
            return True
        time.sleep(0.005)
    return not processes_of(uid)


_IPC_RMID = 0


def remove_ipc_of(uid: int) -> bool:
    """SysV IPC objects owned by `uid` (the seccomp filter forbids creating them; this is the
    second line). True when none is left."""
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    left = False
    for kind, call in (("shm", "shmctl"), ("msg", "msgctl"), ("sem", "semctl")):
        try:
            with open(f"/proc/sysvipc/{kind}") as f:
                rows = [line.split() for line in f.readlines()[1:] if line.strip()]
        except OSError:
            continue
        header_uid = {"shm": 7, "msg": 7, "sem": 4}[kind]  # column of the owner's uid
        for row in rows:
            if len(row) > header_uid and row[header_uid] == str(uid):
                ok = libc.semctl(int(row[1]), 0, _IPC_RMID) if kind == "sem" else getattr(libc, call)(int(row[1]), _IPC_RMID, 0)
                left = left or ok != 0
    return not left


def remove_shared_leftovers(uid: int, wipe: Callable[[str], None]) -> bool:
    """Entries the child's uid owns in world-writable directories (possible only without
    Landlock). Top level only: deeper ones need a directory some other user left writable."""
    ok = True
    for directory in SHARED_WRITABLE:
        try:
            names = os.listdir(directory)
        except OSError:
            continue
        for name in names:
            path = os.path.join(directory, name)
            try:
                if os.lstat(path).st_uid == uid:
                    wipe(path)
            except FileNotFoundError:
                continue
            except OSError:
                ok = False
    return ok


def used_bytes(path: str) -> int:
    """Bytes used on the filesystem holding `path` (one statvfs: cheap enough to poll)."""
    st = os.statvfs(path)
    return (st.f_blocks - st.f_bfree) * st.f_frsize


def tree_bytes(path: str, cap: int) -> int:
    """Disk blocks under `path`, counted until `cap` is reached (no recursion: any depth)."""
    total, stack = 0, [path]
    while stack and total < cap:
        try:
            entries = list(os.scandir(stack.pop()))
        except OSError:
            continue
        for entry in entries:
            try:
                info = entry.stat(follow_symlinks=False)
            except OSError:
                continue
            total += info.st_blocks * 512
            if entry.is_dir(follow_symlinks=False):
                stack.append(entry.path)
    return total
