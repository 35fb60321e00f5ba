"""Reading an event log file, and naming the line of whatever is wrong (trainingkit.renewal.logfile)."""

from __future__ import annotations

import random
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from trainingkit.renewal.eventlog import EventLogError
from trainingkit.renewal.events import EVENT_COLUMNS, LEGACY_CUT_SCORE, LEGACY_EVENT_COLUMNS, Event, EventKind
from trainingkit.renewal.logfile import read_event_log, read_statuses
from trainingkit.renewal.rules import detail_of_event, status_on
from trainingkit.renewal.status import Status

from .conftest import HEADER, WriteLog
from .strategies import histories

PROPERTY = settings(deadline=None, max_examples=60)


def error_of(path: Path) -> EventLogError:
    """Read ``path`` on a date and return the error it must raise."""
    with pytest.raises(EventLogError) as caught:
        read_statuses(path, date(2030, 1, 1))
    return caught.value


def test_a_good_log_gives_every_coach_a_status_sorted_by_coach(write_log: WriteLog) -> None:
    """Coaches come out in coach_id order, whatever order the log has."""
    path = write_log(
        "C2,2024-01-01,certified,,,,",
        "C1,2024-02-29,certified,,,,",
        "C1,2025-12-01,review,,,85,",
    )
    table = read_statuses(path, date(2025, 12, 2))
    assert list(table.coach_ids) == ["C1", "C2"]
    assert list(table.statuses) == [Status.READY_TO_RENEW, Status.RENEWAL_DUE]


def test_trailing_empty_fields_may_be_left_out_and_blank_lines_are_skipped(write_log: WriteLog) -> None:
    """A row ``C1,2024-01-01,certified`` and an empty line are both fine."""
    path = write_log("C1,2024-01-01,certified", "", "C1,2025-11-01,review,,,90")
    assert read_statuses(path, date(2025, 11, 2)).statuses[0] is Status.READY_TO_RENEW


def test_a_byte_order_mark_and_windows_line_ends_are_accepted(tmp_path: Path) -> None:
    """Files saved by spreadsheet programs read the same."""
    path = tmp_path / "events.csv"
    path.write_bytes(b"\xef\xbb\xbf" + (HEADER + "\r\nC1,2024-01-01,certified,,,,\r\n").encode())
    assert read_statuses(path, date(2024, 6, 1)).statuses[0] is Status.CERTIFIED


@pytest.mark.parametrize(
    ("rows", "line", "column", "message"),
    [
        (["C1,2024-01-01,certified,,,,", "C1,2024-02-01,promoted,,,,"], 3, "event", "unknown event 'promoted'"),
        (["C1,2024-01-01,certified,,,,", "C1,2024-02-30,review,,,90,"], 3, "date", "not a calendar date"),
        (["C1,01/02/2024,certified,,,,"], 2, "date", "YYYY-MM-DD"),
        (["C1,2024-01-01,certified,,,,", "C1,2024-02-01,review,,,ninety,"], 3, "score",
         "score 'ninety' is not a number"),
        (["C1,2024-01-01,certified,,,,", "C1,2024-02-01,review,,,100.5,"], 3, "score", "outside 0 to 100"),
        (["C1,2024-01-01,certified,,,,", "C1,2024-02-01,review,,,-3,"], 3, "score", "outside 0 to 100"),
        (["C1,2024-01-01,certified,,,,", "C1,2024-02-01,review,,,,"], 3, "score", "a review needs a score"),
        (["C1,2024-01-01,certified,,,,", "C1,2024-02-01,supervision,Dr A,0,,"], 3, "hours", "more than 0"),
        (["C1,2024-01-01,certified,,,,", "C1,2024-02-01,supervision,Dr A,-1,,"], 3, "hours", "more than 0"),
        (["C1,2024-01-01,certified,,,,", "C1,2024-02-01,supervision,,3,,"], 3, "supervisor",
         "needs a supervisor"),
        (["C1,2024-01-01,certified,,,,", "C1,2024-02-01,supervision,Dr A,1e999,,"], 3, "hours",
         "not a number"),
        (["C1,2024-01-01,certified,,,,", "C1,2024-02-01,verdict,Dr A,,,ok"], 3, "outcome",
         "competent or not_competent"),
        (["C1,2024-01-01,certified,,,,", "C1,2024-02-01,committee,,,,"], 3, "outcome",
         "suspended, revoked or cleared"),
        (["C1,2024-01-01,certified,,,,", ",2024-02-01,certified,,,,"], 3, "coach_id", "coach_id is empty"),
    ],
)
def test_a_row_that_breaks_a_rule_is_named_by_its_line_and_column(
    write_log: WriteLog, rows: list[str], line: int, column: str, message: str
) -> None:
    """The error names the file, the line (header is line 1), the column and what is wrong."""
    path = write_log(*rows)
    error = error_of(path)
    assert (error.path, error.line, error.column) == (str(path), line, column)
    assert message in error.message
    assert f"{path}, line {line}, column {column}: " in str(error)


