"""Review sittings' rules: one sitting at a time, a form never met, one submission, pass by the cut score."""

from __future__ import annotations

import datetime as dt

import pytest

from trainingkit.exam.sittings import (Result, ReviewForm, Sitting, SittingError, closed_message, fold, late_message,
                                       next_form, open_sitting, record_result, sitting_of, sittings_in_window, submit)

TODAY = dt.date(2026, 12, 6)
DUE = dt.date(2027, 3, 31)
FORMS = (ReviewForm("cycle-1", "ethics-review", frozenset({"a", "b", "c"}), 70.0),
         ReviewForm("cycle-2", "ethics-review-2", frozenset({"c", "d", "e"}), 72.0),
         ReviewForm("cycle-3", "ethics-review-3", frozenset({"f", "g", "h"}), 71.0))


def _open(sittings: tuple[Sitting, ...] = (), coach: str = "C001", user: str = "ada") -> Sitting:
    return open_sitting(sittings, coach_id=coach, username=user, forms=FORMS, on=TODAY, due=DUE, by="sam")


def _failed(sitting: Sitting) -> Sitting:
    return record_result(submit(sitting, dt.datetime(2026, 12, 7, 10, tzinfo=dt.timezone.utc)), 50.0, 70.0)


def test_a_first_sitting_gets_the_first_form_due_on_the_day_given() -> None:
    """A coach's first sitting is number 1, of the first form, opened today, due by the window's end."""
    sitting = _open()
    assert (sitting.number, sitting.form_id, sitting.assignment_id, sitting.opened_on, sitting.due,
            sitting.opened_by, sitting.state) == (1, "cycle-1", "ethics-review", TODAY, DUE, "sam", "open")


def test_after_a_fail_the_next_sitting_gets_a_form_sharing_no_item_with_the_one_sat() -> None:
    """cycle-2 shares item c with cycle-1, so a coach who failed cycle-1 gets cycle-3."""
    first = _failed(_open())
    assert first.result is Result.FAIL
    second = _open((first,))
    assert (second.number, second.form_id) == (2, "cycle-3")


def test_another_coach_is_not_held_back_by_anyone_elses_forms() -> None:
    """What one coach met does not limit another's form."""
    first = _failed(_open())
    assert _open((first,), coach="C002", user="kofi").form_id == "cycle-1"


def test_no_form_left_is_refused_saying_what_to_do() -> None:
    """When every form left shares an item with one sat, the refusal names the forms sat and the fix."""
    sat = (_failed(_open()),)
    sat += (_failed(_open(sat)),)
    with pytest.raises(SittingError, match=r"coach C001: no review form is left .*sat cycle-1, cycle-3.*--fix"):
        _open(sat)


def test_a_coach_has_one_sitting_at_a_time() -> None:
    """An open sitting, or a submitted one without its result, blocks a new one; a passed one does not."""
    first = _open()
    with pytest.raises(SittingError, match="sitting 1 .* is open until 2027-03-31"):
        _open((first,))
    submitted = submit(first, dt.datetime(2026, 12, 7, tzinfo=dt.timezone.utc))
    with pytest.raises(SittingError, match="is submitted until its result is released"):
        _open((submitted,))
    passed = record_result(submitted, 70.0, 70.0)
    assert passed.result is Result.PASS and _open((passed,)).form_id == "cycle-3"


def test_a_sitting_missed_by_its_due_day_does_not_block_the_next_windows_sitting() -> None:
    """Never submitted and past its due day, a sitting is missed: the coach's next sitting opens, on a form
    sharing no item with the missed one (they may have read it)."""
    missed = _open()
    assert not missed.missed_by(DUE) and missed.missed_by(DUE + dt.timedelta(days=1))
    later = open_sitting((missed,), coach_id="C001", username="ada", forms=FORMS, on=DUE + dt.timedelta(days=300),
                         due=DUE + dt.timedelta(days=400), by="office")
    assert later.number == 2 and later.form_id == "cycle-3"


def test_a_due_date_before_today_is_refused() -> None:
    with pytest.raises(SittingError, match="the due date 2026-12-01 is before the day the sitting opens"):
        open_sitting((), coach_id="C001", username="ada", forms=FORMS, on=TODAY, due=dt.date(2026, 12, 1), by="sam")


def test_no_forms_at_all_is_refused_plainly() -> None:
    with pytest.raises(SittingError, match="no review form is released for sittings"):
        next_form("C001", (), ())


def test_one_submission_closes_a_sitting_and_a_second_is_refused_with_the_plain_message() -> None:
    """The second submission's refusal says it was not kept, and that the first stands."""
    closed = submit(_open(), dt.datetime(2026, 12, 7, 9, 30, tzinfo=dt.timezone.utc))
    assert closed.state == "submitted" and closed.submitted_at == "2026-12-07T09:30:00+00:00"
    with pytest.raises(SittingError) as refused:
        submit(closed, dt.datetime(2026, 12, 7, 9, 31, tzinfo=dt.timezone.utc))
    assert str(refused.value) == closed_message(closed)
    assert "already submitted this review on 2026-12-07" in str(refused.value)
    assert "Traceback" not in str(refused.value) and "first submission stands" in str(refused.value)


