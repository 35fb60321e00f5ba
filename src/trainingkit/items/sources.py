"""The edges of item analysis: grades from the nbgrader gradebook, choices from submitted files.

Every graded cell of an assignment has the vignette's id as its nbgrader ``grade_id``, so
a grade's cell name is the item, except a reflection's, which has one cell per rubric
criterion (:mod:`trainingkit.criteria`): its criteria's grades are summed into the item's.
A grade nobody has given yet (a reflection waiting for its supervisor: no automatic and no
manual score) is a missing score, not a zero, and so is a reflection with any criterion waiting.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

import pandas as pd

from trainingkit.answers import AnswersFileError, read_answers
from trainingkit.bank.model import Vignette
from trainingkit.course import Course
from trainingkit.scoring import chosen_options

__all__ = ["SCORE_COLUMNS", "fold_criteria", "gradebook_exists", "gradebook_label", "load_scores", "load_trainees",
           "read_choices", "submitted_answers"]

#: Columns of the long-form scores :func:`load_scores` returns.
SCORE_COLUMNS = ("trainee", "assignment", "item", "score", "max_score")


def gradebook_label(db_url: str) -> str:
    """The gradebook's URL with any password hidden, for messages."""
    from sqlalchemy.engine import make_url

    return make_url(db_url).render_as_string(hide_password=True)


def gradebook_exists(db_url: str) -> bool:
    """Whether there is a gradebook to read; a missing SQLite file is never created by asking."""
    from sqlalchemy.engine import make_url

    url = make_url(db_url)
    if url.get_backend_name() == "sqlite":
        return bool(url.database) and url.database != ":memory:" and Path(url.database).is_file()
    return True


def load_scores(db_url: str, assignment_ids: Iterable[str] | None = None) -> pd.DataFrame:
    """Every grade of every submission (of ``assignment_ids``, or all) as :data:`SCORE_COLUMNS`.

    Read in one query; ``score`` is NaN for a grade still waiting for its grader.
    """
    from nbgrader.api import (Assignment, BaseCell, Grade, Gradebook, SubmittedAssignment,
                              SubmittedNotebook)

    with Gradebook(db_url) as gradebook:
        query = (gradebook.db.query(SubmittedAssignment.student_id, Assignment.name, BaseCell.name,
                                    Grade.score, Grade.auto_score, Grade.manual_score, Grade.max_score)
                 .select_from(Grade)
                 .join(SubmittedNotebook, Grade.notebook_id == SubmittedNotebook.id)
                 .join(SubmittedAssignment, SubmittedNotebook.assignment_id == SubmittedAssignment.id)
                 .join(Assignment, SubmittedAssignment.assignment_id == Assignment.id)
                 .join(BaseCell, Grade.cell_id == BaseCell.id))
        if assignment_ids is not None:
            query = query.filter(Assignment.name.in_(list(assignment_ids)))
        rows = query.all()
    frame = pd.DataFrame(rows, columns=["trainee", "assignment", "item", "score", "auto_score",
                                        "manual_score", "max_score"])
    waiting = frame["auto_score"].isna() & frame["manual_score"].isna()
    frame["score"] = frame["score"].astype(float).mask(waiting)
    frame["max_score"] = frame["max_score"].astype(float)
    frame = fold_criteria(frame.loc[:, list(SCORE_COLUMNS)])
    frame = frame.sort_values(["assignment", "trainee", "item"], kind="stable", ignore_index=True)
    return frame.loc[:, list(SCORE_COLUMNS)]


def fold_criteria(scores: pd.DataFrame) -> pd.DataFrame:
    """:data:`SCORE_COLUMNS` with each rubric criterion's grade summed into its item's; waiting if any part is."""
    from trainingkit.criteria import item_of_cell

    items = scores["item"].map(lambda name: item_of_cell(name)[0])
    if items.equals(scores["item"]):
        return scores
    keys = [scores["trainee"], scores["assignment"], items.rename("item")]
    grouped = scores.groupby(keys, sort=False)
    folded = pd.DataFrame({"score": grouped["score"].sum(min_count=1),
                           "waiting": grouped["score"].apply(lambda s: s.isna().any()),
                           "max_score": grouped["max_score"].sum()})
    folded["score"] = folded["score"].mask(folded["waiting"])
    return folded.reset_index().loc[:, list(SCORE_COLUMNS)]


def load_trainees(db_url: str) -> list[str]:
    """Every trainee (nbgrader student) in the gradebook, sorted."""
    from nbgrader.api import Gradebook

    with Gradebook(db_url) as gradebook:
        return sorted(student.id for student in gradebook.students)


def submitted_answers(course: Course, trainee: str, assignment_id: str) -> Path:
    """The answers file a trainee submitted with an assignment, where ``nbgrader collect`` put it."""
    return course.coursework / "submitted" / trainee / assignment_id / "answers.json"


def read_choices(course: Course, assignment_id: str, trainees: Sequence[str],
                 vignettes: Sequence[Vignette]) -> tuple[pd.DataFrame, tuple[str, ...]]:
    """The options each trainee chose (``trainee, item, option``) and any unreadable files.

    An answer is read as the grader reads it: one naming an option the item does not have
    counts as no choice, as it earned nothing. A missing answers file means no choices.
    """
    choice_items = [vignette for vignette in vignettes if vignette.kind.is_choice]
    rows: list[tuple[str, str, str]] = []
    problems: list[str] = []
    for trainee in trainees:
        try:
            answers = read_answers(submitted_answers(course, trainee, assignment_id))
        except AnswersFileError as error:
            problems.append(f"{error}: counted as no answers")
            continue
        for vignette in choice_items:
            answer = answers.get(vignette.id)
            chosen, _ = chosen_options(vignette, answer.value if answer else None)
            rows.extend((trainee, vignette.id, option) for option in chosen)
    return pd.DataFrame(rows, columns=["trainee", "item", "option"]), tuple(problems)
