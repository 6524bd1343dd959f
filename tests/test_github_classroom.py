"""GitHub Classroom: the template workflow's commands, run here as a runner would run them,
and the result read as GitHub Classroom's reporter reads it.

The workflow is parsed from templates/github-classroom/classroom.yml. Its `run:` steps run
as they are (bash -eo pipefail, in a fresh workspace holding the student's notebook, a
fresh RUNNER_TEMP and a GITHUB_OUTPUT file per step), with one substitution: the workflow's
AUTOGRADER_PACKAGE points at a wheel of this checkout instead of the course's repository.
The three `uses:` steps are GitHub's own actions: checkout is the workspace, setup-python
puts a Python 3.12 first on PATH, and the reporter's reading is done here as its source
does it (env `<RUNNER>_RESULTS`, base64, JSON; points = sum of tests[].score over max_score).
"""
from __future__ import annotations

import base64
import json
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

import pytest
import yaml

from autograder.report_classroom import to_classroom
from autograder.verdicts import ExerciseResult, SubmissionResult, Verdict
from autograder.wheel import build_from_source

ROOT = Path(__file__).resolve().parent.parent
WORKFLOW = ROOT / "templates" / "github-classroom" / "classroom.yml"
SOLVED = ROOT / "solutions" / "backprop" / "backprop.ipynb"
PYTHON_312 = sorted(Path(os.path.expanduser("~/.pyenv/versions")).glob("3.12.*"))
OUTPUT_REF = re.compile(r"^\$\{\{\s*steps\.([A-Za-z0-9_-]+)\.outputs\.([A-Za-z0-9_-]+)\s*\}\}$")


RUNNER_UID = 1001  # GitHub's runner user is not root (it has passwordless sudo)


@dataclass
class Runner:
    """One job's run: the workspace, the environment and each step's outputs."""

    workspace: Path
    env: dict[str, str]
    outputs: dict[str, dict[str, str]]
    log: str = ""
    user: list[str] = field(default_factory=list)  # the command prefix that runs a step as the runner's user


def _parse_outputs(path: Path) -> dict[str, str]:
    """GitHub's output file: `name=value` lines (and `name<<DELIM` blocks, unused here)."""
    found = {}
    for line in path.read_text().splitlines() if path.exists() else []:
        name, sep, value = line.partition("=")
        if sep:
            found[name] = value
    return found


