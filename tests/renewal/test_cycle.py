"""Cycle dates (trainingkit.renewal.cycle)."""

from __future__ import annotations

from datetime import date

from trainingkit.renewal.cycle import cycle_starting_on
from trainingkit.renewal.settings import DEFAULT_RULES, RenewalRules


def test_a_cycle_from_a_leap_day_expires_on_the_28th_and_opens_its_window_90_days_before() -> None:
    """Certified 2024-02-29: expires 2026-02-28, window 2025-11-30, grace to 2026-08-28."""
    cycle = cycle_starting_on(date(2024, 2, 29), DEFAULT_RULES)
    assert (cycle.expires_on, cycle.window_opens_on, cycle.grace_ends_on) == (
        date(2026, 2, 28), date(2025, 11, 30), date(2026, 8, 28))


def test_grace_clamps_to_the_end_of_a_short_month() -> None:
    """Expiring 2025-08-31, the grace ends 2026-02-28."""
    cycle = cycle_starting_on(date(2023, 8, 31), DEFAULT_RULES)
    assert cycle.expires_on == date(2025, 8, 31)
    assert cycle.grace_ends_on == date(2026, 2, 28)


def test_the_window_includes_its_first_day_and_the_expiry_day() -> None:
    """The window is open from window_opens_on through expires_on, inclusive."""
    cycle = cycle_starting_on(date(2024, 1, 10), DEFAULT_RULES)
    assert cycle.window_is_open(cycle.window_opens_on) and cycle.window_is_open(cycle.expires_on)
    assert not cycle.window_is_open(date(2025, 10, 11)) and not cycle.window_is_open(date(2026, 1, 11))


def test_other_rules_give_other_dates() -> None:
    """The cycle follows the rules it is asked about, not a cached default."""
    rules = RenewalRules(cycle_years=3, window_days=30, grace_months=1)
    cycle = cycle_starting_on(date(2024, 1, 31), rules)
    assert (cycle.expires_on, cycle.window_opens_on, cycle.grace_ends_on) == (
        date(2027, 1, 31), date(2027, 1, 1), date(2027, 2, 28))
