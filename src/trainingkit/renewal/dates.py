"""Calendar arithmetic that clamps to the end of the month.

Certification cycles are counted in calendar years and months, not in days:
two years after 2024-02-29 is 2026-02-28, and six months after 2025-08-31 is
2026-02-28. :class:`dateutil.relativedelta.relativedelta` does exactly that
clamping, so every cycle date in the renewal rules comes from here.

(The module is not called ``calendar`` so that it never shadows the standard
library module of that name.)
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

__all__ = ["add_days", "add_months", "add_years", "parse_iso_date"]

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def add_years(start: date, years: int) -> date:
    """Return ``start`` plus whole calendar ``years``, clamped to the month's end."""
    return start + relativedelta(years=years)


def add_months(start: date, months: int) -> date:
    """Return ``start`` plus calendar ``months``, clamped to the month's end."""
    return start + relativedelta(months=months)


def add_days(start: date, days: int) -> date:
    """Return ``start`` plus ``days`` days (negative ``days`` go back in time)."""
    return start + timedelta(days=days)


def parse_iso_date(text: str) -> date:
    """Parse exactly ``YYYY-MM-DD`` into a date.

    Raises ``ValueError`` for anything else, including the other spellings
    that :meth:`datetime.date.fromisoformat` accepts (``20240131``, week dates).
    """
    if not _ISO_DATE.fullmatch(text):
        raise ValueError(f"{text!r} is not a date in YYYY-MM-DD form")
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{text!r} is not a calendar date") from None
