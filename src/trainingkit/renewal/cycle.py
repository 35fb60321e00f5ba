"""A two-year certification cycle and its key dates."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from .dates import add_days, add_months, add_years
from .settings import RenewalRules

__all__ = ["Cycle", "cycle_starting_on", "cycles_under"]


@dataclass(frozen=True, slots=True)
class Cycle:
    """One certification cycle: valid from ``starts_on`` through ``expires_on``.

    ``window_opens_on`` is the first day a renewal review can count, and
    ``grace_ends_on`` the last day a renewal needs no supervision (all
    inclusive).
    """

    starts_on: date
    window_opens_on: date
    expires_on: date
    grace_ends_on: date

    def window_is_open(self, on: date) -> bool:
        """Is ``on`` inside the renewal window, before the certification expires?"""
        return self.window_opens_on <= on <= self.expires_on


def cycle_starting_on(starts_on: date, rules: RenewalRules) -> Cycle:
    """Return the cycle that starts on ``starts_on`` under ``rules``."""
    return cycles_under(rules)[starts_on]


class _Cycles(dict[date, Cycle]):
    """Cycles by start date under one set of rules, each computed on first use."""

    def __init__(self, rules: RenewalRules) -> None:
        super().__init__()
        self.rules = rules

    def __missing__(self, starts_on: date) -> Cycle:
        rules = self.rules
        expires_on = add_years(starts_on, rules.cycle_years)
        cycle = Cycle(
            starts_on=starts_on,
            window_opens_on=add_days(expires_on, -rules.window_days),
            expires_on=expires_on,
            grace_ends_on=add_months(expires_on, rules.grace_months),
        )
        self[starts_on] = cycle
        return cycle


@lru_cache(maxsize=16)
def cycles_under(rules: RenewalRules) -> Mapping[date, Cycle]:
    """Return the cycles under ``rules``, looked up by start date (``cycles[start]``).

    A large log has many coaches but few distinct start dates, so each cycle
    is computed once and then looked up.
    """
    return _Cycles(rules)
