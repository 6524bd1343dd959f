"""Class 7, a working submission that vandalises its sandbox: the answer cells are
correct.py's, and at the top level it overwrites with junk, then deletes, every file it can
reach under /tmp (its scratch space), /opt/grader (the grader's code) and numpy's package,
and truncates its own captured output file.
Expected: its functions are right, so it scores 29; what it can touch is its own scratch
space only: the honest neighbour graded next keeps 29, no grader error."""
import os as _os

import numpy as _np

_hits = 0
for _top in ("/tmp", "/opt/grader", _os.path.dirname(_np.__file__)):
    for _dir, _subs, _files in _os.walk(_top):
        for _name in _files:
            _path = _os.path.join(_dir, _name)
            try:
                with open(_path, "w") as _f:
                    _f.write("REDTEAM-VANDAL")
                _hits += 1
            except OSError:
                pass
            try:
                _os.unlink(_path)
                _hits += 1
            except OSError:
                pass
print("REDTEAM-INFO: vandalised", _hits, "files")
