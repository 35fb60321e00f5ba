"""Review events from a real nbgrader gradebook (trainingkit.renewal.gradebook)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from trainingkit.renewal.gradebook import GradebookError, review_events


def test_each_submission_becomes_a_review_scored_as_a_percentage(gradebook_url: str) -> None:
    """Score over maximum times 100, dated by the submission's (UTC) day, for the student id."""
    events = review_events(gradebook_url, assignment="ethics-review")
    assert [(e.coach_id, e.on, e.score) for e in events] == [
        ("C1", date(2025, 12, 1), pytest.approx(85.0)),
        ("C2", date(2025, 11, 2), pytest.approx(30.0)),
    ]
    assert all(event.line is None for event in events)


def test_an_assignment_the_gradebook_lacks_is_an_error(gradebook_url: str) -> None:
    """A misspelt assignment name is reported, not read as 'no reviews'."""
    with pytest.raises(GradebookError, match="no assignment 'ethics'"):
        review_events(gradebook_url, assignment="ethics")


def test_an_assignment_without_points_is_an_error(gradebook_url: str) -> None:
    """A score cannot be a percentage of nothing."""
    with pytest.raises(GradebookError, match="no points"):
        review_events(gradebook_url, assignment="practice-1")


def test_a_missing_gradebook_file_is_an_error_and_is_not_created(tmp_path: Path) -> None:
    """Reading never leaves a new, empty gradebook behind."""
    path = tmp_path / "nope.db"
    with pytest.raises(GradebookError, match="no gradebook"):
        review_events(f"sqlite:///{path}")
    assert not path.exists()


def test_a_score_above_the_maximum_is_an_error(gradebook_url: str) -> None:
    """Extra credit past 100% is outside 0 to 100 and is refused, naming the student."""
    with pytest.raises(GradebookError, match=r"C1.*outside 0 to 100"):
        review_events(gradebook_url, assignment="ethics-extra")


def test_a_submission_without_a_timestamp_is_an_error(gradebook_url: str) -> None:
    """A review must be dated."""
    with pytest.raises(GradebookError, match="no timestamp"):
        review_events(gradebook_url, assignment="ethics-untimed")


def test_the_office_scale_puts_each_forms_cut_score_at_the_pass_mark() -> None:
    """On the office's scale a form's cut score is the pass mark, 0 and 100 stay, and a fail stays a fail."""
    from trainingkit.renewal.gradebook import on_office_scale

    assert on_office_scale(72.1, 72.1, 80) == 80.0
    assert on_office_scale(0, 72.1, 80) == 0 and on_office_scale(100, 72.1, 80) == 100
    assert on_office_scale(72.09, 72.1, 80) < 80 and on_office_scale(86.05, 72.1, 80) == 90.0
