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
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

__all__ = [
    "DETAIL_COLUMNS",
    "EVENT_COLUMNS",
    "EVENT_TABLE",
    "FORM_ID",
    "LEGACY_CUT_SCORE",
    "LEGACY_EVENT_COLUMNS",
    "Decision",
    "DetailProblem",
    "Event",
    "EventColumns",
    "EventKind",
    "ReviewResult",
    "Verdict",
    "did_you_mean",
    "event_problem",
    "exact",
    "event_table_markdown",
    "one_of",
    "same_day_rank",
]

#: The header of an event log, in order.
EVENT_COLUMNS = ("coach_id", "date", "event", "supervisor", "hours", "score", "outcome", "cut_score", "form")

#: The header of logs written before reviews carried their form's cut score. Such a log still
#: reads (its lines as if ``cut_score`` and ``form`` were empty); adding a line to it first
#: gives it the current header (:mod:`.records`).
LEGACY_EVENT_COLUMNS = EVENT_COLUMNS[:7]

#: The columns whose use depends on the event (every event needs the first three).
DETAIL_COLUMNS = ("supervisor", "hours", "score", "outcome", "cut_score", "form")

#: The mark a review line without a cut score is read against. Before review lines carried
#: their form's cut score, the office put every score on a scale of its own on which each
#: form's cut score became 80 (and judged "80 or more"), so an old line's score is on that
#: scale: it is read as it was decided then, and shown flagged as a legacy line. No new line
#: is written without its cut score (:mod:`.records` refuses one).
LEGACY_CUT_SCORE = 80.0

#: A form id: letters, digits, ``.``, ``_`` or ``-`` (at most 32), such as ``cycle-1``.
FORM_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$")


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
    EventColumns(EventKind.REVIEW, ("score", "cut_score", "form"),
                 "An ethics review result, in percent, with the cut score of the form sat and its id; "
                 "it passes when the score is at or above that cut score (the one pass mark). "
                 f"An old line without cut_score and form is read against {LEGACY_CUT_SCORE:g}, the "
                 "office's former scale, and flagged."),
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
    if column in ("score", "cut_score"):
        return f"`{column}` ({SCORE_RANGE[0]:g} to {SCORE_RANGE[1]:g})"
    if column == "form":
        return "`form` (the form's id, such as `cycle-1`)"
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


def exact(number: float) -> str:
    """``number`` as short as it reads back exactly: ``72.1``, ``85``, ``93.33333333333333`` (never rounded)."""
    short = f"{number:g}"
    return short if float(short) == number else repr(number)


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


_NOUNS = {"supervisor": "a supervisor", "hours": "hours", "score": "a score", "outcome": "an outcome",
          "cut_score": "its form's cut score", "form": "its form's id"}
_ARTICLES = {EventKind.REVIEW: "a review", EventKind.VERDICT: "a verdict",
             EventKind.COMMITTEE: "a committee decision"}


def event_problem(
    kind: EventKind,
    *,
    supervisor: str | None,
    hours: float | None,
    score: float | None,
    outcome: str | None,
    cut_score: float | None = None,
    form: str | None = None,
) -> DetailProblem | None:
    """Say what is wrong with an event's details (see :data:`EVENT_TABLE`), or return ``None``.

    Details an event kind does not use are ignored. A review with neither ``cut_score`` nor
    ``form`` is a legacy line (see :data:`LEGACY_CUT_SCORE`); one with only one of them is refused.
    """
    row = _COLUMNS_OF[kind]
    values = {"supervisor": supervisor, "hours": hours, "score": score, "outcome": outcome,
              "cut_score": cut_score, "form": form}
    legacy_review = kind is EventKind.REVIEW and cut_score is None and not form
    for column in row.needs:
        if legacy_review and column in ("cut_score", "form"):
            continue
        if values[column] is None or values[column] == "":
            extra = f" ({one_of(row.outcomes)})" if column == "outcome" else ""
            return DetailProblem(column, f"{_ARTICLES.get(kind, str(kind))} needs "
                                         f"{_NOUNS[column]}{extra}; {column} is empty")
    for column, number in (("hours", hours), ("score", score), ("cut_score", cut_score)):
        if number is not None and not math.isfinite(number):
            return DetailProblem(column, f"{column} must be a finite number")
    if kind is EventKind.REVIEW:
        for column, number in (("score", score), ("cut_score", cut_score)):
            if number is not None and not SCORE_RANGE[0] <= number <= SCORE_RANGE[1]:
                return DetailProblem(column, f"{column} {number:g} is outside {SCORE_RANGE[0]:g} to "
                                             f"{SCORE_RANGE[1]:g}")
        if form and not FORM_ID.match(form):
            return DetailProblem("form", f"form {form!r} is not a form id (letters, digits, ., _ or -; "
                                         "at most 32), such as cycle-1")
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
    or ``None`` for events from elsewhere (the results register).
    """

    coach_id: str
    on: date
    kind: EventKind
    supervisor: str | None = None
    hours: float | None = None
    score: float | None = None
    outcome: Verdict | Decision | None = None
    line: int | None = None
    #: A review's form's cut score, in percent (``None`` on a legacy line).
    cut_score: float | None = None
    #: A review's form id (``None`` on a legacy line).
    form: str | None = None

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
            cut_score=self.cut_score,
            form=self.form,
        )
        if problem:
            raise ValueError(problem.message)

    @property
    def review(self) -> ReviewResult | None:
        """A review's result (score against its form's cut score); ``None`` for other events."""
        if self.kind is not EventKind.REVIEW:
            return None
        return ReviewResult.of(self.score, self.cut_score, self.form)  # type: ignore[arg-type]

    def sort_key(self) -> tuple[date, int, float]:
        """Order of events for one coach: date, then same-day rank, then log line."""
        return (self.on, _SAME_DAY_RANK[self.kind], math.inf if self.line is None else self.line)


@dataclass(frozen=True, slots=True)
class ReviewResult:
    """A review's score against the cut score of the form sat: the one pass decision.

    ``passed`` is ``score >= cut_score`` on the numbers as recorded, never rounded (72.06
    against 72.1 fails). ``form`` is ``None`` on a legacy line, whose ``cut_score`` is then
    :data:`LEGACY_CUT_SCORE`.
    """

    score: float
    cut_score: float
    form: str | None
    passed: bool

    @classmethod
    def of(cls, score: float, cut_score: float | None, form: str | None) -> ReviewResult:
        """The result of a review line (``cut_score`` and ``form`` ``None`` or empty: legacy)."""
        if cut_score is None:
            return cls(score, LEGACY_CUT_SCORE, None, score >= LEGACY_CUT_SCORE)
        return cls(score, cut_score, form or None, score >= cut_score)

    @property
    def legacy(self) -> bool:
        """Whether the line had no cut score (read against :data:`LEGACY_CUT_SCORE`)."""
        return self.form is None

    def __str__(self) -> str:
        """``83.3 / 72.1`` (score / cut score), and ``(legacy line)`` when it had no cut score."""
        text = f"{exact(self.score)} / {exact(self.cut_score)}"
        return f"{text} (legacy line: no cut score, read against the former {LEGACY_CUT_SCORE:g})" \
            if self.legacy else text
