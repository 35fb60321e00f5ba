"""End to end with real nbgrader: fetch, submit, collect, autograde, feedback, export.

Simulated trainees answer through the same answers file the widgets write. None of
them can raise their own score: choices are scored from the submitted answers file
against the bank, outside the kernel that runs the trainee's cells.
"""

from __future__ import annotations

import io
import random

import nbformat
import pandas as pd
import pytest

from trainingkit.bank.model import Kind
from trainingkit.simulate import answers_for

from tests.pipeline.conftest import ASSIGNMENT, CourseRun, answer_all, edit_notebook

pytestmark = pytest.mark.pipeline

TAMPERING_CELL = '''
import json, pathlib, builtins
key = json.loads({key!r})
doc = {{"schema_version": 1, "answers": {{k: {{"value": v, "saved_at": ""}} for k, v in key.items()}}}}
# rewrite the answers file in the grading folder and the submitted copy
for target in [pathlib.Path("answers.json"), *pathlib.Path("../../..").glob("submitted/*/{assignment}/answers.json")]:
    target.write_text(json.dumps(doc))
# replace the helpers the grading cells might call
import trainingkit.scoring, trainingkit.questions
trainingkit.scoring.score_choice = lambda *a, **k: 99
for name in ("single_choice", "multiple_select"):
    setattr(trainingkit.questions, name, lambda *a, **k: 1.0)
1.0
'''


def _jupyter_data_snapshot() -> list[tuple[str, int]]:
    """What is under the real user's ~/.local/share/jupyter (where nbgrader caches submissions)."""
    from pathlib import Path

    root = Path.home() / ".local" / "share" / "jupyter"
    return sorted((str(p.relative_to(root)), p.stat().st_mtime_ns) for p in root.rglob("*")) if root.is_dir() else []


@pytest.fixture(scope="module")
def home_before() -> list[tuple[str, int]]:
    return _jupyter_data_snapshot()


