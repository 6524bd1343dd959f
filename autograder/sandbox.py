"""The grader's side of the sandbox: bubblewrap around a zygote, one child per submission.

A `Sandbox` is one bubblewrap instance (new pid, net, ipc, uts and mount namespaces; the
system and the interpreter read-only; nothing of the course directory; a size-capped
tmpfs) running `worker.py`, which imports numpy once and forks a child per submission.
`SandboxedStudent` is the `Student` the checks talk to: every call is a frame on a pipe
to the child, answered within a deadline, validated here. A child that crashes or times
out costs only the call it was in: the next call gets a fresh child (up to a limit).

Nothing from the child is trusted: frames are length-bounded, every header field is
type-checked, arrays come as wire bytes (wire.py), text is escaped and capped.
"""
from __future__ import annotations

import importlib.util
import json
import os
import select
import signal
import site
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any


import autograder
from autograder import confine, container
from autograder.execution import OUTPUT_CAP, CallError, Chunk, load_failure
from autograder.policy import AUTODIFF_MODULES
from autograder.protection import Level
from autograder.protocol import (WORKER_FAILED, Closed, ProtocolError, Timeout, encode, fits, read_frame, write_all,
                                 write_frame)
from autograder.student import Batch, Call, Outcome, stops
from autograder.text import escape
from autograder.values import Array

GRADER_MOUNT = "/opt/grader"
BOOT = "import sys; sys.path.insert(0, {path!r}); from autograder.worker import main; main()"
# The zygote runs as root inside the sandbox only when the grader is root: it needs these to
# drop each child to its own uid (CHILD_UIDS), kill that child's processes and wipe what it wrote.
ZYGOTE_CAPS = ("CAP_SETUID", "CAP_SETGID", "CAP_KILL", "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FOWNER")
CHILD_UIDS = range(64000, 65000)  # unprivileged uids with no files on the host


class SandboxUnavailable(Exception):
    """The sandbox cannot be set up here: grading must not go on without --no-sandbox."""


@dataclass(frozen=True)
class Limits:
    call_timeout: float = 10.0  # wall-clock seconds per student function call
    submission_timeout: float = 120.0  # wall-clock seconds of student calls per submission
    memory_mb: int = 512  # address space of each process of the child (numpy needs ~100)
    cpu_seconds: int = 60  # CPU time of the child (per process)
    file_mb: int = 16  # largest file the child may write
    open_files: int = 64
    # Per uid: it bites when the child runs as its own uid (grader is root); with the memory
    # limit it caps one submission's whole tree at processes x memory_mb.
    processes: int = 8
    tmpfs_mb: int = 64  # the sandbox's writable /tmp
    max_failures: int = 2  # crashes or timeouts of one function before its remaining calls are skipped

    def child(self) -> dict[str, int]:
        keys = ("memory_mb", "cpu_seconds", "file_mb", "open_files", "processes")
        return {k: v for k, v in asdict(self).items() if k in keys}


# --- the bubblewrap command --------------------------------------------------------------

def _readonly_paths() -> list[str]:
    """The interpreter, its standard library and site-packages: nothing else of the host."""
    paths = ["/usr", "/lib", "/lib64", "/lib32", "/bin", "/sbin"]
    paths += [sys.prefix, sys.base_prefix, sys.exec_prefix, os.path.dirname(os.path.realpath(sys.executable))]
    paths += site.getsitepackages()
    return [p for p in dict.fromkeys(paths) if os.path.lexists(p)]


def _covered(path: str, mounts: list[str]) -> bool:
    return any(path == m or path.startswith(m.rstrip("/") + "/") for m in mounts)


def _mount_args(paths: list[str]) -> list[str]:
    """--ro-bind each path (shallowest first, skipping what a bind already covers), with
    world-readable parent directories: bwrap would create them 0700, hiding the
    interpreter from the child's unprivileged uid."""
    args: list[str] = []
    mounted: list[str] = []
    made: set[str] = set()
    for path in sorted(paths, key=lambda p: p.count("/")):
        if _covered(path, mounted):
            continue
        for parent in reversed(Path(path).parents):
            p = str(parent)
            if p != "/" and p not in made and not _covered(p, mounted):
                args += ["--perms", "0755", "--dir", p]
                made.add(p)
        if os.path.islink(path):
            args += ["--symlink", os.readlink(path), path]
        else:
            args += ["--ro-bind", path, path]
        mounted.append(path)
    return args


