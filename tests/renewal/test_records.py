"""Adding events to the event log: whole lines, fsynced, never after a cut-off line (trainingkit.renewal.records)."""

from __future__ import annotations

import os
import stat
from datetime import date
from pathlib import Path

import pytest

from trainingkit.renewal.eventlog import EventLogError
from trainingkit.renewal.events import LEGACY_EVENT_COLUMNS, Event, EventKind
from trainingkit.renewal.logfile import read_event_log
from trainingkit.renewal.records import HEADER_LINE, append_events, event_line

from .conftest import HEADER
from trainingkit.renewal.settings import DEFAULT_RULES

from .helpers import certified, committee, renewed, review, supervision


def test_an_event_line_reads_back_as_the_same_event(tmp_path: Path) -> None:
    """Every kind of detail, a comma in a supervisor's name included, survives the round trip through the log."""
    events = [certified("2024-01-01"), supervision("2024-03-01", "Okafor, A.", 1.5), review("2025-12-01", 85.5),
              Event("C1", date(2025, 12, 2), EventKind.VERDICT, supervisor="Okafor, A.", outcome="competent")]
    path = append_events(tmp_path / "events.csv", events)
    assert read_event_log(path).events("C1") == [
        Event(e.coach_id, e.on, e.kind, e.supervisor, e.hours, e.score, e.outcome, line=n, cut_score=e.cut_score,
              form=e.form)
        for n, e in enumerate(events, start=2)]
    assert event_line(review("2025-12-01", 85, cut_score=72.1)) == "C1,2025-12-01,review,,,85,,72.1,cycle-1\n"


def test_a_review_without_its_cut_score_is_never_written(tmp_path: Path) -> None:
    """A legacy review (no cut score and form) is refused, naming the coach, and nothing is added."""
    path = append_events(tmp_path / "events.csv", [certified("2024-01-01")])
    before = path.read_bytes()
    with pytest.raises(EventLogError, match="review of C1 on 2025-12-01 has no cut score and form"):
        append_events(path, [review("2025-12-01", 85, cut_score=None)])
    assert path.read_bytes() == before


def test_an_old_log_gets_the_current_header_and_keeps_every_line(tmp_path: Path) -> None:
    """Appending to a log with the legacy header first renames in the new header; old lines stay byte for byte."""
    path = tmp_path / "events.csv"
    old = "C1,2024-01-01,certified,,,,\nC1,2025-11-01,review,,,85,\n"
    path.write_text(",".join(LEGACY_EVENT_COLUMNS) + "\n" + old)
    os.chmod(path, 0o640)
    append_events(path, [review("2025-12-01", 70, cut_score=72.1)])
    assert path.read_text() == HEADER_LINE + old + "C1,2025-12-01,review,,,70,,72.1,cycle-1\n"
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    results = [event.review for event in read_event_log(path).events("C1") if event.review]
    assert [(r.passed, r.legacy) for r in results] == [(True, True), (False, False)]


@pytest.mark.skipif(os.geteuid() != 0, reason="giving a file to another account needs root")
def test_root_giving_an_old_log_the_current_header_leaves_it_the_offices(tmp_path: Path) -> None:
    """Root appending to the office's (nobody's) log of the legacy header leaves it nobody's, so the office can still write it."""
    import pwd

    office = pwd.getpwnam("nobody")
    path = tmp_path / "events.csv"
    path.write_text(",".join(LEGACY_EVENT_COLUMNS) + "\nC1,2024-01-01,certified,,,,\n")
    os.chown(path, office.pw_uid, office.pw_gid)
    os.chmod(path, 0o600)
    append_events(path, [review("2025-12-01", 70, cut_score=72.1)])
    after = path.stat()
    assert path.read_text().startswith(HEADER_LINE)
    assert (after.st_uid, after.st_gid, stat.S_IMODE(after.st_mode)) == (office.pw_uid, office.pw_gid, 0o600)


def test_the_mode_asked_for_holds_whatever_the_umask(tmp_path: Path) -> None:
    """A register made with mode 0640 is 0640 even under a umask of 077."""
    previous = os.umask(0o077)
    try:
        path = append_events(tmp_path / "results.csv", [review("2025-12-01", 70, cut_score=72.1)], mode=0o640)
    finally:
        os.umask(previous)
    assert stat.S_IMODE(path.stat().st_mode) == 0o640


def test_a_new_log_is_private_and_starts_with_the_header_and_its_folder_is_synced(tmp_path: Path,
                                                                                   fsynced: list[str]) -> None:
    """A log made by an append is 0600, begins with the header, and the file then its folder are fsynced."""
    path = append_events(tmp_path / "events.csv", [certified("2024-01-01")])
    assert path.read_text() == HEADER_LINE + "C1,2024-01-01,certified,,,,,,\n"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert fsynced == [str(path), str(tmp_path)]
    fsynced.clear()
    append_events(path, [review("2025-12-01", 90)])
    assert fsynced == [str(path)]


