"""The office's log as rows of text: read, written back, checked by line and column, rebased, filtered."""

from __future__ import annotations

from dataclasses import fields
from datetime import date
from pathlib import Path

import pytest

from tests.renewal.conftest import HEADER
from trainingkit.renewal.eventlog import EventLogError
from trainingkit.renewal.events import EVENT_COLUMNS, LEGACY_EVENT_COLUMNS, Event, EventKind
from trainingkit.renewal.logfile import check_log_bytes
from trainingkit.renewal.logrows import (
    LogRow, check_rows, edited_rows, log_bytes, matching, rebase, row_lines, rows_of,
)

LOG = "\n".join([HEADER, "C1,2024-01-10,certified,,,,,,", "C2,2024-02-01,certified,,,,,,",
                 "C1,2025-11-01,review,,,85,,72.1,cycle-1"]) + "\n"
PATH = Path("coaches.csv")


def _rows(text: str = LOG) -> list[LogRow]:
    return list(rows_of(PATH, text.encode()).rows)


def test_a_rows_columns_are_the_logs_columns_in_order() -> None:
    """LogRow has exactly the log's nine columns, in the log's order."""
    assert tuple(field.name for field in fields(LogRow)) == EVENT_COLUMNS


def test_a_log_read_as_rows_and_written_back_is_the_same_bytes() -> None:
    """rows_of then log_bytes gives back a log in the current form byte for byte."""
    assert log_bytes(_rows()) == LOG.encode()


def test_a_legacy_log_gains_the_current_header_and_keeps_every_line() -> None:
    """A log with the old seven-column header reads as rows (with a note) and is written with the new header."""
    legacy = ",".join(LEGACY_EVENT_COLUMNS) + "\nC1,2024-01-10,certified,,,,\nC1,2025-11-01,review,,,85,\n"
    loaded = rows_of(PATH, legacy.encode())
    assert "current header" in loaded.note
    written = log_bytes(loaded.rows)
    assert written.decode().splitlines()[0] == HEADER
    log = check_log_bytes(PATH, written)
    assert [event.kind for event in log.events("C1")] == [EventKind.CERTIFIED, EventKind.REVIEW]


def test_blank_lines_are_kept_so_line_numbers_stay_those_of_the_file() -> None:
    """A blank line in the file is a blank row; the line after it keeps its number."""
    rows = _rows(HEADER + "\nC1,2024-01-10,certified,,,,,,\n\nC1,2025-11-01,renewed,,,,,,\n")
    assert rows[1].blank and row_lines(rows) == [2, 3, 4]


def test_a_line_with_too_many_fields_or_a_foreign_header_is_refused_naming_the_line() -> None:
    """rows_of refuses a row with more fields than the header (line 3), and a header that is not the log's."""
    with pytest.raises(EventLogError) as error:
        rows_of(PATH, (HEADER + "\nC1,2024-01-10,certified,,,,,,\nC1,2024,01,10,certified,,,,,,\n").encode())
    assert error.value.line == 3 and "expected 9 fields, found 11" in error.value.message
    with pytest.raises(EventLogError) as error:
        rows_of(PATH, b"name,when\nC1,2024\n")
    assert error.value.line == 1


def test_an_unfinished_last_line_is_noted_by_its_number() -> None:
    """A last line without its line break is read, and the note names it as maybe cut off."""
    loaded = rows_of(PATH, LOG.rstrip("\n").encode())
    assert len(loaded.rows) == 3 and "line 4" in loaded.note and "cut off" in loaded.note


def test_good_rows_pass_the_check() -> None:
    """Rows that read well and keep every rule across lines give no problem."""
    assert check_rows(PATH, _rows()) is None


def test_a_bad_cell_is_named_by_line_coach_date_and_column_with_the_readers_reason() -> None:
    """A review score of 120 on line 4 is reported at line 4 (C1, 2025-11-01), column score, in one line."""
    rows = _rows()
    rows[2] = rows[2].with_value("score", "120")
    problem = check_rows(PATH, rows)
    assert (problem.row, problem.line, problem.column) == (2, 4, "score")
    sentence = problem.sentence(rows)
    assert sentence.startswith("line 4 (C1, 2025-11-01), column score: ") and "\n" not in sentence


def test_a_misspelt_event_suggests_the_nearest_and_counts_the_others() -> None:
    """Two bad lines: the first is named with "did you mean", and one more is counted."""
    rows = _rows()
    rows[1] = rows[1].with_value("event", "certifed")
    rows[2] = rows[2].with_value("date", "2025-13-01")
    problem = check_rows(PATH, rows)
    assert problem.line == 3 and "did you mean 'certified'?" in problem.message and problem.more == 1
    assert "(1 more problem after it)" in problem.sentence(rows)


def test_a_rule_across_lines_is_checked_too() -> None:
    """A renewal with no passed review is refused at its line, though each line reads well alone."""
    rows = [*_rows(), LogRow("C2", "2025-12-20", "renewed")]
    problem = check_rows(PATH, rows)
    assert problem.row == 3 and problem.line == 5 and "C2" in problem.message
    assert check_rows(PATH, rows, across_lines=False) is None


def test_the_results_registers_reviews_count_in_the_check() -> None:
    """A renewal whose passed review is in the results register, not the log, passes the check."""
    rows = [*_rows(), LogRow("C2", "2025-12-20", "renewed")]
    review = Event("C2", date(2025, 12, 1), EventKind.REVIEW, score=90, cut_score=72.1,
                   form="cycle-1")
    assert check_rows(PATH, rows, reviews=[review]) is None


def test_a_field_with_a_line_break_is_refused_at_its_line() -> None:
    """A value spanning two lines is written quoted, and the check names the line it starts on."""
    rows = [*_rows(), LogRow("C2", "2025-03-01", "supervision", "Ann\nLee", "2")]
    problem = check_rows(PATH, rows)
    assert problem.line == 5 and problem.row == 3 and "more than one line" in problem.message


def test_edits_to_lines_nobody_else_changed_survive_a_rebase_and_additions_go_last() -> None:
    """Disk gained a line meanwhile: the office's edit and its new line are kept, after the disk's line."""
    loaded = _rows()
    edited = list(loaded)
    edited[2] = edited[2].with_value("score", "86")
    edited.append(LogRow("C3", "2025-05-01", "certified"))
    disk = [*loaded, LogRow("C2", "2025-11-02", "review", score="90", cut_score="72.1", form="cycle-1")]
    rebased = rebase(loaded, edited, disk)
    assert rebased.rows == (*disk[:2], edited[2], disk[3], edited[3])
    assert (rebased.kept, rebased.dropped) == (2, ())


def test_an_edit_to_a_line_changed_on_disk_is_dropped_and_named() -> None:
    """Both changed line 3's date: the disk's value stays, and the office's edit is reported as dropped."""
    loaded = _rows()
    edited = list(loaded)
    edited[1] = edited[1].with_value("date", "2024-02-02")
    disk = list(loaded)
    disk[1] = disk[1].with_value("date", "2024-02-03")
    rebased = rebase(loaded, edited, disk)
    assert rebased.rows == tuple(disk) and rebased.dropped == (1,) and rebased.kept == 0
    assert edited_rows(loaded, edited) == [1]


def test_the_filter_matches_part_of_a_coach_id_in_any_case_and_an_exact_event() -> None:
    """"c1" finds C1's lines; with "review" only C1's review; with nothing, every line."""
    rows = _rows()
    assert matching(rows, coach="c1") == [0, 2]
    assert matching(rows, coach="c1", event="review") == [2]
    assert matching(rows) == [0, 1, 2]