def _hidden_autodiff_dirs() -> list[str]:
    """Autodiff packages are shadowed by a stand-in: the policy is enforced, not only checked."""
    dirs = []
    for name in AUTODIFF_MODULES:
        try:
            spec = importlib.util.find_spec(name)
        except (ImportError, ValueError):
            continue
        if spec is not None and spec.submodule_search_locations:
            dirs += [d for d in spec.submodule_search_locations if os.path.isdir(d)]
    return dirs


def bwrap_command(limits: Limits, control_fd: int, privileged: bool, uid: int) -> list[str]:
    # --as-pid-1: the zygote is the namespace's init, which its children can neither signal
    # nor (being non-dumpable) trace, even when they share its uid (grader not root).
    cmd = ["bwrap", "--die-with-parent", "--new-session", "--as-pid-1", "--unshare-pid", "--unshare-net",
           "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try", "--hostname", "sandbox", "--clearenv"]
    if privileged:
        cmd += ["--cap-drop", "ALL"] + [arg for cap in ZYGOTE_CAPS for arg in ("--cap-add", cap)]
    else:
        cmd += ["--unshare-user"]
    # The writable tmpfs first: an interpreter or grader that lives under /tmp is bound on top.
    cmd += ["--perms", "0755", "--size", str(limits.tmpfs_mb * 1024 * 1024), "--tmpfs", "/tmp"]
    cmd += _mount_args(_readonly_paths())
    cmd += ["--perms", "0755", "--dir", GRADER_MOUNT,
            "--ro-bind", os.path.dirname(autograder.__file__), f"{GRADER_MOUNT}/autograder"]
    stand_in = os.path.join(os.path.dirname(autograder.__file__), "unavailable")
    for d in _hidden_autodiff_dirs():
        cmd += ["--ro-bind", stand_in, d]
    cmd += ["--proc", "/proc", "--dev", "/dev", "--tmpfs", "/dev/shm", "--remount-ro", "/dev/shm",
            "--mqueue", "/dev/mqueue",
            # bwrap's root holds the directories made for the binds; without the grader being
            # root they belong to the child's uid, which could plant modules in /opt/grader.
            "--remount-ro", "/"]
    for key, value in (("PATH", "/usr/bin:/bin"), ("HOME", "/tmp/work"), ("LANG", "C.UTF-8"),
                       ("OPENBLAS_NUM_THREADS", "1"), ("OMP_NUM_THREADS", "1"), ("MKL_NUM_THREADS", "1")):
        cmd += ["--setenv", key, value]
    return cmd + [sys.executable, "-I", "-B", "-c", BOOT.format(path=GRADER_MOUNT), str(control_fd), str(uid),
                  "/tmp", "confined"]


def container_command(limits: Limits, control_fd: int, uid: int, scratch: str) -> list[str]:
    """The zygote as a plain process (container.py): it confines each child itself. What
    the children may read is worked out there, from these paths less the autodiff packages."""
    package = os.path.dirname(autograder.__file__)
    config = {"package": package, "interpreter": _readonly_paths(), "excluded": _hidden_autodiff_dirs(),
              "disk_mb": limits.tmpfs_mb}
    return [sys.executable, "-I", "-B", "-c", BOOT.format(path=os.path.dirname(package)), str(control_fd), str(uid),
            scratch, "container", json.dumps(config)]


def bare_command(control_fd: int, uid: int, scratch: str) -> list[str]:
    """The same worker with no sandbox at all: only for measuring what the sandbox costs."""
    path = os.path.dirname(os.path.dirname(autograder.__file__))
    return [sys.executable, "-I", "-B", "-c", BOOT.format(path=path), str(control_fd), str(uid), scratch, "bare"]


# --- one bubblewrap instance -------------------------------------------------------------

class SandboxDied(Exception):
    pass


class Silent(SandboxDied):
    """No answer within the time given (as opposed to an answer that can never come)."""


@dataclass
class Child:
    """The grader's ends of one child's pipes."""

    requests: int
    responses: int

    def close(self) -> None:
        for fd in (self.requests, self.responses):
            try:
                os.close(fd)
            except OSError:
                pass


