"""The supervisor's dry run grades simulated trainees with nbgrader before release."""

import csv
import io

import pytest
from click.testing import CliRunner

from trainingkit.cli import main
from trainingkit.course import Course

pytestmark = pytest.mark.pipeline


def test_dry_run_scores_each_pattern_as_expected(course_copy: Course, monkeypatch) -> None:
    """The key earns the maximum, wrong answers and blanks earn zero, random answers lie between."""
    monkeypatch.chdir(course_copy.root)
    result = CliRunner().invoke(main, ["dry-run", "practice-foundations", "--trainees", "5"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert [row["pattern"] for row in rows] == ["key", "wrong", "blank", "random", "key"]
    maximum = float(rows[0]["max_score"])
    scores = {row["trainee"]: float(row["score"]) for row in rows}
    assert maximum > 0 and scores["trainee-001"] == scores["trainee-005"] == maximum
    assert scores["trainee-002"] == scores["trainee-003"] == 0
    assert 0 <= scores["trainee-004"] <= maximum


def test_dry_run_of_an_unknown_assignment_names_it(course_copy: Course, monkeypatch) -> None:
    """Asking for an assignment that does not exist exits 2 and names it."""
    monkeypatch.chdir(course_copy.root)
    result = CliRunner().invoke(main, ["dry-run", "no-such-assignment"])
    assert result.exit_code == 2 and "no-such-assignment" in result.output