def test_every_bad_line_is_reported_in_one_run_with_its_line_and_column(write_log: WriteLog) -> None:
    """Problems on lines 3, 4 and 6 (different columns) all come back, in file order."""
    path = write_log(
        "C1,2024-01-01,certified,,,,",
        "C1,2024-02-01,renewal,,,,",
        "C1,2024-13-01,review,,,90,",
        "C1,2024-03-01,review,,,85,",
        "C1,2024-04-01,review,,,ninety,",
    )
    error = error_of(path)
    assert error.total == 3
    assert [(problem.line, problem.column) for problem in error.problems] == [
        (3, "event"), (4, "date"), (6, "score")]
    text = str(error).splitlines()
    assert text[0] == f"{path}: 3 problems:"
    assert text[1].startswith(f"{path}, line 3, column event: unknown event 'renewal'")
    assert text[2].startswith(f"{path}, line 4, column date: ")
    assert text[3] == f"{path}, line 6, column score: score 'ninety' is not a number"


def test_two_problems_on_one_line_are_both_reported_in_column_order(write_log: WriteLog) -> None:
    """An empty coach and a bad date on the same line give two problems, coach_id first."""
    error = error_of(write_log(",2024-02-30,certified,,,,"))
    assert [(problem.line, problem.column) for problem in error.problems] == [(2, "coach_id"), (2, "date")]


def test_a_row_whose_event_is_unknown_is_not_also_judged_on_its_details(write_log: WriteLog) -> None:
    """'reveiw' with no score is one problem (the event), not a second about the score."""
    error = error_of(write_log("C1,2024-01-01,certified,,,,", "C1,2024-02-01,reveiw,,,,"))
    assert error.total == 1 and error.column == "event"


def test_only_the_first_fifty_problems_are_listed_and_the_rest_are_counted(write_log: WriteLog) -> None:
    """70 bad lines: lines 3 to 52 are listed, then '... and 20 more problems'."""
    path = write_log("C1,2024-01-01,certified,,,,", *["C1,2024-02-01,review,,,180,"] * 70)
    error = error_of(path)
    assert error.total == 70 and [problem.line for problem in error.problems] == list(range(3, 53))
    lines = str(error).splitlines()
    assert lines[0] == f"{path}: 70 problems (the first 50 are listed):"
    assert lines[-1] == "... and 20 more problems" and len(lines) == 52


def test_the_limit_keeps_file_order_across_different_checks(write_log: WriteLog) -> None:
    """With 60 bad scores then 60 bad dates, the 50 listed are the first 50 lines."""
    rows = ["C1,2024-01-01,certified,,,,", *["C1,2024-02-01,review,,,x,"] * 30,
            *["C1,2024-02-30,certified,,,,"] * 30, *["C1,2024-02-01,review,,,x,"] * 30]
    error = error_of(write_log(*rows))
    assert error.total == 90 and [problem.line for problem in error.problems] == list(range(3, 53))


