"""Ethics review results from the nbgrader gradebook, as ``review`` events.

nbgrader (and SQLAlchemy under it) is imported only when a gradebook is read.
"""

from __future__ import annotations

from pathlib import Path

from .events import Event, EventKind

__all__ = ["DEFAULT_ASSIGNMENT", "GradebookError", "on_office_scale", "review_events"]

#: The nbgrader assignment that is the ethics review course.
DEFAULT_ASSIGNMENT = "ethics-review"


class GradebookError(ValueError):
    """The gradebook cannot give review events (missing, or a submission breaks a rule)."""


def on_office_scale(percent: float, cut_score: float, pass_mark: float) -> float:
    """A review score put on the office's scale, where the form's cut score counts as ``pass_mark``.

    Forms differ a little in difficulty, so each has its own cut score (set by Angoff
    ratings). The scale maps 0 to 0, the cut score to the pass mark and 100 to 100, straight
    in between, so the renewal rule "score at or above the pass mark" means "at or above
    this form's cut score". One decimal; a score under the cut score stays under the mark.
    """
    if percent >= cut_score:
        return round(pass_mark + (percent - cut_score) * (100 - pass_mark) / (100 - cut_score), 1)
    return min(round(percent * pass_mark / cut_score, 1), round(pass_mark - 0.1, 1))


def review_events(db_url: str, *, assignment: str = DEFAULT_ASSIGNMENT, cut_score: float | None = None,
                  pass_mark: float = 80.0) -> list[Event]:
    """Return a ``review`` event for every submission of ``assignment`` in the gradebook.

    The coach is the nbgrader student id; the score is the submission's score
    as a percentage of the assignment's maximum (put on the office's scale by
    :func:`on_office_scale` when the form's ``cut_score`` is given); the date is
    the day of the submission's timestamp (nbgrader keeps timestamps in UTC).

    Raises :class:`GradebookError` if the gradebook or the assignment does not
    exist, or a submission has no timestamp, no maximum score, or a score
    outside 0 to 100 percent.
    """
    from nbgrader.api import Gradebook, MissingEntry
    from sqlalchemy.engine import make_url

    shown_url = make_url(db_url).render_as_string(hide_password=True)
    _refuse_to_create(db_url, shown_url)
    events = []
    with Gradebook(db_url) as gradebook:
        try:
            gradebook.find_assignment(assignment)
        except MissingEntry:
            raise GradebookError(f"{shown_url}: no assignment {assignment!r}") from None
        for submission in gradebook.assignment_submissions(assignment):
            where = f"{shown_url}: {assignment} submitted by {submission.student_id}"
            if submission.timestamp is None:
                raise GradebookError(f"{where}: the submission has no timestamp")
            if not submission.max_score:
                raise GradebookError(f"{where}: the assignment has no points to score")
            percent = submission.score / submission.max_score * 100
            if cut_score is not None:
                percent = on_office_scale(percent, cut_score, pass_mark)
            try:
                events.append(Event(
                    coach_id=submission.student_id,
                    on=submission.timestamp.date(),
                    kind=EventKind.REVIEW,
                    score=percent,
                ))
            except ValueError as error:
                raise GradebookError(f"{where}: {error}") from None
    return sorted(events, key=lambda event: (event.coach_id, event.on))


def _refuse_to_create(db_url: str, shown_url: str) -> None:
    """Raise rather than let nbgrader create an empty SQLite gradebook where none exists."""
    from sqlalchemy.engine import make_url

    url = make_url(db_url)
    database = url.database or ""
    is_file_url = url.drivername.startswith("sqlite") and database not in ("", ":memory:")
    if is_file_url and not Path(database).is_file():
        raise GradebookError(f"{shown_url}: no gradebook at {url.database}")
