"""A whole event log, checked, grouped by coach and ready for the renewal rules.

:func:`.logfile.read_event_log` is the file edge (pandas, vectorised checks);
an :class:`EventLog` holds its result as columns and runs the one rule fold,
:func:`.rules.replay`, over every coach at once.
"""

from __future__ import annotations

import gc
from bisect import bisect_left, bisect_right
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .events import Event, EventKind
from .rules import RuleViolation, replay
from .settings import DEFAULT_RULES, RenewalRules
from .status import StatusTable

if TYPE_CHECKING:
    import numpy as np

__all__ = ["SHOWN_PROBLEMS", "EventLog", "EventLogError", "LogProblem", "paused_garbage_collection"]


#: How many problems one :class:`EventLogError` lists; the rest are only counted.
SHOWN_PROBLEMS = 50


@dataclass(frozen=True, slots=True)
class LogProblem:
    """One thing wrong with an event log: its ``line`` (the header is line 1), ``column`` and message.

    ``line`` is ``None`` when the problem is not on one line (an empty file) or
    the event came from elsewhere (the results register); ``column`` is ``None`` when
    the problem is not about one column.
    """

    line: int | None
    column: str | None
    message: str

    def located(self, path: str) -> str:
        """Return ``"PATH, line N, column C: message"`` (leaving out what is not known)."""
        where = [path]
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.column is not None:
            where.append(f"column {self.column}")
        return f"{', '.join(where)}: {self.message}"


class EventLogError(ValueError):
    """An event log breaks one or more rules; each problem names ``path``, its line and column.

    ``problems`` holds the first :data:`SHOWN_PROBLEMS` in file order and
    ``total`` counts them all. ``line``, ``column`` and ``message`` are those
    of the first problem.
    """

    def __init__(self, path: str | Path, line: int | None, message: str, *,
                 column: str | None = None) -> None:
        self._hold(str(path), (LogProblem(line, column, message),), total=1)

    @classmethod
    def of_problems(cls, path: str | Path, problems: Sequence[LogProblem], *,
                    total: int | None = None, unknown_more: bool = False) -> EventLogError:
        """Return the error for several ``problems`` (``total`` of them, if more were found;
        ``unknown_more`` when the search stopped before the end and there may be others)."""
        if not problems:
            raise ValueError("an EventLogError needs at least one problem")
        error = cls.__new__(cls)
        error._hold(str(path), tuple(problems[:SHOWN_PROBLEMS]),
                    total=max(total or 0, len(problems)), unknown_more=unknown_more)
        return error

    def _hold(self, path: str, problems: tuple[LogProblem, ...], *, total: int,
              unknown_more: bool = False) -> None:
        self.path = path
        self.problems = problems
        self.total = total
        self.line = problems[0].line
        self.column = problems[0].column
        self.message = problems[0].message
        lines = [problem.located(path) for problem in problems]
        if total > 1:
            listed = f" (the first {len(problems)} are listed)" if total > len(problems) else ""
            lines.insert(0, f"{path}: {total} problems{listed}:")
        if total > len(problems):
            lines.append(f"... and {total - len(problems)} more problems")
        elif unknown_more:
            lines.append("... the check stopped here; fix these and run it again to see any others")
        super().__init__("\n".join(lines))


