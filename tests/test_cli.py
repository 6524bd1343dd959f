"""The `autograder grade` command end to end (in-process mode; the sandbox has its own tests)."""
from __future__ import annotations

import json
import os
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from cli_runner import grade_cli as autograder

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "submissions"


def test_grades_examples_and_writes_every_report(tmp_path):
    out = tmp_path / "out"
    proc = autograder(str(EXAMPLES), "--no-sandbox", "--out", str(out), "--junit", str(tmp_path / "j.xml"),
                      "--csv", str(tmp_path / "r.csv"))
    assert proc.returncode == 0, proc.stderr
    rows = {line.split(",")[0]: line.split(",") for line in (tmp_path / "r.csv").read_text().splitlines()[1:]}
    assert rows["correct.py"][1:3] == ["29", "29"]
    assert rows["stub.py"][1] == "0"
    assert rows["mistake_no_keepdims.py"][1] == "27"  # b1 in two exercises (the descent path is not charged again)

    results = json.loads((out / "correct.py" / "results.json").read_text())
    assert results["score"] == 29
    assert all(t["status"] == "passed" and t["score"] == t["max_score"] for t in results["tests"])
    assert all(t["name"].split(":")[0] in {"univariate", "multivariate", "two_layer_linear", "sigmoid_mlp"}
               for t in results["tests"])
    stub = json.loads((out / "stub.py" / "results.json").read_text())
    assert stub["score"] == 0 and all(t["status"] == "failed" for t in stub["tests"])
    assert "not implemented yet" in stub["tests"][0]["output"]
    assert "keepdims=True" in (out / "mistake_no_keepdims.py" / "feedback.txt").read_text()

    suites = ET.parse(tmp_path / "j.xml").getroot().findall("testsuite")
    by_name = {s.get("name"): s for s in suites}
    assert by_name["correct.py"].get("failures") == "0"
    assert by_name["stub.py"].get("failures") == by_name["stub.py"].get("tests") == "29"
    assert "NO SANDBOX" in results["extra_data"]["protection"]


def test_single_file_gradescope_and_feedback_on_stdout(tmp_path):
    proc = autograder(str(EXAMPLES / "mistake_missing_factor_2.py"), "--no-sandbox",
                      "--gradescope", str(tmp_path / "results.json"))
    assert proc.returncode == 0, proc.stderr
    assert "half the right value" in proc.stdout
    data = json.loads((tmp_path / "results.json").read_text())
    failed = {t["name"] for t in data["tests"] if t["status"] == "failed"}
    assert "two_layer_linear: gradient: W1" in failed and "univariate: forward: y_hat" not in failed
    assert data["score"] == sum(t["score"] for t in data["tests"]) == 25  # one point per exercise: one root mistake


def test_resume_skips_finished_submissions_and_regrades_changed_ones(tmp_path):
    subs = tmp_path / "subs"
    shutil.copytree(EXAMPLES, subs)
    out = tmp_path / "out"
    assert autograder(str(subs), "--no-sandbox", "--out", str(out)).returncode == 0
    record = out / "correct.py" / "result.json"
    changed = out / "stub.py" / "result.json"
    before = record.stat().st_mtime_ns, changed.stat().st_mtime_ns
    (subs / "stub.py").write_text((subs / "correct.py").read_text())  # the student fixed everything
    os.utime(record, ns=(before[0], before[0]))
    proc = autograder(str(subs), "--no-sandbox", "--out", str(out), "--resume", "--csv", str(tmp_path / "r.csv"))
    assert proc.returncode == 0, proc.stderr
    assert record.stat().st_mtime_ns == before[0]  # reused, not regraded
    assert changed.stat().st_mtime_ns != before[1]
    assert "stub.py,29,29" in (tmp_path / "r.csv").read_text()


@pytest.mark.parametrize("args,message", [
    (["nope.py"], "no such file"),
    (["--gradescope", "x.json", str(EXAMPLES)], "exactly one submission"),
    (["--resume", str(EXAMPLES)], "--resume needs --out"),
])
def test_usage_errors_are_clear_and_exit_2(args, message):
    proc = autograder(*args, "--no-sandbox")
    assert proc.returncode == 2 and message in proc.stderr
    assert "Traceback" not in proc.stderr


