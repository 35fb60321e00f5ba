"""Item analysis read from a real gradebook that real `nbgrader autograde` filled (SQLite and PostgreSQL)."""

from __future__ import annotations

import csv
import io
import math
import random
import shutil
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from click.testing import CliRunner

from trainingkit.answers import AnswerValue
from trainingkit.bank.model import Kind, Vignette
from trainingkit.build import load_course, run_nbgrader
from trainingkit.course import Course
from trainingkit.criteria import criterion_cell
from trainingkit.dryrun import scratch_copy
from trainingkit.items.cli import items
from trainingkit.items.dashboard import gather
from trainingkit.items.sources import load_scores
from trainingkit.scoring import score_choice
from trainingkit.simulate import answers_for, write_submission

pytestmark = pytest.mark.pipeline

ASSIGNMENT = "practice-foundations"


@dataclass(frozen=True)
class Graded:
    """A scratch course whose gradebook holds six autograded simulated trainees."""

    course: Course
    vignettes: list[Vignette]
    answers: dict[str, dict[str, AnswerValue]]


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory, project: Course,
           gradebook_url: str | None) -> Iterator[Graded]:
    """Six simulated trainees (key, wrong, blank, three at random) submitted and autograded by nbgrader."""
    course = scratch_copy(project, tmp_path_factory.mktemp("items") / "course")
    shutil.copytree(project.lessons_dir, course.lessons_dir)
    shutil.copy2(project.clauses_file, course.clauses_file)
    bank, assignments = load_course(course)
    vignettes = assignments[ASSIGNMENT].vignettes(bank)
    database = f"--CourseDirectory.db_url={course.db_url}"
    run_nbgrader(course, "generate_assignment", ASSIGNMENT, "--force", database)
    rng = random.Random(11)
    plans = {"key": "key", "wrong": "wrong", "blank": "blank", "rand-1": "random", "rand-2": "random",
             "rand-3": "random"}
    answers = {trainee: answers_for(pattern, vignettes, rng) for trainee, pattern in plans.items()}
    for trainee, given in answers.items():
        write_submission(course.coursework, student=trainee, assignment_id=ASSIGNMENT,
                         release_dir=course.release_dir / ASSIGNMENT, answers=given)
    run_nbgrader(course, "autograde", ASSIGNMENT, "--force", database)
    yield Graded(course, vignettes, answers)


def _grade_reflections(graded: Graded, *, ungrade: bool = False) -> None:
    """A supervisor grades every reflection in the gradebook, as formgrader does (or takes the grades back)."""
    from nbgrader.api import Gradebook

    with Gradebook(graded.course.db_url) as gradebook:
        for vignette in graded.vignettes:
            if vignette.kind is Kind.REFLECTION:
                for trainee in graded.answers:  # one grade per rubric criterion, as the formgrader shows them
                    for number, criterion in enumerate(vignette.rubric, start=1):
                        grade = gradebook.find_grade(criterion_cell(vignette.id, number), ASSIGNMENT, ASSIGNMENT,
                                                     trainee)
                        grade.manual_score = None if ungrade else criterion.points if trainee == "key" else 0.0
        gradebook.db.commit()


def test_scores_load_from_the_gradebook_as_nbgrader_saved_them(graded: Graded) -> None:
    """Every grade loads; choice scores follow the scoring rules; ungraded reflections are missing, not zero."""
    scores = load_scores(graded.course.db_url, [ASSIGNMENT])
    assert len(scores) == len(graded.answers) * len(graded.vignettes)
    assert set(scores["item"]) == {v.id for v in graded.vignettes}
    loaded = scores.set_index(["trainee", "item"])
    for trainee, given in graded.answers.items():
        for vignette in graded.vignettes:
            score, maximum = loaded.loc[(trainee, vignette.id), ["score", "max_score"]]
            assert maximum == vignette.points
            if vignette.kind is Kind.REFLECTION:
                assert math.isnan(score)
            else:
                assert score == pytest.approx(score_choice(vignette, given.get(vignette.id)).earned)


def test_trainingkit_items_prints_one_row_per_item(graded: Graded, monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI lists every item with option shares read from the submitted answers files."""
    monkeypatch.chdir(graded.course.root)
    monkeypatch.delenv("TRAININGKIT_ROOT", raising=False)
    result = CliRunner().invoke(items, [ASSIGNMENT])
    assert result.exit_code == 0, result.output
    rows = {row["item"]: row for row in csv.DictReader(io.StringIO(result.output))}
    assert list(rows) == [v.id for v in graded.vignettes]
    first = next(v for v in graded.vignettes if v.kind is Kind.SINGLE)
    chosen = [given.get(first.id) for given in graded.answers.values()]
    for option in first.options:
        assert float(rows[first.id][f"chose_{option.id}"]) == pytest.approx(chosen.count(option.id) / 6, abs=1e-4)
    assert float(rows[first.id]["no_answer"]) == pytest.approx(chosen.count(None) / 6, abs=1e-4)
    assert all(row["trainees"] == "6" for row in rows.values() if row["kind"] != "reflection")
    reflection = next(v for v in graded.vignettes if v.kind is Kind.REFLECTION)
    assert rows[reflection.id]["trainees"] == "0" and rows[reflection.id]["facility"] == ""


def test_graded_reflections_join_the_analysis(graded: Graded, monkeypatch: pytest.MonkeyPatch) -> None:
    """Once a supervisor grades the reflections, they count, and the summary covers every item."""
    monkeypatch.chdir(graded.course.root)
    monkeypatch.delenv("TRAININGKIT_ROOT", raising=False)
    _grade_reflections(graded)
    try:
        result = CliRunner().invoke(items, [ASSIGNMENT, "--summary"])
    finally:
        _grade_reflections(graded, ungrade=True)
    assert result.exit_code == 0, result.output
    (summary,) = csv.DictReader(io.StringIO(result.output))
    assert summary["trainees"] == "6" and summary["items"] == str(len(graded.vignettes))
    assert float(summary["max_points"]) == sum(v.points for v in graded.vignettes)
    assert 0 < float(summary["cic"]) <= 1


def test_the_dashboard_draws_the_real_cohort(graded: Graded) -> None:
    """With graded submissions the dashboard shows the real trainees, not the demonstration."""
    cohort = gather(course=graded.course, pseudonymise=False)
    assert not cohort.demonstration
    assert sorted(cohort.progress.index) == sorted(graded.answers)
    assert set(cohort.progress[ASSIGNMENT]) <= {1, 2}
    analysed = cohort.items.loc[cohort.items["assignment"] == ASSIGNMENT, "item"]
    assert set(analysed) == {v.id for v in graded.vignettes}
