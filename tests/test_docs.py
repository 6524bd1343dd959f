"""The README's exercise table is generated from the one declaration in exercises.py."""
from pathlib import Path

from autograder.course import assignments, markdown_table

ROOT = Path(__file__).resolve().parent.parent


def test_readme_exercise_tables_match_the_declarations():
    readme = (ROOT / "README.md").read_text()
    for name, assignment in assignments().items():
        between = readme.split(f"<!-- exercises:{name}:begin -->\n")[1].split(f"\n<!-- exercises:{name}:end -->")[0]
        assert between == markdown_table(assignment), "run `python -m autograder.course` and paste its tables into README.md"


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
