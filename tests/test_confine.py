"""autograder/confine.py against the real kernel: no mocks.

Each test forks a child that confines itself with `apply()` and then tries things; the child
reports what happened as JSON through a pipe and the parent asserts. Outcomes are written
"ok" or "<exception> <errno>", so an assertion also says which mechanism refused: Landlock
refuses files with EACCES, the seccomp filter and Landlock's scopes refuse with EPERM.

The child never returns into pytest: it always ends in os._exit.
"""
from __future__ import annotations

import ctypes
import errno
import json
import os
import select
import shutil
import signal
import site
import socket
import stat
import subprocess
import sys
import tempfile
import threading
import traceback
from pathlib import Path
from typing import Callable, Iterator

import pytest

from autograder import confine
from autograder.confine import Confinement, Support

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = Path(confine.__file__).resolve().parent  # the grader's package, as the child sees it
SUPPORT = confine.probe()
NOBODY = 65534
LIBC = ctypes.CDLL(None, use_errno=True)
LIBC.syscall.restype = ctypes.c_long
IS_ROOT = os.geteuid() == 0

needs_landlock = pytest.mark.skipif(SUPPORT.landlock_abi < 1, reason="kernel without Landlock (Linux >= 5.13, CONFIG_SECURITY_LANDLOCK, 'landlock' in lsm=)")
needs_seccomp = pytest.mark.skipif(not SUPPORT.seccomp, reason="kernel without seccomp filter mode (CONFIG_SECCOMP_FILTER) or with an unknown architecture")
needs_scopes = pytest.mark.skipif(SUPPORT.landlock_abi < 6, reason=f"Landlock ABI {SUPPORT.landlock_abi} < 6: no signal or abstract-socket scoping (Linux >= 6.12)")
needs_root = pytest.mark.skipif(not SUPPORT.root, reason="not root (with CAP_SETUID/CAP_SETGID): no uid to drop to")


# --- running a child -------------------------------------------------------------------------

def in_child(work: Callable[[], dict], timeout: float = 10.0) -> dict:
    """Run `work` in a forked child; return its JSON report (or {"error": ...})."""
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            os.close(read_fd)
            try:
                report = work()
            except BaseException as e:
                report = {"error": f"{type(e).__name__}: {e}", "traceback": traceback.format_exc()}
            data = json.dumps(report).encode()
            while data:
                data = data[os.write(write_fd, data):]
        finally:
            os._exit(0)
    os.close(write_fd)
    try:
        data = read_until_eof(read_fd, timeout)
    finally:
        os.close(read_fd)
        os.kill(pid, signal.SIGKILL)  # a no-op unless the child hung (it stays a zombie until reaped)
        os.waitpid(pid, 0)
    return json.loads(data)


def read_until_eof(fd: int, timeout: float) -> bytes:
    chunks = []
    while True:
        ready, _, _ = select.select([fd], [], [], timeout)
        assert ready, f"child silent for {timeout} s"
        chunk = os.read(fd, 65536)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)


def run_confined(conf: Confinement, body: Callable[[], dict], support: Support | None = SUPPORT,
                 before: Callable[[], None] | None = None) -> dict:
    """Fork, run `before`, apply `conf` (support None: probe in the child), run `body`."""
    def work() -> dict:
        if before is not None:
            before()
        applied = confine.apply(conf, support if support is not None else confine.probe())
        return {"applied": applied, **body()}

    report = in_child(work)
    assert "error" not in report, report.get("traceback")
    return report


def outcome(action: Callable[[], object]) -> str:
    try:
        action()
    except OSError as e:
        return f"{type(e).__name__} {errno.errorcode.get(e.errno or 0, e.errno)}"
    except Exception as e:
        return type(e).__name__
    return "ok"


def libc_call(name: str, *args: object) -> int:
    """A libc wrapper (so its syscall number is glibc's, not ours); raises OSError."""
    result = getattr(LIBC, name)(*args)
    if result == -1:
        err = ctypes.get_errno()
        raise OSError(err, os.strerror(err))
    return result


