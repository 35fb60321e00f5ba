"""The office's tables (trainingkit.renewal.report)."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest

from trainingkit.renewal.logfile import read_event_log, read_statuses
from trainingkit.renewal.report import (
    REVIEW_COLUMNS,
    STATUS_COLUMNS,
    office_summary,
    pseudonymised,
    renewals_due_per_month,
    review_csv,
    status_counts,
    status_csv,
    status_frame,
)
from trainingkit.renewal.reviews import NO_ATTEMPTS, review_attempts
from trainingkit.renewal.status import Status, StatusTable

from .conftest import WriteLog

ROWS = (
    "C1,2024-02-29,certified,,,,",
    "C2,2023-01-01,certified,,,,",
    "C2,2024-06-01,charged,,,,",
    "C3,2023-05-01,certified,,,,",
    "C3,2024-03-01,verdict,Dr B,,,not_competent",
    "C4,2022-01-01,certified,,,,",
    "C5,2023-09-01,certified,,,,",
    "C5,2024-01-01,committee,,,,revoked",
    "C6,2023-08-20,certified,,,,",
)
ON = date(2025, 6, 30)


@pytest.fixture
def table(write_log: WriteLog) -> StatusTable:
    return read_statuses(write_log(*ROWS), ON)


def test_the_status_csv_has_the_issue_columns_and_iso_dates(table: StatusTable) -> None:
    """One row per coach: status, dates of the current cycle, flags joined by ';'."""
    rows = list(csv.reader(io.StringIO(status_csv(table))))
    assert tuple(rows[0]) == STATUS_COLUMNS
    assert rows[1] == ["C1", "certified", "2026-02-28", "2026-08-28", "", ""]
    assert rows[2] == ["C2", "lapsed", "2025-01-01", "2025-07-01", "unreported_charge", ""]


def test_a_revoked_coach_has_no_cycle_dates(table: StatusTable) -> None:
    """expires_on and grace_ends_on are empty without a certification."""
    revoked = next(row for row in csv.reader(io.StringIO(status_csv(table))) if row[0] == "C5")
    assert revoked == ["C5", "revoked", "", "", "", ""]


def test_counts_list_every_status_in_rule_order(table: StatusTable) -> None:
    """Statuses nobody is in are listed with 0."""
    counts = status_counts(table)
    assert list(counts.index) == [status.value for status in Status]
    assert counts["lapsed"] == 1 and counts["suspended"] == 0 and counts.sum() == 6


def test_renewals_due_count_expiries_per_month_from_the_date(table: StatusTable) -> None:
    """24 months from June 2025; expiries before the date are not counted."""
    due = renewals_due_per_month(table)
    assert len(due) == 24 and due.index[0] == "2025-06" and due.index[-1] == "2027-05"
    assert due["2025-08"] == 1  # C6 expires 2025-08-20
    assert due["2026-02"] == 1  # C1 expires 2026-02-28
    assert due.sum() == 2


def test_the_summary_lists_who_is_due_lapsed_past_grace_and_referred(table: StatusTable) -> None:
    """Each working list names its coaches; the flags section names flagged coaches."""
    text = office_summary(table, source="events.csv", due_per_month=renewals_due_per_month(table),
                          reviews=[NO_ATTEMPTS] * len(table))
    lapsed = text.split("## Lapsed")[1].split("##")[0]
    assert "| C2 | lapsed | 2025-01-01 | 2025-07-01 | unreported_charge |" in lapsed
    assert "| C4 |" in text.split("## Past the six months")[1].split("##")[0]
    assert "| C3 |" in text.split("## Referred")[1].split("##")[0]
    assert "| C6 |" in text.split("## Renewal due")[1].split("##")[0]
    assert "| lapsed | 1 |" in text


def test_pseudonyms_replace_every_coach_id(table: StatusTable) -> None:
    """No real coach_id is left in a pseudonymised status CSV."""
    text = status_csv(pseudonymised(table))
    assert "coach-0001" in text and not any(f"C{n}," in text for n in range(1, 7))


def test_a_renewed_coach_reads_certified_with_the_renewals_day_in_the_last_column(write_log: WriteLog) -> None:
    """renewed_on is the day the renewal was recorded, in the CSV and the frame; empty for a first cycle."""
    table = read_statuses(write_log("C1,2024-02-29,certified,,,,", "C1,2025-12-01,review,,,85,,72.1,cycle-1",
                                    "C1,2025-12-06,renewed,,,,", "C2,2025-01-01,certified,,,,"), ON.replace(year=2026))
    rows = list(csv.reader(io.StringIO(status_csv(table))))
    assert rows[1] == ["C1", "certified", "2028-02-28", "2028-08-28", "", "2025-12-06"]
    assert rows[2][-1] == ""
    assert list(status_frame(table)["renewed_on"]) == [date(2025, 12, 6), None]


def test_the_frame_has_one_row_per_coach(table: StatusTable) -> None:
    """status_frame mirrors the CSV columns."""
    frame = status_frame(table)
    assert list(frame.columns) == list(STATUS_COLUMNS) and len(frame) == 6


def test_a_coach_id_with_a_comma_or_quote_is_quoted_as_csv_needs() -> None:
    """The status CSV reads back with the csv module, whatever the ids hold."""
    ids = ['plain', 'comma,id', 'say "hi"', 'line\nbreak']
    table = StatusTable(ON, ids, [Status.NOT_CERTIFIED] * 4, [None] * 4, [()] * 4, [None] * 4)
    rows = list(csv.reader(io.StringIO(status_csv(table))))
    assert [row[0] for row in rows[1:]] == ids


REVIEWED = (
    "C1,2024-02-29,certified,,,,",
    "C1,2025-12-01,review,,,72,,72.1,cycle-1",
    "C2,2024-01-01,certified,,,,",
    "C2,2025-10-10,review,,,70,",
    "C2,2025-11-01,review,,,85.5,,72.1,cycle-1",
    "C3,2024-06-01,certified,,,,",
)


def test_the_review_csv_counts_attempts_and_failures_and_gives_the_last_score(write_log: WriteLog) -> None:
    """C1 failed once (72); C2 failed then passed (85.5); C3 has taken none."""
    log = read_event_log(write_log(*REVIEWED))
    table = log.statuses_on(date(2025, 12, 2))
    rows = list(csv.reader(io.StringIO(review_csv(table, review_attempts(log, table)))))
    assert tuple(rows[0]) == REVIEW_COLUMNS
    assert rows[1:] == [
        ["C1", "renewal_due", "1", "1", "2025-12-01", "72", "72.1", "cycle-1", "yes", "72 / 72.1"],
        ["C2", "ready_to_renew", "2", "1", "2025-11-01", "85.5", "72.1", "cycle-1", "no", "85.5 / 72.1"],
        ["C3", "certified", "0", "0", "", "", "", "", "", ""],
    ]


def test_the_summary_lists_coaches_whose_latest_review_failed(write_log: WriteLog) -> None:
    """Only C1 is listed under 'Latest review failed'; the totals count every attempt."""
    log = read_event_log(write_log(*REVIEWED))
    table = log.statuses_on(date(2025, 12, 2))
    text = office_summary(table, source="events.csv", due_per_month=renewals_due_per_month(table),
                          reviews=review_attempts(log, table))
    assert "3 attempts by 2 coaches, 2 of them failed." in text
    failed = text.split("## Latest review failed")[1].split("##")[0]
    assert "(1)" in failed and "| C1 | renewal_due | 2026-02-28 | 1 | 1 | 2025-12-01 | 72 / 72.1 | cycle-1 |" in failed
    assert "| C2 |" not in failed
    passed = text.split("## Latest review passed")[1].split("##")[0]
    assert "| C2 | ready_to_renew | 2026-01-01 | 2 | 1 | 2025-11-01 | 85.5 / 72.1 | cycle-1 |" in passed


def test_the_summary_names_coaches_due_who_have_not_sat(write_log: WriteLog) -> None:
    """A coach whose window is open with no review this cycle is listed as not sat; one with a review is not."""
    log = read_event_log(write_log("C1,2024-01-10,certified,,,,", "C2,2024-01-01,certified,,,,",
                                   "C2,2025-11-01,review,,,60,,72.1,cycle-1"))
    table = log.statuses_on(date(2025, 12, 2))
    text = office_summary(table, source="events.csv", due_per_month=renewals_due_per_month(table),
                          reviews=review_attempts(log, table))
    not_sat = text.split("no review sat this cycle")[1].split("##")[0]
    assert "(1)" in not_sat and "| C1 | renewal_due | 2026-01-10 |" in not_sat and "C2" not in not_sat
