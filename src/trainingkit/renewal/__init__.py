"""Certification renewal tracking: pure rules over an append-only event log.

The rules (:func:`status_on`, :func:`replay`) are pure functions of a coach's
events, a date and a :class:`RenewalRules`. Reading a log file
(:func:`read_event_log`, :func:`read_statuses`) needs pandas and is imported
on first use, so importing this package stays light.

Modules, in the order data passes through them: ``logfile`` reads the CSV
(header, encoding, fields) and ``logcolumns`` checks its rows column by column
against ``events`` (the vocabulary, and :data:`.events.EVENT_TABLE` of what each event
needs), reporting every problem at once as an ``eventlog.EventLogError``;
``logfile.read_results`` adds the results register's reviews (each with its form's cut
score, the one pass mark: :class:`.events.ReviewResult`); ``eventlog`` holds the checked log and
runs ``rules`` (the one fold, using ``dates``, ``settings``, ``cycle``) into a
``status`` table. ``reviews`` counts review attempts and failures per coach;
``history``, ``report`` and ``plots`` make the office's tables and figures;
``private_files`` makes their private folders; ``records`` appends events to the log (whole lines,
fsynced; for ``renewal record``, only once the log with them reads and keeps every rule);
``commands`` and ``cli`` are the commands, and
``workspace`` is the office's notebook (``notebooks/office/renewals.ipynb``), section by section.
The notebook's grid edits the log: ``logrows`` (the log as rows of text, checked by ``logfile``),
``logsave`` (the whole file replaced in one rename, never over a log changed meanwhile) and
``logeditor`` (the widgets).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .cycle import Cycle, cycle_starting_on
from .eventlog import EventLog, EventLogError
from .events import EVENT_COLUMNS, Decision, Event, EventKind, Verdict
from .rules import RuleViolation, replay, status_on
from .settings import DEFAULT_RULES, RenewalRules
from .status import CoachStatus, Flag, Status, StatusTable

if TYPE_CHECKING:
    from .logfile import read_event_log, read_statuses

__all__ = [
    "DEFAULT_RULES",
    "EVENT_COLUMNS",
    "CoachStatus",
    "Cycle",
    "Decision",
    "Event",
    "EventKind",
    "EventLog",
    "EventLogError",
    "Flag",
    "RenewalRules",
    "RuleViolation",
    "Status",
    "StatusTable",
    "Verdict",
    "cycle_starting_on",
    "read_event_log",
    "read_statuses",
    "replay",
    "status_on",
]

_LAZY = {"read_event_log", "read_statuses"}


def __getattr__(name: str) -> Any:
    """Import the pandas-backed readers on first use."""
    if name in _LAZY:
        from . import logfile

        return getattr(logfile, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