def become_nobody() -> None:
    os.setgroups([])
    os.setgid(NOBODY)
    os.setuid(NOBODY)


# --- what the child may see ------------------------------------------------------------------

def python_paths() -> tuple[str, ...]:
    """The interpreter's prefixes, site-packages and the grader's package.

    Plus what a *fresh* `import numpy` loads from the system: its extension links against
    libstdc++ and libz from /usr/lib, found through /etc/ld.so.cache. (A zygote that imported
    numpy before forking needs none of these.) /etc/ld.so.cache is a file rule: the rest of
    /etc stays unreadable.
    """
    paths = [sys.prefix, sys.base_prefix, *site.getsitepackages(), str(PACKAGE)]
    paths += ["/usr/lib", "/usr/lib64", "/lib", "/lib64", "/etc/ld.so.cache"]
    return tuple(dict.fromkeys(paths))


@pytest.fixture
def scratch(tmp_path: Path) -> Path:
    path = tmp_path / "scratch"
    path.mkdir()
    return path


@pytest.fixture
def open_dir() -> Iterator[Path]:
    """A directory under /tmp that uid 65534 can reach (pytest's tmp_path is in a 0700 dir)."""
    path = Path(tempfile.mkdtemp(prefix="confine-test-", dir="/tmp"))
    path.chmod(0o755)
    yield path
    shutil.rmtree(path)


def reachable_by_others(path: str) -> bool:
    """Whether an unrelated uid can traverse to `path` and read it (others' permission bits)."""
    target = Path(path).resolve()
    for directory in [*reversed(target.parents), target]:
        mode = directory.stat().st_mode
        if stat.S_ISDIR(mode) and not mode & stat.S_IXOTH:
            return False
    return bool(target.stat().st_mode & stat.S_IROTH)


# --- probe -------------------------------------------------------------------------------------

def process_state() -> dict:
    with open("/proc/self/status") as status:
        fields = dict(line.split(":", 1) for line in status)
    return {key: fields[key].strip() for key in ("NoNewPrivs", "Seccomp", "Seccomp_filters", "Uid")} | {
        "fds": sorted(os.listdir("/proc/self/fd")),
    }


def test_probe_reports_this_kernel_and_changes_nothing():
    before = process_state()
    support = confine.probe()
    assert process_state() == before  # no no_new_privs, no filter, no leaked descriptor
    assert support == SUPPORT
    assert support.root == (os.geteuid() == 0)
    if support.landlock_abi < 1:
        pytest.skip("kernel without Landlock (Linux >= 5.13 with CONFIG_SECURITY_LANDLOCK enabled in lsm=)")
    if not support.seccomp:
        pytest.skip("kernel without seccomp filter mode (CONFIG_SECCOMP_FILTER)")
    assert support.describe().startswith(f"landlock ABI {support.landlock_abi}, seccomp filter")


def test_describe():
    assert Support(7, True, True).describe() == "landlock ABI 7, seccomp filter, uid drop"
    assert Support(0, False, False).describe() == "no landlock, no seccomp, no uid drop"


def test_confinement_rejects_relative_paths_and_uid_0():
    with pytest.raises(ValueError):
        Confinement(readable=("usr/lib",), writable=())
    with pytest.raises(ValueError):
        Confinement(readable=(), writable=("/tmp",), uid=0)


# --- filesystem --------------------------------------------------------------------------------

NUMPY_CHILD = """
import json, os, sys
sys.path.insert(0, sys.argv[1])
from autograder import confine
conf = confine.Confinement(**{k: tuple(v) for k, v in json.loads(sys.argv[2]).items()})
applied = confine.apply(conf, confine.probe())
import numpy as np
a = np.arange(12.0).reshape(3, 4)
report = {"applied": applied, "uid": os.getuid(), "product": float((a @ a.T).trace()),
          "solve": np.linalg.solve(np.eye(3) * 2, np.ones(3)).tolist()}
print(json.dumps(report))
"""


