"""The office's list of open renewal windows: how "this coach's review is due" reaches the course.

The office's records are private to the office, and the course (gradebook, submissions) is the
grader's; neither reads the other's. The office publishes just this list into a folder the grader
account reads (``PREFIX/windows/open.csv`` on the hub, :mod:`trainingkit.hub.layout`), the mirror
of the results register the grader writes for the office. One line per coach whose review is due::

    coach_id,window_opens_on,due

A coach is listed while their renewal is due (window open, no counting review yet: due when the
certification expires) or lapsed within the grace months (due when the grace ends).
:func:`open_windows` is pure; :func:`read_windows` names the file and line of a bad row.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from .status import CoachStatus, Status

__all__ = ["WINDOWS_HEADER", "Window", "WindowsError", "open_windows", "read_windows", "windows_csv"]

WINDOWS_HEADER = ("coach_id", "window_opens_on", "due")


class WindowsError(ValueError):
    """The list cannot be read; the message names the file and line."""


@dataclass(frozen=True)
class Window:
    """A coach's open renewal window, as the office publishes it: their review is due by ``due``."""

    coach_id: str
    opens_on: dt.date
    due: dt.date


def open_windows(statuses: Iterable[CoachStatus]) -> list[Window]:
    """The coaches whose review is due on the statuses' date, with the day it is due by."""
    windows = []
    for status in statuses:
        if status.cycle is None:
            continue
        if status.status is Status.RENEWAL_DUE:
            windows.append(Window(status.coach_id, status.cycle.window_opens_on, status.cycle.expires_on))
        elif status.status is Status.LAPSED:
            windows.append(Window(status.coach_id, status.cycle.window_opens_on, status.cycle.grace_ends_on))
    return sorted(windows, key=lambda window: window.coach_id)


def windows_csv(windows: Sequence[Window]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(WINDOWS_HEADER)
    writer.writerows([w.coach_id, w.opens_on.isoformat(), w.due.isoformat()] for w in windows)
    return buffer.getvalue()


def read_windows(path: Path) -> list[Window]:
    """The published windows; none when the office has published none."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    except (OSError, UnicodeDecodeError) as error:
        raise WindowsError(f"{path}: cannot be read ({error})") from None
    rows = list(csv.reader(io.StringIO(text)))
    if not rows or tuple(rows[0]) != WINDOWS_HEADER:
        raise WindowsError(f"{path}: line 1: the header must be {','.join(WINDOWS_HEADER)}")
    windows = []
    for line, row in enumerate(rows[1:], start=2):
        if not row:
            continue
        try:
            coach_id, opens, due = row
            windows.append(Window(coach_id, dt.date.fromisoformat(opens), dt.date.fromisoformat(due)))
        except ValueError:
            raise WindowsError(f"{path}: line {line}: expected coach_id,YYYY-MM-DD,YYYY-MM-DD") from None
    return windows