class Sandbox:
    """bwrap + zygote. Not thread-safe: one submission at a time (the pool hands them out)."""

    def __init__(self, limits: Limits, uid: int, level: Level = Level.BWRAP, confined: bool = True) -> None:
        self.limits, self.level = limits, level
        self.privileged = os.geteuid() == 0
        # As root the child's uid is a host uid: claim it, so no other grader's children share it.
        self.lease = container.lease_uid(CHILD_UIDS, uid - CHILD_UIDS.start) if self.privileged and confined else None
        self.uid = self.lease.uid if self.lease else uid
        self.control, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self.log = tempfile.TemporaryFile()
        self.scratch = self._scratch(confined)
        env = container.environment(self.scratch) if level is Level.CONTAINER and confined else None
        keep = [theirs.fileno()] + ([self.lease.fd] if self.lease and env is not None else [])
        try:
            self.proc = subprocess.Popen(self._command(theirs.fileno(), confined), env=env,
                                         pass_fds=keep, stdin=subprocess.DEVNULL,
                                         stdout=self.log, stderr=self.log, start_new_session=True)
        except FileNotFoundError as exc:
            self._release()
            missing = "bubblewrap (bwrap) is not installed: apt-get install bubblewrap" if level is Level.BWRAP else exc
            raise SandboxUnavailable(f"cannot start the sandbox: {missing}") from None
        except OSError as exc:
            self._release()
            raise SandboxUnavailable(f"cannot start the sandbox ({exc})") from None
        finally:
            theirs.close()

    def _scratch(self, confined: bool) -> str | None:
        """bwrap: its tmpfs. container: a private directory the zygote prepares. bare: 0755."""
        if confined and self.level is Level.BWRAP:
            return None
        if confined:
            return container.scratch_dir()
        path = tempfile.mkdtemp(prefix="autograder-bare-")
        os.chmod(path, 0o755)  # the child's uid must reach its work directory
        return path

    def _command(self, control_fd: int, confined: bool) -> list[str]:
        if not confined:
            return bare_command(control_fd, self.uid, self.scratch)
        if self.level is Level.CONTAINER:
            return container_command(self.limits, control_fd, self.uid, self.scratch)
        return bwrap_command(self.limits, control_fd, self.privileged, self.uid)

    def _release(self) -> None:
        if self.scratch is not None and os.path.isdir(self.scratch):
            from autograder.worker import remove_tree

            try:
                remove_tree(self.scratch, time.monotonic() + 30)
            except (OSError, TimeoutError):
                pass  # left in the temporary directory, owned by root and closed to others
        if self.lease is not None:
            self.lease.release()

    def wait_ready(self, timeout: float = 60.0) -> None:
        try:
            event = self._receive(timeout)
        except SandboxDied:
            event = {}
        if event.get("event") != "ready":
            log = self._log_tail()
            self.close()
            what = "bubblewrap did not start" if self.level is Level.BWRAP else "could not start"
            raise SandboxUnavailable(f"{what} the grading worker:\n" + log +
                                     (_userns_hint() if self.level is Level.BWRAP else ""))

    def _log_tail(self) -> str:
        self.log.seek(0)
        return self.log.read().decode("utf-8", "replace")[-2000:]

    def _receive(self, timeout: float) -> dict[str, Any]:
        if not select.select([self.control], [], [], timeout)[0]:
            raise Silent("the sandbox's worker did not answer")
        data = self.control.recv(65536)
        if not data:
            raise SandboxDied("the sandbox's worker is gone")
        return json.loads(data)

    def spawn(self) -> Child:
        """A fresh child for one submission (or for the rest of one, after a crash)."""
        req_r, req_w = os.pipe()
        resp_r, resp_w = os.pipe()
        try:
            socket.send_fds(self.control, [json.dumps({"op": "spawn", "limits": self.limits.child()}).encode()],
                            [req_r, resp_w])
            if self._receive(10.0).get("event") != "spawned":
                raise SandboxDied("the sandbox's worker did not start a child")
        except (OSError, SandboxDied):
            for fd in (req_w, resp_r):
                os.close(fd)
            raise SandboxDied("the sandbox's worker is gone") from None
        finally:
            os.close(req_r)
            os.close(resp_w)
        return Child(req_w, resp_r)

    def end_child(self, child: Child, kill: bool, grace: float = 2.0) -> dict[str, Any] | None:
        """Closes the child's pipes (it exits when it reads EOF) or kills its whole tree, and
        returns how it ended ("stopped": it had to be killed after `grace` seconds); None if
        the sandbox is no longer fit for another submission."""
        child.close()
        try:
            if not kill:
                try:
                    return self._exited(self._receive(grace))
                except Silent:
                    pass  # it does not exit by itself (the student patched os._exit?): kill it
            self.control.send(json.dumps({"op": "kill"}).encode())
            event = self._exited(self._receive(5.0))
            return None if event is None else {**event, "stopped": True}
        except (OSError, SandboxDied):
            return None

    @staticmethod
    def _exited(event: dict[str, Any]) -> dict[str, Any] | None:
        return event if event.get("event") == "exited" else None

    def alive(self) -> bool:
        return self.proc.poll() is None

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()  # --die-with-parent and the pid namespace take the rest down
        self.proc.wait()
        self.control.close()
        self.log.close()
        self._release()


