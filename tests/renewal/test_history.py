"""A coach's status over time (trainingkit.renewal.history)."""

from __future__ import annotations

from itertools import pairwise

from trainingkit.renewal.history import status_history
from trainingkit.renewal.status import Status

from .helpers import certified, day, renewed, review


def test_an_untouched_certification_runs_through_every_date_status_in_order() -> None:
    """certified, renewal_due, lapsed, supervision_required, each from its first day."""
    spans = status_history([certified("2024-02-29")], until=day("2026-12-31"))
    assert [(span.status, span.starts_on) for span in spans] == [
        (Status.CERTIFIED, day("2024-02-29")),
        (Status.RENEWAL_DUE, day("2025-11-30")),
        (Status.LAPSED, day("2026-03-01")),
        (Status.SUPERVISION_REQUIRED, day("2026-08-29")),
    ]
    assert spans[-1].ends_on == day("2026-12-31")


def test_a_renewal_starts_a_new_span_with_the_new_cycle() -> None:
    """After renewing, the coach is certified again under the next cycle."""
    history = status_history([certified("2024-02-29"), review("2025-12-01", 90), renewed("2025-12-02")],
                             until=day("2026-01-01"))
    assert [span.status for span in history] == [
        Status.CERTIFIED, Status.RENEWAL_DUE, Status.READY_TO_RENEW, Status.CERTIFIED]
    assert history[-1].cycle is not None and history[-1].cycle.starts_on == day("2026-02-28")


def test_spans_cover_every_day_without_gaps() -> None:
    """Each span starts the day after the previous one ends."""
    spans = status_history([certified("2024-01-31")], until=day("2027-01-01"))
    for before, after in pairwise(spans):
        assert (after.starts_on - before.ends_on).days == 1


def test_no_events_give_no_history() -> None:
    """Nothing to draw for a coach with no events."""
    assert status_history([], until=day("2025-01-01")) == []
