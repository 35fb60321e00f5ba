"""The office's event log as rows of text, for the grid that edits it: pure, no file is touched.

A :class:`LogRow` is one line of the log as the office sees it, its nine columns as text; nothing
is parsed until the whole log is checked, so a line that breaks a rule can still be shown and put
right. :func:`rows_of` turns a log's bytes into rows, :func:`log_bytes` turns rows back into a log
(the current header, one line each, every line ended), and :func:`check_rows` runs the log's own
reader over those bytes (:func:`.logfile.check_log_bytes`, then every rule across lines) and names
the first problem by its line and column in one sentence. :func:`rebase` carries the office's
unsaved edits over to a log that changed on disk meanwhile, and says which edits it cannot carry.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from .eventlog import EventLogError, LogProblem
from .events import EVENT_COLUMNS, Event
from .logfile import check_log_bytes, header_problem
from .records import HEADER_LINE
from .settings import DEFAULT_RULES, RenewalRules

__all__ = ["LoadedRows", "LogRow", "Rebased", "RowProblem", "added_rows", "check_rows", "edited_rows",
           "log_bytes", "matching", "rebase", "row_lines", "rows_of"]


@dataclass(frozen=True, slots=True)
class LogRow:
    """One line of the event log: each column of :data:`.events.EVENT_COLUMNS` as the text written."""

    coach_id: str = ""
    date: str = ""
    event: str = ""
    supervisor: str = ""
    hours: str = ""
    score: str = ""
    outcome: str = ""
    cut_score: str = ""
    form: str = ""

    @classmethod
    def of_fields(cls, values: Sequence[str]) -> LogRow:
        """The row of a CSV line's fields (fewer than nine: the rest are empty)."""
        return cls(*values[: len(EVENT_COLUMNS)])

    def fields(self) -> tuple[str, ...]:
        """The nine columns, in the log's order."""
        return (self.coach_id, self.date, self.event, self.supervisor, self.hours, self.score, self.outcome,
                self.cut_score, self.form)

    def with_value(self, column: str, value: str) -> LogRow:
        """This row with ``column`` set to ``value``."""
        return replace(self, **{column: value})

    @property
    def blank(self) -> bool:
        """Whether every column is empty (a blank line, which the reader skips)."""
        return not any(self.fields())


@dataclass(frozen=True)
class LoadedRows:
    """A log's rows as read, and what the office should know first (``note``; ``None`` if nothing)."""

    rows: tuple[LogRow, ...]
    note: str | None = None


def rows_of(path: str | Path, data: bytes) -> LoadedRows:
    """The rows of the log ``data`` (the file ``path``), every line kept, blank ones too.

    Raises :class:`.EventLogError` naming the line when the log cannot be shown as rows: a header
    that is not the log's, text that is not UTF-8, a line with more fields than the header.
    An empty file (or none) reads as no rows.
    """
    if not data.strip():
        return LoadedRows(())
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        check_log_bytes(path, data)  # names each line that is not UTF-8
        raise  # pragma: no cover - the check above always raises for such data
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader)
    problem = header_problem(header)
    if problem:
        raise EventLogError(path, 1, problem)
    rows, too_long = [], []
    line = reader.line_num + 1
    for values in reader:
        if len(values) > len(header):
            too_long.append(LogProblem(line, None, f"expected {len(header)} fields, found {len(values)} "
                                                   "(a field with a comma in it needs double quotes around it)"))
        rows.append(LogRow.of_fields(values))
        line = reader.line_num + 1
    if too_long:
        raise EventLogError.of_problems(path, too_long)
    notes = []
    if len(header) < len(EVENT_COLUMNS):
        notes.append("this log has the header of before reviews carried their cut score; saving gives it "
                     "the current header (every line is kept)")
    if not data.endswith((b"\n", b"\r")) and rows:
        notes.append(f"its last line (line {row_lines(rows)[-1]}) did not end with a line break, so it may "
                     "have been cut off while it was written: check it against the record it came from")
    return LoadedRows(tuple(rows), "; ".join(notes) or None)


def log_bytes(rows: Iterable[LogRow]) -> bytes:
    """The event log holding ``rows``: the current header, then one line per row, each ended."""
    buffer = io.StringIO()
    buffer.write(HEADER_LINE)
    writer = csv.writer(buffer, lineterminator="\n")
    for row in rows:
        writer.writerow(row.fields())
    return buffer.getvalue().encode("utf-8")


