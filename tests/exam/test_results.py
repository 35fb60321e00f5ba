"""The results register: released ethics review results as review lines for the office (trainingkit.exam.results)."""

from __future__ import annotations

import stat
from datetime import date, datetime
from pathlib import Path

import pytest

from tests.gradebooks import new_gradebook
from trainingkit.course import Course
from trainingkit.exam.results import (NotAReviewForm, ResultsError, coach_ids, form_id, record_released,
                                      record_results, register_path, review_results)
from trainingkit.renewal.events import Event, EventKind
from trainingkit.renewal.logfile import read_results

ROSTER = ("username,role,name,coach_id,email\n"
          "kofi,trainee,Kofi Mensah,C0042,\n"
          "ada,trainee,Ada Okafor,,\n"
          "lena,trainee,Lena Berg,C0043,\n"
          "sam,supervisor,Sam Reyes,,\n")


def _gradebook(url: str) -> None:
    """An ethics review of 40 points: kofi 30 (75%), ada 40, lena a reflection not graded yet."""
    with new_gradebook(url) as gradebook:
        gradebook.add_assignment("ethics-review")
        gradebook.add_assignment("practice-foundations")
        gradebook.add_notebook("ethics-review", "ethics-review")
        gradebook.add_grade_cell("choices", "ethics-review", "ethics-review", max_score=30, cell_type="code")
        gradebook.add_grade_cell("reflection", "ethics-review", "ethics-review", max_score=10, cell_type="markdown")
        for user, auto, manual in (("kofi", 25, 5), ("ada", 30, 10), ("lena", 30, None)):
            gradebook.add_student(user)
            gradebook.add_submission("ethics-review", user, timestamp=datetime(2026, 12, 1, 23, 30))
            choices = gradebook.find_grade("choices", "ethics-review", "ethics-review", user)
            choices.auto_score, choices.needs_manual_grade = auto, False
            grade = gradebook.find_grade("reflection", "ethics-review", "ethics-review", user)
            grade.manual_score, grade.needs_manual_grade = manual, manual is None
        gradebook.db.commit()


@pytest.fixture
def course(course_copy: Course, tmp_path: Path) -> Course:
    course_copy.roster_file.write_text(ROSTER)
    return course_copy


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'gradebook.db'}"
    _gradebook(url)
    return url


def test_a_graded_sitting_becomes_a_review_line_with_the_forms_cut_score(course: Course, db_url: str) -> None:
    """kofi (C0042) scored 75% on cycle 1's form: coach id, day, unrounded score, cut score 72.1, form cycle-1."""
    events, skipped = review_results(course=course, assignment_id="ethics-review", coaches=coach_ids(course),
                                     db_url=db_url)
    assert events == [Event("C0042", date(2026, 12, 1), EventKind.REVIEW, score=75.0, cut_score=72.1,
                            form=form_id(1))]
    assert any("ada has no coach id" in reason for reason in skipped)
    assert any("lena" in reason and "needs manual grading" in reason for reason in skipped)


def test_recording_twice_adds_nothing_twice_and_the_register_is_0640(course: Course, db_url: str,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """The register is made 0640 with its header; a second release of the same result adds no line."""
    register = course.root / "office" / "results.csv"
    monkeypatch.delenv("TRAININGKIT_RESULTS", raising=False)
    assert register_path(course) == register
    first = record_released(course=course, assignment_id="ethics-review", db_url=db_url)
    again = record_released(course=course, assignment_id="ethics-review", db_url=db_url, students={"kofi"})
    assert first is not None and len(first.added) == 1 and again is not None and (again.added, again.already) == ((), 1)
    assert first.summary()[0] == "recorded C0042,2026-12-01,review,,,75,,72.1,cycle-1"
    assert again.summary() == ["1 result(s) already in the register"]
    assert stat.S_IMODE(register.stat().st_mode) == 0o640
    assert register.read_text().splitlines()[1:] == ["C0042,2026-12-01,review,,,75,,72.1,cycle-1"]
    assert [event.review.passed for event in read_results(register)] == [True]  # type: ignore[union-attr]


def test_the_hub_names_the_register_through_the_environment(course: Course, monkeypatch: pytest.MonkeyPatch,
                                                            tmp_path: Path) -> None:
    """TRAININGKIT_RESULTS, set for the grader and the office on the hub, is the register."""
    monkeypatch.setenv("TRAININGKIT_RESULTS", str(tmp_path / "office" / "results.csv"))
    assert register_path(course) == tmp_path / "office" / "results.csv"


def test_a_practice_set_has_no_results_for_the_office(course: Course, db_url: str) -> None:
    """Only a fixed review form has results: a practice set is refused (and passed over on release)."""
    with pytest.raises(NotAReviewForm, match="'practice-foundations' is not a fixed ethics review form"):
        review_results(course=course, assignment_id="practice-foundations", coaches={}, db_url=db_url)
    assert record_released(course=course, assignment_id="practice-foundations", db_url=db_url) is None


def test_a_bad_roster_is_named_and_no_roster_means_no_coach_ids(course: Course) -> None:
    """A roster line that breaks a rule is reported with file and line; without a roster nobody has a coach id."""
    course.roster_file.write_text(ROSTER + "kofi,trainee,Kofi Again,C0044,\n")
    with pytest.raises(ResultsError, match=r"roster.csv: line 6: username 'kofi' is already on line 2"):
        coach_ids(course)
    course.roster_file.unlink()
    assert coach_ids(course) == {}


def test_a_result_changed_after_its_release_adds_a_later_line(tmp_path: Path) -> None:
    """A regraded result is a new line (the later one is the latest review); the same one is not added again."""
    register = tmp_path / "results.csv"
    first = Event("C0042", date(2026, 12, 1), EventKind.REVIEW, score=70.0, cut_score=72.1, form="cycle-1")
    regraded = Event("C0042", date(2026, 12, 1), EventKind.REVIEW, score=75.0, cut_score=72.1, form="cycle-1")
    record_results(register, [first])
    outcome = record_results(register, [first, regraded])
    assert (outcome.added, outcome.already) == ((regraded,), 1)
    assert len(register.read_text().splitlines()) == 3


def test_a_released_result_gives_the_coachs_submitted_sitting_its_result(course: Course, db_url: str,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """kofi's sitting of cycle 1, submitted, becomes a pass (75 against 72.1) when the result is recorded."""
    import datetime as dt

    from trainingkit.exam.sitting_register import SittingRegister, review_forms
    from trainingkit.exam.sittings import submit

    monkeypatch.delenv("TRAININGKIT_RESULTS", raising=False)
    register = SittingRegister.of(course)
    sitting = register.open(coach_id="C0042", username="kofi", forms=review_forms(course), on=dt.date(2026, 11, 30),
                            due=dt.date(2027, 1, 31), by="sam")
    register.submitted(submit(sitting, dt.datetime(2026, 12, 1, 23, 30, tzinfo=dt.timezone.utc)))
    record_released(course=course, assignment_id="ethics-review", db_url=db_url)
    (decided,) = register.sittings()
    assert (decided.state, decided.score, decided.cut_score) == ("pass", 75.0, 72.1)
