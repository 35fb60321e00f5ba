"""The course service's review desk: a coach is offered their open sitting's form only (trainingkit.exchange.reviews)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from trainingkit.exam.sitting_register import SittingRegister
from trainingkit.exam.sittings import ReviewForm, SittingError, submit
from trainingkit.exchange.reviews import ReviewDesk, with_sitting_header
from trainingkit.renewal.windows import Window, windows_csv

TODAY = dt.date(2026, 12, 6)
FORMS = (ReviewForm("cycle-1", "ethics-review", frozenset({"a"}), 70.0),
         ReviewForm("cycle-2", "ethics-review-2", frozenset({"b"}), 72.0))
ROSTER = ("username,role,name,coach_id,email\n"
          "ada,trainee,Ada Okafor,C001,\n"
          "kofi,trainee,Kofi Mensah,,\n")


@pytest.fixture
def desk(tmp_path: Path) -> ReviewDesk:
    (tmp_path / "roster.csv").write_text(ROSTER)
    (tmp_path / "open.csv").write_text(windows_csv([Window("C001", dt.date(2026, 11, 1), dt.date(2027, 1, 31))]))
    return ReviewDesk(SittingRegister(tmp_path / "store" / "sittings.jsonl"), FORMS, tmp_path / "roster.csv",
                      tmp_path / "open.csv")


def test_a_coach_in_the_offices_list_is_offered_one_form_and_sees_no_other(desk: ReviewDesk) -> None:
    sitting = desk.latest("ada", TODAY)
    assert sitting is not None and (sitting.assignment_id, sitting.due) == ("ethics-review", dt.date(2027, 1, 31))
    assert desk.hidden(sitting) == {"ethics-review-2"}
    assert desk.latest("ada", TODAY) == sitting  # looking again opens nothing more


def test_a_trainee_without_a_coach_id_sees_no_review_and_cannot_submit_one(desk: ReviewDesk) -> None:
    assert desk.latest("kofi", TODAY) is None
    assert desk.hidden(None) == {"ethics-review", "ethics-review-2"}
    with pytest.raises(SittingError, match="ethics-review is not an assignment released to you"):
        desk.to_submit("kofi", "ethics-review", TODAY)


def test_a_closed_sitting_refuses_a_second_submission_with_the_plain_message(desk: ReviewDesk) -> None:
    sitting = desk.to_submit("ada", "ethics-review", TODAY)
    desk.register.submitted(submit(sitting, dt.datetime(2026, 12, 6, 9, tzinfo=dt.timezone.utc)))
    with pytest.raises(SittingError, match="you already submitted this review on 2026-12-06"):
        desk.to_submit("ada", "ethics-review", TODAY)
    with pytest.raises(SittingError, match="ethics-review-2 is not an assignment released to you"):
        desk.to_submit("ada", "ethics-review-2", TODAY)


def test_a_broken_office_list_offers_nothing_rather_than_failing_the_listing(desk: ReviewDesk) -> None:
    assert desk.windows is not None
    desk.windows.write_text("not,the,header\n")
    assert desk.latest("ada", TODAY) is None


def test_the_fetched_notebook_opens_with_the_sittings_due_date(desk: ReviewDesk) -> None:
    """A first, ungraded markdown cell names the due date; the released cells follow unchanged."""
    sitting = desk.latest("ada", TODAY)
    assert sitting is not None
    released = {"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [{"cell_type": "code", "id": "x"}]}
    notebook = json.loads(with_sitting_header(json.dumps(released).encode(), sitting))
    first, *rest = notebook["cells"]
    assert "due by **Sunday 31 January 2027**" in first["source"] and "nbgrader" not in first["metadata"]
    assert rest == released["cells"]
    assert with_sitting_header(b"not a notebook", sitting) == b"not a notebook"


def test_a_submission_after_the_due_date_is_refused_and_the_sitting_stays_open(desk: ReviewDesk) -> None:
    """On the due day the open sitting takes its submission; the day after, the refusal names the date
    and sends the coach to the office, and the register is unchanged."""
    sitting = desk.to_submit("ada", "ethics-review", dt.date(2027, 1, 31))
    before = desk.register.path.read_text()
    with pytest.raises(SittingError, match="was due by Sunday 31 January 2027, .*not kept.*certification office"):
        desk.to_submit("ada", "ethics-review", dt.date(2027, 2, 1))
    assert desk.register.path.read_text() == before and desk.register.sittings() == (sitting,)


def test_the_desk_counts_days_in_the_courses_time_zone(tmp_path: Path) -> None:
    """The service's UTC clock at 01:00 on 1 April is still 31 March for a course in Chicago."""
    from zoneinfo import ZoneInfo

    desk = ReviewDesk(SittingRegister(tmp_path / "sittings.jsonl"), FORMS, tmp_path / "roster.csv",
                      zone=ZoneInfo("America/Chicago"))
    moment = dt.datetime(2027, 4, 1, 1, 0, tzinfo=dt.timezone.utc)
    assert desk.day_of(moment) == dt.date(2027, 3, 31)
    assert ReviewDesk(desk.register, FORMS, desk.roster, zone=dt.timezone.utc).day_of(moment) == dt.date(2027, 4, 1)
