"""Clamped calendar arithmetic (trainingkit.renewal.dates)."""

from __future__ import annotations

import calendar
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from trainingkit.renewal.dates import add_days, add_months, add_years, parse_iso_date


def test_two_years_after_a_leap_day_is_the_last_day_of_february() -> None:
    """2024-02-29 plus 2 years is 2026-02-28."""
    assert add_years(date(2024, 2, 29), 2) == date(2026, 2, 28)


def test_six_months_after_the_31st_clamps_to_the_end_of_february() -> None:
    """2025-08-31 plus 6 months is 2026-02-28."""
    assert add_months(date(2025, 8, 31), 6) == date(2026, 2, 28)


def test_four_years_after_a_leap_day_is_a_leap_day_again() -> None:
    """Clamping only happens when the target month is too short."""
    assert add_years(date(2024, 2, 29), 4) == date(2028, 2, 29)


def test_ninety_days_before_is_plain_day_arithmetic() -> None:
    """Going back 90 days from 2026-02-28 lands on 2025-11-30."""
    assert add_days(date(2026, 2, 28), -90) == date(2025, 11, 30)


@settings(deadline=None)
@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 31)),
       st.integers(min_value=-120, max_value=120))
def test_clamped_month_arithmetic_never_yields_an_invalid_date(start: date, months: int) -> None:
    """Adding months gives a real date in the right month, on the same day or the month's last."""
    result = add_months(start, months)
    month_index = start.year * 12 + start.month - 1 + months
    year, month_zero_based = divmod(month_index, 12)
    assert (result.year, result.month) == (year, month_zero_based + 1)
    last_day = calendar.monthrange(result.year, result.month)[1]
    assert result.day == min(start.day, last_day)


@settings(deadline=None)
@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 31)),
       st.integers(min_value=0, max_value=10))
def test_clamped_year_arithmetic_keeps_the_month_and_never_overshoots(start: date, years: int) -> None:
    """Adding years keeps the month, and the day moves at most back to the month's end."""
    result = add_years(start, years)
    assert (result.year, result.month) == (start.year + years, start.month)
    assert result.day == min(start.day, calendar.monthrange(result.year, result.month)[1])


@pytest.mark.parametrize("text", ["2024-1-01", "20240101", "2024-W01-1", "2024-02-30", " 2024-01-01", ""])
def test_only_real_dates_in_yyyy_mm_dd_form_parse(text: str) -> None:
    """Other spellings and impossible days are rejected."""
    with pytest.raises(ValueError):
        parse_iso_date(text)


def test_a_yyyy_mm_dd_date_parses() -> None:
    """The one accepted form gives the date it names."""
    assert parse_iso_date("2024-02-29") == date(2024, 2, 29)
