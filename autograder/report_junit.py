"""JUnit XML: one testsuite per submission, one testcase per check (CI dashboards read it)."""
from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from autograder.files import write_atomic
from autograder.text import MESSAGE_CAP, escape, label
from autograder.verdicts import SubmissionResult


def to_junit(results: list[SubmissionResult]) -> str:
    root = ET.Element("testsuites", name="autograder")
    for r in results:
        name = label(r.submission)
        failures = sum(not v.passed for v in r.verdicts)
        suite = ET.SubElement(root, "testsuite", name=name, tests=str(len(r.verdicts)),
                              failures=str(failures), errors="1" if r.grader_error else "0")
        ET.SubElement(ET.SubElement(suite, "properties"), "property", name="score", value=f"{r.score:g}/{r.max_score:g}")
        if r.grader_error:
            case = ET.SubElement(suite, "testcase", classname=name, name="grader")
            ET.SubElement(case, "error", message="grader error (not the student's fault)").text = escape(r.grader_error)
        for v in r.verdicts:
            case = ET.SubElement(suite, "testcase", classname=f"{name}.{v.exercise}", name=v.check)
            if not v.passed:
                message = escape(v.message, MESSAGE_CAP)  # XML cannot hold control characters at all
                ET.SubElement(case, "failure", message=message.splitlines()[0][:200]).text = message
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True)


def write_junit(results: list[SubmissionResult], path: Path) -> None:
    write_atomic(path, to_junit(results) + "\n")
