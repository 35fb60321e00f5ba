"""The dashboard shows what a supervisor may see: submissions, released review results, and what it cannot see."""

from __future__ import annotations

from pathlib import Path

import pytest

from trainingkit.course import Course
from trainingkit.items.dashboard import gather
from trainingkit.items.visible import REVIEW_STATUSES, cannot_see, review_statuses, submitted_assignments
from trainingkit.renewal.records import HEADER_LINE

ASSIGNMENT = "practice-foundations"


@pytest.fixture
def course(course_copy: Course, monkeypatch: pytest.MonkeyPatch) -> Course:
    """A course copy with no gradebook and no register named by the environment."""
    for name in ("TRAININGKIT_DB_URL", "TRAININGKIT_PSEUDONYM_SALT", "TRAININGKIT_RESULTS"):
        monkeypatch.delenv(name, raising=False)
    return course_copy


def _received(course: Course, trainee: str, assignment: str = ASSIGNMENT) -> None:
    """A submission as the course service's store keeps it (submissions/USER/ASSIGNMENT/STAMP)."""
    (course.course_store / "submissions" / trainee / assignment / "20261201T100000.000000Z").mkdir(parents=True)


def test_submissions_received_or_collected_count_and_nothing_else(course: Course) -> None:
    """The store's and coursework/submitted's folders give who submitted what; unknown names are passed over."""
    _received(course, "ada")
    _received(course, "ben", "not-an-assignment")
    (course.coursework / "submitted" / "cy" / ASSIGNMENT).mkdir(parents=True)
    (course.coursework / "submitted" / "Bad Name" / ASSIGNMENT).mkdir(parents=True)
    assert submitted_assignments(course, [ASSIGNMENT]) == {"ada": frozenset({ASSIGNMENT}),
                                                          "cy": frozenset({ASSIGNMENT})}


def test_a_submission_not_yet_graded_is_progress_and_no_demonstration(course: Course) -> None:
    """A trainee whose submission the service received shows as submitted, awaiting a grade."""
    _received(course, "ada")
    cohort = gather(course=course)
    assert not cohort.demonstration and not cohort.renewal_demonstration
    assert cohort.progress.loc["ada", ASSIGNMENT] == 1
    assert "submissions received" in cohort.source


def test_names_are_shown_unless_pseudonymising_is_asked(course: Course) -> None:
    """Pseudonyms are opt-in, as the README says."""
    _received(course, "ada")
    assert list(gather(course=course).progress.index) == ["ada"]
    assert list(gather(course=course, pseudonymise=True).progress.index) != ["ada"]


def test_renewals_are_the_latest_released_review_per_coach(course: Course, tmp_path: Path) -> None:
    """A coach who failed then passed counts as passed; one below the cut score as below it."""
    register = tmp_path / "results.csv"
    register.write_text(HEADER_LINE + "C1,2026-11-01,review,,,60,,72.1,cycle-1\n"
                        "C1,2026-11-20,review,,,80,,72.1,cycle-1\n"
                        "C2,2026-11-21,review,,,72.06,,72.1,cycle-1\n")
    frame = review_statuses(register)
    assert dict(zip(frame["coach_id"], frame["status"])) == {"C1": REVIEW_STATUSES[0], "C2": REVIEW_STATUSES[1]}
    assert review_statuses(tmp_path / "none-released-yet.csv").empty


def test_the_dashboard_reads_the_register_and_says_what_it_cannot_see(
        course: Course, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With trainees and no office data: renewals from the register, no made-up coaches, and plain 'cannot see' lines."""
    _received(course, "ada")
    register = tmp_path / "results.csv"
    register.write_text(HEADER_LINE + "C1,2026-11-20,review,,,80,,72.1,cycle-1\n")
    monkeypatch.setenv("TRAININGKIT_RESULTS", str(register))
    cohort = gather(course=course)
    assert cohort.renewal.to_dict("list") == {"coach_id": ["C1"], "status": ["review_passed"]}
    assert "results register" in cohort.renewal_source
    text = cohort._repr_markdown_()
    assert "**What this dashboard cannot see**" in text
    assert "lesson answers are in their own homes" in text and "event log" in text and "Work not submitted" in text


def test_cannot_see_names_private_homes_and_the_offices_own_log() -> None:
    """Where lessons are read but some homes are closed, their count is said; the office's data lifts the renewal line."""
    lines = cannot_see(lessons_shown=True, unreadable_homes=3, renewal_from_office_log=True)
    assert any("Lesson progress of 3 trainee(s)" in line for line in lines)
    assert not any("event log" in line for line in lines)
