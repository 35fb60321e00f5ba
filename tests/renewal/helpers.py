"""Small builders shared by the renewal tests."""

from __future__ import annotations

from datetime import date

from trainingkit.renewal.events import Event, EventKind


def day(text: str) -> date:
    """Return the date written ``YYYY-MM-DD``."""
    return date.fromisoformat(text)


def certified(on: str, coach_id: str = "C1") -> Event:
    return Event(coach_id, day(on), EventKind.CERTIFIED)


def review(on: str, score: float, coach_id: str = "C1", cut_score: float | None = 80.0,
           form: str | None = "cycle-1") -> Event:
    """A review against a form whose cut score is 80 unless said (``cut_score=None``: a legacy line)."""
    return Event(coach_id, day(on), EventKind.REVIEW, score=score, cut_score=cut_score,
                 form=form if cut_score is not None else None)


def renewed(on: str, coach_id: str = "C1", line: int | None = None) -> Event:
    return Event(coach_id, day(on), EventKind.RENEWED, line=line)


def supervision(on: str, supervisor: str, hours: float, coach_id: str = "C1") -> Event:
    return Event(coach_id, day(on), EventKind.SUPERVISION, supervisor=supervisor, hours=hours)


def verdict(on: str, supervisor: str, outcome: str, coach_id: str = "C1") -> Event:
    return Event(coach_id, day(on), EventKind.VERDICT, supervisor=supervisor, outcome=outcome)


def committee(on: str, outcome: str, coach_id: str = "C1") -> Event:
    return Event(coach_id, day(on), EventKind.COMMITTEE, outcome=outcome)


def charged(on: str, coach_id: str = "C1") -> Event:
    return Event(coach_id, day(on), EventKind.CHARGED)


def charge_reported(on: str, coach_id: str = "C1", line: int | None = None) -> Event:
    return Event(coach_id, day(on), EventKind.CHARGE_REPORTED, line=line)
