"""Hypothesis strategies: random coach histories that obey the renewal rules."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import strategies as st

from trainingkit.renewal.cycle import cycle_starting_on
from trainingkit.renewal.events import Decision, Event, EventKind, Verdict
from trainingkit.renewal.rules import RuleViolation, status_on
from trainingkit.renewal.settings import DEFAULT_RULES

SUPERVISORS = ("Dr A", "Dr B")


@st.composite
def events_of(draw: st.DrawFn, coach_id: str) -> list[Event]:
    """Random events for one coach, starting with a certification, not yet checked."""
    on = draw(st.dates(min_value=date(2016, 1, 1), max_value=date(2026, 12, 31)))
    events = [Event(coach_id, on, EventKind.CERTIFIED)]
    cycle = cycle_starting_on(on, DEFAULT_RULES)
    for _ in range(draw(st.integers(min_value=0, max_value=12))):
        on += timedelta(days=draw(st.sampled_from([0, 1, 5, 30, 90, 200, 400, 700])))
        kind = draw(st.sampled_from([*EventKind, "renewal", "renewal"]))
        if kind == "renewal":  # what a renewal needs, aimed at the current cycle's key dates
            on = max(on, draw(st.sampled_from([
                cycle.window_opens_on, cycle.expires_on, cycle.grace_ends_on,
                cycle.grace_ends_on + timedelta(days=1), cycle.grace_ends_on + timedelta(days=400),
            ])))
            events.append(Event(coach_id, on, EventKind.REVIEW, score=draw(st.sampled_from([80, 95]))))
            if on > cycle.grace_ends_on:
                supervisor = draw(st.sampled_from(SUPERVISORS))
                events.append(Event(coach_id, on, EventKind.SUPERVISION, supervisor=supervisor,
                                    hours=draw(st.sampled_from([5.5, 6, 8]))))
                events.append(Event(coach_id, on, EventKind.VERDICT, supervisor=supervisor,
                                    outcome=Verdict.COMPETENT))
            events.append(Event(coach_id, on, EventKind.RENEWED))
            cycle = cycle_starting_on(cycle.expires_on if on <= cycle.grace_ends_on else on,
                                      DEFAULT_RULES)
        elif kind is EventKind.REVIEW:
            score = draw(st.one_of(st.sampled_from([0, 79.9, 80, 100]), st.floats(0, 100)))
            events.append(Event(coach_id, on, kind, score=score))
        elif kind is EventKind.SUPERVISION:
            events.append(Event(coach_id, on, kind, supervisor=draw(st.sampled_from(SUPERVISORS)),
                                hours=draw(st.sampled_from([0.5, 2, 3, 6]))))
        elif kind is EventKind.VERDICT:
            events.append(Event(coach_id, on, kind, supervisor=draw(st.sampled_from(SUPERVISORS)),
                                outcome=draw(st.sampled_from(list(Verdict)))))
        elif kind is EventKind.COMMITTEE:
            events.append(Event(coach_id, on, kind, outcome=draw(st.sampled_from(list(Decision)))))
        elif kind is EventKind.CERTIFIED:
            events.append(Event(coach_id, on, kind))
            cycle = cycle_starting_on(on, DEFAULT_RULES)
        else:
            events.append(Event(coach_id, on, kind))
    return events


def without_violations(events: list[Event]) -> list[Event]:
    """Drop, one at a time, each event the rules reject, until the history obeys them."""
    ordered = sorted(events, key=Event.sort_key)
    while True:
        try:
            status_on(ordered, date(2100, 1, 1))
        except RuleViolation as violation:
            del ordered[violation.index]
        else:
            return ordered


def histories(coach_id: str = "C1") -> st.SearchStrategy[list[Event]]:
    """A coach's history that obeys every rule, in rule order."""
    return events_of(coach_id).map(without_violations)
