"""What can happen to a coach: the event log's vocabulary, its columns, and its one record type.

:data:`EVENT_TABLE` says, for each event, which columns it needs and what it
means. It is the one statement of those rules: :func:`event_problem` (and so
both :class:`Event` and the log reader) checks rows against it, and the
README's table is generated from it (:func:`event_table_markdown`; a test
keeps the two equal).
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

__all__ = [
    "DETAIL_COLUMNS",
    "EVENT_COLUMNS",
    "EVENT_TABLE",
    "Decision",
    "DetailProblem",
    "Event",
    "EventColumns",
    "EventKind",
    "Verdict",
    "did_you_mean",
    "event_problem",
    "event_table_markdown",
    "one_of",
    "same_day_rank",
]

#: The header of an event log, in order.
EVENT_COLUMNS = ("coach_id", "date", "event", "supervisor", "hours", "score", "outcome")

#: The columns whose use depends on the event (every event needs the first three).
DETAIL_COLUMNS = ("supervisor", "hours", "score", "outcome")


class EventKind(StrEnum):
    """The ``event`` column: what happened to the coach on that date (see :data:`EVENT_TABLE`)."""

    CERTIFIED = "certified"
    REVIEW = "review"
    RENEWED = "renewed"
    SUPERVISION = "supervision"
    VERDICT = "verdict"
    CHARGED = "charged"
    CHARGE_REPORTED = "charge_reported"
    COMMITTEE = "committee"


class Verdict(StrEnum):
    """The ``outcome`` of a ``verdict`` event."""

    COMPETENT = "competent"
    NOT_COMPETENT = "not_competent"


class Decision(StrEnum):
    """The ``outcome`` of a ``committee`` event."""

    SUSPENDED = "suspended"
    REVOKED = "revoked"
    CLEARED = "cleared"


#: The range a review's score must lie in (percent, both ends allowed).
SCORE_RANGE = (0.0, 100.0)


@dataclass(frozen=True, slots=True)
class EventColumns:
    """What one event needs in the log: the detail columns it must fill, and what it means.

    ``outcomes`` are the values its ``outcome`` may take (when it needs one).
    The detail columns it does not need are ignored, whatever they hold.
    """

    kind: EventKind
    needs: tuple[str, ...]
    meaning: str
    outcomes: tuple[str, ...] = ()

    @property
    def ignores(self) -> tuple[str, ...]:
        """The detail columns this event does not read."""
        return tuple(column for column in DETAIL_COLUMNS if column not in self.needs)


#: One row per event, in the order of :class:`EventKind`.
EVENT_TABLE: tuple[EventColumns, ...] = (
    EventColumns(EventKind.CERTIFIED, (),
                 "Certification granted; starts a new cycle on its date."),
    EventColumns(EventKind.REVIEW, ("score",),
                 "An ethics review course result, in percent; at or above the pass mark it passes."),
    EventColumns(EventKind.RENEWED, (),
                 "The office renewed the certification (the renewal requirements must be met)."),
    EventColumns(EventKind.SUPERVISION, ("supervisor", "hours"),
                 "Hours of one-to-one supervision with that supervisor."),
    EventColumns(EventKind.VERDICT, ("supervisor", "outcome"),
                 "A supervisor's finding after supervision; not_competent refers the coach "
                 "to the committee.",
                 outcomes=tuple(Verdict)),
    EventColumns(EventKind.CHARGED, (),
                 "The coach was charged with an offence that must be reported."),
    EventColumns(EventKind.CHARGE_REPORTED, (),
                 "The coach reported a charge to the Professional Standards Committee."),
    EventColumns(EventKind.COMMITTEE, ("outcome",),
                 "A Professional Standards Committee decision.",
                 outcomes=tuple(Decision)),
)
_COLUMNS_OF = {row.kind: row for row in EVENT_TABLE}


def event_table_markdown() -> str:
    """Return :data:`EVENT_TABLE` as the Markdown table the README shows."""
    rows = ["| event | also needs | ignored (leave empty) | meaning |", "|---|---|---|---|"]
    for row in EVENT_TABLE:
        needs = ", ".join(_needs_text(row, column) for column in row.needs) or "nothing more"
        ignores = ", ".join(f"`{column}`" for column in row.ignores) or "nothing"
        rows.append(f"| `{row.kind}` | {needs} | {ignores} | {row.meaning} |")
    return "\n".join(rows) + "\n"


def _needs_text(row: EventColumns, column: str) -> str:
    """Describe a needed column and the values it may hold."""
    if column == "score":
        return f"`score` ({SCORE_RANGE[0]:g} to {SCORE_RANGE[1]:g})"
    if column == "hours":
        return "`hours` (more than 0)"
    if column == "outcome":
        return "`outcome`: " + " or ".join(f"`{value}`" for value in row.outcomes)
    return f"`{column}`"


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


def did_you_mean(value: str, choices: Iterable[str]) -> str:
    """Return ``"; did you mean 'renewed'?"`` for a near miss of one of ``choices``, else ``""``.

    Case and surrounding spaces are ignored when looking for the near miss.
    """
    close = difflib.get_close_matches(value.strip().lower(), [str(c) for c in choices], n=1)
    return f"; did you mean {close[0]!r}?" if close else ""


def one_of(choices: Iterable[str]) -> str:
    """Return ``"a, b or c"`` for the valid values of a column."""
    values = [str(choice) for choice in choices]
    return ", ".join(values[:-1]) + " or " + values[-1] if len(values) > 1 else values[0]


@dataclass(frozen=True, slots=True)
class DetailProblem:
    """What is wrong with an event's details, and the column it is in."""

    column: str
    message: str