def test_with_two_assignments_the_files_name_says_which_else_the_grader_asks(tmp_path):
    import subprocess
    import sys

    named = tmp_path / "backprop.py"
    shutil.copy(EXAMPLES / "correct.py", named)
    grade = [sys.executable, "-m", "autograder.cli", "grade", "--no-sandbox", "--public-inputs"]
    ok = subprocess.run([*grade, str(named)], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert ok.returncode == 0 and "29/29" in ok.stdout, ok.stderr
    asked = subprocess.run([*grade, str(EXAMPLES / "correct.py")], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert asked.returncode == 2
    assert ("several assignments (backprop, units) and correct.py named after none of them: say which with "
            "--assignment, or name each file like its release (backprop.ipynb or backprop.py, units.ipynb or "
            "units.py)") in asked.stderr


def test_a_batch_may_mix_assignments_each_file_graded_by_its_own(tmp_path):
    """One units.ipynb among backprop files must not stop the batch: each file is graded
    against the assignment its name gives, with that assignment's total."""
    import subprocess
    import sys

    from autograder.course import assignment

    for name in ("backprop", "units"):
        (tmp_path / name).mkdir()
        shutil.copy(ROOT / "solutions" / name / f"{name}.ipynb", tmp_path / name / f"{name}.ipynb")
    shutil.copy(EXAMPLES / "stub.py", tmp_path / "backprop" / "backprop.py")
    grade = [sys.executable, "-m", "autograder.cli", "grade", "--no-sandbox", "--public-inputs", "--csv",
             str(tmp_path / "r.csv"), str(tmp_path)]
    proc = subprocess.run(grade, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    units = assignment("units").max_points()
    rows = (tmp_path / "r.csv").read_text().splitlines()
    assert [r.split(",")[:3] for r in rows[1:]] == [["backprop/backprop.ipynb", "29", "29"],
                                                   ["backprop/backprop.py", "0", "29"],
                                                   ["units/units.ipynb", f"{units:g}", f"{units:g}"]], rows


def test_a_broken_grader_is_reported_as_such_not_as_student_zero(tmp_path):
    """A reference that disagrees with torch and finite differences: exit 3, nothing scored."""
    broken = tmp_path / "reference"
    shutil.copytree(ROOT / "reference", broken)
    path = broken / "backprop" / "two_layer_linear.py"
    path.write_text(path.read_text().replace('"b1": np.sum(dZ, axis=1, keepdims=True)', '"b1": 2 * np.sum(dZ, axis=1, keepdims=True)', 1))
    proc = autograder(str(EXAMPLES / "correct.py"), "--no-sandbox", "--reference", str(broken),
                      "--gradescope", str(tmp_path / "r.json"))
    assert proc.returncode == 3
    assert "oracles disagree on two_layer_linear b1" in proc.stderr
    assert not (tmp_path / "r.json").exists()


def test_unreadable_submission_gets_a_clear_zero_not_a_crash(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_bytes(b"\xff\xfe not utf-8 \x00")
    proc = autograder(str(bad), "--no-sandbox", "--gradescope", str(tmp_path / "r.json"))
    assert proc.returncode == 0, proc.stderr
    data = json.loads((tmp_path / "r.json").read_text())
    assert data["score"] == 0 and "cannot read bad.py" in data["tests"][0]["output"]


def test_a_file_name_in_the_usage_error_stays_on_one_line():
    """A name with a newline and an escape must not forge a line of the grader's output."""
    from autograder.course import CourseError, assignments_for

    with pytest.raises(CourseError) as raised:
        assignments_for(None, [Path("backprop.py"), Path("x\x1b[31m\nautograder: all graded.py")])
    message = str(raised.value)
    assert "\n" not in message and "\x1b" not in message, message
    assert "and x\\x1b[31m\\nautograder: all graded.py named after none of them" in message, message
