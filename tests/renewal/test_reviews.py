"""Review attempts in each coach's current cycle (trainingkit.renewal.reviews)."""

from __future__ import annotations

from datetime import date

import pytest

from trainingkit.renewal.events import ReviewResult
from trainingkit.renewal.logfile import read_event_log
from trainingkit.renewal.reviews import NO_ATTEMPTS, ReviewAttempts, review_attempts
from trainingkit.renewal.settings import RenewalRules

from .conftest import WriteLog


def attempts_on(write_log: WriteLog, on: date, *rows: str, rules: RenewalRules | None = None) -> list[ReviewAttempts]:
    log = read_event_log(write_log(*rows))
    table = log.statuses_on(on)
    return review_attempts(log, table, *([rules] if rules else []))


def test_a_failed_review_is_counted_with_its_score(write_log: WriteLog) -> None:
    """Score 72 under the form's cut score 72.1: one attempt, one failed, the latest failed, with both numbers."""
    (c1,) = attempts_on(write_log, date(2025, 12, 2), "C1,2024-02-29,certified,,,,",
                        "C1,2025-12-01,review,,,72,,72.1,cycle-1")
    assert c1 == ReviewAttempts(attempts=1, failed=1, last_on=date(2025, 12, 1),
                                last=ReviewResult(72.0, 72.1, "cycle-1", passed=False))
    assert c1.last_failed and c1.last_score == 72.0 and str(c1.last) == "72 / 72.1"


def test_a_pass_after_failures_keeps_the_failures_but_the_latest_passed(write_log: WriteLog) -> None:
    """Two failures then a pass at exactly the mark: three attempts, two failed, the last passed."""
    (c1,) = attempts_on(write_log, date(2025, 12, 2), "C1,2024-02-29,certified,,,,",
                        "C1,2025-01-05,review,,,60,", "C1,2025-06-01,review,,,79.9,", "C1,2025-12-01,review,,,80,")
    assert (c1.attempts, c1.failed, c1.last_score, c1.last_failed) == (3, 2, 80.0, False)


def test_reviews_of_an_earlier_cycle_or_after_the_date_are_not_counted(write_log: WriteLog) -> None:
    """After renewal the new cycle starts afresh; a review dated after --on is not yet taken."""
    (c1,) = attempts_on(write_log, date(2026, 3, 1), "C1,2024-02-29,certified,,,,",
                        "C1,2025-12-01,review,,,50,", "C1,2025-12-02,review,,,90,", "C1,2025-12-03,renewed,,,,",
                        "C1,2026-02-28,review,,,40,", "C1,2026-03-02,review,,,30,")
    assert (c1.attempts, c1.failed, c1.last_score) == (1, 1, 40.0)


def test_a_revoked_coach_has_no_attempts(write_log: WriteLog) -> None:
    """Without a current cycle there is nothing to count."""
    (c1,) = attempts_on(write_log, date(2025, 12, 2), "C1,2024-02-29,certified,,,,",
                        "C1,2025-01-01,review,,,40,", "C1,2025-02-01,committee,,,,revoked")
    assert c1 is NO_ATTEMPTS


def test_the_pass_mark_comes_from_each_line_s_form(write_log: WriteLog) -> None:
    """72 passes a form cut at 70 and fails one cut at 72.5, whatever the rules."""
    (c1,) = attempts_on(write_log, date(2025, 12, 2), "C1,2024-02-29,certified,,,,",
                        "C1,2025-11-01,review,,,72,,72.5,cycle-1", "C1,2025-12-01,review,,,72,,70,cycle-2")
    assert (c1.failed, c1.last_failed, c1.last.form) == (1, False, "cycle-2")


def test_attempts_need_the_table_read_from_the_same_log(write_log: WriteLog) -> None:
    """A table of other coaches is refused rather than misaligned."""
    log = read_event_log(write_log("C1,2024-02-29,certified,,,,"))
    other = read_event_log(write_log("C2,2024-02-29,certified,,,,", name="other.csv")).statuses_on(date(2025, 1, 1))
    with pytest.raises(ValueError, match="same log"):
        review_attempts(log, other)
