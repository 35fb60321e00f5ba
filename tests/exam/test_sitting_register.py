"""The register of review sittings in the course store, and sittings opened from the office's list."""

from __future__ import annotations

import datetime as dt
import json
import stat
from pathlib import Path

import pytest

from trainingkit.course import Course
from trainingkit.exam.sitting_register import SittingRegister, open_from_office, review_forms, window_opening
from trainingkit.exam.sittings import ReviewForm, SittingError, submit
from trainingkit.renewal.windows import Window

TODAY = dt.date(2026, 12, 6)
FORMS = (ReviewForm("cycle-1", "ethics-review", frozenset({"a", "b"}), 70.0),
         ReviewForm("cycle-2", "ethics-review-2", frozenset({"c", "d"}), 72.0))
COACHES = {"ada": "C001", "kofi": "C002"}


@pytest.fixture
def register(tmp_path: Path) -> SittingRegister:
    return SittingRegister(tmp_path / "store" / "sittings.jsonl")


def _open(register: SittingRegister, coach: str = "C001", user: str = "ada"):
    return register.open(coach_id=coach, username=user, forms=FORMS, on=TODAY, due=dt.date(2027, 3, 31), by="sam")


def test_an_opened_sitting_is_kept_privately_and_read_back(register: SittingRegister) -> None:
    """The register is made 0600 in a 0700 folder, one JSON line per event, and folds back to the sitting."""
    sitting = _open(register)
    assert register.sittings() == (sitting,)
    assert stat.S_IMODE(register.path.stat().st_mode) == 0o600
    assert stat.S_IMODE(register.path.parent.stat().st_mode) == 0o700
    (line,) = register.path.read_text().splitlines()
    assert json.loads(line)["event"] == "opened"


def test_the_register_only_grows(register: SittingRegister) -> None:
    """Submitting and a result append lines; every earlier line stays as it was."""
    sitting = _open(register)
    before = register.path.read_text()
    register.submitted(submit(sitting, dt.datetime(2026, 12, 7, tzinfo=dt.timezone.utc)))
    middle = register.path.read_text()
    (decided,) = register.record_results([("C001", "cycle-1", 55.0, 70.0), ("C009", "cycle-1", 90.0, 70.0)])
    after = register.path.read_text()
    assert middle.startswith(before) and after.startswith(middle) and len(after.splitlines()) == 3
    assert decided.number == sitting.number and register.sittings()[0].state == "fail"


def test_a_second_submitted_line_is_refused_and_nothing_is_written(register: SittingRegister) -> None:
    sitting = submit(_open(register), dt.datetime(2026, 12, 7, tzinfo=dt.timezone.utc))
    register.submitted(sitting)
    before = register.path.read_bytes()
    with pytest.raises(SittingError, match="sitting 1 is not open"):
        register.submitted(sitting)
    assert register.path.read_bytes() == before


def test_a_result_for_a_sitting_not_submitted_changes_nothing(register: SittingRegister) -> None:
    _open(register)
    assert register.record_results([("C001", "cycle-1", 90.0, 70.0)]) == []
    assert register.sittings()[0].state == "open"


def test_a_damaged_register_is_named_by_file_and_line(register: SittingRegister) -> None:
    _open(register)
    with register.path.open("a") as handle:
        handle.write("{not json\n")
    with pytest.raises(SittingError, match=r"sittings.jsonl: line 2: not a JSON line"):
        register.sittings()


def test_the_office_list_opens_a_sitting_for_each_coach_in_an_open_window(register: SittingRegister) -> None:
    """A listed coach on the roster gets one sitting due at the window's end; a coach not on the roster is
    named; a window not open yet, or a coach with a sitting in progress, gets nothing more."""
    windows = [Window("C001", dt.date(2026, 10, 1), dt.date(2027, 1, 31)),
               Window("C002", dt.date(2027, 1, 1), dt.date(2027, 3, 31)),
               Window("C404", dt.date(2026, 10, 1), dt.date(2027, 1, 31))]
    opened, skipped = open_from_office(register, windows=windows, coaches=COACHES, forms=FORMS, on=TODAY)
    assert [(s.coach_id, s.due, s.opened_by) for s in opened] == [("C001", dt.date(2027, 1, 31), "office")]
    assert skipped == ["coach C404: not on the course's roster, so no sitting was opened"]
    again, _ = open_from_office(register, windows=windows, coaches=COACHES, forms=FORMS, on=TODAY)
    assert again == []


