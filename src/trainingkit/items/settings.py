"""What counts as a healthy item: named thresholds, and the flags an item outside them gets."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

__all__ = ["DEFAULT_RANGES", "DEFAULT_RETIREMENT", "Flag", "HealthyRanges", "RetirementRule"]


class Flag(StrEnum):
    """Why an item deserves a second look, as written in the ``flags`` column."""

    TOO_HARD = "too_hard"
    """Facility index below ``HealthyRanges.min_facility``: few trainees earn its points."""
    TOO_EASY = "too_easy"
    """Facility index above ``HealthyRanges.max_facility``: nearly everyone earns its points."""
    LOW_DISCRIMINATION = "low_discrimination"
    """Discrimination index below ``HealthyRanges.min_discrimination``: the item barely agrees
    with the rest of the assignment (a negative value means stronger trainees do worse on it)."""
    NO_SPREAD = "no_spread"
    """Every trainee scored the same on the item (or on the rest of the assignment), so its
    discrimination cannot be computed."""


@dataclass(frozen=True)
class HealthyRanges:
    """The ranges an item should fall in; values are fractions (Moodle shows them as percents).

    A flag needs at least ``min_trainees`` fully graded trainees: with fewer, the numbers
    are printed but say too little to act on.
    """

    #: Facility index (mean score / maximum) below this: the item is too hard.
    min_facility: float = 0.2
    #: Facility index above this: the item is too easy.
    max_facility: float = 0.95
    #: Discrimination index (correlation with the rest of the test) below this: weak item.
    min_discrimination: float = 0.2
    #: Fewest fully graded trainees before any item is flagged.
    min_trainees: int = 2

    def __post_init__(self) -> None:
        if not 0 <= self.min_facility < self.max_facility <= 1:
            raise ValueError("healthy ranges need 0 <= min_facility < max_facility <= 1, "
                             f"got {self.min_facility} and {self.max_facility}")
        if not -1 <= self.min_discrimination <= 1:
            raise ValueError(f"min_discrimination must lie between -1 and 1, got {self.min_discrimination}")
        if self.min_trainees < 2:
            raise ValueError(f"min_trainees must be at least 2, got {self.min_trainees}")


#: The ranges used unless a caller passes others.
DEFAULT_RANGES = HealthyRanges()


@dataclass(frozen=True)
class RetirementRule:
    """When an item is proposed for retirement from the exam (``trainingkit items --retirements``).

    Stricter than :class:`HealthyRanges`, which only flags items for a second look: a
    certification form wants items of middling difficulty that agree with the rest of it.
    Proposals need ``min_trainees`` fully graded coaches; with fewer an item is only watched,
    as classical item statistics from a handful of coaches swing too far to retire on.
    """

    #: Facility (mean score / maximum) below this: too hard for the form.
    min_facility: float = 0.30
    #: Facility above this: too easy to tell coaches apart.
    max_facility: float = 0.90
    #: Discrimination (correlation with the rest of the form) below this: a weak item.
    min_discrimination: float = 0.20
    #: Fewest fully graded coaches before an item is proposed for retirement rather than watched.
    min_trainees: int = 30

    def __post_init__(self) -> None:
        if not 0 <= self.min_facility < self.max_facility <= 1:
            raise ValueError("a retirement rule needs 0 <= min_facility < max_facility <= 1, "
                             f"got {self.min_facility} and {self.max_facility}")
        if self.min_trainees < 2:
            raise ValueError(f"min_trainees must be at least 2, got {self.min_trainees}")


#: The retirement rule used unless a caller passes another.
DEFAULT_RETIREMENT = RetirementRule()
