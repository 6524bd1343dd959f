"""The README's exercise table is generated from the one declaration in exercises.py."""
from pathlib import Path

from autograder.exercises import markdown_table

ROOT = Path(__file__).resolve().parent.parent


def test_readme_exercise_table_matches_the_spec():
    readme = (ROOT / "README.md").read_text()
    between = readme.split("<!-- exercises:begin -->\n")[1].split("\n<!-- exercises:end -->")[0]
    assert between == markdown_table(), "run `python -m autograder.exercises` and paste its table into README.md"