def test_after_a_recorded_fail_the_office_list_opens_a_new_sitting_on_the_other_form(
        register: SittingRegister) -> None:
    window = [Window("C001", dt.date(2026, 10, 1), dt.date(2027, 1, 31))]
    (first,), _ = open_from_office(register, windows=window, coaches=COACHES, forms=FORMS, on=TODAY)
    register.submitted(submit(first, dt.datetime(2026, 12, 7, tzinfo=dt.timezone.utc)))
    assert open_from_office(register, windows=window, coaches=COACHES, forms=FORMS, on=TODAY)[0] == []
    register.record_results([("C001", "cycle-1", 40.0, 70.0)])
    (second,), _ = open_from_office(register, windows=window, coaches=COACHES, forms=FORMS, on=TODAY)
    assert (second.number, second.form_id, second.assignment_id) == (2, "cycle-2", "ethics-review-2")


def test_a_pass_in_this_window_means_no_new_sitting_until_the_next_window(register: SittingRegister) -> None:
    window = Window("C001", dt.date(2026, 10, 1), dt.date(2027, 1, 31))
    (first,), _ = open_from_office(register, windows=[window], coaches=COACHES, forms=FORMS, on=TODAY)
    register.submitted(submit(first, dt.datetime(2026, 12, 7, tzinfo=dt.timezone.utc)))
    register.record_results([("C001", "cycle-1", 90.0, 70.0)])
    assert open_from_office(register, windows=[window], coaches=COACHES, forms=FORMS, on=TODAY)[0] == []
    later = Window("C001", dt.date(2028, 10, 1), dt.date(2029, 1, 31))
    (second,), _ = open_from_office(register, windows=[later], coaches=COACHES, forms=FORMS,
                                    on=dt.date(2028, 11, 1))
    assert second.form_id == "cycle-2"


def test_the_courses_review_forms_are_its_fixed_form_assignments(project: Course) -> None:
    """Each assignment given as `form: {cycle: N}` is a form to sit, with its items and cut score."""
    forms = review_forms(project)
    assert [(f.form_id, f.assignment_id) for f in forms] == [("cycle-1", "ethics-review"),
                                                             ("cycle-2", "ethics-review-2")]
    assert not forms[0].items & forms[1].items and all(f.cut_score > 0 for f in forms)


def test_the_office_list_opens_no_third_sitting_in_one_window_and_says_why(register: SittingRegister) -> None:
    """After two failed sittings in the window, the office's list opens none and names the office's limit."""
    forms = (*FORMS, ReviewForm("cycle-3", "ethics-review-3", frozenset({"e"}), 71.0))
    window = [Window("C001", dt.date(2026, 10, 1), dt.date(2027, 1, 31))]
    for form in ("cycle-1", "cycle-2"):
        (sitting,), _ = open_from_office(register, windows=window, coaches=COACHES, forms=forms, on=TODAY)
        register.submitted(submit(sitting, dt.datetime(2026, 12, 7, tzinfo=dt.timezone.utc)))
        register.record_results([("C001", form, 40.0, 70.0)])
    opened, skipped = open_from_office(register, windows=window, coaches=COACHES, forms=forms, on=TODAY)
    assert opened == [] and len(register.sittings()) == 2
    assert skipped == [skipped[0]] and "coach C001: 2 review sittings since their renewal window opened on " \
        "2026-10-01" in skipped[0] and "(sittings_per_window)" in skipped[0]


def test_a_sittings_window_is_the_offices_listed_one_or_the_window_days_before_it_is_due() -> None:
    listed = [Window("C001", dt.date(2026, 10, 1), dt.date(2027, 1, 31))]
    assert window_opening("C001", dt.date(2027, 1, 31), listed) == dt.date(2026, 10, 1)
    assert window_opening("C002", dt.date(2027, 3, 31), listed) == dt.date(2026, 12, 31)


def test_a_sitting_missed_in_one_window_leaves_the_office_list_free_to_open_one_in_the_next(
        register: SittingRegister) -> None:
    """Opened from the list, never submitted, past its due day: the next window's list opens the other form."""
    window = Window("C001", dt.date(2026, 10, 1), dt.date(2027, 1, 31))
    (missed,), _ = open_from_office(register, windows=[window], coaches=COACHES, forms=FORMS, on=TODAY)
    later = Window("C001", dt.date(2028, 10, 1), dt.date(2029, 1, 31))
    (next_one,), skipped = open_from_office(register, windows=[later], coaches=COACHES, forms=FORMS,
                                            on=dt.date(2028, 11, 1))
    assert skipped == [] and (missed.form_id, next_one.form_id) == ("cycle-1", "cycle-2")