@pytest.mark.parametrize(
    ("row", "listed", "suggestion"),
    [
        ("C1,2024-02-01,renewal,,,,", "certified, review, renewed, supervision, verdict, charged, "
         "charge_reported or committee", "did you mean 'renewed'?"),
        ("C1,2024-02-01,Review,,,90,", "certified, review, renewed", "did you mean 'review'?"),
        ("C1,2024-02-01,sabbatical,,,,", "charge_reported or committee", None),
        ("C1,2024-02-01,verdict,Dr A,,,competant", "competent or not_competent", "did you mean 'competent'?"),
        ("C1,2024-02-01,committee,,,,revoke", "suspended, revoked or cleared", "did you mean 'revoked'?"),
    ],
)
def test_a_wrong_enumerated_value_lists_the_valid_ones_and_the_near_miss(
    write_log: WriteLog, row: str, listed: str, suggestion: str | None
) -> None:
    """Unknown events and outcomes name every valid value, and 'did you mean' a close one."""
    message = error_of(write_log("C1,2024-01-01,certified,,,,", row)).message
    assert listed in message
    assert (suggestion in message) if suggestion else ("did you mean" not in message)


@pytest.mark.parametrize(
    ("rows", "line", "message"),
    [
        (["C1,2024-01-01,review,,,90,", "C1,2024-02-01,certified,,,,"], 2,
         "before the coach's first certification"),
        (["C1,2024-01-01,supervision,Dr A,2,,"], 2, "before the coach's first certification"),
        (["C1,2024-01-01,certified,,,,", "C1,2025-11-01,renewed,,,,"], 3, "renewed without a review passed"),
        (["C1,2024-01-01,certified,,,,", "C1,2025-11-01,review,,,79,", "C1,2025-11-02,renewed,,,,"],
         4, "renewed without a review passed"),
        (["C1,2024-01-01,certified,,,,", "C1,2026-09-01,review,,,90,", "C1,2026-09-02,renewed,,,,"],
         4, "supervision hours"),
        (["C1,2024-01-01,certified,,,,", "C1,2024-05-01,charge_reported,,,,"], 3, "without an earlier"),
    ],
)
def test_a_history_that_breaks_a_rule_is_named_by_the_line_of_the_offending_event(
    write_log: WriteLog, rows: list[str], line: int, message: str
) -> None:
    """Rules across rows (first certification, renewals, charges) also name their line."""
    error = error_of(write_log(*rows))
    assert error.line == line and message in error.message and "coach C1" in error.message


def test_a_broken_renewal_is_reported_even_when_dated_after_the_date_read(write_log: WriteLog) -> None:
    """The file is checked as a whole, whatever --on is."""
    path = write_log("C1,2024-01-01,certified,,,,", "C1,2025-11-01,renewed,,,,")
    with pytest.raises(EventLogError):
        read_statuses(path, date(2024, 6, 1))


def test_the_wrong_header_is_named_as_line_one(write_log: WriteLog) -> None:
    """A file that does not start with the expected header is refused at line 1."""
    path = write_log("C1,2024-01-01,certified,,,,", header="coach,date,event")
    error = error_of(path)
    assert error.line == 1 and ",".join(EVENT_COLUMNS) in error.message


def test_an_empty_file_is_refused_at_line_one(tmp_path: Path) -> None:
    """Even the header is missing."""
    path = tmp_path / "events.csv"
    path.write_bytes(b"")
    assert error_of(path).line == 1


def test_text_that_is_not_utf8_is_named_by_its_line(tmp_path: Path) -> None:
    """A Latin-1 byte on line 3 is reported there."""
    path = tmp_path / "events.csv"
    path.write_bytes((HEADER + "\nC1,2024-01-01,certified,,,,\n").encode()
                     + b"C\xe9,2024-01-01,certified,,,,\n")
    error = error_of(path)
    assert error.line == 3 and "UTF-8" in error.message


