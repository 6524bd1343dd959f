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


def test_the_readmes_deployment_commands_are_ones_the_grader_takes():
    """Every `./run export ...` line and `autograder grade ...` command the README shows, and
    the Classroom template's grading command, parse with the real command line."""
    import re
    import shlex

    import yaml

    from autograder.cli import _parser

    readme = (ROOT / "README.md").read_text()
    commands = [line.split("#")[0].strip() for line in readme.splitlines() if line.startswith("./run export")]
    commands += [c.split("#")[0].strip() for c in re.findall(r"(?:^|`)(autograder grade [^`\n]*)", readme, re.M)]
    workflow = yaml.safe_load((ROOT / "templates" / "github-classroom" / "classroom.yml").read_text())
    run = next(s["run"] for s in workflow["jobs"]["run-autograding-tests"]["steps"] if s.get("id") == "backprop")
    commands.append("autograder " + run.replace("\\\n", " ").split('/autograder" ', 1)[1])
    assert any("export gradescope" in c for c in commands) and sum("--github-classroom" in c for c in commands) >= 2
    for command in commands:
        args = _parser().parse_args(shlex.split(command)[1:])  # without ./run or autograder
        assert args.command in ("export", "grade"), command
