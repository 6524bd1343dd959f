"""Gradescope's results.json format, as its autograder specification documents it
(gradescope/autograder_samples, docs/specs.md): the checks a results file must pass for
Gradescope to take it. Written from the documentation, not from our writer."""
from __future__ import annotations

import json
from typing import Any

VISIBILITY = {"hidden", "after_due_date", "after_published", "visible"}
OUTPUT_FORMATS = {"text", "html", "simple_format", "md", "ansi"}
TOP = {"score", "execution_time", "output", "output_format", "test_output_format", "test_name_format",
       "visibility", "stdout_visibility", "extra_data", "tests", "leaderboard"}
TEST = {"score", "max_score", "status", "name", "name_format", "number", "output", "output_format", "tags",
        "visibility", "extra_data"}


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _strict_json(text: str) -> Any:
    def refuse(name: str) -> None:
        raise ValueError(f"{name} is not JSON")  # json.dumps writes NaN/Infinity, Gradescope's parser does not take them

    return json.loads(text, parse_constant=refuse)


def _test_errors(i: int, test: Any, top_score: bool) -> list[str]:
    if not isinstance(test, dict):
        return [f"tests[{i}] is not an object"]
    errors = [f"tests[{i}]: unknown key {k!r}" for k in test if k not in TEST]
    for key in ("score", "max_score"):
        if key in test and not _number(test[key]):
            errors.append(f"tests[{i}].{key} is not a number")
    if not top_score and "score" not in test:
        errors.append(f"tests[{i}] has no score and there is no top-level score")
    if "status" in test and test["status"] not in ("passed", "failed"):
        errors.append(f"tests[{i}].status {test['status']!r}")
    for key in ("name", "number", "output"):
        if key in test and not isinstance(test[key], str):
            errors.append(f"tests[{i}].{key} is not a string")
    if "output_format" in test and test["output_format"] not in OUTPUT_FORMATS:
        errors.append(f"tests[{i}].output_format {test['output_format']!r}")
    if "visibility" in test and test["visibility"] not in VISIBILITY:
        errors.append(f"tests[{i}].visibility {test['visibility']!r}")
    if "tags" in test and not (isinstance(test["tags"], list) and all(isinstance(t, str) for t in test["tags"])):
        errors.append(f"tests[{i}].tags is not a list of strings")
    if "extra_data" in test and not isinstance(test["extra_data"], dict):
        errors.append(f"tests[{i}].extra_data is not an object")
    return errors


def schema_errors(text: str) -> list[str]:
    """Every way `text` breaks Gradescope's format (empty when it is a valid results.json)."""
    try:
        data = _strict_json(text)
    except ValueError as exc:
        return [f"not strict JSON: {exc}"]
    if not isinstance(data, dict):
        return ["the top level is not an object"]
    errors = [f"unknown top-level key {k!r}" for k in data if k not in TOP]
    if "score" in data and not _number(data["score"]):
        errors.append("score is not a number")
    if "execution_time" in data and not _number(data["execution_time"]):
        errors.append("execution_time is not a number")
    if "output" in data and not isinstance(data["output"], str):
        errors.append("output is not a string")
    if "output_format" in data and data["output_format"] not in OUTPUT_FORMATS:
        errors.append(f"output_format {data['output_format']!r}")
    for key in ("visibility", "stdout_visibility"):
        if key in data and data[key] not in VISIBILITY:
            errors.append(f"{key} {data[key]!r}")
    if "extra_data" in data and not isinstance(data["extra_data"], dict):
        errors.append("extra_data is not an object")
    tests = data.get("tests", [])
    if not isinstance(tests, list):
        return errors + ["tests is not a list"]
    if "score" not in data and not tests:
        errors.append("neither a top-level score nor tests")
    for i, test in enumerate(tests):
        errors += _test_errors(i, test, "score" in data)
    return errors
