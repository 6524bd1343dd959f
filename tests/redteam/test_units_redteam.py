"""Red team of assignment 2 (output units, losses and activations): attacks on what is new in
it, through the same sandboxed `autograder grade` run and the same judging as test_redteam.py
(a score above the all-zeros baseline, a disturbed honest neighbour, a grader error, result
files that disagree or are oversized, REDTEAM-LEAK lines).

Every file in units_attacks/ is one attack on the units contract, graded appended to
zeros_baseline.py (functions otherwise returning zeros of the right shape), each followed
in the batch by an honest copy of the solutions. The sandbox's own defences (processes, files, network, limits) are the same for
every assignment and are attacked in test_redteam.py; here: the reference and solutions for
units, the public expected values shipped in the wheel (class 6), the labels every forward
receives, torch.autograd for the derivatives, values that lie across the trust boundary, and
the child's memory.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

import test_redteam as rt
from autograder.course import assignment

pytestmark = pytest.mark.slow

ATTACKS_DIR = Path(__file__).resolve().parent / "units_attacks"
SOLUTIONS = rt.ROOT / "solutions" / "units" / "units.ipynb"
LEVEL = "bwrap"
FULL_MARKS = assignment("units").max_points()

# attack -> what its feedback must say (the attack ran, and found what it looked for or not)
EXPECTED_FEEDBACK = {
    "read_reference": ("REDTEAM-INFO: no units reference among",),
    "public_table": (re.compile(r"REDTEAM-INFO: a table of [1-9]\d* public activation cases"),),
    "torch_autograd": ("torch",),
    "inspect_grader": ("REDTEAM-INFO:",),
    "lying_values": ("activations",),
}


def attack_names() -> list[str]:
    return sorted(p.stem for p in ATTACKS_DIR.glob("*.py"))


def submission(attack: str) -> str:
    """An attack as graded: the zeros baseline with the attack's own code after it (each
    graded file must hold everything: the sandbox shows a submission nothing to import)."""
    baseline = (ATTACKS_DIR / f"{rt.BASELINE}.py").read_text()
    return baseline if attack == rt.BASELINE else f"{baseline}\n\n{(ATTACKS_DIR / f'{attack}.py').read_text()}"


def honest_source() -> str:
    """The solutions notebook's code (setup and answer cells) as one .py submission."""
    cells = json.loads(SOLUTIONS.read_text())["cells"]
    code = ["".join(c["source"]) for c in cells if c["cell_type"] == "code"
            and (c["metadata"].get("nbgrader", {}).get("solution") or c["metadata"].get("nbgrader", {}).get("grade_id") == "setup")]
    return "\n\n".join(code) + "\n"


@pytest.fixture(scope="module")
def units_run(tmp_path_factory: pytest.TempPathFactory) -> rt.RunOutputs:
    workdir = tmp_path_factory.mktemp("units-redteam")
    batch = workdir / "batch"
    batch.mkdir()
    honest = honest_source()
    for name in attack_names():
        (batch / f"{name}.py").write_text(submission(name))
        (batch / f"{name}{rt.CORRECT_SUFFIX}").write_text(honest)
    return rt.grade([batch], workdir, level=LEVEL, assignment="units")


@pytest.fixture(scope="module")
def found(units_run: rt.RunOutputs) -> dict[str, list[str]]:
    return rt.violations(units_run, FULL_MARKS)


def test_the_grader_survives_the_units_batch(units_run: rt.RunOutputs, found: dict[str, list[str]]) -> None:
    assert found[rt.RUN] == [], rt._explain(units_run)


def test_the_baseline_and_the_honest_work_are_what_the_judging_assumes(units_run: rt.RunOutputs) -> None:
    """The judging compares with the baseline: it must score less than full marks, and the
    honest copies (judged by violations()) must be the solutions."""
    baseline = json.loads((Path(units_run.out) / "zeros_baseline.py" / "results.json").read_text())
    assert 0 <= baseline["score"] < FULL_MARKS / 2, baseline["score"]
    honest = json.loads((Path(units_run.out) / f"zeros_baseline{rt.CORRECT_SUFFIX}" / "results.json").read_text())
    assert honest["score"] == FULL_MARKS


@pytest.mark.parametrize("attack", attack_names())
def test_units_attack_is_contained(attack: str, units_run: rt.RunOutputs, found: dict[str, list[str]]) -> None:
    assert found.get(attack) == [], f"{attack}: {found.get(attack)} {rt._explain(units_run)}"


@pytest.mark.parametrize("attack", sorted(EXPECTED_FEEDBACK))
def test_units_feedback_says_what_happened(attack: str, units_run: rt.RunOutputs) -> None:
    feedback = Path(units_run.out) / f"{attack}.py" / "feedback.txt"
    text = feedback.read_text(errors="replace") if feedback.is_file() else ""
    missing = [m for m in EXPECTED_FEEDBACK[attack]
               if not (m.search(text) if isinstance(m, re.Pattern) else m in text)]
    assert not missing, f"{feedback} lacks {missing}:\n{text[:3000]}"


def test_sabotage_the_table_wins_when_the_graded_inputs_are_the_public_ones(tmp_path: Path) -> None:
    """The defence public_table meets is the course secret's inputs: graded on the public
    inputs instead (--public-inputs, a harmless attack, so without the sandbox), the same
    judging reports it above the baseline."""
    batch = tmp_path / "batch"
    batch.mkdir()
    for name in ("public_table", rt.BASELINE):
        (batch / f"{name}.py").write_text(submission(name))
    run = rt.grade([batch], tmp_path, level="none", settle=0, assignment="units", flags=("--public-inputs",))
    assert [p for p in rt.violations(run, FULL_MARKS)["public_table"] if "above the all-zeros baseline" in p], \
        rt._explain(run)