@pytest.mark.parametrize(
    ("header", "said"),
    [
        ("coach_id,date,event,supervisor,hours,scroe,outcome", "lacks score; 'scroe' is not a column; "
                                                               "did you mean 'score'?"),
        ("coach_id,date,event", "lacks supervisor, hours, score, outcome"),
        ("coach_id,event,date,supervisor,hours,score,outcome", "the columns are in another order"),
        ("coach_id, date,event,supervisor,hours,score,outcome", "spaces around it"),
        ("coach_id,date,event,supervisor,hours,score,outcome,outcome", "named twice"),
    ],
)
def test_a_wrong_header_says_which_columns_are_missing_unknown_or_out_of_order(
    write_log: WriteLog, header: str, said: str
) -> None:
    """The header message names the file, line 1, the expected header and what differs."""
    path = write_log("C1,2024-01-01,certified", header=header)
    error = error_of(path)
    assert str(error).startswith(f"{path}, line 1: the header must be exactly {','.join(EVENT_COLUMNS)}, but ")
    assert said in error.message


def test_an_empty_file_says_it_is_empty_and_what_it_should_start_with(tmp_path: Path) -> None:
    """A file of nothing (or only a byte order mark) names the header it needs."""
    path = tmp_path / "events.csv"
    path.write_bytes(b"\xef\xbb\xbf\n")
    assert str(error_of(path)) == f"{path}, line 1: the file is empty; an event log starts with the header {HEADER}"


def test_every_line_that_is_not_utf8_is_named_with_the_byte(tmp_path: Path) -> None:
    """Latin-1 text on lines 3 and 4 gives two problems, and says how to save the file."""
    path = tmp_path / "events.csv"
    path.write_bytes((HEADER + "\nC1,2024-01-01,certified,,,,\n").encode()
                     + b"C\xe9,2024-01-01,certified,,,,\nR\xe9mi,2024-01-01,certified,,,,\n")
    error = error_of(path)
    assert [problem.line for problem in error.problems] == [3, 4]
    assert "byte 0xe9 at character 2" in error.message and "CSV UTF-8" in error.message


def test_a_header_that_is_not_utf8_is_reported_as_such(tmp_path: Path) -> None:
    """A Latin-1 byte in the header is an encoding problem on line 1, not a wrong header."""
    path = tmp_path / "events.csv"
    path.write_bytes(b"coach_id,d\xe2te,event,supervisor,hours,score,outcome\n")
    error = error_of(path)
    assert error.line == 1 and "UTF-8" in error.message


def test_every_row_with_too_many_fields_is_named(write_log: WriteLog) -> None:
    """Unquoted commas in two supervisor names give two problems, with the fix."""
    path = write_log("C1,2024-01-01,certified,,,,", "C1,2024-02-01,supervision,Smith, J,2,,,,",
                     "C1,2024-02-02,supervision,Smith, J,2,,,,")
    error = error_of(path)
    assert [problem.line for problem in error.problems] == [3, 4]
    assert "expected 9 fields, found 10" in error.message and "double quotes" in error.message


def test_a_legacy_log_with_a_cut_score_on_a_line_says_to_extend_its_header(write_log: WriteLog) -> None:
    """Under the header of before cut scores, a review line with cut_score and form is told how to fix it."""
    legacy = ",".join(LEGACY_EVENT_COLUMNS)
    path = write_log("C1,2024-01-01,certified,,,,", "C1,2025-11-01,review,,,80,,72.1,cycle-1", header=legacy)
    error = error_of(path)
    assert [problem.line for problem in error.problems] == [3]
    assert "expected 7 fields, found 9" in error.message and "add cut_score,form to its first line" in error.message


def test_a_legacy_log_reads_and_its_reviews_pass_at_the_former_mark_flagged(write_log: WriteLog) -> None:
    """A log with the old header reads; a review without a cut score is judged against 80 and says so."""
    legacy = ",".join(LEGACY_EVENT_COLUMNS)
    path = write_log("C1,2024-01-01,certified,,,,", "C1,2025-11-01,review,,,80,",
                     "C2,2024-01-01,certified,,,,", "C2,2025-11-01,review,,,79.9,", header=legacy)
    log = read_event_log(path)
    (one,) = [event.review for event in log.events("C1") if event.review]
    (two,) = [event.review for event in log.events("C2") if event.review]
    assert one.passed and one.legacy and one.cut_score == LEGACY_CUT_SCORE == 80
    assert not two.passed and "legacy line" in str(two)
    assert [status.value for status in log.statuses_on(date(2025, 12, 1)).statuses] == ["ready_to_renew",
                                                                                        "renewal_due"]