@pytest.fixture(scope="module")
def graded(course_run: CourseRun, bank_and_items, home_before):
    """Every simulated trainee fetched, answered, submitted; the supervisor collected and graded."""
    bank, vignettes = bank_and_items
    rng = random.Random(7)
    key = answers_for("key", vignettes, rng)
    wrong = answers_for("wrong", vignettes, rng)
    multiple = next(v for v in vignettes if v.kind is Kind.MULTIPLE and len(v.key) >= 2)
    half = dict(key, **{multiple.id: sorted(multiple.key)[:len(multiple.key) // 2]})
    first_choice = next(v for v in vignettes if v.kind.is_choice)

    def delete_and_edit(notebook: nbformat.NotebookNode) -> None:
        graded_cells = [c for c in notebook.cells if c.metadata.get("nbgrader", {}).get("grade")
                        and c.cell_type == "code"]
        notebook.cells.remove(graded_cells[1])
        graded_cells[2].source = "print(0)"
        notebook.cells[0].source = "I rewrote the welcome."

    def tamper(notebook: nbformat.NotebookNode) -> None:
        import json
        cell = nbformat.v4.new_code_cell(TAMPERING_CELL.format(key=json.dumps(key), assignment=ASSIGNMENT))
        notebook.cells.insert(1, cell)
        notebook.cells.append(nbformat.v4.new_code_cell(TAMPERING_CELL.format(
            key=json.dumps(key), assignment=ASSIGNMENT)))

    plans = {
        "ada": (key, None, None),
        "ben": (wrong, None, None),
        "cal": (half, None, None),
        "dee": (None, None, None),
        "eve": (key, "{ this is not json", None),
        "fay": (key, None, delete_and_edit),
        "gus": (wrong, None, tamper),
        "hal": (dict(key, **{first_choice.id: "z"}), None, None),
    }
    for trainee, (answers, raw_file, change) in plans.items():
        folder = course_run.fetch(trainee)
        if answers:
            answer_all(folder, answers)
        if raw_file:
            (folder / "answers.json").write_text(raw_file)
        if change:
            edit_notebook(folder, change)
        course_run.submit(trainee)
    course_run.nbgrader("collect", ASSIGNMENT)
    course_run.nbgrader("autograde", ASSIGNMENT, "--force")
    course_run.nbgrader("generate_feedback", ASSIGNMENT, "--force")
    course_run.nbgrader("export")
    grades = pd.read_csv(io.StringIO((course_run.course.coursework / "grades.csv").read_text()))
    return {"grades": grades.set_index("student_id"), "multiple": multiple, "first": first_choice,
            "automatic": sum(v.points for v in vignettes if v.kind.is_choice),
            "manual": sum(v.points for v in vignettes if not v.kind.is_choice)}


def _automatic_score(course_run: CourseRun, trainee: str) -> tuple[float, float]:
    from nbgrader.api import Gradebook

    with Gradebook(course_run.course.db_url) as gradebook:
        submission = gradebook.find_submission(ASSIGNMENT, trainee)
        return submission.code_score, submission.max_code_score


def _feedback(course_run: CourseRun, trainee: str) -> str:
    return (course_run.course.coursework / "feedback" / trainee / ASSIGNMENT / f"{ASSIGNMENT}.html").read_text()


def test_the_key_earns_every_automatic_point(course_run: CourseRun, graded) -> None:
    """A trainee who chooses the key earns every automatic point."""
    assert _automatic_score(course_run, "ada") == (graded["automatic"], graded["automatic"])


def test_wrong_answers_earn_nothing(course_run: CourseRun, graded) -> None:
    """A trainee who chooses only wrong options earns zero."""
    assert _automatic_score(course_run, "ben")[0] == 0


def test_a_half_right_multiple_select_earns_its_partial_credit(course_run: CourseRun, graded) -> None:
    """Choosing half of a multiple-select key earns half of that item's points."""
    multiple = graded["multiple"]
    share = multiple.points / len(multiple.key) * (len(multiple.key) // 2)
    assert _automatic_score(course_run, "cal")[0] == pytest.approx(graded["automatic"] - multiple.points + share)


def test_no_answers_earn_nothing_and_feedback_says_why(course_run: CourseRun, graded) -> None:
    """A submission without an answers file scores zero and its feedback says no answers were saved."""
    assert _automatic_score(course_run, "dee")[0] == 0
    assert "no answers were saved" in _feedback(course_run, "dee")


def test_a_corrupt_answers_file_scores_zero_without_breaking_grading(course_run: CourseRun, graded) -> None:
    """An unreadable answers file is graded zero, with a note, and the other trainees are graded."""
    assert _automatic_score(course_run, "eve")[0] == 0
    assert "could not be read" in _feedback(course_run, "eve")


def test_deleted_and_edited_locked_cells_change_nothing(course_run: CourseRun, graded) -> None:
    """Deleting one graded cell and editing another still gives the key full marks."""
    assert _automatic_score(course_run, "fay")[0] == graded["automatic"]


def test_tampering_with_grading_code_and_answers_gains_no_point(course_run: CourseRun, graded) -> None:
    """Cells that rewrite the answers file and replace the grading helpers gain not a single point."""
    assert _automatic_score(course_run, "gus")[0] == 0


def test_a_hand_edited_unknown_option_scores_only_that_item_zero(course_run: CourseRun, graded) -> None:
    """An answer naming a non-existent option costs that item, and every other item still counts."""
    first = graded["first"]
    assert _automatic_score(course_run, "hal")[0] == graded["automatic"] - first.points
    assert "not an option" in _feedback(course_run, "hal")


def test_feedback_puts_strengths_before_what_to_revisit(course_run: CourseRun, graded) -> None:
    """Feedback names what went well before what to revisit, and explains the best answer."""
    html = _feedback(course_run, "cal")
    assert html.index("What you did well") < html.index("What to revisit")
    assert "The best answer" in html and "Partly right" in html


def test_feedback_shows_no_grading_code(course_run: CourseRun, graded) -> None:
    """The returned feedback shows results, not the code cells that draw the widgets."""
    html = _feedback(course_run, "ada")
    assert "from trainingkit.questions import" not in html
    assert "Full marks" in html


def test_reflections_wait_for_the_supervisor_and_show_the_text(course_run: CourseRun, graded) -> None:
    """A reflection needs a manual grade, and the autograded notebook shows what the trainee wrote."""
    autograded = (course_run.course.coursework / "autograded" / "ada" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").read_text()
    assert "A simulated key reflection" in autograded
    from nbgrader.api import Gradebook

    with Gradebook(course_run.course.db_url) as gradebook:
        assert gradebook.find_submission(ASSIGNMENT, "ada").needs_manual_grade


def test_grades_export_to_csv_that_pandas_reads(course_run: CourseRun, graded) -> None:
    """`nbgrader export` writes every trainee's score, and pandas loads it."""
    grades = graded["grades"]
    assert set(grades.index) >= {"ada", "ben", "cal", "dee", "eve", "fay", "gus", "hal"}
    assert grades.loc["ada", "score"] == graded["automatic"]
    assert grades.loc["ada", "max_score"] == graded["automatic"] + graded["manual"]


def test_the_tests_leave_the_users_home_untouched(graded, home_before) -> None:
    """Fetching, submitting and collecting for a whole class writes nothing under the real ~/.local/share/jupyter."""
    assert _jupyter_data_snapshot() == home_before