def run_numpy_child(readable: tuple[str, ...], scratch: Path, user: int | None = None) -> dict:
    """A fresh interpreter (the pytest process already imported numpy: a forked child's
    `import numpy` would be a no-op) that confines itself, then imports numpy."""
    conf = json.dumps({"readable": readable, "writable": [str(scratch)]})
    env = {"PATH": "/usr/bin:/bin", "OPENBLAS_NUM_THREADS": "1", "TMPDIR": str(scratch)}
    done = subprocess.run([sys.executable, "-c", NUMPY_CHILD, str(ROOT), conf], capture_output=True,
                          text=True, timeout=30, env=env, cwd=scratch, user=user)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@needs_landlock
@needs_seccomp
def test_numpy_imports_and_computes_under_confinement(scratch: Path):
    report = run_numpy_child(python_paths(), scratch)
    assert report["applied"] == ["no_new_privs", f"landlock ABI {min(SUPPORT.landlock_abi, 7)}", "seccomp filter"]
    assert report["product"] == 506.0
    assert report["solve"] == [0.5, 0.5, 0.5]


@needs_landlock
def test_files_outside_readable_and_writable_are_refused(scratch: Path, tmp_path: Path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "victim").write_text("keep me")
    conf = Confinement(readable=python_paths(), writable=(str(scratch),))

    def body() -> dict:
        return {
            "passwd": outcome(lambda: open("/etc/passwd").read()),
            "readme": outcome(lambda: (ROOT / "README.md").read_text()),
            "tests": outcome(lambda: Path(__file__).read_text()),
            "list_repo": outcome(lambda: os.listdir(ROOT)),
            "package": outcome(lambda: (PACKAGE / "confine.py").read_text()),
            "stdlib": outcome(lambda: Path(os.__file__).read_text()),
            "create_outside": outcome(lambda: open(outside / "new", "w")),
            "delete_outside": outcome(lambda: os.unlink(outside / "victim")),
            "write_package": outcome(lambda: open(PACKAGE / "__init__.py", "r+")),
            "dev_null": outcome(lambda: open("/dev/null", "w")),
        }

    report = run_confined(conf, body)
    refused = "PermissionError EACCES"
    assert report["passwd"] == report["readme"] == report["tests"] == report["list_repo"] == refused
    assert report["package"] == report["stdlib"] == "ok"
    assert report["create_outside"] == report["delete_outside"] == report["write_package"] == refused
    assert report["dev_null"] == refused  # documented: not listed, not reachable
    assert sorted(os.listdir(outside)) == ["victim"]


@needs_landlock
def test_scratch_is_fully_writable(scratch: Path):
    conf = Confinement(readable=python_paths(), writable=(str(scratch),))

    def body() -> dict:
        steps = {
            "write": lambda: (scratch / "a.txt").write_text("hello"),
            "read": lambda: (scratch / "a.txt").read_text() == "hello" or 1 / 0,
            "mkdir": lambda: (scratch / "sub").mkdir(),
            "rename_across_dirs": lambda: os.rename(scratch / "a.txt", scratch / "sub" / "b.txt"),
            "truncate": lambda: os.truncate(scratch / "sub" / "b.txt", 2),
            "symlink": lambda: os.symlink("b.txt", scratch / "sub" / "link"),
            "list": lambda: sorted(os.listdir(scratch / "sub")) == ["b.txt", "link"] or 1 / 0,
            "unlink": lambda: [os.unlink(scratch / "sub" / n) for n in ("b.txt", "link")],
            "rmdir": lambda: (scratch / "sub").rmdir(),
            "keep": lambda: (scratch / "kept.txt").write_text("from the child"),
        }
        return {name: outcome(step) for name, step in steps.items()}

    report = run_confined(conf, body)
    assert {k: v for k, v in report.items() if k != "applied"} == dict.fromkeys(
        ["write", "read", "mkdir", "rename_across_dirs", "truncate", "symlink", "list", "unlink", "rmdir", "keep"], "ok")
    assert sorted(os.listdir(scratch)) == ["kept.txt"]
    assert (scratch / "kept.txt").read_text() == "from the child"


# --- network, processes, kernel objects -------------------------------------------------------

