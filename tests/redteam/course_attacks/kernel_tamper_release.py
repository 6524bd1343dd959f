"""Class 1, residue in the course directory. In nbgrader's kernel: append the reference's
code to the read-only setup cell of the release in assignments/ (which `autograder
autograde` trusts: it runs the release's setup cell before every student's answers, and
builds every autograded notebook from the release). The attacker's own answer cells are
left empty, so the functions the setup cell now defines are the ones graded.
Expected: the grader notices that the release is not the one nbgrader generated (or does
not trust it): no student scores above the zeros baseline without writing code, and no
autograded notebook or feedback shows the reference's code."""
import json as _json
from pathlib import Path as _Path

_COURSE = next((d for d in (_Path.cwd(), *_Path.cwd().parents)
                if (d / "nbgrader_config.py").is_file() and (d / "gradebook.db").is_file()), None)
if _COURSE is not None:
    _path = _COURSE / "assignments" / "backprop" / "backprop.ipynb"
    _release = _json.loads(_path.read_text())
    _folder = _COURSE / "reference" / "backprop"  # common.py first: the others import from it
    _ref = "\n".join(p.read_text() for p in (_folder / "common.py", *sorted(_folder.glob("[!_c]*.py"))))
    _ref = _ref.replace("from __future__ import annotations", "").replace("from .common import", "# from .common import")
    for _cell in _release["cells"]:
        if _cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") == "setup":
            _cell["source"] = "".join(_cell["source"]) + "\n" + _ref
    _path.write_text(_json.dumps(_release, indent=1))
    print("REDTEAM-KERNEL: release tampered")
