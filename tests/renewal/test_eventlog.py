"""A checked log in memory (trainingkit.renewal.eventlog)."""

from __future__ import annotations

from datetime import date

import pytest

from trainingkit.renewal.eventlog import EventLog, EventLogError, paused_garbage_collection
from trainingkit.renewal.events import EventKind
from trainingkit.renewal.logfile import read_event_log

from .conftest import WriteLog


def test_a_coachs_events_come_back_in_rule_order_with_their_lines(write_log: WriteLog) -> None:
    """events() returns the coach's events sorted by date, with the line each came from."""
    path = write_log("C1,2025-11-01,review,,,90,", "C1,2024-01-01,certified,,,,",
                     "C2,2024-01-01,certified,,,,")
    events = read_event_log(path).events("C1")
    assert [(event.kind, event.line) for event in events] == [
        (EventKind.CERTIFIED, 3), (EventKind.REVIEW, 2)]


def test_a_coach_the_log_never_names_has_no_events(write_log: WriteLog) -> None:
    """Asking about someone else gives an empty list, not an error."""
    assert read_event_log(write_log("C1,2024-01-01,certified,,,,")).events("C9") == []


def test_check_raises_for_a_rule_broken_anywhere(write_log: WriteLog) -> None:
    """check() reads the whole history of every coach."""
    log = read_event_log(write_log("C1,2024-01-01,certified,,,,", "C1,2030-01-01,renewed,,,,"))
    with pytest.raises(EventLogError) as caught:
        log.check()
    assert caught.value.line == 3


def test_an_event_log_needs_consistent_columns() -> None:
    """Columns of different lengths are refused."""
    with pytest.raises(ValueError):
        EventLog("x", ["C1"], [0, 1], [date(2024, 1, 1)], [EventKind.CERTIFIED], [None], [])


def test_pausing_the_collector_restores_it_afterwards() -> None:
    """The collector is on again after the pause, even after an error."""
    import gc

    with pytest.raises(RuntimeError), paused_garbage_collection():
        assert not gc.isenabled()
        raise RuntimeError
    assert gc.isenabled()


def test_every_coach_who_breaks_a_rule_is_named_in_one_run(write_log: WriteLog) -> None:
    """A rule broken by two coaches (and a well-kept coach between them) gives two problems, one per coach."""
    log = read_event_log(write_log("C1,2024-01-01,certified,,,,", "C1,2030-01-01,renewed,,,,",
                                   "C2,2024-01-01,certified,,,,",
                                   "C3,2024-01-01,supervision,Dr A,2,,"))
    with pytest.raises(EventLogError) as caught:
        log.check()
    assert [(p.line, p.message.split(":")[0]) for p in caught.value.problems] == [(3, "coach C1"), (5, "coach C3")]
    assert "2 problems" in str(caught.value)


def test_the_rule_check_stops_after_the_shown_problems_and_says_there_may_be_more(write_log: WriteLog) -> None:
    from trainingkit.renewal.eventlog import SHOWN_PROBLEMS

    rows = [f"C{n:03d},2024-01-01,supervision,Dr A,2," + "," for n in range(SHOWN_PROBLEMS + 5)]
    log = read_event_log(write_log(*rows))
    with pytest.raises(EventLogError) as caught:
        log.check()
    assert len(caught.value.problems) == SHOWN_PROBLEMS
    assert "run it again to see any others" in str(caught.value)
