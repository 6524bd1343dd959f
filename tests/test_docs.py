"""The README's exercise table is generated from the one declaration in exercises.py."""
from pathlib import Path

from autograder.exercises import markdown_table

ROOT = Path(__file__).resolve().parent.parent


def test_readme_exercise_table_matches_the_spec():
    readme = (ROOT / "README.md").read_text()
    between = readme.split("<!-- exercises:begin -->\n")[1].split("\n<!-- exercises:end -->")[0]
    assert between == markdown_table(), "run `python -m autograder.exercises` and paste its table into README.md"


def test_readme_states_the_sandbox_limits_the_code_uses():
    from autograder.sandbox import Limits

    readme = " ".join((ROOT / "README.md").read_text().split())
    lim = Limits()
    for claim in (f"`--timeout` seconds of wall clock per function call (default {lim.call_timeout:g})",
                  f"{lim.submission_timeout:g} s for the whole submission",
                  f"{lim.memory_mb} MiB of address space per process", f"{lim.cpu_seconds} s of CPU",
                  f"{lim.processes} processes", f"{lim.open_files} open files", f"{lim.file_mb} MiB per file",
                  f"a private {lim.tmpfs_mb} MiB `/tmp`", f"a function that fails {lim.max_failures:g} times"):
        assert claim in readme, f"README.md should say: {claim}"
