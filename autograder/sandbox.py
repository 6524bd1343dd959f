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
from autograder.execution import OUTPUT_CAP, CallError, Chunk, load_failure
from autograder.policy import AUTODIFF_MODULES
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

    def __init__(self, limits: Limits, uid: int, confined: bool = True) -> None:
        self.limits = limits
        self.privileged = os.geteuid() == 0
        self.control, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self.log = tempfile.TemporaryFile()
        self.scratch = None if confined else tempfile.TemporaryDirectory(prefix="autograder-bare-")
        if self.scratch is not None:
            os.chmod(self.scratch.name, 0o755)  # the child's uid must reach its work directory
        command = (bwrap_command(limits, theirs.fileno(), self.privileged, uid) if self.scratch is None
                   else bare_command(theirs.fileno(), uid, self.scratch.name))
        try:
            self.proc = subprocess.Popen(command,
                                         pass_fds=[theirs.fileno()], stdin=subprocess.DEVNULL,
                                         stdout=self.log, stderr=self.log, start_new_session=True)
        except OSError as exc:
            raise SandboxUnavailable(f"cannot run bubblewrap (`bwrap`): {exc}") from None
        finally:
            theirs.close()

    def wait_ready(self, timeout: float = 60.0) -> None:
        try:
            event = self._receive(timeout)
        except SandboxDied:
            event = {}
        if event.get("event") != "ready":
            log = self._log_tail()
            self.close()
            raise SandboxUnavailable("bubblewrap did not start the grading worker:\n" + log + _userns_hint())

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
        if self.scratch is not None:
            self.scratch.cleanup()


def _userns_hint() -> str:
    return ("\n(bubblewrap needs user namespaces: on Ubuntu >= 23.10 AppArmor blocks them for non-root users, "
            "and Docker's default seccomp profile blocks them too. Run as root, allow them, or grade with "
            "--no-sandbox for trusted code only.)")


class SandboxPool:
    """Idle sandboxes, reused across submissions: each keeps numpy imported in its zygote.

    Sandboxes are started by whichever thread needs one, and bwrap's --die-with-parent
    follows the *thread* that started it: use a pool from threads that outlive it (the
    main thread, or an executor's workers until it shuts down)."""

    def __init__(self, limits: Limits, *, confined: bool = True, reuse: bool = True) -> None:
        self.limits = limits
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
        return Sandbox(self.limits, uid, self.confined)

    def prewarm(self, count: int) -> None:
        """Starts sandboxes without waiting for them: they get ready while the grader
        computes its oracles."""
        started = [self._new() for _ in range(count)]
        with self._lock:
            self._starting += started

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
        """Starts a sandbox and checks from inside that it confines code as claimed; returns
        the protection level recorded in every result. Raises SandboxUnavailable."""
        targets = _probe_targets(hidden)
        source = _PROBE.format(hidden=targets)
        with SandboxedStudent([Chunk(source, "probe.py")], self) as probe:
            outcome, = probe.run([Call("probe", (), (), "a")])
        if isinstance(outcome, CallError):
            raise SandboxUnavailable(f"the sandbox does not run code: {outcome}")
        seen = outcome.result.value if isinstance(outcome.result, Array) else None
        if seen is None or seen.shape != (3,):
            raise SandboxUnavailable("the sandbox's self-test returned nothing")
        if seen[1]:
            raise SandboxUnavailable("the sandbox has network interfaces besides loopback")
        if seen[2]:
            raise SandboxUnavailable(f"the sandbox can see some of {', '.join(targets)}")
        who = f"uid {int(seen[0])}" + (" (unprivileged)" if int(seen[0]) != 0 else "")
        lim = self.limits
        return (f"bubblewrap sandbox (pid, net, ipc, uts, mount namespaces; {who}; read-only system; "
                f"tmpfs {lim.tmpfs_mb} MiB; limits: {lim.call_timeout:g} s per call, {lim.memory_mb} MiB memory, "
                f"{lim.cpu_seconds} s CPU, {lim.processes} processes, {lim.open_files} files)")


def _probe_targets(hidden: list[Path], per_dir: int = 50) -> list[str]:
    """Concrete files the child must not see: each hidden file, and the entries of each
    hidden directory except the interpreter's own mounts (e.g. a .venv inside the course)."""
    mounts = _readonly_paths()
    targets: list[str] = []
    for path in hidden:
        entries = sorted(path.iterdir())[:per_dir] if path.is_dir() else [path] if path.exists() else []
        for entry in map(str, entries):
            if not any(_covered(m, [entry]) or _covered(entry, [m]) for m in mounts):
                targets.append(entry)
    return targets


_PROBE = """
import os, socket
import numpy as np

def probe():
    others = [name for _, name in socket.if_nameindex() if name != "lo"]
    visible = [p for p in {hidden!r} if os.path.exists(p)]
    return np.array([os.getuid(), len(others), len(visible)], dtype=float)
"""


# --- the Student the checks talk to ------------------------------------------------------

def _describe_end(status: dict[str, Any] | None, fn: str, limits: Limits) -> str:
    if status is None:
        return f"while {fn} ran, the sandbox running your code stopped responding"
    sig, code = status.get("signal"), status.get("code")
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
