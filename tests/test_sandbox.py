"""The sandboxed runner: same verdicts as in-process, and failures that cost only what they touch.

The attacks themselves are in tests/redteam/; these tests pin down the runner's contract.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from cli_runner import GRADE, grade_cli

from assignment1 import grade
from mistakes import MISTAKES
from autograder import contract
from autograder.execution import CallError, Chunk
from autograder.expected import Oracles
from autograder.reference import reference_student
from autograder.secret import CourseSecret
from autograder.sandbox import Limits, SandboxedStudent, SandboxPool
from autograder.student import Call, InProcessStudent

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples" / "submissions").glob("*.py"))
CORRECT = (ROOT / "examples" / "submissions" / "correct.py").read_text()

MISTAKES_BY_ID = {m.id: m for m in MISTAKES}


@pytest.fixture(scope="module")
def pool():
    with SandboxPool(Limits(call_timeout=1.5)) as p:
        yield p


def _summary(result):
    return [(v.name, v.points, v.message) for v in result.verdicts]


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_sandboxed_verdicts_equal_in_process_verdicts(path, pool, oracles):
    source = path.read_text()
    with SandboxedStudent([Chunk(source, path.name)], pool) as student:
        sandboxed = grade(student, oracles, path.name)
    in_process = grade(InProcessStudent.from_source(source, path.name), oracles, path.name)
    assert _summary(sandboxed) == _summary(in_process)


@pytest.mark.parametrize("b2", [float("inf"), float("-inf"), float("nan"), np.float64("nan")], ids=repr)
def test_a_parameter_gone_to_inf_or_nan_still_reaches_the_student(pool, b2):
    """A descent path with too-large gradients (1/m missing) sends the parameters to inf,
    then NaN, within its steps: the scalar b2 must still reach the student's function (JSON,
    which the frames use, has no NaN), and come back as the number it is."""
    params = {"W1": np.ones((3, 4)), "b1": np.zeros((3, 1)), "w2": np.ones((1, 3)), "b2": b2}
    with SandboxedStudent([Chunk(CORRECT, "correct.py")], pool) as student:
        forward = contract.forward(student, "two_layer_linear", params, np.ones((4, 5)), np.zeros((1, 5)))
    assert not np.isfinite(forward.values["output"]).any() and not np.isfinite(forward.values["loss"]).any()


def test_a_diverging_descent_is_graded_as_in_process(pool):
    source = MISTAKES_BY_ID["missing_1_over_m"].source
    oracles = Oracles(reference=reference_student(ROOT / "reference", "backprop"),
                      secret=CourseSecret(b"some-fixed-secret"))  # its descent reaches NaN (m = 13)
    with SandboxedStudent([Chunk(source, "diverges.py")], pool) as student:
        sandboxed = grade(student, oracles, "diverges.py", ["two_layer_linear"])
    in_process = grade(InProcessStudent.from_source(source, "diverges.py"), oracles, "diverges.py", ["two_layer_linear"])
    assert _summary(sandboxed) == _summary(in_process)


def _with(source: str, old: str, new: str) -> str:
    assert old in source
    return source.replace(old, new, 1)


def _scores(result) -> dict[str, float]:
    return {e.exercise: e.score for e in result.exercises}


def test_a_hanging_backward_costs_only_its_own_checks(pool, oracles):
    hang = _with(CORRECT, "def sigmoid_mlp_backward(params, cache):",
                 "def sigmoid_mlp_backward(params, cache):\n    while True:\n        pass\n")
    with SandboxedStudent([Chunk(hang, "hang.py")], pool) as student:
        result = grade(student, oracles, "hang")
    mlp = {v.check: v for v in result.exercises[3].verdicts}
    # The forward results returned before and after the hang all count.
    assert mlp["forward: y_hat"].passed and mlp["forward: loss"].passed and mlp["sigmoid"].passed
    assert _scores(result) == {"univariate": 6, "multivariate": 6, "two_layer_linear": 8, "sigmoid_mlp": 3}
    assert "`sigmoid_mlp_backward` did not return within 1.5 s" in mlp["gradient: W1"].message
    assert "skipped: `sigmoid_mlp_backward` already crashed or timed out 2 times" in \
        mlp["gradient descent path"].message


def test_a_crash_on_one_shape_keeps_the_other_results(pool, oracles):
    # Segfaults only for m = 1: the other shapes, and every other exercise, are still graded.
    crash = _with(CORRECT, "def univariate_forward(params, X, y):",
                  "def univariate_forward(params, X, y):\n    if X.shape[1] == 1:\n"
                  "        import ctypes; ctypes.string_at(0)\n")
    with SandboxedStudent([Chunk(crash, "crash.py")], pool) as student:
        result = grade(student, oracles, "crash")
    assert _scores(result)["multivariate"] == 6 and _scores(result)["sigmoid_mlp"] == 9
    uni = {v.check: v for v in result.exercises[0].verdicts}
    assert "segmentation fault" in uni["forward: y_hat"].message
    assert uni["gradient descent path"].passed  # runs on the diagnosis shape, m = 7


def test_a_well_framed_answer_of_the_wrong_shape_is_the_submissions_failure(pool, oracles):
    """Valid 'seconds' and 'mutated', a result tree that is no result: the grader must not
    fail (a grader error would keep whatever the gradebook held before)."""
    forge = ("import sys as _s\n_w = _s.modules['autograder.worker']\n_orig = _w.write_frame\n"
             "def _forged(fd, header, blobs=()):\n"
             "    if 'result' in header:\n"
             "        header, blobs = {'ok': True, 'seconds': 0.01, 'mutated': [], 'result': {'zz': [1, 2, 3]}}, []\n"
             "    return _orig(fd, header, blobs)\n"
             "_w.write_frame = _forged\n")
    with SandboxedStudent([Chunk(forge + CORRECT, "forged.py")], pool) as student:
        result = grade(student, oracles, "forged")
    assert result.grader_error is None
    assert result.score == 0
    assert "sent the grader a malformed answer" in result.exercises[0].verdicts[0].message


def test_garbage_on_the_grader_pipe_is_a_crash_not_a_result(pool, oracles):
    # The child's own process may write anything to the response pipe; it must not parse as an answer.
    garble = _with(CORRECT, "def univariate_backward(params, cache):",
                   "def univariate_backward(params, cache):\n    import os, struct\n"
                   "    for fd in map(int, os.listdir('/proc/self/fd')):\n"
                   "        try: os.write(fd, struct.pack('<II', 40, 30) + b'{\"ok\": true}' * 3)\n"
                   "        except OSError: pass\n")
    with SandboxedStudent([Chunk(garble, "garble.py")], pool) as student:
        result = grade(student, oracles, "garble")
    uni = {v.check: v for v in result.exercises[0].verdicts}
    assert not uni["gradient: w"].passed
    assert "sent the grader a malformed answer" in uni["gradient: w"].message
    assert _scores(result)["sigmoid_mlp"] == 9


def test_top_level_hang_is_one_clear_load_error(pool, oracles):
    with SandboxedStudent([Chunk("import time\ntime.sleep(60)\n", "slow.py")], pool) as student:
        result = grade(student, oracles, "slow", ["univariate"])
    messages = {v.message for v in result.verdicts if v.check.startswith("forward")}
    assert result.score == 0
    assert any("the top level of your code (outside any function) did not return within 1.5 s" in m for m in messages)


def test_no_bubblewrap_means_no_grading(tmp_path):
    env = {**os.environ, "PATH": str(tmp_path)}  # no bwrap on PATH
    proc = grade_cli(str(EXAMPLES[0]), "--out", str(tmp_path / "out"), env=env)
    assert proc.returncode == 3
    assert "cannot grade" in proc.stderr and "bubblewrap" in proc.stderr
    assert not (tmp_path / "out").exists()


def test_protection_level_is_recorded_in_every_result(tmp_path):
    proc = grade_cli(str(ROOT / "examples" / "submissions" / "correct.py"), "--gradescope", str(tmp_path / "r.json"))
    assert proc.returncode == 0, proc.stderr
    protection = json.loads((tmp_path / "r.json").read_text())["extra_data"]["protection"]
    assert protection.startswith("bubblewrap sandbox") and "net" in protection
    if os.geteuid() == 0:
        assert "(unprivileged)" in protection


def _pids_with(marker: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and marker.encode() in (entry / "cmdline").read_bytes():
                found.append(int(entry.name))
        except OSError:
            pass
    return found


def test_killing_the_grader_takes_every_sandboxed_process_down(tmp_path):
    marker = f"sandbox-orphan-{os.getpid()}"
    # The student's code leaves a process behind (exec'd so its command line carries the
    # marker) and hangs; then the grader itself is killed with SIGKILL, cleaning up nothing.
    source = (f"import os, sys, time\nif os.fork() == 0:\n    os.setsid()\n"
              f"    os.execv(sys.executable, ['python', '-c', 'import time; time.sleep(300)', {marker!r}])\n"
              "def univariate_forward(params, X, y):\n    time.sleep(300)\n")
    script = tmp_path / "grader.py"
    script.write_text(
        "import sys, threading, numpy as np\n"
        "from autograder import contract\n"
        "from autograder.execution import Chunk\n"
        "from autograder.sandbox import Limits, SandboxedStudent, SandboxPool\n"
        "pool = SandboxPool(Limits(call_timeout=300))\n"
        f"student = SandboxedStudent([Chunk({source!r}, 's.py')], pool).__enter__()\n"
        "args = (student, 'univariate', {'w': 1.0, 'b': 0.0}, np.zeros((1, 3)), np.zeros((1, 3)))\n"
        "threading.Thread(target=contract.forward, args=args).start()\n"
        "print('graded', flush=True)\n"
        "threading.Event().wait()\n")
    grader = subprocess.Popen([sys.executable, str(script)], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        assert grader.stdout.readline().strip() == "graded"
        deadline = time.monotonic() + 30
        while not _pids_with(marker) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _pids_with(marker), "the test's orphan never started"
    finally:
        grader.kill()
        grader.wait()
    # Two defences, either suffices: bwrap --die-with-parent, and the zygote ending the
    # namespace when its control socket to the grader closes.
    deadline = time.monotonic() + 10
    while _pids_with(marker) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _pids_with(marker) == []


def test_ctrl_c_stops_the_batch_keeps_finished_results_and_resume_completes_it(tmp_path):
    # Each submission sleeps 1 s at its top level: slow enough to interrupt half-way.
    slow = "import time\ntime.sleep(1)\n" + CORRECT
    subs = tmp_path / "subs"
    subs.mkdir()
    for i in range(8):
        (subs / f"s{i}.py").write_text(slow)
    out = tmp_path / "out"
    cmd = [*GRADE, str(subs), "--out", str(out), "--workers", "2", "--quiet"]
    grader = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    deadline = time.monotonic() + 120
    while not list(out.glob("*/result.json")) and time.monotonic() < deadline:
        time.sleep(0.05)
    grader.send_signal(signal.SIGINT)
    _, err = grader.communicate(timeout=120)
    assert grader.returncode == 130, err
    assert "interrupted" in err and "--resume" in err
    finished = sorted(p.parent.name for p in out.glob("*/result.json"))
    assert 1 <= len(finished) < 8
    for name in finished:  # only real grades were kept, none made up while the sandboxes went down
        assert json.loads((out / name / "results.json").read_text())["score"] == 29

    resumed = subprocess.run([*cmd, "--resume", "--csv", str(tmp_path / "all.csv")], cwd=ROOT,
                             capture_output=True, text=True, timeout=300)
    assert resumed.returncode == 0, resumed.stderr
    rows = (tmp_path / "all.csv").read_text().splitlines()[1:]
    assert sorted(r.split(",")[0] for r in rows) == [f"s{i}.py" for i in range(8)]
    assert all(r.split(",")[1] == "29" for r in rows)


def test_a_stalled_grader_thread_charges_nothing_to_an_honest_student(pool, oracles):
    """Another thread holds the GIL for seconds (a C-level regex) while an honest student is
    graded with a 1.5 s call deadline: answers already in the pipe count, nothing times out."""
    import re
    import threading

    results = []

    def grade_some() -> None:
        for i in range(12):
            with SandboxedStudent([Chunk(CORRECT, f"honest{i}.py")], pool) as student:
                results.append(grade(student, oracles, f"honest{i}"))

    grader = threading.Thread(target=grade_some)
    grader.start()
    time.sleep(0.3)
    start = time.monotonic()
    re.match(r"(a+)+$", "a" * 27 + "b")  # holds the GIL throughout
    stalled = time.monotonic() - start
    grader.join()
    assert stalled > 1.5, "the stall must outlast the call deadline for this test to mean anything"
    assert [r.score for r in results] == [29.0] * 12, [v.message for r in results for v in r.verdicts if not v.passed][:3]


def test_the_zygote_survives_a_scratch_tree_it_cannot_walk_naively(pool, oracles):
    """A child leaves 20,000 nested directories (past PATH_MAX, past the recursion limit)
    with modes 000: the sandbox is cleaned and reused, and the next submission scores."""
    bomb = ("import os\n"
            "def sigmoid(z):\n"
            "    fd = os.open('.', os.O_RDONLY)\n"
            "    for i in range(20000):\n"
            "        os.mkdir('d', dir_fd=fd)\n"
            "        new = os.open('d', os.O_RDONLY, dir_fd=fd)\n"
            "        os.close(fd)\n"
            "        fd = new\n"
            "    os.fchmod(fd, 0)\n"
            "    os.chmod('.', 0)\n"
            "    return z\n")
    with SandboxedStudent([Chunk(bomb, "bomb.py")], pool) as student:
        outcome, = student.run([Call("sigmoid", (np.zeros(1),), ("z",))])
        used = student.sandbox
    assert not isinstance(outcome, CallError)
    with SandboxedStudent([Chunk(CORRECT, "next.py")], pool) as student:
        result = grade(student, oracles, "next")
        reused = student.sandbox is used
    assert result.score == 29
    assert reused, "the sandbox was dropped: its zygote could not clean up after the child"
