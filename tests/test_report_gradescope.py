"""Gradescope's results.json from a result, checked against Gradescope's documented format,
and the Markdown overview against a renderer that lets HTML through (the worst case)."""
from __future__ import annotations

import json

import pytest
from gradescope_schema import schema_errors
from markdown_it import MarkdownIt

from autograder.report_gradescope import GradescopeOptions, to_gradescope
from autograder.text import md_block, md_code, md_text
from autograder.verdicts import ExerciseResult, SubmissionResult, Verdict

HOSTILE = ["<script>alert(1)</script>", "`` ` ```\n```\n<img src=x onerror=alert(2)>", "[x](javascript:alert(3))",
           "**bold** _it_ # h\n===\n- item\n> quote", "&lt;already&gt; \\<b\\>", "\x1b[31m\r\u202e"]


def _html(markdown: str) -> str:
    return MarkdownIt("commonmark", {"html": True}).enable("table").render(markdown)


def _result(message: str = "wrong", notes: tuple[str, ...] = (), output: str = "", error: str | None = None):
    verdicts = [Verdict("univariate", "gradient: w", "backward", 0.0, 1.0, False, message, "factor-2"),
                Verdict("univariate", "forward: loss", "forward", 1.0, 1.0, True, "passed")]
    return SubmissionResult("sub.ipynb", [ExerciseResult("univariate", "Univariate", verdicts)], "bwrap sandbox",
                            output, error, list(notes))


@pytest.mark.parametrize("text", HOSTILE)
def test_student_text_is_never_markup(text):
    for markdown in (md_text(text), md_code(text), md_block(text), f"- {md_text(text)}"):
        html = _html(markdown)
        for tag in ("<script", "<img", "<a ", "<strong", "<em", "<h1", "<h2", "<blockquote", "<ul"):
            assert tag not in html or tag == "<ul" and markdown.startswith("- "), (markdown, html)


def test_results_are_in_gradescope_format_with_tags_numbers_and_visibility():
    data = to_gradescope(_result(notes=("<b>cell 3</b> was ignored",), output="<img src=x>"), 1.5,
                         GradescopeOptions(visibility="after_due_date"))
    assert not schema_errors(json.dumps(data))
    first = data["tests"][0]
    assert first["number"] == "1.1" and first["tags"] == ["univariate", "backward"]
    assert first["visibility"] == "after_due_date" and first["output_format"] == "text"
    assert first["extra_data"] == {"cause": "factor-2"} and data["stdout_visibility"] == "hidden"
    html = _html(data["output"])
    assert "<b>" not in html and "<img" not in html and "&lt;b&gt;cell 3&lt;/b&gt;" in html
    assert "**1 / 2 points**" in data["output"]


def test_a_grader_failure_is_valid_results_that_say_it_is_not_the_students():
    data = to_gradescope(_result(error="oracles disagree"))
    assert not schema_errors(json.dumps(data))
    assert data["extra_data"]["grader_error"] is True and "not your fault" in data["output"]


def test_unknown_visibility_is_refused():
    with pytest.raises(ValueError):
        GradescopeOptions(visibility="sometimes")
