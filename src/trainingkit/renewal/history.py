"""One coach's status over time, as spans of days (for the timeline plot)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from .cycle import Cycle
from .events import Event
from .rules import status_on
from .settings import DEFAULT_RULES, RenewalRules
from .status import Flag, Status

__all__ = ["StatusSpan", "status_history"]


@dataclass(frozen=True, slots=True)
class StatusSpan:
    """Days ``starts_on`` through ``ends_on`` (inclusive) on which a coach's status stayed the same."""

    status: Status
    starts_on: date
    ends_on: date
    cycle: Cycle | None
    flags: tuple[Flag, ...]


def status_history(
    events: Sequence[Event], *, until: date, rules: RenewalRules = DEFAULT_RULES
) -> list[StatusSpan]:
    """Return the coach's status day by day, from the first event through ``until``, as spans.

    Each day is read with :func:`.rules.status_on`, so the history is exactly
    what the status command would have said on each of those days.
    """
    if not events:
        return []
    first = min(event.on for event in events)
    spans: list[StatusSpan] = []
    day = first
    while day <= until:
        reading = status_on(events, day, rules)
        if (
            spans
            and spans[-1].status is reading.status
            and spans[-1].cycle == reading.cycle
            and spans[-1].flags == reading.flags
        ):
            last = spans[-1]
            spans[-1] = StatusSpan(last.status, last.starts_on, day, last.cycle, last.flags)
        else:
            spans.append(StatusSpan(reading.status, day, day, reading.cycle, reading.flags))
        day += timedelta(days=1)
    return spans