def test_a_review_with_a_cut_score_needs_its_form_and_the_other_way_round(write_log: WriteLog) -> None:
    """Half a review's pass mark (a cut score without its form, or a form without it) is refused, naming the column."""
    error = error_of(write_log("C1,2024-01-01,certified,,,,", "C1,2025-11-01,review,,,80,,72.1,",
                               "C1,2025-11-02,review,,,80,,,cycle-1", "C1,2025-11-03,review,,,80,,72.1,bad form"))
    assert [(problem.line, problem.column) for problem in error.problems] == [(3, "form"), (4, "cut_score"),
                                                                              (5, "form")]


def test_line_numbers_stay_right_after_a_quoted_field_that_spans_lines(tmp_path: Path) -> None:
    """A multi-line supervisor name is itself reported, at the line where its row starts."""
    path = tmp_path / "events.csv"
    path.write_text(HEADER + '\nC1,2024-01-01,certified,,,,\nC1,2024-02-01,supervision,"Dr\nA",2,,\n',
                    encoding="utf-8")
    error = error_of(path)
    assert error.line == 3 and "more than one line" in error.message


def test_a_missing_file_is_reported_without_a_line(tmp_path: Path) -> None:
    """Reading a file that is not there names it."""
    error = error_of(tmp_path / "nothing.csv")
    assert error.line is None and "cannot read" in error.message


def test_gradebook_reviews_join_the_log_and_count_toward_renewal(write_log: WriteLog) -> None:
    """A review from elsewhere makes the coach ready to renew."""
    path = write_log("C1,2024-02-29,certified,,,,")
    reviews = [Event("C1", date(2025, 12, 1), EventKind.REVIEW, score=85.0)]
    assert read_statuses(path, date(2025, 12, 2), reviews=reviews).statuses[0] is Status.READY_TO_RENEW


def test_gradebook_reviews_of_people_not_certified_by_then_are_left_out(write_log: WriteLog) -> None:
    """Trainees' results, and results before a coach's certification, are not events of the log."""
    path = write_log("C1,2024-02-29,certified,,,,")
    reviews = [Event("T9", date(2025, 12, 1), EventKind.REVIEW, score=85.0),
               Event("C1", date(2024, 1, 1), EventKind.REVIEW, score=85.0)]
    log = read_event_log(path, reviews=reviews)
    assert list(log.coach_ids) == ["C1"] and len(log.events("C1")) == 1


def test_gradebook_reviews_have_no_line_and_follow_the_file_on_the_same_day(write_log: WriteLog) -> None:
    """A gradebook review sorts after the file's events of the same date and rank."""
    path = write_log("C1,2024-02-29,certified,,,,", "C1,2025-12-01,charged,,,,")
    log = read_event_log(path, reviews=[Event("C1", date(2025, 12, 1), EventKind.REVIEW, score=85.0)])
    assert [log.line_of(index) for index in range(3)] == [2, 3, None]
    assert log.events("C1")[2].kind is EventKind.REVIEW



def test_a_renewal_recorded_on_the_day_of_a_registered_review_follows_that_review(write_log: WriteLog) -> None:
    """The office renews the day a released pass reaches the register: the review counts before the renewal."""
    path = write_log("C1,2024-02-29,certified,,,,", "C1,2025-12-01,renewed,,,,")
    reviews = [Event("C1", date(2025, 12, 1), EventKind.REVIEW, score=85.0, cut_score=72.1, form="cycle-1")]
    log = read_event_log(path, reviews=reviews)
    assert [event.kind for event in log.events("C1")] == [EventKind.CERTIFIED, EventKind.REVIEW, EventKind.RENEWED]
    table = read_statuses(path, date(2025, 12, 2), reviews=reviews)
    assert table.statuses[0] is Status.CERTIFIED and table[0].expires_on == date(2028, 2, 28)