def test_the_result_is_pass_at_or_above_the_forms_cut_score_and_fail_below() -> None:
    submitted = submit(_open(), dt.datetime(2026, 12, 7, tzinfo=dt.timezone.utc))
    assert record_result(submitted, 72.1, 72.1).result is Result.PASS
    assert record_result(submitted, 72.0, 72.1).result is Result.FAIL


def test_an_open_sitting_has_no_result() -> None:
    with pytest.raises(SittingError, match="not submitted yet"):
        record_result(_open(), 80.0, 70.0)


def test_a_username_sits_as_one_coach_only() -> None:
    with pytest.raises(SittingError, match="ada sat the review as coach C001, not C009"):
        _open((_failed(_open()),), coach="C009")


def test_sitting_of_finds_the_latest_one_of_a_user_and_assignment() -> None:
    first = _failed(_open())
    second = _open((first,))
    assert sitting_of((first, second), "ada") == second
    assert sitting_of((first, second), "ada", "ethics-review") == first
    assert sitting_of((first, second), "kofi") is None


def test_the_register_folds_into_sittings_and_names_a_bad_line() -> None:
    """opened, submitted, result lines give the sitting; a line about an unopened sitting names its line."""
    lines = [{"event": "opened", "sitting": 1, "coach_id": "C001", "username": "ada", "form": "cycle-1",
              "assignment": "ethics-review", "on": "2026-12-06", "due": "2027-03-31", "by": "office"},
             {"event": "submitted", "sitting": 1, "at": "2026-12-07T09:30:00+00:00"},
             {"event": "result", "sitting": 1, "score": 55.0, "cut_score": 70.0}]
    (sitting,) = fold(lines)
    assert (sitting.state, sitting.opened_by, sitting.score) == ("fail", "office", 55.0)
    with pytest.raises(SittingError, match="register.jsonl: line 2: sitting 7 was never opened"):
        fold([lines[0], {"event": "submitted", "sitting": 7, "at": "x"}], "register.jsonl")
    with pytest.raises(SittingError, match="r: line 1: not a sitting line"):
        fold([{"event": "opened", "sitting": 1}], "r")
    with pytest.raises(SittingError, match="r: line 2: sitting 1 is opened twice"):
        fold([lines[0], lines[0]], "r")


def test_a_submission_after_the_due_day_is_refused_naming_the_date_and_the_office() -> None:
    """Received any time on the due day (UTC) it closes the sitting; a second later it is refused, plainly."""
    sitting = _open()
    assert submit(sitting, dt.datetime(2027, 3, 31, 23, 59, 59, tzinfo=dt.timezone.utc)).state == "submitted"
    with pytest.raises(SittingError) as refused:
        submit(sitting, dt.datetime(2027, 4, 1, 0, 0, 0, tzinfo=dt.timezone.utc))
    assert str(refused.value) == late_message(sitting)
    assert "was due by Wednesday 31 March 2027" in str(refused.value) and "not kept" in str(refused.value)
    assert "ask the certification office" in str(refused.value)


def test_the_due_day_ends_at_midnight_in_the_courses_time_zone() -> None:
    """In Chicago, 7 pm on the due day is 1 am the next day in UTC: the course's zone takes it, UTC would not."""
    from zoneinfo import ZoneInfo

    sitting, evening = _open(), dt.datetime(2027, 4, 1, 1, 0, tzinfo=dt.timezone.utc)
    assert submit(sitting, evening, ZoneInfo("America/Chicago")).state == "submitted"
    with pytest.raises(SittingError):
        submit(sitting, evening)


WINDOW_OPENS = dt.date(2026, 12, 1)


def _per_window(sittings: tuple[Sitting, ...]) -> Sitting:
    return open_sitting(sittings, coach_id="C001", username="ada", forms=FORMS, on=TODAY, due=DUE, by="office",
                        window_opens_on=WINDOW_OPENS, per_window=2)


def test_a_coach_has_at_most_the_offices_number_of_sittings_in_one_window() -> None:
    """Two sittings failed in a window: a third is refused, naming the window, the forms and the office."""
    sat = (_failed(_per_window(())),)
    sat += (_failed(_per_window(sat)),)
    with pytest.raises(SittingError) as refused:
        _per_window(sat)
    message = str(refused.value)
    assert message.startswith("coach C001: 2 review sittings since their renewal window opened on 2026-12-01 "
                              "(cycle-1 fail, cycle-3 fail), the most the office allows in one window")
    assert "refers the coach to supervision" in message


def test_sittings_before_the_window_opened_do_not_count_toward_it() -> None:
    """A sitting opened before this window (a coach's earlier cycle) leaves this window's sittings whole."""
    earlier = record_result(submit(open_sitting((), coach_id="C001", username="ada", forms=FORMS,
                                                on=dt.date(2024, 12, 6), due=dt.date(2025, 3, 31), by="office"),
                                   dt.datetime(2025, 1, 10, tzinfo=dt.timezone.utc)), 50.0, 70.0)
    assert sittings_in_window((earlier,), "C001", WINDOW_OPENS) == []
    second = _failed(_per_window((earlier,)))
    assert sittings_in_window((earlier, second), "C001", WINDOW_OPENS) == [second]
    assert sittings_in_window((earlier, second), "C002", WINDOW_OPENS) == []
