"""The renewal rules: a pure fold over coaches' events, read on a date.

Everything the certification office decides about a coach is computed here,
from the coach's events, a date and a :class:`RenewalRules`. Nothing here
reads files or imports pandas. :func:`status_on` reads one coach; an
:class:`.eventlog.EventLog` feeds the same fold, :func:`replay`, a whole log
at once, so the rules exist exactly once.

How events are applied, in order (see :func:`.events.same_day_rank`):

* ``certified`` starts a cycle on its date. After a revocation it starts afresh:
  the committee's earlier findings no longer hold.
* ``review`` with ``score >= cut_score`` (its form's cut score, unrounded: the one pass
  mark, :class:`.events.ReviewResult`) is remembered; it counts toward the next renewal only
  if dated on or after the current cycle's window opening.
* ``renewed`` must meet the renewal rule (stated in :func:`replay`, explained
  by :func:`why_not_renewed`); it then starts the next cycle at the old
  ``expires_on`` (renewed by ``grace_ends_on``) or on the renewal date (later),
  and the status read in that cycle carries the renewal's date (``renewed_on``).
* ``supervision`` hours and ``competent`` verdicts count toward a late renewal
  only when dated after the current cycle's ``grace_ends_on``.
* ``not_competent`` refers the coach to the committee (and withdraws that
  supervisor's earlier ``competent`` verdict); any committee decision ends the
  referral. ``suspended`` holds until ``cleared``; ``revoked`` ends the
  certification until a new ``certified``.
* ``charge_reported`` reports the oldest unreported charge.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from datetime import date
from itertools import count, pairwise
from types import MappingProxyType
from typing import Any

from .cycle import Cycle, cycles_under
from .events import Decision, Event, EventKind, ReviewResult, Verdict
from .settings import DEFAULT_RULES, RenewalRules
from .status import CoachStatus, Flag, Status, StatusTable

__all__ = [
    "RuleViolation",
    "detail_of",
    "detail_of_event",
    "replay",
    "status_on",
    "supervised_enough",
    "why_not_renewed",
]

_CERTIFIED = EventKind.CERTIFIED
_REVIEW = EventKind.REVIEW
_RENEWED = EventKind.RENEWED
_SUPERVISION = EventKind.SUPERVISION
_VERDICT = EventKind.VERDICT
_CHARGED = EventKind.CHARGED
_CHARGE_REPORTED = EventKind.CHARGE_REPORTED
_COMPETENT = Verdict.COMPETENT
_SUSPENDED = Decision.SUSPENDED
_REVOKED = Decision.REVOKED
_NO_FLAGS: tuple[Flag, ...] = ()
#: What the fold reads on a date for one coach: status, current cycle, flags, the day of the
#: renewal that began that cycle (None for a first certification's).
_Reading = tuple[Status, "Cycle | None", tuple[Flag, ...], "date | None"]
_NO_HOURS: Mapping[str, float] = MappingProxyType({})
_NO_ONE: AbstractSet[str] = frozenset()
_NOT_CERTIFIED_YET: _Reading = (Status.NOT_CERTIFIED, None, _NO_FLAGS, None)
(
    _STATUS_REVOKED, _STATUS_SUSPENDED, _STATUS_REFERRED, _STATUS_NOT_CERTIFIED,
    _STATUS_CERTIFIED, _STATUS_READY_TO_RENEW, _STATUS_RENEWAL_DUE, _STATUS_LAPSED,
    _STATUS_SUPERVISION_REQUIRED,
) = Status


class RuleViolation(ValueError):
    """A coach's history breaks a renewal rule at event ``index`` of the columns replayed.

    ``line`` is that event's log line when the caller supplied lines.
    """

    def __init__(self, coach_id: str, index: int, line: int | None, message: str) -> None:
        super().__init__(f"coach {coach_id}: {message}")
        self.coach_id = coach_id
        self.index = index
        self.line = line
        self.message = message


def detail_of(
    kind: EventKind,
    *,
    supervisor: str | None,
    hours: float | None,
    score: float | None,
    outcome: str | None,
    cut_score: float | None = None,
    form: str | None = None,
) -> Any:
    """Return the part of an event's details that the rules read for ``kind``.

    That is the :class:`.events.ReviewResult` of a review, ``(supervisor, hours)`` of supervision,
    ``(supervisor, outcome)`` of a verdict, the outcome of a committee
    decision, and ``None`` for every other kind.
    """
    if kind is _REVIEW:
        return ReviewResult.of(score, cut_score, form)  # type: ignore[arg-type]
    if kind is _SUPERVISION:
        return (supervisor, hours)
    if kind is _VERDICT:
        return (supervisor, outcome)
    if kind is EventKind.COMMITTEE:
        return outcome
    return None


def status_on(
    events: Iterable[Event], on: date, rules: RenewalRules = DEFAULT_RULES
) -> CoachStatus:
    """Return one coach's status on ``on`` from that coach's events.

    Events dated after ``on`` do not change the answer, but the whole history
    must obey the rules: :class:`RuleViolation` names the first event that
    does not (an event before the first certification, a renewal whose
    requirements are not met, a report of a charge that was never made).
    """
    ordered = sorted(events, key=Event.sort_key)
    if not ordered:
        raise ValueError("status_on needs at least one event")
    coach_id = ordered[0].coach_id
    if any(event.coach_id != coach_id for event in ordered):
        raise ValueError("status_on reads the events of one coach at a time")
    (status,) = replay(
        [coach_id],
        [0, len(ordered)],
        [event.on for event in ordered],
        [event.kind for event in ordered],
        [detail_of_event(event) for event in ordered],
        on,
        rules,
        lines=[event.line for event in ordered],
    )
    return status


def detail_of_event(event: Event) -> Any:
    """Return the part of ``event`` that the rules read (see :func:`detail_of`)."""
    return detail_of(
        event.kind,
        supervisor=event.supervisor,
        hours=event.hours,
        score=event.score,
        outcome=event.outcome,
        cut_score=event.cut_score,
        form=event.form,
    )


def supervised_enough(
    supervised_hours: Mapping[str, float], competent_supervisors: AbstractSet[str], rules: RenewalRules
) -> bool:
    """Has one supervisor both logged ``rules.supervision_hours`` and found the coach competent?

    Both mappings hold only what is dated after the current cycle's ``grace_ends_on``.
    """
    return any(
        supervised_hours.get(supervisor, 0.0) >= rules.supervision_hours
        for supervisor in competent_supervisors
    )


def why_not_renewed(
    *,
    cycle: Cycle | None,
    renewed_on: date,
    last_passed_review: date | None,
    revoked: bool,
    suspended: bool,
    referred: bool,
    rules: RenewalRules,
) -> str:
    """Explain which requirement a refused renewal (see :func:`replay`) did not meet."""
    if revoked or cycle is None:
        return "renewed after the certification was revoked (a new certification is needed)"
    if suspended:
        return "renewed while the coach is suspended"
    if referred:
        return "renewed while the coach is referred to the committee"
    if last_passed_review is None or last_passed_review < cycle.window_opens_on:
        return (
            "renewed without a review passed (at or above its form's cut score) "
            f"on or after the renewal window opened on {cycle.window_opens_on.isoformat()}"
        )
    if renewed_on > cycle.grace_ends_on:
        return (
            f"renewed after the grace period ended on {cycle.grace_ends_on.isoformat()} "
            f"without {rules.supervision_hours:g} supervision hours with one supervisor "
            "after that date and a competent verdict from the same supervisor"
        )
    return "renewed without meeting the renewal requirements"  # pragma: no cover


def replay(
    coach_ids: Sequence[str],
    starts: Sequence[int],
    whens: Sequence[date],
    kinds: Sequence[EventKind],
    details: Sequence[Any],
    on: date,
    rules: RenewalRules = DEFAULT_RULES,
    *,
    lines: Sequence[int | None] | None = None,
) -> StatusTable:
    """Fold the events of one or more coaches into each coach's status on ``on``.

    The events are columns (dates, kinds, details as :func:`detail_of` gives
    them), grouped by coach: those of ``coach_ids[i]`` are at positions
    ``starts[i]`` up to ``starts[i + 1]``, in :meth:`Event.sort_key` order.

    This is the single implementation of the rules: :func:`status_on` calls it
    for one coach, :class:`.eventlog.EventLog` for a whole log. It checks the
    whole history, also after ``on``, and raises :class:`RuleViolation` at the
    first event (in column order) that breaks a rule; ``lines[i]``, if given,
    is the log line reported for event ``i``.

    (One loop over every event, rather than a call per coach, because it runs
    over logs of hundreds of thousands of coaches. The state is local
    variables; the rarely changed collections are immutable, shared until an
    event changes them; each coach's first event is its certification, which
    is where one coach's state is read and the next one's begins.)
    """
    if (
        len(starts) != len(coach_ids) + 1
        or starts[0] != 0
        or starts[-1] != len(whens)
        or any(start >= end for start, end in pairwise(starts))
    ):
        raise ValueError("replay needs each coach's first position, in order, then the end")
    for index in starts[:-1]:
        if kinds[index] is not _CERTIFIED:
            raise _violation(
                coach_ids, starts, index, lines,
                f"{kinds[index]} on {whens[index].isoformat()} is before the coach's first "
                "certification",
            )
    # Module constants as locals: this loop runs once per event of the whole log.
    review, supervision, certified, renewed, verdict, charged = (
        _REVIEW, _SUPERVISION, _CERTIFIED, _RENEWED, _VERDICT, _CHARGED
    )
    no_hours, no_one = _NO_HOURS, _NO_ONE
    cycles = cycles_under(rules)  # cycles[start] is the cycle starting on that day
    status_column: list[Status] = []
    cycle_column: list[Cycle | None] = []
    flag_column: list[tuple[Flag, ...]] = []
    renewal_column: list[date | None] = []
    add_status, add_cycle, add_flags = status_column.append, cycle_column.append, flag_column.append
    add_renewal = renewal_column.append
    next_coach = 0  # position in coach_ids of the coach whose events start next
    next_start = 0  # where that coach's events start
    # One coach's state after each event:
    cycle: Cycle | None = None  # None once revoked
    renewed_on: date | None = None  # the renewal that began `cycle` (None: a certification did)
    grace_end = date.max  # supervision and verdicts count only after it
    last_pass: date | None = None  # latest passed review (the window decides if it counts)
    supervised: Mapping[str, float] = _NO_HOURS  # hours per supervisor after grace_end
    competent: AbstractSet[str] = _NO_ONE  # competent verdicts after grace_end
    open_charges: tuple[date, ...] = ()  # unreported charges, oldest first
    late_report = revoked = suspended = referred = False
    reading: _Reading | None = None  # the state read on `on`, once an event after it comes

    for index, when, kind, detail in zip(count(), whens, kinds, details):
        if when > on and reading is None:
            reading = _classify(on, rules, cycle, renewed_on, last_pass, open_charges,
                                late_report, revoked, suspended, referred)
        if kind is review:
            if detail.passed:
                last_pass = when
        elif kind is renewed:
            # The renewal rule: no revocation, suspension or referral; a review passed on or
            # after this cycle's window opened (and, being earlier in the fold, on or before
            # the renewal); after the grace months, also enough supervision with one supervisor
            # and that supervisor's competent verdict, all dated after grace_ends_on.
            if (
                revoked or suspended or referred or cycle is None
                or last_pass is None or last_pass < cycle.window_opens_on
                or (when > grace_end and not supervised_enough(supervised, competent, rules))
            ):
                raise _violation(coach_ids, starts, index, lines, why_not_renewed(
                    cycle=cycle, renewed_on=when, last_passed_review=last_pass, revoked=revoked,
                    suspended=suspended, referred=referred, rules=rules))
            cycle = cycles[cycle.expires_on if when <= grace_end else when]
            renewed_on = when
            grace_end = cycle.grace_ends_on
            supervised = no_hours
            competent = no_one
        elif kind is certified:
            if index == next_start:  # the next coach's first event: finish this one
                if next_coach:
                    if reading is None:
                        reading = _classify(on, rules, cycle, renewed_on, last_pass, open_charges,
                                            late_report, revoked, suspended, referred)
                    add_status(reading[0])
                    add_cycle(reading[1])
                    add_flags(reading[2])
                    add_renewal(reading[3])
                next_coach += 1
                next_start = starts[next_coach]
                open_charges = ()
                late_report = revoked = suspended = referred = False
                reading = _NOT_CERTIFIED_YET if when > on else None
            elif revoked:  # a new certification after a revocation starts afresh
                revoked = suspended = referred = False
            cycle = cycles[when]
            renewed_on = None
            grace_end = cycle.grace_ends_on
            last_pass = None
            supervised = no_hours
            competent = no_one
        elif kind is supervision:
            if when > grace_end:
                supervisor, hours = detail
                supervised = {**supervised, supervisor: supervised.get(supervisor, 0.0) + hours}
        elif kind is verdict:
            supervisor, outcome = detail
            if outcome == _COMPETENT:
                if when > grace_end:
                    competent = competent | {supervisor}
            else:  # not competent: referred, and that supervisor's verdict no longer holds
                referred = True
                competent = competent - {supervisor}
        elif kind is charged:
            open_charges = (*open_charges, when)
        elif kind is _CHARGE_REPORTED:
            if not open_charges:
                raise _violation(coach_ids, starts, index, lines,
                                 "charge_reported without an earlier unreported charge")
            if (when - open_charges[0]).days > rules.charge_report_days:
                late_report = True
            open_charges = open_charges[1:]
        else:  # committee: any decision ends a referral
            referred = False
            if revoked:
                continue  # a revocation is final until a new certification
            if detail == _SUSPENDED:
                suspended = True
            elif detail == _REVOKED:
                revoked = True
                suspended = False
                cycle = renewed_on = None
                grace_end = date.max
            else:  # cleared
                suspended = False

    if next_coach:
        if reading is None:
            reading = _classify(on, rules, cycle, renewed_on, last_pass, open_charges,
                                late_report, revoked, suspended, referred)
        status_column.append(reading[0])
        cycle_column.append(reading[1])
        flag_column.append(reading[2])
        renewal_column.append(reading[3])
    return StatusTable(on, coach_ids, status_column, cycle_column, flag_column, renewal_column)


def _violation(
    coach_ids: Sequence[str],
    starts: Sequence[int],
    index: int,
    lines: Sequence[int | None] | None,
    message: str,
) -> RuleViolation:
    """Build the error for event ``index``, naming its coach and log line if known."""
    coach_id = coach_ids[bisect_right(starts, index) - 1]
    return RuleViolation(coach_id, index, None if lines is None else lines[index], message)


def _classify(
    on: date,
    rules: RenewalRules,
    cycle: Cycle | None,
    renewed_on: date | None,
    last_pass: date | None,
    open_charges: tuple[date, ...],
    late_report: bool,
    revoked: bool,
    suspended: bool,
    referred: bool,
) -> _Reading:
    """Read the folded state on ``on``: the first matching status wins."""
    if revoked:
        return (_STATUS_REVOKED, None, _flags(on, rules, open_charges, late_report), None)
    if suspended:
        status = _STATUS_SUSPENDED
    elif referred:
        status = _STATUS_REFERRED
    elif cycle is None:
        status = _STATUS_NOT_CERTIFIED
    elif on < cycle.window_opens_on:
        status = _STATUS_CERTIFIED
    elif on <= cycle.expires_on:
        if last_pass is not None and last_pass >= cycle.window_opens_on:
            status = _STATUS_READY_TO_RENEW
        else:
            status = _STATUS_RENEWAL_DUE
    elif on <= cycle.grace_ends_on:
        status = _STATUS_LAPSED
    else:
        status = _STATUS_SUPERVISION_REQUIRED
    if late_report or open_charges:
        return (status, cycle, _flags(on, rules, open_charges, late_report), renewed_on)
    return (status, cycle, _NO_FLAGS, renewed_on)


def _flags(
    on: date, rules: RenewalRules, open_charges: tuple[date, ...], late_report: bool
) -> tuple[Flag, ...]:
    """Return the conduct flags raised on ``on``."""
    overdue = bool(open_charges) and (on - open_charges[0]).days > rules.charge_report_days
    return tuple(
        flag
        for flag, raised in ((Flag.LATE_CHARGE_REPORT, late_report),
                             (Flag.UNREPORTED_CHARGE, overdue))
        if raised
    )
