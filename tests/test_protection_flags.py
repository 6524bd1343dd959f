"""`--protection` and `--min-protection`: the grader refuses anything weaker than the course
asked for before any student code runs (exit 3, nothing written)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_runner import grade_cli

from autograder.cli import _parser
from autograder.protection import Level, ProtectionRefused, Request, requested

ROOT = Path(__file__).resolve().parent.parent
CORRECT = ROOT / "examples" / "submissions" / "correct.py"


def _request(*flags: str) -> Request:
    return requested(_parser().parse_args(["grade", "x.py", *flags]))


def test_defaults_are_auto_with_container_as_the_minimum():
    assert _request() == Request("auto", Level.CONTAINER)
    assert _request().candidates() == [Level.BWRAP, Level.CONTAINER]


def test_no_sandbox_is_an_alias_of_protection_none_and_min_none():
    assert _request("--no-sandbox") == _request("--protection", "none", "--min-protection", "none")
    assert _request("--no-sandbox").candidates() == [Level.NONE]


@pytest.mark.parametrize("flags", [("--protection", "none"), ("--protection", "container", "--min-protection", "bwrap")])
def test_a_level_below_the_minimum_is_refused(flags):
    with pytest.raises(ProtectionRefused, match="weaker than --min-protection"):
        _request(*flags).candidates()


def test_auto_with_minimum_bwrap_never_tries_the_container_level():
    assert _request("--min-protection", "bwrap").candidates() == [Level.BWRAP]


def test_no_sandbox_contradicting_another_level_is_refused():
    with pytest.raises(ProtectionRefused, match="do not combine"):
        _request("--no-sandbox", "--protection", "bwrap")


@pytest.mark.parametrize("command", ["grade", "autograde"])
def test_both_commands_take_the_flags(command):
    args = _parser().parse_args([command, "x", "--protection", "container", "--min-protection", "none"])
    assert requested(args) == Request("container", Level.NONE)


def test_refusal_exits_3_and_writes_nothing(tmp_path):
    proc = grade_cli(str(CORRECT), "--protection", "none", "--gradescope", str(tmp_path / "r.json"))
    assert proc.returncode == 3
    assert "--protection none is weaker than --min-protection container" in proc.stderr
    assert not (tmp_path / "r.json").exists()


def test_protection_none_when_allowed_is_recorded_as_such(tmp_path):
    proc = grade_cli(str(CORRECT), "--protection", "none", "--min-protection", "none",
                     "--gradescope", str(tmp_path / "r.json"))
    assert proc.returncode == 0, proc.stderr
    assert "NO SANDBOX" in json.loads((tmp_path / "r.json").read_text())["extra_data"]["protection"]