def _userns_hint() -> str:
    return ("\n(bubblewrap needs user namespaces: on Ubuntu >= 23.10 AppArmor blocks them for non-root users, "
            "and Docker's default seccomp profile blocks them too. Run as root, allow them, or grade with "
            "--no-sandbox for trusted code only.)")


class SandboxPool:
    """Idle sandboxes, reused across submissions: each keeps numpy imported in its zygote.

    Sandboxes are started by whichever thread needs one, and bwrap's --die-with-parent
    follows the *thread* that started it: use a pool from threads that outlive it (the
    main thread, or an executor's workers until it shuts down)."""

    def __init__(self, limits: Limits, *, level: Level = Level.BWRAP, confined: bool = True, reuse: bool = True) -> None:
        if level is Level.NONE:
            raise ValueError("a pool runs sandboxes: --protection none grades in-process")
        self.limits = limits
        self.level = level
        self.confined = confined  # False: no bubblewrap (benchmarks only)
        self.reuse = reuse  # False: a new sandbox per submission (benchmarks only)
        self._idle: list[Sandbox] = []
        self._starting: list[Sandbox] = []  # started, not yet known to be ready
        self._lock = threading.Lock()
        self._started = 0
        self._closed = False

    def _new(self) -> Sandbox:
        """When the grader is root, each sandbox's children get a uid of their own, so the
        process limit of one (a fork bomb) cannot starve a neighbour."""
        with self._lock:
            self._started += 1
            uid = CHILD_UIDS.start + self._started % len(CHILD_UIDS)
        if self.level is Level.CONTAINER and self.confined:
            reason = container.unavailable_reason(confine.probe())
            if reason:
                raise SandboxUnavailable(reason)
        try:
            return Sandbox(self.limits, uid, self.level, self.confined)
        except OSError as exc:  # no child uid free
            raise SandboxUnavailable(str(exc)) from None

    def prewarm(self, count: int) -> None:
        """Starts sandboxes without waiting for them: they get ready while the grader
        computes its oracles."""
        started = [self._new() for _ in range(count)]
        with self._lock:
            self._starting += started

    def wait_one_ready(self, timeout: float = 60.0) -> None:
        """Waits for one started sandbox (or a new one) to answer: proof that this level
        starts here. Raises SandboxUnavailable."""
        with self._lock:
            sandbox = self._starting.pop() if self._starting else None
        sandbox = sandbox or self._new()
        sandbox.wait_ready(timeout)
        with self._lock:
            self._idle.append(sandbox)

    def acquire(self) -> Sandbox:
        with self._lock:
            if self._closed:  # the batch was interrupted: no new sandboxes for stragglers
                raise SandboxDied("the grader is shutting down")
            while self._idle:
                sandbox = self._idle.pop()
                if sandbox.alive():
                    return sandbox
                sandbox.close()
            sandbox = self._starting.pop() if self._starting else None
        sandbox = sandbox or self._new()
        sandbox.wait_ready()
        return sandbox

    def release(self, sandbox: Sandbox) -> None:
        if sandbox.alive() and self.reuse:
            with self._lock:
                self._idle.append(sandbox)
        else:
            sandbox.close()

    def close(self) -> None:
        with self._lock:
            self._closed = True
            idle, self._idle, self._starting = self._idle + self._starting, [], []
        for sandbox in idle:
            sandbox.close()

    def __enter__(self) -> "SandboxPool":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def probe(self, hidden: list[Path]) -> str:
        """Starts a sandbox and checks from inside a child that it confines code as this
        level promises; returns the protection level recorded in every result. Raises
        SandboxUnavailable (fail closed)."""
        mounts = _readonly_paths() + ([os.path.dirname(autograder.__file__)] if self.level is Level.CONTAINER else [])
        targets = _probe_targets(hidden, mounts)
        if self.level is Level.CONTAINER and os.geteuid() == 0:
            changed = container.harden(targets)
            if changed:
                print(f"autograder: closed {len(changed)} path(s) to other users (o-rwx), which the container "
                      f"level's child uid would otherwise read: {', '.join(changed[:5])}"
                      + (" ..." if len(changed) > 5 else ""), file=sys.stderr)
        seen = self._probe_child(targets)
        support = confine.probe() if self.level is Level.CONTAINER else None
        broken = _broken_promises(seen, self.level, self.limits, support, targets)
        if broken:
            raise SandboxUnavailable(f"the {self.level.flag} sandbox does not hold here: " + "; ".join(broken))
        return describe(self.level, self.limits, int(seen["uid"]), support)

    def _probe_child(self, targets: list[str]) -> dict[str, float]:
        with SandboxedStudent([Chunk(_PROBE.format(hidden=targets), "probe.py")], self) as probe:
            outcome, = probe.run([Call("probe", (), (), "a")])
        if isinstance(outcome, CallError):
            raise SandboxUnavailable(f"the sandbox does not run code: {outcome}")
        seen = outcome.result.value if isinstance(outcome.result, Array) else None
        if seen is None or seen.shape != (len(PROBED),):
            raise SandboxUnavailable("the sandbox's self-test returned nothing")
        return dict(zip(PROBED, (float(v) for v in seen)))