# The vectorised reader and the pure rules agree ----------------------------------------------

def write_events(path: Path, events: list[Event], seed: int) -> list[Event]:
    """Write ``events`` with the coaches' lines shuffled among each other, each coach's own in the
    order given (two decisions of one day, suspended then cleared, mean what their order says);
    return them with the lines they were written on."""
    queues: dict[str, list[Event]] = {}
    for event in events:
        queues.setdefault(event.coach_id, []).append(event)
    turns = [event.coach_id for event in events]
    random.Random(seed).shuffle(turns)
    shuffled = [queues[coach_id].pop(0) for coach_id in turns]
    rows, placed = [HEADER], []
    for number, event in enumerate(shuffled, start=2):
        rows.append(",".join([
            event.coach_id, event.on.isoformat(), event.kind.value, event.supervisor or "",
            "" if event.hours is None else repr(event.hours),
            "" if event.score is None else repr(event.score),
            "" if event.outcome is None else str(event.outcome),
        ]))
        placed.append(Event(event.coach_id, event.on, event.kind, event.supervisor, event.hours,
                            event.score, event.outcome, line=number))
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return placed


@PROPERTY
@given(st.lists(histories(), min_size=1, max_size=6), st.dates(date(2015, 1, 1), date(2032, 1, 1)),
       st.integers(0, 1000))
def test_reading_a_whole_log_agrees_with_the_rules_coach_by_coach(
    tmp_path_factory: pytest.TempPathFactory, coach_histories, on: date, seed: int  # type: ignore[no-untyped-def]
) -> None:
    """read_statuses gives each coach exactly what status_on gives from that coach's events."""
    events = [Event(f"K{number:02d}", e.on, e.kind, e.supervisor, e.hours, e.score, e.outcome)
              for number, history in enumerate(coach_histories) for e in history]
    path = tmp_path_factory.mktemp("log") / "events.csv"
    placed = write_events(path, events, seed)
    table = read_statuses(path, on)
    for reading in table:
        mine = [event for event in placed if event.coach_id == reading.coach_id]
        assert reading == status_on(mine, on)


@PROPERTY
@given(st.lists(histories(), min_size=1, max_size=4), st.integers(0, 1000))
def test_the_log_holds_each_event_as_the_rules_read_it(
    tmp_path_factory: pytest.TempPathFactory, coach_histories, seed: int  # type: ignore[no-untyped-def]
) -> None:
    """The reader's columns give back every event, its line, and detail_of's detail for it."""
    events = [Event(f"K{number:02d}", e.on, e.kind, e.supervisor, e.hours, e.score, e.outcome)
              for number, history in enumerate(coach_histories) for e in history]
    path = tmp_path_factory.mktemp("log") / "events.csv"
    placed = write_events(path, events, seed)
    log = read_event_log(path)
    for coach_id in log.coach_ids:
        expected = sorted((e for e in placed if e.coach_id == coach_id), key=Event.sort_key)
        index = list(log.coach_ids).index(coach_id)
        start = log.starts[index]
        assert log.events(coach_id) == [
            Event(e.coach_id, e.on, e.kind, *_used_details(e), line=e.line) for e in expected
        ]
        assert list(log.details[start:start + len(expected)]) == [detail_of_event(e) for e in expected]


def _used_details(event: Event) -> tuple[object, object, object, object]:
    """The supervisor, hours, score and outcome an event's kind uses (others are dropped)."""
    kind = event.kind
    return (
        event.supervisor if kind in (EventKind.SUPERVISION, EventKind.VERDICT) else None,
        event.hours if kind is EventKind.SUPERVISION else None,
        event.score if kind is EventKind.REVIEW else None,
        event.outcome if kind in (EventKind.VERDICT, EventKind.COMMITTEE) else None,
    )


ROW_TEXT = st.sampled_from(["", "0", "2", "6.5", "80", "100", "100.5", "-1", "abc", "1e3", "nan", "inf"])


@PROPERTY
@given(st.sampled_from([k.value for k in EventKind]), st.sampled_from(["", "Dr A"]), ROW_TEXT, ROW_TEXT,
       st.sampled_from(["", "competent", "not_competent", "suspended", "revoked", "cleared", "maybe"]))