def _run_step(runner: Runner, index: int, step: dict[str, Any]) -> None:
    output = runner.workspace.parent / f"output-{index}"
    output.touch()
    env = {**runner.env, **{k: str(v) for k, v in (step.get("env") or {}).items()}, "GITHUB_OUTPUT": str(output)}
    if runner.user:
        os.chown(output, RUNNER_UID, RUNNER_UID)
    proc = subprocess.run([*runner.user, "bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
                          cwd=runner.workspace, env=env, capture_output=True, text=True, timeout=900)
    runner.log += f"--- {step.get('name')}\n{proc.stdout}{proc.stderr}"
    assert proc.returncode == 0, runner.log
    if "id" in step:
        runner.outputs[step["id"]] = _parse_outputs(output)


def _report(runner: Runner, step: dict[str, Any]) -> dict[str, Any]:
    """What autograding-grading-reporter does with its inputs: per runner, the env var
    <RUNNER>_RESULTS (base64 JSON), then Points = sum(tests[].score) / sum(max_score)."""
    env = {}
    for name, value in step["env"].items():
        ref = OUTPUT_REF.match(str(value))
        assert ref, f"{name}: {value}"
        env[name] = runner.outputs.get(ref.group(1), {}).get(ref.group(2), "")
    results = {r: json.loads(base64.b64decode(env[f"{r.strip().upper()}_RESULTS"]))
               for r in step["with"]["runners"].split(",")}
    total = sum(t["score"] for r in results.values() for t in r["tests"])
    return {"results": results, "points": (total, sum(r["max_score"] for r in results.values()))}


def run_workflow(tmp: Path, wheel: Path, notebook: bytes, as_runner_user: bool = False) -> tuple[dict[str, Any], str]:
    """as_runner_user: steps run as an unprivileged uid, as on GitHub's runners (with
    Debian's python3, since pyenv's lives under /root), else as root."""
    workflow = yaml.safe_load(WORKFLOW.read_text())
    job = workflow["jobs"]["run-autograding-tests"]
    user = ["setpriv", "--reuid", str(RUNNER_UID), "--regid", str(RUNNER_UID), "--clear-groups"] if as_runner_user else []
    runner = Runner(tmp / "workspace", {}, {}, user=user)
    shim = tmp / "bin"
    shim.mkdir()
    if shutil.which("sudo") is None:  # the runner's passwordless sudo; these tests run as root
        (shim / "sudo").write_text('#!/bin/sh\nexec "$@"\n')
        (shim / "sudo").chmod(0o755)
    runner.env = {"PATH": f"{shim}:/usr/local/bin:/usr/bin:/bin", "HOME": str(tmp), "LANG": "C.UTF-8",
                  "RUNNER_TEMP": str(tmp / "runner-temp"), "CI": "true", "GITHUB_ACTIONS": "true",
                  **{k: str(v) for k, v in workflow["env"].items()}, "AUTOGRADER_PACKAGE": str(wheel)}
    (tmp / "runner-temp").mkdir()
    report = None
    for index, step in enumerate(job["steps"]):
        uses = step.get("uses", "")
        if uses.startswith("actions/checkout@"):
            runner.workspace.mkdir()
            (runner.workspace / runner.env["NOTEBOOK"]).write_bytes(notebook)
        elif uses.startswith("actions/setup-python@"):
            if not as_runner_user:
                runner.env["PATH"] = f"{PYTHON_312[-1] / 'bin'}:{runner.env['PATH']}"
            if as_runner_user:
                for path in [tmp, *tmp.rglob("*")]:
                    os.chown(path, RUNNER_UID, RUNNER_UID)
        elif uses.startswith("classroom-resources/autograding-grading-reporter@"):
            report = _report(runner, step)
        else:
            assert "run" in step and not uses, f"a step this test does not know: {step}"
            _run_step(runner, index, step)
    assert report is not None, "the workflow has no reporter step"
    return report, runner.log


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    return build_from_source(ROOT, tmp_path_factory.mktemp("wheel"))


def _buggy_notebook() -> bytes:
    text = SOLVED.read_text()
    assert text.count("dy = 2.0 / m * (y_hat - y)") >= 1
    return text.replace("dy = 2.0 / m * (y_hat - y)", "dy = 1.0 / m * (y_hat - y)", 1).encode()


def test_the_workflow_is_what_github_classroom_requires():
    workflow = yaml.safe_load(WORKFLOW.read_text())
    assert workflow["name"] == "Autograding Tests" and list(workflow["jobs"]) == ["run-autograding-tests"]
    assert workflow["jobs"]["run-autograding-tests"]["runs-on"] == "ubuntu-24.04"
    steps = workflow["jobs"]["run-autograding-tests"]["steps"]
    reporter = steps[-1]
    assert reporter["uses"].startswith("classroom-resources/autograding-grading-reporter@")
    assert reporter.get("if") == "always()"  # an errored grading step must still be reported


@pytest.fixture
def open_tmp() -> Iterator[Path]:
    """A scratch folder another uid can reach (tmp_path's parents are 0700)."""
    path = Path(tempfile.mkdtemp(prefix="autograder-classroom-"))
    os.chmod(path, 0o755)
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.mark.slow
@pytest.mark.skipif(not PYTHON_312, reason="needs a Python 3.12 (pyenv), like ubuntu-24.04's")
@pytest.mark.parametrize("notebook,points,status,as_runner_user", [
    ("solved", (29, 29), "pass", False), ("buggy", (28, 29), "fail", False), ("buggy", (28, 29), "fail", True)])
def test_the_workflow_grades_a_notebook_with_points_per_check(open_tmp, wheel, notebook, points, status, as_runner_user):
    copy = open_tmp / wheel.name
    shutil.copy(wheel, copy)  # readable by the runner's user
    report, log = run_workflow(open_tmp, copy, SOLVED.read_bytes() if notebook == "solved" else _buggy_notebook(),
                               as_runner_user)
    result = report["results"]["backprop"]
    assert report["points"] == points, log
    assert result["version"] == 1 and result["status"] == status
    for test in result["tests"]:
        assert {"name", "status", "score", "message", "line_no"} <= set(test) and test["status"] in ("pass", "fail")
    failed = [t for t in result["tests"] if t["status"] == "fail"]
    if status == "fail":
        assert [t["name"] for t in failed] == ["univariate: gradient: w"]
        assert "half the right value" in failed[0]["message"]
    # userns are allowed here (the workflow's sysctl step does that on ubuntu-24.04): bubblewrap,
    # as root or as the runner's user, and the log says so
    assert "(graded bubblewrap sandbox" in log, log


def _verdict(message: str, passed: bool = False) -> Verdict:
    return Verdict("univariate", "gradient: w", "backward", float(passed), 1.0, passed, message)


def test_student_text_cannot_issue_workflow_commands_when_the_reporter_prints_it():
    attack = "boom\n::add-mask::x\n::stop-commands::abc\n\x1b[31mred"
    result = to_classroom([SubmissionResult("nb", [ExerciseResult("univariate", "U", [_verdict(attack)])])])
    message = result["tests"][0]["message"]
    assert not any(line.lstrip().startswith("::") for line in message.splitlines())
    assert "\x1b" not in message and result["status"] == "fail" and result["max_score"] == 1.0


def test_a_grader_failure_is_an_error_not_a_score():
    result = to_classroom([SubmissionResult("nb", [], grader_error="the sandbox did not start")])
    assert result["status"] == "error" and result["tests"][0]["status"] == "error"
    assert "not your fault" in result["tests"][0]["message"]