def row_lines(rows: Sequence[LogRow]) -> list[int]:
    """The line of the log on which each row starts once written by :func:`log_bytes` (header: line 1)."""
    text = "".join("".join(row.fields()) for row in rows)
    if "\n" not in text and "\r" not in text:
        return list(range(2, len(rows) + 2))  # the usual log: a line per row
    lines, line = [], 2
    for row in rows:
        lines.append(line)
        line += 1 + sum(value.count("\n") + value.count("\r") for value in row.fields())
    return lines


@dataclass(frozen=True)
class RowProblem:
    """The first thing wrong with rows about to be saved: the ``row`` (index, or ``None`` when it is not
    one row's), its ``line`` and ``column``, the reader's ``message``, and how many ``more`` there are."""

    row: int | None
    line: int | None
    column: str | None
    message: str
    more: int = 0

    def sentence(self, rows: Sequence[LogRow]) -> str:
        """The problem in one line, naming the line (with its coach and date) and the column."""
        where = []
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.row is not None:
            row = rows[self.row]
            where[-1] += f" ({', '.join(part for part in (row.coach_id, row.date) if part) or 'an empty line'})"
        if self.column is not None:
            where.append(f"column {self.column}")
        text = f"{', '.join(where)}: {self.message}" if where else self.message
        if self.more:
            text += f" ({self.more} more problem{'s' if self.more > 1 else ''} after it)"
        return text


def check_rows(path: str | Path, rows: Sequence[LogRow], *, reviews: Iterable[Event] = (),
               rules: RenewalRules = DEFAULT_RULES, across_lines: bool = True) -> RowProblem | None:
    """Check ``rows`` as the event log ``path`` would be read once saved, with the results register's
    ``reviews``: each line's own rules, then (``across_lines``) the rules across lines.
    Return the first problem, or ``None``."""
    try:
        log = check_log_bytes(path, log_bytes(rows), reviews=reviews)
        if across_lines:
            log.check(rules)
    except EventLogError as error:
        first = error.problems[0]
        starts = row_lines(rows)
        row = starts.index(first.line) if first.line in starts else None
        return RowProblem(row, first.line, first.column, first.message, more=error.total - 1)
    return None


def edited_rows(loaded: Sequence[LogRow], rows: Sequence[LogRow]) -> list[int]:
    """The positions of the rows ``loaded`` held that ``rows`` changes."""
    return [index for index, row in enumerate(loaded) if rows[index] != row]


def added_rows(loaded: Sequence[LogRow], rows: Sequence[LogRow]) -> list[LogRow]:
    """The rows added after the ones ``loaded`` held."""
    return list(rows[len(loaded):])


@dataclass(frozen=True)
class Rebased:
    """The office's edits carried over to the log as it is now on disk.

    ``kept`` counts the edited and added rows carried over; ``dropped`` holds the positions (in the
    rows as they were edited) of edits to lines that changed on disk meanwhile, which are left out.
    """

    rows: tuple[LogRow, ...]
    kept: int
    dropped: tuple[int, ...]


def rebase(loaded: Sequence[LogRow], edited: Sequence[LogRow], disk: Sequence[LogRow]) -> Rebased:
    """Apply the edits that turned ``loaded`` into ``edited`` to ``disk``, the rows on disk now.

    An edit to a line that is the same on disk as when it was loaded is applied; one to a line that
    changed on disk (or is gone) is dropped, unless the disk already holds the edited row. Added rows
    go after every row on disk, so a line someone else added meanwhile is kept.
    """
    rows = list(disk)
    kept, dropped = 0, []
    for index in edited_rows(loaded, edited):
        if index < len(disk) and disk[index] in (loaded[index], edited[index]):
            rows[index] = edited[index]
            kept += 1
        else:
            dropped.append(index)
    added = added_rows(loaded, edited)
    return Rebased(tuple(rows + added), kept + len(added), tuple(dropped))


def matching(rows: Sequence[LogRow], *, coach: str = "", event: str = "") -> list[int]:
    """The positions of the rows whose coach id contains ``coach`` (any case) and whose event is
    ``event`` (empty: any), in log order."""
    wanted = coach.strip().casefold()
    return [index for index, row in enumerate(rows)
            if wanted in row.coach_id.casefold() and (not event or row.event.strip() == event)]