def test_the_reader_refuses_a_row_exactly_when_the_event_could_not_be_made(
    tmp_path_factory: pytest.TempPathFactory, kind: str, supervisor: str, hours: str, score: str,
    outcome: str,
) -> None:
    """The vectorised row check and the Event's own check accept the same rows."""
    path = tmp_path_factory.mktemp("row") / "events.csv"
    path.write_text(f"{HEADER}\nC1,2020-01-01,certified,,,,\n"
                    f"C1,2020-01-02,{kind},{supervisor},{hours},{score},{outcome}\n", encoding="utf-8")
    try:
        Event("C1", date(2020, 1, 2), EventKind(kind), supervisor or None, _number(hours),
              _number(score), outcome or None)
        event_ok = True
    except ValueError:
        event_ok = False
    try:
        read_event_log(path)
        file_ok = True
    except EventLogError as error:
        assert error.line == 3
        file_ok = False
    assert file_ok == event_ok


def _number(text: str) -> float | None:
    """Parse a number field the way the log format defines it (finite decimals only)."""
    if text == "":
        return None
    if text in ("abc", "nan", "inf"):
        raise ValueError(text)
    return float(text)


def test_old_mac_line_ends_still_give_the_right_line(tmp_path: Path) -> None:
    """A file whose lines end in a bare CR names its lines correctly."""
    path = tmp_path / "events.csv"
    path.write_bytes((HEADER + "\rC1,2024-01-01,certified,,,,\rC1,2024-01-02,bogus,,,,\r").encode())
    error = error_of(path)
    assert error.line == 3 and "bogus" in error.message


def test_a_log_with_only_its_header_has_no_coaches(write_log: WriteLog) -> None:
    """An empty log is valid and gives an empty status table."""
    assert len(read_statuses(write_log(), date(2025, 1, 1))) == 0


CUT_LINES = ("C000007,2026-11-20,review,,,85", "C000007,2026-11-21,supervision,Zoë Ōtsuka,1.5,,")


@pytest.mark.parametrize("final", CUT_LINES, ids=["review", "non-ascii-supervisor"])
def test_a_last_line_cut_at_any_byte_is_reported_with_its_line_never_read_as_an_event(
        tmp_path: Path, final: str) -> None:
    """Cut after any of its bytes (and even whole but for its line break), the last line is a problem naming file and line."""
    complete = (HEADER + "\nC000007,2024-11-20,certified,,,,\n").encode()
    line = final.encode()
    path = tmp_path / "events.csv"
    for end in range(1, len(line) + 1):
        path.write_bytes(complete + line[:end])
        with pytest.raises(EventLogError) as caught:
            read_event_log(path)
        assert [(p.line, p.column) for p in caught.value.problems] == [(3, None)], line[:end]
        assert str(caught.value).startswith(f"{path}, line 3: the last line does not end with a line break")
    path.write_bytes(complete + line + b"\n")
    assert len(read_event_log(path).events("C000007")) == 2


def test_an_unfinished_last_line_is_reported_after_the_problems_of_the_lines_before_it(write_log: WriteLog) -> None:
    """Every problem of the complete lines is listed too, and the unfinished last line after them."""
    path = write_log("C1,2024-01-01,certified,,,,", "C1,2024-02-30,review,,,85,")
    path.write_bytes(path.read_bytes() + b"C1,2024-03-01,review,,,8")
    error = error_of(path)
    assert [problem.line for problem in error.problems] == [3, 4]
    assert "line break" in error.problems[1].message


def test_a_header_alone_without_its_line_break_is_an_empty_log(tmp_path: Path) -> None:
    """A log holding only the header, without a final line break, is complete: a cut header is not the header."""
    path = tmp_path / "events.csv"
    path.write_text(HEADER)
    assert read_event_log(path).coach_ids == []
    path.write_text(HEADER[:-3])
    with pytest.raises(EventLogError, match="line 1: the header must be"):
        read_event_log(path)
