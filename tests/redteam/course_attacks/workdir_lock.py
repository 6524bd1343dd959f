"""Class 7. At the top of the answer cell: fill the scratch directory with files in a mode
000 directory, then make the work directory itself mode 000. A zygote that did not wipe and
recreate it would start the next child (same uid) in a directory it cannot enter. Its
functions are the zeros baseline's.
Expected: the honest neighbour graded next in the same sandbox keeps full marks."""
import os as _os

try:
    _os.mkdir("junk")
    for _i in range(50):
        with open(f"junk/f{_i}", "w") as _f:
            _f.write("x" * 1000)
    _os.chmod("junk", 0)
    _os.chmod(_os.getcwd(), 0)
    print("REDTEAM-INFO: work directory locked")
except Exception as _exc:
    print("REDTEAM-INFO: lock failed:", repr(_exc))