def test_nothing_is_added_after_a_last_line_that_may_be_cut_off(tmp_path: Path) -> None:
    """An append to a log whose last line lacks its line break is refused, naming the line, and the file is unchanged."""
    path = tmp_path / "events.csv"
    path.write_text(HEADER + "\nC1,2024-01-01,certified,,,,\nC1,2025-12-01,review,,,8")
    before = path.read_bytes()
    with pytest.raises(EventLogError, match=r"line 3: the last line does not end with a line break.*nothing was added"):
        append_events(path, [review("2025-12-02", 90)])
    assert path.read_bytes() == before


def test_a_header_without_its_line_break_gets_one_before_the_first_event(tmp_path: Path) -> None:
    """A log holding only its header, as an editor may save it, takes events on the next line."""
    path = tmp_path / "events.csv"
    path.write_text(HEADER)
    append_events(path, [certified("2024-01-01")])
    assert read_event_log(path).events("C1") == [Event("C1", date(2024, 1, 1), EventKind.CERTIFIED, line=2)]


def test_a_file_that_is_not_an_event_log_is_left_alone(tmp_path: Path) -> None:
    """An append to a file whose first line is not the header is refused and changes nothing."""
    path = tmp_path / "notes.csv"
    path.write_text("name,phone\nAda,123\n")
    with pytest.raises(EventLogError, match="line 1: not an event log"):
        append_events(path, [certified("2024-01-01")])
    assert path.read_text() == "name,phone\nAda,123\n"


def test_with_the_rules_a_renewal_without_a_passed_review_is_refused_naming_the_line_it_would_be(
        tmp_path: Path) -> None:
    """The log plus the new line is read with the log's own reader: the rule, file and line 3; nothing written."""
    path = append_events(tmp_path / "events.csv", [certified("2024-02-29")])
    before = path.read_bytes()
    with pytest.raises(EventLogError) as refused:
        append_events(path, [renewed("2025-12-01")], rules=DEFAULT_RULES)
    assert (refused.value.line, refused.value.column) == (3, "event")
    assert str(refused.value) == (
        f"{path}, line 3, column event: coach C1: renewed without a review passed (at or above its form's cut "
        "score) on or after the renewal window opened on 2025-11-30 (the line being added); nothing was added")
    assert path.read_bytes() == before


def test_with_the_rules_the_results_registers_review_counts_toward_a_renewal(tmp_path: Path) -> None:
    """A pass only the register holds lets the renewal be added, the same day too."""
    path = append_events(tmp_path / "events.csv", [certified("2024-02-29")])
    append_events(path, [renewed("2025-12-06")], rules=DEFAULT_RULES, reviews=[review("2025-12-06", 85)])
    assert read_event_log(path, reviews=[review("2025-12-06", 85)]).statuses_on(date(2025, 12, 7))[0].renewed_on \
        == date(2025, 12, 6)


def test_with_the_rules_a_line_that_breaks_an_existing_one_is_refused_naming_that_one(tmp_path: Path) -> None:
    """A revocation dated before a recorded renewal would break it: the renewal's line is named."""
    path = append_events(tmp_path / "events.csv", [certified("2024-02-29"), review("2025-12-01", 90),
                                                    renewed("2025-12-02")])
    before = path.read_bytes()
    with pytest.raises(EventLogError, match=r"line 4, column event: coach C1: renewed after the certification "
                                            r"was revoked .*, once read with the line being added \(line 5\); "
                                            "nothing was added$"):
        append_events(path, [committee("2025-01-01", "revoked")], rules=DEFAULT_RULES)
    assert path.read_bytes() == before


def test_with_the_rules_nothing_is_added_to_a_log_that_already_breaks_one(tmp_path: Path) -> None:
    """The broken line is named, with what to do; the file is unchanged."""
    path = append_events(tmp_path / "events.csv", [certified("2024-02-29"), renewed("2025-12-01")])
    before = path.read_bytes()
    with pytest.raises(EventLogError, match=r"line 3, column event: .*put this line right first$"):
        append_events(path, [certified("2024-01-01", coach_id="C2")], rules=DEFAULT_RULES)
    assert path.read_bytes() == before


def test_with_the_rules_a_refused_first_line_leaves_no_file(tmp_path: Path) -> None:
    """A new log whose first event is not a certification is not made at all."""
    path = tmp_path / "events.csv"
    with pytest.raises(EventLogError, match="line 2, column event: coach C1: review on 2025-12-01 is before"):
        append_events(path, [review("2025-12-01", 90)], rules=DEFAULT_RULES)
    assert not path.exists()


def test_with_the_rules_the_registers_reviews_count_in_every_reading_of_the_log(tmp_path: Path) -> None:
    """A renewal that stands on the register's pass (given as a one-pass iterator) is named as broken by the
    line being added, not as a line to put right first: the log without that line reads well with it."""
    path = append_events(tmp_path / "events.csv", [certified("2024-02-29")])
    append_events(path, [renewed("2025-12-02")], rules=DEFAULT_RULES, reviews=[review("2025-12-01", 85)])
    with pytest.raises(EventLogError, match=r"line 3, .*once read with the line being added \(line 4\)"):
        append_events(path, [committee("2025-01-01", "revoked")], rules=DEFAULT_RULES,
                      reviews=iter([review("2025-12-01", 85)]))
