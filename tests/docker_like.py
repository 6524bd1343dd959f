"""Runs a command as root of a container without namespaces: `python tests/docker_like.py CMD...`.

What Gradescope's run_autograder gets (FACTS.md, "Simulating Docker's root here"): uid 0
with Docker's default capabilities (no CAP_SYS_ADMIN), unable to create namespaces, so
bubblewrap cannot start; setuid to other uids works. Made with the kernel's own
interfaces, not by forcing a flag: a user namespace whose uids 0-65535 are the host's,
nested user namespaces disabled inside it (max_user_namespaces is per user namespace), and
the capability bounding set cut down to Docker's. Needs real root.

The container's filesystem is the host's, in a mount namespace of its own where a 0700
home directory of root that holds the interpreter (pyenv installs under /root) is replaced
by a 0755 one holding only that installation: in a Docker image Python lives where every
user may read it (/usr, /usr/local), and the container level needs that.

`--no-landlock` first: the kernel's Landlock calls fail with ENOSYS inside (a seccomp
filter, as on a kernel built without Landlock), for the container level's fallback.

The exit status is the command's (128 + signal if it was killed).
"""
from __future__ import annotations

import ctypes
import os
import sys

CLONE_NEWUSER, CLONE_NEWNS = 0x10000000, 0x00020000
MS_BIND, MS_REC, MS_PRIVATE = 0x1000, 0x4000, 0x40000
DOCKER_CAPS = ("chown", "dac_override", "fsetid", "fowner", "mknod", "net_raw", "setgid", "setuid", "setfcap",
               "setpcap", "net_bind_service", "sys_chroot", "kill", "audit_write")
UIDS = 65536  # covers the sandbox's child uids (64000-65000)


def _mount(libc: ctypes.CDLL, source: str | None, target: str, fstype: str | None, flags: int, data: str | None) -> None:
    enc = [v.encode() if v is not None else None for v in (source, target, fstype, data)]
    if libc.mount(enc[0], enc[1], enc[2], flags, enc[3]) != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"mount {target}: {os.strerror(err)}")


def _readable_interpreter(libc: ctypes.CDLL) -> None:
    """If the interpreter lives under a home directory that others cannot traverse, show
    that directory as 0755 holding only the interpreter's installation."""
    base = os.path.realpath(sys.base_prefix)
    home = next((p for p in ("/root",) if base.startswith(p + "/")), None)
    if home is None or os.stat(home).st_mode & 0o001:
        return
    top = os.path.join(home, os.path.relpath(base, home).split(os.sep)[0])  # e.g. /root/.pyenv
    if libc.unshare(CLONE_NEWNS) != 0:
        raise OSError(ctypes.get_errno(), "unshare(CLONE_NEWNS)")
    _mount(libc, None, "/", None, MS_REC | MS_PRIVATE, None)
    keep = os.open(top, os.O_PATH)
    _mount(libc, "tmpfs", home, "tmpfs", 0, "mode=0755")
    os.mkdir(top, 0o755)
    _mount(libc, f"/proc/self/fd/{keep}", top, None, MS_BIND | MS_REC, None)
    os.close(keep)


LANDLOCK_CALLS = {"x86_64": (444, 445, 446), "aarch64": (444, 445, 446)}
AUDIT_ARCH = {"x86_64": 0xC000003E, "aarch64": 0xC00000B7}


def _hide_landlock(libc: ctypes.CDLL) -> None:
    """landlock_* -> ENOSYS, everything else allowed. Installed with CAP_SYS_ADMIN of the new
    user namespace (no no_new_privs needed)."""
    class Insn(ctypes.Structure):
        _fields_ = [("code", ctypes.c_uint16), ("jt", ctypes.c_uint8), ("jf", ctypes.c_uint8), ("k", ctypes.c_uint32)]

    class Prog(ctypes.Structure):
        _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.POINTER(Insn))]

    machine = os.uname().machine
    allow, enosys = 0x7FFF0000, 0x00050000 | 38
    insns = [(0x20, 0, 0, 4), (0x15, 1, 0, AUDIT_ARCH[machine]), (0x06, 0, 0, allow), (0x20, 0, 0, 0)]
    for nr in LANDLOCK_CALLS[machine]:
        insns += [(0x15, 0, 1, nr), (0x06, 0, 0, enosys)]
    insns.append((0x06, 0, 0, allow))
    array = (Insn * len(insns))(*(Insn(*i) for i in insns))
    prog = Prog(len(insns), array)
    libc.syscall.restype = ctypes.c_long
    if libc.syscall(ctypes.c_long(317 if machine == "x86_64" else 277), ctypes.c_long(1), ctypes.c_long(0),
                    ctypes.byref(prog)) != 0:
        raise OSError(ctypes.get_errno(), "seccomp")


def _child(ready_w: int, mapped_r: int, command: list[str], no_landlock: bool) -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    _readable_interpreter(libc)
    if libc.unshare(CLONE_NEWUSER) != 0:
        os._exit(125)
    os.write(ready_w, b"1")
    if os.read(mapped_r, 1) != b"1":
        os._exit(125)
    os.setresgid(0, 0, 0)
    os.setresuid(0, 0, 0)
    with open("/proc/sys/user/max_user_namespaces", "w") as f:
        f.write("0")  # no user namespace inside: bwrap, unshare and Docker-in-Docker fail
    if no_landlock:
        _hide_landlock(libc)
    caps = ",".join(["-all", *(f"+{c}" for c in DOCKER_CAPS)])
    os.execvp("setpriv", ["setpriv", "--bounding-set", caps, "--inh-caps", "-all", "--", *command])


def main(command: list[str]) -> int:
    no_landlock = command[:1] == ["--no-landlock"]
    command = command[1:] if no_landlock else command
    ready_r, ready_w = os.pipe()
    mapped_r, mapped_w = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            _child(ready_w, mapped_r, command, no_landlock)
        finally:
            os._exit(125)
    if os.read(ready_r, 1) != b"1":
        os.waitpid(pid, 0)
        sys.exit("docker_like: unshare(CLONE_NEWUSER) failed")
    for name in ("uid_map", "gid_map"):
        with open(f"/proc/{pid}/{name}", "w") as f:
            f.write(f"0 0 {UIDS}\n")
    os.write(mapped_w, b"1")
    status = os.waitpid(pid, 0)[1]
    return os.WEXITSTATUS(status) if os.WIFEXITED(status) else 128 + os.WTERMSIG(status)


if __name__ == "__main__":
    if os.geteuid() != 0:
        sys.exit("docker_like: needs root (it maps the host's uids 0-65535)")
    sys.exit(main(sys.argv[1:]))