def _probe_targets(hidden: list[Path], mounts: list[str], per_dir: int = 50, depth: int = 3) -> list[str]:
    """Concrete files the child must not see: each hidden file, and the entries of each
    hidden directory except what the child may read (e.g. a .venv inside the course); a
    directory that holds such a mount is looked into in turn (a course's files beside it)."""
    targets: list[str] = []
    for path in hidden:
        entries = sorted(path.iterdir())[:per_dir] if path.is_dir() else [path] if path.exists() else []
        for entry in map(str, entries):
            if any(_covered(entry, [m]) for m in mounts):
                continue  # the child's own interpreter or package
            if not any(_covered(m, [entry]) for m in mounts):
                targets.append(entry)
            elif depth > 0 and os.path.isdir(entry) and not os.path.islink(entry):
                targets += _probe_targets([Path(entry)], mounts, per_dir, depth - 1)
    return list(dict.fromkeys(targets))


# What the probe measures inside a child, in this order (an array of floats comes back).
PROBED = ("uid", "interfaces", "hidden_seen", "hidden_readable", "inet", "inet6", "netlink", "unix",
          "as", "cpu", "nproc", "nofile", "fsize", "no_new_privs", "seccomp", "root_listed", "wrote_outside",
          "signalled_parent", "interpreter_readable")

_PROBE = """
import ctypes, os, resource, socket
import numpy as np

def _refused(action):
    try:
        action()
    except OSError:
        return 1
    return 0

def _readable(path):
    try:
        os.close(os.open(path, os.O_RDONLY))
    except OSError:
        return 0
    return 1

def _interfaces():
    try:
        return len([n for _, n in socket.if_nameindex() if n != "lo"])
    except OSError:
        return 0  # no socket to ask with: no interface to reach either

def _write_outside():
    name = "/tmp/autograder-probe-%d" % os.getpid()
    fd = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.close(fd)
    os.unlink(name)

def probe():
    libc = ctypes.CDLL(None, use_errno=True)
    hidden = {hidden!r}
    limits = [resource.getrlimit(r)[0] for r in (resource.RLIMIT_AS, resource.RLIMIT_CPU, resource.RLIMIT_NPROC,
                                                 resource.RLIMIT_NOFILE, resource.RLIMIT_FSIZE)]
    sockets = [_refused(lambda f=f: socket.socket(f, socket.SOCK_DGRAM if f == socket.AF_NETLINK else
                                                  socket.SOCK_STREAM).close())
               for f in (socket.AF_INET, socket.AF_INET6, socket.AF_NETLINK, socket.AF_UNIX)]
    return np.array([os.getuid(), _interfaces(), sum(os.path.lexists(p) for p in hidden),
                     sum(_readable(p) for p in hidden), *sockets, *limits, libc.prctl(39, 0, 0, 0, 0),
                     libc.prctl(21, 0, 0, 0, 0), 1 - _refused(lambda: os.listdir("/")),
                     1 - _refused(_write_outside), 1 - _refused(lambda: os.kill(os.getppid(), 0)),
                     _readable(os.__file__) * _readable(np.__file__)], dtype=float)
"""


