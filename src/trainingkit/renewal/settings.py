"""The settings of the renewal rules, in one frozen object."""

from __future__ import annotations

from dataclasses import dataclass, field, fields

__all__ = ["DEFAULT_RULES", "RenewalRules"]


@dataclass(frozen=True, slots=True)
class RenewalRules:
    """Every number the certification office can tune, with its default.

    The rules in :mod:`trainingkit.renewal.rules` read these fields and nothing
    else, so a different office policy is a different ``RenewalRules`` value.

    The pass mark is not one of them: an ethics review passes at or above the cut score of
    the form sat (``coursework/forms.yaml``), which every review line carries
    (:class:`.events.ReviewResult`). The office has no scale of its own to put scores on.
    """

    #: Length of a certification cycle in calendar years. A cycle starting on
    #: 2024-02-29 expires on 2026-02-28 (clamped to the month's end).
    cycle_years: int = 2

    #: The renewal window opens this many days before ``expires_on``.
    window_days: int = 90

    #: Calendar months after ``expires_on`` during which renewal still only
    #: needs a counting review; ``grace_ends_on`` is the last day of them.
    grace_months: int = 6

    #: Hours of one-to-one supervision with one and the same supervisor that a
    #: renewal needs once the grace months are over.
    supervision_hours: float = 6.0

    #: Days a coach has to report a charge to the Professional Standards
    #: Committee: report date minus charge date must be at most this.
    charge_report_days: int = 10

    #: Ethics review sittings a coach may have in one renewal window (from the day it opens to
    #: the day their review is due); after that many without a pass, no further sitting opens in
    #: that window and the coach is referred to the office, which renews them through supervision.
    sittings_per_window: int = 2

    # The rules key a cache of cycle dates; hash them once, not on every look-up.
    _hash: int = field(init=False, repr=False, compare=False)

    def __hash__(self) -> int:
        return self._hash

    def __post_init__(self) -> None:
        if self.cycle_years < 1:
            raise ValueError("cycle_years must be at least 1")
        for name in ("window_days", "grace_months", "charge_report_days"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must not be negative")
        if self.sittings_per_window < 1:
            raise ValueError("sittings_per_window must be at least 1")
        if self.supervision_hours <= 0:
            raise ValueError("supervision_hours must be more than 0")
        settings = tuple(getattr(self, f.name) for f in fields(self) if f.compare)
        object.__setattr__(self, "_hash", hash(settings))


#: The office's published policy.
DEFAULT_RULES = RenewalRules()
