"""Properties of the renewal rules, over random histories (trainingkit.renewal.rules)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from trainingkit.renewal.events import EventKind
from trainingkit.renewal.rules import status_on
from trainingkit.renewal.status import Status

from .strategies import histories

PROPERTY = settings(deadline=None, max_examples=150)


@PROPERTY
@given(histories(), st.integers(0, 2000), st.integers(0, 2000))
def test_with_no_new_events_a_coach_only_moves_forward(history, first_gap: int, second_gap: int) -> None:  # type: ignore[no-untyped-def]
    """After the last event, a later date never gives an earlier status or fewer flags."""
    last = max(event.on for event in history)
    earlier = status_on(history, last + timedelta(days=first_gap))
    later = status_on(history, last + timedelta(days=first_gap + second_gap))
    assert earlier.status.order <= later.status.order
    assert set(earlier.flags) <= set(later.flags)
    assert earlier.cycle == later.cycle


@PROPERTY
@given(histories(), st.integers(-30, 3000))
def test_events_after_the_date_do_not_change_the_status(history, offset: int) -> None:  # type: ignore[no-untyped-def]
    """The status on D from the whole history equals the status from the events up to D."""
    on = history[0].on + timedelta(days=offset)
    assert status_on(history, on) == status_on([e for e in history if e.on <= on] or history[:1], on)


@PROPERTY
@given(histories(), st.integers(0, 3000))
def test_a_certified_coach_always_has_a_cycle_that_has_started_by_its_window(history, offset: int) -> None:  # type: ignore[no-untyped-def]
    """Every status with a cycle reports valid, ordered cycle dates."""
    reading = status_on(history, history[0].on + timedelta(days=offset))
    if reading.cycle is None:
        assert reading.status in (Status.NOT_CERTIFIED, Status.REVOKED)
        return
    cycle = reading.cycle
    assert cycle.starts_on < cycle.window_opens_on < cycle.expires_on < cycle.grace_ends_on


@PROPERTY
@given(histories())
def test_every_renewal_that_survives_the_rules_had_a_passed_review_in_the_window(history) -> None:  # type: ignore[no-untyped-def]
    """No accepted renewal lacks a review at or above the pass mark on or before it."""
    for position, event in enumerate(history):
        if event.kind is EventKind.RENEWED:
            earlier_passes = [e for e in history[:position]
                              if e.kind is EventKind.REVIEW and (e.score or 0) >= 80]
            assert earlier_passes


@PROPERTY
@given(histories(), st.dates(min_value=date(2015, 1, 1), max_value=date(2035, 1, 1)))
def test_the_order_the_log_lists_events_in_does_not_matter(history, on: date) -> None:  # type: ignore[no-untyped-def]
    """Reversing the events (same dates and lines) gives the same status."""
    numbered = [replace(event, line=number) for number, event in enumerate(history, start=2)]
    assert status_on(list(reversed(numbered)), on) == status_on(numbered, on)