def raw_clone_newuser() -> None:
    """clone(CLONE_NEWUSER | SIGCHLD) through syscall(2): the filter must refuse it."""
    flags = 0x10000000 | signal.SIGCHLD
    pid = LIBC.syscall(ctypes.c_long(confine._NR["clone"]), ctypes.c_long(flags), None, None, None, None)
    if pid == 0:
        os._exit(0)  # not refused: the new process leaves at once
    if pid < 0:
        err = ctypes.get_errno()
        raise OSError(err, os.strerror(err))
    os.waitpid(pid, 0)


def raw_syscall(name: str, *args: int) -> None:
    result = LIBC.syscall(ctypes.c_long(confine._NR[name]), *(ctypes.c_long(a) for a in args))
    if result < 0:
        err = ctypes.get_errno()
        raise OSError(err, os.strerror(err))


def shmget_private() -> None:
    """shmget(IPC_PRIVATE, 4096, IPC_CREAT|0600); were it allowed, the segment is removed at
    once (it would outlive the test)."""
    shmid = libc_call("shmget", 0, 4096, 0o1600)
    libc_call("shmctl", shmid, 0, None)  # IPC_RMID


def fork_and_wait() -> int:
    pid = os.fork()
    if pid == 0:
        os._exit(7)
    return os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])


def unix_pair_round_trip() -> None:
    left, right = socket.socketpair(socket.AF_UNIX)
    left.sendall(b"ping")
    assert right.recv(4) == b"ping"


def thread_runs() -> None:
    result = []
    worker = threading.Thread(target=lambda: result.append(1))
    worker.start()
    worker.join()
    assert result == [1]


@pytest.fixture
def bystander() -> Iterator[int]:
    """An unconfined process of ours to aim ptrace at (not pytest: were the attach to
    succeed, the tracee would stay stopped)."""
    pid = os.fork()
    if pid == 0:
        while True:
            signal.pause()
    yield pid
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)


@needs_seccomp
@needs_landlock
def test_network_ipc_and_process_escapes_are_refused(scratch: Path, bystander: int):
    conf = Confinement(readable=python_paths(), writable=(str(scratch),))

    def body() -> dict:
        return {
            "inet": outcome(lambda: socket.socket(socket.AF_INET, socket.SOCK_STREAM)),
            "inet6": outcome(lambda: socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)),
            "netlink": outcome(lambda: socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 0)),
            "inet_pair": outcome(lambda: socket.socketpair(socket.AF_INET)),
            "unix": outcome(lambda: socket.socket(socket.AF_UNIX).close()),
            "unix_pair": outcome(unix_pair_round_trip),
            "fork": fork_and_wait(),
            "thread": outcome(thread_runs),  # glibc gets ENOSYS from clone3 and falls back to clone
            "clone3": outcome(lambda: raw_syscall("clone3", 0, 0)),
            "clone_newuser": outcome(raw_clone_newuser),
            "ptrace": outcome(lambda: libc_call("ptrace", ctypes.c_long(16), ctypes.c_long(bystander), None, None)),  # PTRACE_ATTACH
            "shmget": outcome(shmget_private),
            "unshare": outcome(lambda: libc_call("unshare", 0x10000000)),  # CLONE_NEWUSER
            # Without the filter: ENOENT (nothing is mounted even if this check were broken).
            "mount": outcome(lambda: libc_call("mount", b"none", b"/nonexistent-confine-test", b"tmpfs", 0, None)),
            "personality": outcome(lambda: libc_call("personality", 0x0040000)),  # ADDR_NO_RANDOMIZE
            "io_uring": outcome(lambda: raw_syscall("io_uring_setup", 1, 0)),
        }

    report = run_confined(conf, body)
    eperm = "PermissionError EPERM"
    for name in ("inet", "inet6", "netlink", "inet_pair", "clone_newuser", "ptrace", "shmget",
                 "unshare", "mount", "personality", "io_uring"):
        assert report[name] == eperm, name
    assert report["clone3"] == "OSError ENOSYS"
    assert report["unix"] == report["unix_pair"] == report["thread"] == "ok"
    assert report["fork"] == 7


