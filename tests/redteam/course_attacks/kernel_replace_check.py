"""Class 1c. In nbgrader's kernel: replace the test cells' `check` (defined in this answer
cell, which runs after the cell importing it) by one that prints a pass and returns the
cell's full points, so every test cell scores full in the gradebook. In the sandbox: make
the grader fail on purpose, so that the forged score would stand: answer the grader with a
result tree of the wrong shape (valid "seconds" and "mutated" fields, so that only the
result itself is wrong). Its functions are the zeros baseline's.
Expected: the sandbox's score (the zeros baseline's at most) replaces the forged one; the
forged tree is this submission's failure ("malformed answer"), never a grader error."""
import sys as _sys

_POINTS = {("univariate", "forward"): 2.0, ("univariate", "backward"): 4.0, ("multivariate", "forward"): 2.0,
           ("multivariate", "backward"): 4.0, ("two_layer_linear", "forward"): 2.0,
           ("two_layer_linear", "backward"): 6.0, ("sigmoid_mlp", "sigmoid"): 1.0, ("sigmoid_mlp", "forward"): 2.0,
           ("sigmoid_mlp", "backward"): 6.0}


def check(exercise, group, namespace, reference=False):
    print(f"autograder: every check of {exercise} ({group}) passed")
    return _POINTS[(exercise, group)]


def _sabotage_the_grader():
    worker = _sys.modules.get("autograder.worker")
    if worker is None:  # not in the sandbox
        return
    original = worker.write_frame

    def forged(fd, header, blobs=()):
        if "result" in header:
            header = {"ok": True, "seconds": 0.01, "mutated": [], "result": {"zz": [1, 2, 3]}}
            blobs = []
        return original(fd, header, blobs)

    worker.write_frame = forged


_sabotage_the_grader()