def _broken_promises(seen: dict[str, float], level: Level, limits: Limits, support: confine.Support | None,
                     targets: list[str]) -> list[str]:
    """Each property the level promises that the child found false."""
    broken = []
    if os.geteuid() == 0 and seen["uid"] == 0:
        broken.append("the child runs as root")
    if level is Level.BWRAP:
        if seen["interfaces"]:
            broken.append("the sandbox has network interfaces besides loopback")
        if seen["hidden_seen"]:
            broken.append(f"the sandbox can see some of {', '.join(targets[:20])}")
        return broken
    assert support is not None
    if not seen["interpreter_readable"]:
        broken.append(f"the child's uid cannot read the interpreter's files ({os.__file__}): install Python and its "
                      "packages where other users may read them (e.g. /usr/local or /opt, not under a 0700 home "
                      "directory such as /root)")
    if seen["hidden_readable"]:
        broken.append(f"the child can read some of {', '.join(targets[:20])}")
    for name in ("inet", "inet6", "netlink", "unix"):
        if seen[name] != 1:
            broken.append(f"the child can open an {name} socket")
    mib = 1024 * 1024
    expected = {"as": limits.memory_mb * mib, "cpu": limits.cpu_seconds, "nproc": limits.processes,
                "nofile": limits.open_files, "fsize": limits.file_mb * mib}
    broken += [f"RLIMIT_{k.upper()} is {seen[k]:g}, not {v}" for k, v in expected.items() if seen[k] != v]
    if seen["no_new_privs"] != 1 or seen["seccomp"] != 2:
        broken.append("no_new_privs or the seccomp filter is missing")
    if support.landlock_abi and (seen["root_listed"] or seen["wrote_outside"]):
        broken.append("Landlock was promised but the child can list / or write outside its scratch directory")
    if seen["signalled_parent"]:
        broken.append("the child can signal the zygote")
    return broken


def describe(level: Level, limits: Limits, uid: int, support: confine.Support | None) -> str:
    """The level and what it holds, as every result records it."""
    who = f"uid {uid}" + (" (unprivileged)" if uid != 0 else "")
    lim = (f"limits: {limits.call_timeout:g} s per call, {limits.memory_mb} MiB memory, {limits.cpu_seconds} s CPU, "
           f"{limits.processes} processes, {limits.open_files} files")
    if level is Level.BWRAP:
        return (f"bubblewrap sandbox (pid, net, ipc, uts, mount namespaces; {who}; read-only system; "
                f"tmpfs {limits.tmpfs_mb} MiB; {lim})")
    assert support is not None
    abi = support.landlock_abi
    landlock = (f"Landlock ABI {abi}: reads only the interpreter and its libraries, writes only its scratch directory"
                + (", no TCP" if abi >= 4 else "") + (", signals and abstract sockets scoped" if abi >= 6 else "")
                if abi else "NO Landlock (kernel without it): file permissions only, course files closed to others")
    return (f"container sandbox (no namespaces; {who}; {landlock}; seccomp: no sockets, ptrace, mounts, namespaces, "
            f"SysV IPC, keyrings; no_new_privs; scratch {limits.tmpfs_mb} MiB, watched; {lim})")


# --- the Student the checks talk to ------------------------------------------------------

def _describe_end(status: dict[str, Any] | None, fn: str, limits: Limits) -> str:
    if status is None:
        return f"while {fn} ran, the sandbox running your code stopped responding"
    sig, code = status.get("signal"), status.get("code")
    if status.get("disk"):
        return f"{fn} wrote more than {limits.tmpfs_mb} MiB of files and was stopped"
    if status.get("stopped"):
        return (f"{fn} closed its connection to the grader and had to be stopped "
                "(did it close or redirect file descriptors?)")
    if code == WORKER_FAILED:
        return (f"while {fn} ran, your code left its process unable to answer the grader (replacing builtins "
                "such as isinstance, float or len, or closing files, does this)")
    if sig == signal.SIGSEGV:
        return (f"{fn} crashed the Python process (segmentation fault): deep recursion overflowing the stack, "
                "or ctypes?")
    if sig == signal.SIGXCPU:
        return f"{fn} used more than {limits.cpu_seconds} s of CPU time and was stopped"
    if sig == signal.SIGKILL:
        return (f"{fn} was killed (SIGKILL): it exceeded a limit ({limits.cpu_seconds} s CPU, "
                f"{limits.memory_mb} MiB memory) or killed its own process")
    if isinstance(sig, int):
        try:
            name = signal.Signals(sig).name
        except ValueError:
            name = str(sig)
        return f"{fn} was killed by signal {name}"
    return (f"{fn} ended its Python process (exit code {code}) instead of returning: "
            "os._exit(), or killing its own process?")


_MALFORMED = ("while {fn} ran, your code's process sent the grader a malformed answer (did it write to the "
              "grader's pipe?); it was stopped, and the remaining checks ran in a fresh process")