@dataclass(frozen=True, eq=False)
class EventLog:
    """Every coach's events in rule order, as columns the fold reads.

    ``coach_ids`` is sorted; the events of ``coach_ids[i]`` are at positions
    ``starts[i]`` up to ``starts[i + 1]`` of ``whens`` (dates), ``kinds``,
    ``details`` (see :func:`.rules.detail_of`) and ``lines`` (the log line,
    or -1 for the results register's reviews; see :meth:`line_of`). Build one with
    :func:`trainingkit.renewal.logfile.read_event_log`.
    """

    path: str
    coach_ids: Sequence[str]
    starts: Sequence[int]
    whens: Sequence[date]
    kinds: Sequence[EventKind]
    details: Sequence[Any]
    lines: Sequence[int] | np.ndarray

    def __post_init__(self) -> None:
        columns = {len(self.whens), len(self.kinds), len(self.details), len(self.lines)}
        if len(self.starts) != len(self.coach_ids) + 1 or len(columns) != 1:
            raise ValueError("an EventLog needs equal columns and one start per coach plus the end")

    def statuses_on(self, on: date, rules: RenewalRules = DEFAULT_RULES) -> StatusTable:
        """Return every coach's status on ``on``, sorted by ``coach_id``.

        Raises :class:`EventLogError` naming, for each coach whose history breaks a rule
        (whatever its date), the line of the first event that does: coaches' histories are
        independent, so after one coach's problem the fold goes on with the next coach.
        It stops after :data:`SHOWN_PROBLEMS` coaches and says there may be more.
        """
        try:
            return replay(self.coach_ids, self.starts, self.whens, self.kinds, self.details, on, rules)
        except RuleViolation as violation:
            problems: list[LogProblem] = []
            stopped = self._around(violation, violation.index, 0, len(self.coach_ids), on, rules, problems)
        raise EventLogError.of_problems(self.path, problems, unknown_more=stopped) from None

    def _rule_problems(self, low: int, high: int, on: date, rules: RenewalRules,
                       problems: list[LogProblem]) -> bool:
        """Add the first problem of each coach ``low`` to ``high - 1`` that breaks a rule, in order.

        Replays those coaches; at a problem, the coaches before it (which a check of first
        events may have skipped) and after it are replayed in turn. Returns True if it
        stopped at :data:`SHOWN_PROBLEMS` with coaches left unchecked.
        """
        if low >= high:
            return False
        if len(problems) >= SHOWN_PROBLEMS:
            return True
        offset = self.starts[low]
        try:
            replay(self.coach_ids[low:high], [start - offset for start in self.starts[low:high + 1]],
                   self.whens[offset:self.starts[high]], self.kinds[offset:self.starts[high]],
                   self.details[offset:self.starts[high]], on, rules)
            return False
        except RuleViolation as violation:
            return self._around(violation, offset + violation.index, low, high, on, rules, problems)

    def _around(self, violation: RuleViolation, index: int, low: int, high: int, on: date,
                rules: RenewalRules, problems: list[LogProblem]) -> bool:
        """Record ``violation`` (at event ``index``) between the problems of the coaches before and
        after its coach, within coaches ``low`` to ``high - 1``; True if stopped early."""
        coach = bisect_right(self.starts, index) - 1
        if self._rule_problems(low, coach, on, rules, problems) or len(problems) >= SHOWN_PROBLEMS:
            return True
        problems.append(LogProblem(self.line_of(index), "event",
                                   f"coach {violation.coach_id}: {violation.message}"))
        return self._rule_problems(coach + 1, high, on, rules, problems)

    def line_of(self, index: int) -> int | None:
        """Return the log line of event ``index``, or ``None`` if it came from the results register."""
        line = int(self.lines[index])
        return None if line < 0 else line

    def check(self, rules: RenewalRules = DEFAULT_RULES) -> None:
        """Raise :class:`EventLogError` if any coach's history breaks a rule."""
        self.statuses_on(date.max, rules)

    def events(self, coach_id: str) -> list[Event]:
        """Return one coach's events in rule order (empty if the log never names them)."""
        index = _bisect(self.coach_ids, coach_id)
        if index is None:
            return []
        rows = range(self.starts[index], self.starts[index + 1])
        return [
            _event_from_detail(coach_id, self.whens[row], self.kinds[row], self.details[row],
                               self.line_of(row))
            for row in rows
        ]


@contextmanager
def paused_garbage_collection() -> Iterator[None]:
    """Pause the cyclic garbage collector while building many small objects.

    Reading a log of 600,000 events builds lists of that length and tens of
    thousands of small tuples, none of which form cycles; every collection
    would walk them all again. Reference counting still frees everything.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _bisect(sorted_ids: Sequence[str], coach_id: str) -> int | None:
    """Return the position of ``coach_id`` in ``sorted_ids``, or ``None``."""
    index = bisect_left(sorted_ids, coach_id)
    if index < len(sorted_ids) and sorted_ids[index] == coach_id:
        return index
    return None


def _event_from_detail(
    coach_id: str, on: date, kind: EventKind, detail: Any, line: int | None
) -> Event:
    """Rebuild the :class:`Event` from its column entries (see :func:`.rules.detail_of`)."""
    if kind is EventKind.REVIEW:
        return Event(coach_id, on, kind, score=detail.score, line=line,
                     cut_score=None if detail.legacy else detail.cut_score, form=detail.form)
    if kind is EventKind.SUPERVISION:
        return Event(coach_id, on, kind, supervisor=detail[0], hours=detail[1], line=line)
    if kind is EventKind.VERDICT:
        return Event(coach_id, on, kind, supervisor=detail[0], outcome=detail[1], line=line)
    if kind is EventKind.COMMITTEE:
        return Event(coach_id, on, kind, outcome=detail, line=line)
    return Event(coach_id, on, kind, line=line)