@needs_seccomp
@pytest.mark.skipif(os.uname().machine != "x86_64", reason="the x32 ABI exists only on x86_64")
def test_x32_syscalls_kill_the_process(scratch: Path):
    conf = Confinement(readable=(), writable=(str(scratch),))

    def body() -> dict:
        pid = os.fork()
        if pid == 0:
            LIBC.syscall(ctypes.c_long(0x40000000 | 39))  # x32 getpid
            os._exit(0)
        status = os.waitpid(pid, 0)[1]
        return {"signal": os.WTERMSIG(status) if os.WIFSIGNALED(status) else None}

    report = run_confined(conf, body, support=Support(0, True, False))
    assert report["signal"] == signal.SIGSYS


@needs_scopes
def test_signals_and_abstract_sockets_stay_inside_the_domain(scratch: Path):
    # No uid drop and no seccomp: the child has the parent's uid (even root's CAP_KILL),
    # so only Landlock's scopes stand between it and the parent.
    conf = Confinement(readable=python_paths(), writable=(str(scratch),))
    support = Support(landlock_abi=SUPPORT.landlock_abi, seccomp=False, root=SUPPORT.root)
    parent = os.getpid()
    host_name = f"\0confine-test-{parent}"
    listener = socket.socket(socket.AF_UNIX)
    listener.bind(host_name)
    listener.listen(1)

    def own_child_can_be_killed() -> None:
        pid = os.fork()
        if pid == 0:
            signal.pause()
            os._exit(0)
        os.kill(pid, signal.SIGKILL)
        assert os.waitpid(pid, 0)[1] == signal.SIGKILL

    def own_abstract_socket() -> None:
        own = socket.socket(socket.AF_UNIX)
        own.bind(f"\0confine-test-child-{os.getpid()}")
        own.listen(1)
        socket.socket(socket.AF_UNIX).connect(own.getsockname())

    def body() -> dict:
        return {
            "probe_parent": outcome(lambda: os.kill(parent, 0)),
            "signal_parent": outcome(lambda: os.kill(parent, signal.SIGURG)),  # ignored by default, were it delivered
            "kill_own_child": outcome(own_child_can_be_killed),
            "host_socket": outcome(lambda: socket.socket(socket.AF_UNIX).connect(host_name)),
            "own_socket": outcome(own_abstract_socket),
        }

    try:
        report = run_confined(conf, body, support=support)
    finally:
        listener.close()
    assert report["applied"] == ["no_new_privs", f"landlock ABI {min(SUPPORT.landlock_abi, 7)}"]
    assert report["probe_parent"] == report["signal_parent"] == "PermissionError EPERM"
    assert report["host_socket"] == "PermissionError EPERM"
    assert report["kill_own_child"] == report["own_socket"] == "ok"


# --- uid -----------------------------------------------------------------------------------------

@needs_root
def test_uid_drop_leaves_root_files_unreadable(open_dir: Path):
    shared = open_dir / "shared"
    shared.mkdir(mode=0o755)
    (shared / "secret").write_text("root only")
    (shared / "secret").chmod(0o600)
    (shared / "public").write_text("anyone")
    (shared / "public").chmod(0o644)
    scratch = open_dir / "scratch"
    scratch.mkdir()
    os.chown(scratch, NOBODY, NOBODY)
    conf = Confinement(readable=(str(shared),), writable=(str(scratch),), uid=NOBODY)

    def body() -> dict:
        return {
            "ids": [os.getuid(), os.geteuid(), os.getgid(), os.getegid(), os.getgroups()],
            "secret": outcome(lambda: (shared / "secret").read_text()),
            "public": outcome(lambda: (shared / "public").read_text()),
            "back_to_root": outcome(lambda: os.setuid(0)),
            "scratch": outcome(lambda: (scratch / "mine").write_text("x")),
        }

    report = run_confined(conf, body)
    assert report["applied"][0] == f"uid {NOBODY}"
    assert report["ids"] == [NOBODY, NOBODY, NOBODY, NOBODY, []]
    assert report["secret"] == "PermissionError EACCES"  # inside a readable directory: refused by DAC
    assert report["public"] == report["scratch"] == "ok"
    assert report["back_to_root"] == "PermissionError EPERM"
    assert (scratch / "mine").stat().st_uid == NOBODY


