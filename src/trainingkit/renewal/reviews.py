"""Ethics review attempts in each coach's current cycle: how many, how many failed, the last one.

The renewal rules only remember the latest *passed* review; the office also
needs to see the attempts that failed. :func:`review_attempts` reads them
from an :class:`.eventlog.EventLog` and the :class:`.status.StatusTable` read
from it: a review counts when it is dated from the start of the coach's
current cycle through the table's date. Pure: no files, no pandas.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from datetime import date

from .eventlog import EventLog
from .events import EventKind, ReviewResult
from .settings import DEFAULT_RULES, RenewalRules
from .status import StatusTable

__all__ = ["NO_ATTEMPTS", "ReviewAttempts", "review_attempts"]


@dataclass(frozen=True, slots=True)
class ReviewAttempts:
    """One coach's ethics reviews in the current cycle, up to the date read.

    ``failed`` counts those scored under their form's cut score; ``last_on`` and
    ``last`` are the latest review's date and result (``None`` without one).
    """

    attempts: int = 0
    failed: int = 0
    last_on: date | None = None
    last: ReviewResult | None = None

    @property
    def last_score(self) -> float | None:
        return None if self.last is None else self.last.score

    @property
    def last_failed(self) -> bool:
        return self.last is not None and not self.last.passed


#: A coach with no review in the current cycle (shared, as most coaches have none).
NO_ATTEMPTS = ReviewAttempts()


def review_attempts(
    log: EventLog, table: StatusTable, rules: RenewalRules = DEFAULT_RULES
) -> list[ReviewAttempts]:
    """Return each coach's review attempts, in the order of ``table`` (read from ``log``).

    A coach with no current cycle (revoked, or not certified yet) has none.
    """
    if list(table.coach_ids) != list(log.coach_ids):
        raise ValueError("review_attempts needs the status table read from the same log")
    found: dict[int, ReviewAttempts] = {}
    for index, kind in enumerate(log.kinds):
        if kind is not EventKind.REVIEW:
            continue
        coach = bisect_right(log.starts, index) - 1
        cycle = table.cycles[coach]
        when = log.whens[index]
        if cycle is None or not cycle.starts_on <= when <= table.on:
            continue
        result: ReviewResult = log.details[index]
        before = found.get(coach, NO_ATTEMPTS)
        # Events are in rule order (date, then log line), so this review is the latest so far.
        found[coach] = ReviewAttempts(before.attempts + 1, before.failed + (not result.passed), when, result)
    return [found.get(coach, NO_ATTEMPTS) for coach in range(len(table))]
