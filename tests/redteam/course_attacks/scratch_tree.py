"""Class 7. At the top of the answer cell, in the sandbox's scratch directory: a tree 10,000
directories deep, directories with mode 000 holding files, a read-only directory holding
files, a FIFO and a listening unix socket, and finally the work directory itself made
read-only and unsearchable for its owner. Its functions are the zeros baseline's.
Expected: the zygote wipes all of it before the next child: the honest neighbour graded
next in the same sandbox keeps full marks, the zygote survives (no new sandbox is needed),
and the run exits 0."""
import os as _os

try:
    import socket as _socket
    _base = _os.getcwd()
    _os.mkdir("locked")
    with open("locked/f", "w") as _f:
        _f.write("x")
    _os.chmod("locked", 0)
    _os.mkdir("ro")
    with open("ro/g", "w") as _f:
        _f.write("y")
    _os.chmod("ro", 0o500)
    _os.mkfifo("fifo")
    _s = _socket.socket(_socket.AF_UNIX)
    _s.bind("sock")
    _s.listen()
    for _i in range(10_000):
        _os.mkdir("d")
        _os.chdir("d")
    _os.chmod(".", 0)
    _os.chdir(_base)
    _os.chmod(_base, 0)
    print("REDTEAM-INFO: scratch tree planted")
except Exception as _exc:
    print("REDTEAM-INFO: scratch tree failed:", repr(_exc))