_NOUNS = {"supervisor": "a supervisor", "hours": "hours", "score": "a score", "outcome": "an outcome"}
_ARTICLES = {EventKind.REVIEW: "a review", EventKind.VERDICT: "a verdict",
             EventKind.COMMITTEE: "a committee decision"}


def event_problem(
    kind: EventKind,
    *,
    supervisor: str | None,
    hours: float | None,
    score: float | None,
    outcome: str | None,
) -> DetailProblem | None:
    """Say what is wrong with an event's details (see :data:`EVENT_TABLE`), or return ``None``.

    Details an event kind does not use are ignored.
    """
    row = _COLUMNS_OF[kind]
    values = {"supervisor": supervisor, "hours": hours, "score": score, "outcome": outcome}
    for column in row.needs:
        if values[column] is None or values[column] == "":
            extra = f" ({one_of(row.outcomes)})" if column == "outcome" else ""
            return DetailProblem(column, f"{_ARTICLES.get(kind, str(kind))} needs "
                                         f"{_NOUNS[column]}{extra}; {column} is empty")
    for column, number in (("hours", hours), ("score", score)):
        if number is not None and not math.isfinite(number):
            return DetailProblem(column, f"{column} must be a finite number")
    if kind is EventKind.REVIEW and not SCORE_RANGE[0] <= score <= SCORE_RANGE[1]:  # type: ignore[operator]
        return DetailProblem("score", f"score {score:g} is outside {SCORE_RANGE[0]:g} to "
                                      f"{SCORE_RANGE[1]:g}")
    if kind is EventKind.SUPERVISION and not hours > 0:  # type: ignore[operator]
        return DetailProblem("hours", f"supervision hours must be more than 0, not {hours:g}")
    if row.outcomes and outcome not in row.outcomes:
        return DetailProblem("outcome", f"{_ARTICLES[kind]}'s outcome must be {one_of(row.outcomes)}, "
                                        f"not {outcome!r}{did_you_mean(str(outcome), row.outcomes)}")
    return None


def _as_member(enum: type[Verdict] | type[Decision], value: str) -> Verdict | Decision | str:
    """Return ``value`` as a member of ``enum``, or unchanged if it is not one."""
    try:
        return enum(value)
    except ValueError:
        return value


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
            raise ValueError(problem.message)

    def sort_key(self) -> tuple[date, int, float]:
        """Order of events for one coach: date, then same-day rank, then log line."""
        return (self.on, _SAME_DAY_RANK[self.kind], math.inf if self.line is None else self.line)