_AFTER = "not run: {fn} was stopped in the same process just before it (the remaining checks ran in a fresh process)"


class SandboxedStudent:
    """One submission, run in a child of a pooled sandbox. Implements `Student`."""

    def __init__(self, chunks: list[Chunk], pool: SandboxPool, modules: dict[str, str] | None = None) -> None:
        self.chunks, self.modules, self.pool = chunks, modules or {}, pool
        self.limits = pool.limits
        self.sandbox: Sandbox | None = None
        self.child: Child | None = None
        self.failures: Counter[str] = Counter()  # function -> crashes and timeouts
        self.budget = self.limits.submission_timeout
        self.load_error: CallError | None = None
        self.round_trips = 0  # request frames sent to a child (benchmarks/throughput.py, tests)

    def __enter__(self) -> "SandboxedStudent":
        return self

    def __exit__(self, *exc: object) -> None:
        if self.child is not None:
            self._end_child(kill=False)
        if self.sandbox is not None:
            self.pool.release(self.sandbox)
            self.sandbox = None

    # -- child life cycle --

    def _end_child(self, kill: bool, grace: float = 2.0) -> dict[str, Any] | None:
        assert self.sandbox is not None and self.child is not None
        status = self.sandbox.end_child(self.child, kill, grace)
        self.child = None
        if status is None or not status.get("clean", False):
            self.sandbox.close()  # leftovers we could not remove: never reuse this sandbox
            self.sandbox = None
        return status

    def _start_child(self) -> None:
        if self.load_error is not None:
            raise self.load_error
        if self.budget <= 0:
            raise CallError("timeout", f"not run: your functions used up the {self.limits.submission_timeout:g} s "
                                       "allowed for the whole submission")
        for attempt in (1, 2):
            if self.sandbox is None:
                self.sandbox = self.pool.acquire()
            try:
                self.child = self.sandbox.spawn()
                break
            except SandboxDied:
                self.sandbox.close()
                self.sandbox = None
                if attempt == 2:
                    raise
        blobs = [c.code.encode("utf-8", "replace") for c in self.chunks]
        chunks = [{**c.to_json(), "code": i} for i, c in enumerate(self.chunks)]
        modules = {}
        for name, source in self.modules.items():
            blobs.append(source.encode("utf-8", "replace"))
            modules[name] = len(blobs) - 1
        try:
            header = self._exchange({"op": "load", "chunks": chunks, "modules": modules}, blobs,
                                    "the top level of your code (outside any function)")
        except CallError as err:
            self.load_error = load_failure(err.message)
            raise self.load_error from None
        if header.get("ok") is not True:
            message = header.get("message")
            self.load_error = CallError("load", escape(message, 1500) if isinstance(message, str) and
                                        header.get("kind") == "load" else "your code could not be loaded")
            raise self.load_error

    def _charge(self, start: float, reported: Any = None) -> None:
        """The student's budget pays for the child's time: what it reports (a lie can only
        be smaller than the truth by what the per-call deadline allows), never more than the
        wall clock, so a grader that was busy elsewhere charges nobody."""
        wall = time.monotonic() - start
        if isinstance(reported, (int, float)) and not isinstance(reported, bool) and 0 <= reported < wall:
            wall = reported
        self.budget -= wall

    def _fail(self, fn: str, kill: bool, message: str | None = None) -> CallError:
        """A crash or timeout of the call `fn`: the child is ended, the error says why."""
        self.failures[fn] += 1
        status = self._end_child(kill=kill, grace=0.5)
        if message is None:
            message = _describe_end(status, fn, self.limits) + "; the remaining checks ran in a fresh process"
        return CallError("crash", message)

    def _exchange(self, header: dict[str, Any], blobs: list[bytes], fn: str) -> dict[str, Any]:
        """One request and its one-frame answer (load and bookkeeping queries)."""
        assert self.child is not None
        start = time.monotonic()
        self.round_trips += 1
        try:
            write_frame(self.child.requests, header, blobs)
            response, _ = read_frame(self.child.responses, start + min(self.limits.call_timeout, self.budget))
            return response
        except Timeout:
            raise self._timeout(fn) from None
        except (Closed, OSError):
            raise self._fail(fn, kill=False) from None
        except ProtocolError:
            raise self._fail(fn, kill=True, message=_MALFORMED.format(fn=fn)) from None
        finally:
            self._charge(start)

    def _timeout(self, fn: str) -> CallError:
        limit = min(self.limits.call_timeout, self.budget)
        return self._fail(fn, kill=True, message=(
            f"{fn} did not return within {limit:g} s (an infinite loop, unbounded recursion, or sleeping?): "
            "it was stopped, and the remaining checks ran in a fresh process"))

    # -- Student --

    def run(self, calls: list[Call]) -> list[Outcome]:
        return self.run_groups([calls])[0]

    def run_groups(self, groups: list[list[Call]]) -> list[list[Outcome]]:
        """All the groups in one frame. A child that dies answers no more: the groups it
        left unanswered go to a fresh child, exactly as separate `run`s would have gone."""
        done: list[list[Outcome]] = []
        while len(done) < len(groups):
            done += self._send(groups[len(done):])
            if stops(groups[len(done) - 1], done[-1]):
                break
        return done

    def _send(self, groups: list[list[Call]]) -> list[list[Outcome]]:
        """Sends the groups (as many as fit in a frame), reads their answers until one stops
        or the child ends; returns the groups answered (at least the first)."""
        if not groups[0]:
            return [[]]
        try:
            if self.child is None:
                self._start_child()
        except CallError as err:
            return [[err for _ in groups[0]]]
        frame, batches = self._frame(groups)
        first = f"`{groups[0][0].fn}`"
        start = time.monotonic()
        self.round_trips += 1
        try:
            write_all(self.child.requests, frame)
        except OSError:
            return [[self._fail(first, kill=False)] + [CallError("crash", _AFTER.format(fn=first))] * (len(groups[0]) - 1)]
        done: list[list[Outcome]] = []
        for batch, skip in batches:
            outcomes, start = self._answers(batch, skip, start)
            done.append(outcomes)
            if self.child is None or stops(batch.calls, outcomes):
                break  # nothing more comes from this frame
        return done

    def _frame(self, groups: list[list[Call]]) -> tuple[bytes, list[tuple[Batch, list[bool]]]]:
        """The frame for the longest prefix of `groups` that the child accepts in one (its
        header is bounded); each call marked "skip" once its function failed too often."""
        blobs: list[bytes] = []
        batches = []
        for calls in groups:
            skip = [self.failures[f"`{c.fn}`"] >= self.limits.max_failures for c in calls]
            batches.append((Batch(calls, blobs), skip))
        requests = [[{**r, "skip": True} if s else r for r, s in zip(b.requests, skip)] for b, skip in batches]
        frame = encode({"op": "run", "groups": requests}, blobs)
        if fits(frame) or len(groups) == 1:
            return frame, batches
        return self._frame(groups[:len(groups) // 2])

    def _answers(self, batch: Batch, skip: list[bool], start: float) -> tuple[list[Outcome], float]:
        """One group's outcomes, each call read within its deadline from the answer before."""
        names = [f"`{c.fn}`" for c in batch.calls]
        outcomes: list[Outcome] = []
        for index, name in enumerate(names):
            outcome = self._receive(batch, index, name, start)
            if skip[index]:
                outcome = CallError("crash", f"skipped: {name} already crashed or timed out {self.failures[name]} times")
            outcomes.append(outcome)
            if self.child is None:  # stopped: nothing more comes from this batch
                outcomes += [CallError("crash", _AFTER.format(fn=name))] * (len(names) - index - 1)
                break
            start = time.monotonic()
        return outcomes, start

    def _receive(self, batch: Batch, index: int, fn: str, start: float) -> Outcome:
        assert self.child is not None
        header: dict[str, Any] = {}
        try:
            header, blobs = read_frame(self.child.responses, start + min(self.limits.call_timeout, self.budget))
            return batch.reply(index, header, blobs)
        except Timeout:
            return self._timeout(fn)
        except (Closed, OSError):
            return self._fail(fn, kill=False)
        except (ProtocolError, ValueError):
            return self._fail(fn, kill=True, message=_MALFORMED.format(fn=fn))
        finally:
            self._charge(start, header.get("seconds"))

    def _query(self, header: dict[str, Any]) -> dict[str, Any] | None:
        """has/output: bookkeeping calls; a failure there is not a student's check."""
        try:
            if self.child is None:
                self._start_child()
            response = self._exchange(header, [], "your code")
        except CallError:
            return None
        return response if response.get("ok") is True else None

    def has(self, name: str) -> bool:
        response = self._query({"op": "has", "name": name})
        return bool(response and response.get("value") is True)

    def output(self) -> str:
        response = self._query({"op": "output"})  # None after a load failure: nothing to ask
        text = response.get("text") if response else None
        return text[:OUTPUT_CAP] if isinstance(text, str) else ""  # escaped where it is shown
