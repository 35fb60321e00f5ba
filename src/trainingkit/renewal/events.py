"""What can happen to a coach: the event log's vocabulary and its one record type."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

__all__ = [
    "EVENT_COLUMNS",
    "Decision",
    "Event",
    "EventKind",
    "Verdict",
    "event_problem",
    "same_day_rank",
]

#: The header of an event log, in order.
EVENT_COLUMNS = ("coach_id", "date", "event", "supervisor", "hours", "score", "outcome")


class EventKind(StrEnum):
    """The ``event`` column: what happened to the coach on that date."""

    CERTIFIED = "certified"
    """Certification granted; starts a new cycle on its date."""
    REVIEW = "review"
    """An ethics review course result; ``score`` in percent."""
    RENEWED = "renewed"
    """The office renewed the certification."""
    SUPERVISION = "supervision"
    """One-to-one supervision; ``supervisor`` and ``hours``."""
    VERDICT = "verdict"
    """A supervisor's finding after supervision; ``supervisor`` and ``outcome``."""
    CHARGED = "charged"
    """The coach was charged with an offence that must be reported."""
    CHARGE_REPORTED = "charge_reported"
    """The coach reported a charge to the Professional Standards Committee."""
    COMMITTEE = "committee"
    """A Professional Standards Committee decision; ``outcome``."""


class Verdict(StrEnum):
    """The ``outcome`` of a ``verdict`` event."""

    COMPETENT = "competent"
    NOT_COMPETENT = "not_competent"


class Decision(StrEnum):
    """The ``outcome`` of a ``committee`` event."""

    SUSPENDED = "suspended"
    REVOKED = "revoked"
    CLEARED = "cleared"


# Events on the same date are applied in this order, then in log order:
# a certification first (so the day's other events follow it), then the day's
# evidence (reviews, supervision, verdicts, charges), then reports of charges,
# then the office's renewal (which may rely on that day's evidence), and last
# the committee's decision (which overrides what came before it that day).
_SAME_DAY_RANK = {
    EventKind.CERTIFIED: 0,
    EventKind.REVIEW: 1,
    EventKind.SUPERVISION: 1,
    EventKind.VERDICT: 1,
    EventKind.CHARGED: 1,
    EventKind.CHARGE_REPORTED: 2,
    EventKind.RENEWED: 3,
    EventKind.COMMITTEE: 4,
}


def same_day_rank(kind: EventKind) -> int:
    """Return where ``kind`` goes among events of the same date (lower is earlier)."""
    return _SAME_DAY_RANK[kind]


def event_problem(
    kind: EventKind,
    *,
    supervisor: str | None,
    hours: float | None,
    score: float | None,
    outcome: str | None,
) -> str | None:
    """Say what is wrong with an event's details, or return ``None`` if nothing is.

    Details an event kind does not use are ignored.
    """
    if kind is EventKind.REVIEW:
        if score is None:
            return "a review needs a score"
        if not 0 <= score <= 100:
            return f"score {score:g} is outside 0 to 100"
    elif kind is EventKind.SUPERVISION:
        if not supervisor:
            return "supervision needs a supervisor"
        if hours is None:
            return "supervision needs hours"
        if not hours > 0:
            return f"supervision hours must be more than 0, not {hours:g}"
    elif kind is EventKind.VERDICT:
        if not supervisor:
            return "a verdict needs a supervisor"
        if outcome not in _VERDICTS:
            return "a verdict's outcome must be competent or not_competent" + _not(outcome)
    elif kind is EventKind.COMMITTEE and outcome not in _DECISIONS:
        return "a committee outcome must be suspended, revoked or cleared" + _not(outcome)
    for name, number in (("hours", hours), ("score", score)):
        if number is not None and not math.isfinite(number):
            return f"{name} must be a finite number"
    return None


def _not(outcome: str | None) -> str:
    """Finish a message about a wrong or missing outcome."""
    return f", not {outcome!r}" if outcome else ", and it is empty"


def _as_member(enum: type[Verdict] | type[Decision], value: str) -> Verdict | Decision | str:
    """Return ``value`` as a member of ``enum``, or unchanged if it is not one."""
    try:
        return enum(value)
    except ValueError:
        return value


_VERDICTS = frozenset(Verdict)
_DECISIONS = frozenset(Decision)


@dataclass(frozen=True, slots=True)
class Event:
    """One row of the event log, checked.

    ``line`` is the event log line the event came from (the header is line 1),
    or ``None`` for events from elsewhere (the nbgrader gradebook).
    """

    coach_id: str
    on: date
    kind: EventKind
    supervisor: str | None = None
    hours: float | None = None
    score: float | None = None
    outcome: Verdict | Decision | None = None
    line: int | None = None

    def __post_init__(self) -> None:
        # Accept plain strings for the enumerated fields, store the enum members.
        object.__setattr__(self, "kind", EventKind(self.kind))
        if self.outcome is not None and self.kind is EventKind.VERDICT:
            object.__setattr__(self, "outcome", _as_member(Verdict, self.outcome))
        elif self.outcome is not None and self.kind is EventKind.COMMITTEE:
            object.__setattr__(self, "outcome", _as_member(Decision, self.outcome))
        if not self.coach_id:
            raise ValueError("an event needs a coach_id")
        problem = event_problem(
            self.kind,
            supervisor=self.supervisor,
            hours=self.hours,
            score=self.score,
            outcome=self.outcome,
        )
        if problem:
            raise ValueError(problem)

    def sort_key(self) -> tuple[date, int, float]:
        """Order of events for one coach: date, then same-day rank, then log line."""
        return (self.on, _SAME_DAY_RANK[self.kind], math.inf if self.line is None else self.line)
