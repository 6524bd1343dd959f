"""nbgrader configuration of the course: this repository is the course directory."""
c = get_config()  # noqa: F821 - provided by nbgrader when it loads this file

# nbgrader's "source" is solutions/ and its "release" is assignments/ (DESIGN.md's layout):
# `nbgrader generate_assignment backprop` turns solutions/backprop/ into assignments/backprop/.
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "assignments"

# Grading is `autograder autograde <assignment>` (sandboxed). `nbgrader autograde` would run
# every student's notebook with your rights in this directory, so it refuses to run here:
# at start-up (the end of this file: before it touches autograded/ or the gradebook), and per
# notebook (formgrader's autograde button, which does not start a new process).
c.Autograde.sanitize_preprocessors = [
    "autograder.nbgrader_guard.RefuseNbgraderAutograde",
    "nbgrader.preprocessors.ClearOutput",
    "nbgrader.preprocessors.DeduplicateIds",
    "nbgrader.preprocessors.OverwriteKernelspec",
    "nbgrader.preprocessors.OverwriteCells",
    "nbgrader.preprocessors.CheckCellMetadata",
]

# A test cell with any stderr output scores 0. The checks keep their own warnings off stderr;
# this also drops warnings that honest student code prints in a test cell (numpy overflow...).
c.IgnorePattern.enabled = True
c.IgnorePattern.pattern = r"Warning"

# Last, so that the settings above hold even where autograder cannot be imported.
import sys  # noqa: E402

from autograder.nbgrader_guard import refuse_at_start  # noqa: E402

refuse_at_start(sys.argv)
