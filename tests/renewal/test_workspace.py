"""The office notebook's sections (trainingkit.renewal.workspace): plain messages instead of tracebacks."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd

from tests.renewal.conftest import WriteLog
from trainingkit.renewal.settings import RenewalRules
from trainingkit.renewal.status import Status
from trainingkit.renewal.workspace import (
    ACTIONS,
    FLAG_ACTION,
    Notice,
    coach_timeline,
    needs_action,
    office_policy,
    read_renewals,
    review_results_table,
    status_counts_table,
    status_table,
    write_report,
)

ON = date(2025, 12, 1)


def test_on_may_be_none_for_today_or_a_written_day(write_log: WriteLog) -> None:
    """ON = None reads the log today; "2025-12-01" reads it on that day."""
    path = write_log("C1,2024-01-10,certified,,,,")
    assert read_renewals(events=path, today=ON).on == ON
    assert read_renewals(events=path, on="2025-12-01").on == ON


def test_an_unreadable_day_is_explained(write_log: WriteLog) -> None:
    """ON = "1/12/2025" says how to write a day; every section then shows a notice, not a table."""
    renewals = read_renewals(events=write_log(), on="1/12/2025")
    assert "ON is '1/12/2025', which is not a date" in str(renewals)
    assert all(isinstance(section(renewals), Notice)
               for section in (status_counts_table, status_table, needs_action, write_report))


def test_a_missing_log_names_where_it_should_be(tmp_path: Path) -> None:
    """No file at EVENTS: the notice gives its full path and the header a log starts with."""
    text = str(read_renewals(events=tmp_path / "coaches.csv", on=ON))
    assert text.startswith(f"No event log at {tmp_path / 'coaches.csv'}")
    assert "coach_id,date,event,supervisor,hours,score,outcome" in text


def test_a_header_only_log_has_no_coaches_and_writes_no_report(write_log: WriteLog, tmp_path: Path) -> None:
    """A new office's log (the header alone) says "no coaches yet", and no report folder is made."""
    renewals = read_renewals(events=write_log(), on=ON, report_folder=tmp_path / "reports")
    assert "has no coaches yet" in str(renewals)
    assert str(status_table(renewals)) == "No coaches yet."
    assert isinstance(write_report(renewals), Notice) and not (tmp_path / "reports").exists()


def test_the_action_list_puts_the_most_pressing_kind_first_and_keeps_flagged_coaches(write_log: WriteLog) -> None:
    """Renewal due comes before past-grace; a certified coach with an unreported charge is listed too."""
    renewals = read_renewals(events=write_log(
        "C9,2022-03-01,certified,,,,",
        "C1,2024-01-10,certified,,,,",
        "C5,2025-06-01,certified,,,,",
        "C5,2025-07-01,charged,,,,",
        "C7,2025-06-01,certified,,,,",
    ), on=ON)
    action = needs_action(renewals)
    assert isinstance(action, pd.DataFrame)
    assert list(action.index) == ["C1", "C9", "C5"]
    assert list(action["what to do"]) == [ACTIONS[Status.RENEWAL_DUE], ACTIONS[Status.SUPERVISION_REQUIRED],
                                          FLAG_ACTION]


def test_a_renewed_coach_reads_certified_renewed_on_the_day_wherever_the_notebook_shows_the_status(
        write_log: WriteLog) -> None:
    """In every coach's table, and in the review results once a renewal leaves a later review in the cycle."""
    renewals = read_renewals(events=write_log(
        "C1,2024-02-29,certified,,,,",
        "C1,2025-12-01,review,,,85,,72.1,cycle-1",
        "C1,2025-12-06,renewed,,,,",
        "C1,2026-12-01,review,,,60,,72.1,cycle-2",
        "C2,2025-12-20,certified,,,,",
    ), on=date(2027, 12, 10))
    table = status_table(renewals)
    assert isinstance(table, pd.DataFrame) and "renewed_on" not in table.columns
    assert list(table["status"]) == ["renewal_due, renewed on 6 Dec 2025", "renewal_due"]
    action = needs_action(renewals)
    assert action.loc["C1", "status"] == "renewal_due, renewed on 6 Dec 2025"  # type: ignore[union-attr]
    results = review_results_table(renewals)
    assert results.loc["C1", "status"] == "renewal_due, renewed on 6 Dec 2025"  # type: ignore[union-attr]


def test_no_one_to_act_for_is_said_in_words(write_log: WriteLog) -> None:
    """When every coach is simply certified, the action list is a sentence with the day."""
    renewals = read_renewals(events=write_log("C7,2025-06-01,certified,,,,"), on=ON)
    assert str(needs_action(renewals)) == "No coach needs the office on 2025-12-01."


def test_the_counts_list_every_status_and_the_total(write_log: WriteLog) -> None:
    """Every status has a row, in rule order, and the last row counts every coach."""
    renewals = read_renewals(events=write_log("C7,2025-06-01,certified,,,,", "C1,2024-01-10,certified,,,,"),
                             on=ON)
    counts = status_counts_table(renewals)
    assert list(counts.index) == [*(status.value for status in Status), "all"]
    assert counts.loc["all", "coaches"] == 2 and counts.loc["renewal_due", "coaches"] == 1


def test_a_coach_not_in_the_log_is_named_in_the_timeline_notice(write_log: WriteLog) -> None:
    """COACH = "C404" draws nothing and says the log has no events for that coach."""
    renewals = read_renewals(events=write_log("C7,2025-06-01,certified,,,,"), on=ON, coach="C404")
    assert "no events for coach C404" in str(coach_timeline(renewals))


def test_the_policy_shown_is_the_rules_in_force() -> None:
    """The office policy section states the values of the rules it is given."""
    text = str(office_policy(RenewalRules(window_days=60)))
    assert "opens 60 days before" in text and "at or above the cut score of the form sat" in text
    assert "80%" not in text and "read against 80" in text  # 80 is only the legacy lines' mark
    assert "not part of the Code" in text and "src/trainingkit/renewal/settings.py" in text
