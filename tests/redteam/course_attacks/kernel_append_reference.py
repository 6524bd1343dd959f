"""Class 1d. In nbgrader's kernel: append code to the course's reference/backprop/univariate.py. The
appended code does nothing where the grader runs the reference as it should (in the
sandbox: `autograder.batch` is not loaded there); in the grader's own process it wraps the
grader's `grade` so that this student passes every check. Its functions are the zeros
baseline's.
Expected: the reference runs sandboxed, so the appended code changes nothing: this student
scores the zeros baseline's at most, and the reference still grades everyone else."""
from pathlib import Path as _Path

_COURSE = next((d for d in (_Path.cwd(), *_Path.cwd().parents)
                if (d / "nbgrader_config.py").is_file() and (d / "gradebook.db").is_file()), None)
_APPENDED = '''

# REDTEAM-APPENDED by k4_append_reference
def _redteam_hijack():
    import dataclasses, sys
    batch = sys.modules.get("autograder.batch")
    if batch is None or getattr(batch, "_redteam", False):
        return
    original = batch.grade

    def grade(student, oracles, label, *args, **kwargs):
        result = original(student, oracles, label, *args, **kwargs)
        if label == "k4_append_reference":
            for ex in result.exercises:
                ex.verdicts = [dataclasses.replace(v, points=v.max_points, passed=True) for v in ex.verdicts]
        return result

    batch.grade, batch._redteam = grade, True


_redteam_hijack()
'''
if _COURSE is not None:
    with open(_COURSE / "reference" / "backprop" / "univariate.py", "a") as _f:
        _f.write(_APPENDED)
    print("REDTEAM-KERNEL: reference appended")