def prctl(option: int) -> int:
    return LIBC.prctl(ctypes.c_int(option), ctypes.c_ulong(0), ctypes.c_ulong(0), ctypes.c_ulong(0), ctypes.c_ulong(0))


@needs_landlock
@needs_seccomp
def test_works_without_root(open_dir: Path):
    """An unprivileged process: no uid to drop, seccomp only thanks to no_new_privs."""
    scratch = open_dir / "scratch"
    scratch.mkdir()
    os.chown(scratch, NOBODY, NOBODY)
    conf = Confinement(readable=python_paths(), writable=(str(scratch),))

    def body() -> dict:
        return {
            "uid": os.getuid(),
            "no_new_privs": prctl(39),  # PR_GET_NO_NEW_PRIVS
            "seccomp_mode": prctl(21),  # PR_GET_SECCOMP: 2 is filter mode
            "passwd": outcome(lambda: open("/etc/passwd").read()),  # world-readable: refused by Landlock
            "inet": outcome(lambda: socket.socket(socket.AF_INET)),
            "scratch": outcome(lambda: (scratch / "mine").write_text("x")),
            "fork": fork_and_wait(),
        }

    # Probed in the child after becoming nobody, so the support is an unprivileged one.
    report = run_confined(conf, body, support=None, before=become_nobody if IS_ROOT else None)
    assert report["applied"] == ["no_new_privs", f"landlock ABI {min(SUPPORT.landlock_abi, 7)}", "seccomp filter"]
    assert report["uid"] == (NOBODY if IS_ROOT else os.getuid())
    assert report["no_new_privs"] == 1 and report["seccomp_mode"] == 2
    assert report["passwd"] == "PermissionError EACCES"
    assert report["inet"] == "PermissionError EPERM"
    assert report["scratch"] == "ok" and report["fork"] == 7


@needs_landlock
@needs_seccomp
@needs_root
def test_numpy_as_an_unprivileged_uid(open_dir: Path):
    needed = [sys.executable, sys.prefix, sys.base_prefix, *site.getsitepackages(), str(PACKAGE)]
    unreachable = [p for p in needed if os.path.exists(p) and not reachable_by_others(p)]
    if unreachable:
        pytest.skip(f"uid {NOBODY} cannot reach the interpreter here ({', '.join(unreachable)}: "
                    "a parent directory lacks o+x, e.g. /root is 0700)")
    scratch = open_dir / "scratch"
    scratch.mkdir()
    os.chown(scratch, NOBODY, NOBODY)
    report = run_numpy_child(python_paths(), scratch, user=NOBODY)
    assert report["uid"] == NOBODY and report["product"] == 506.0


# --- failures are loud ---------------------------------------------------------------------------

def test_uid_drop_without_root_is_refused(scratch: Path):
    conf = Confinement(readable=(), writable=(str(scratch),), uid=NOBODY)
    report = in_child(lambda: {"applied": confine.apply(conf, Support(SUPPORT.landlock_abi, SUPPORT.seccomp, root=False))})
    assert report["error"].startswith("ConfinementError: cannot drop to uid")


@needs_root
def test_a_broken_promise_raises(open_dir: Path):
    # The support claims root, but the child already is nobody: setgroups fails.
    conf = Confinement(readable=(), writable=(str(open_dir),), uid=NOBODY - 1)

    def work() -> dict:
        become_nobody()
        return {"applied": confine.apply(conf, Support(0, False, root=True))}

    report = in_child(work)
    assert report["error"].startswith("ConfinementError:") and "Operation not permitted" in report["error"]


def test_threads_are_refused(scratch: Path):
    conf = Confinement(readable=(), writable=(str(scratch),))

    def work() -> dict:
        release = threading.Event()
        threading.Thread(target=release.wait, daemon=True).start()
        try:
            return {"applied": confine.apply(conf, SUPPORT)}
        finally:
            release.set()

    report = in_child(work)
    assert report["error"].startswith("ConfinementError: apply() needs a single-threaded process")
