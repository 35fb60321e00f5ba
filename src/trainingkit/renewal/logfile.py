"""Read an event log CSV file into an :class:`.eventlog.EventLog`: the file edge.

The bytes are read once; the header and the encoding are checked here, pandas
parses every field as text, and :mod:`.logcolumns` checks the rows column by
column. Every error names the file and the line (the header is line 1).

Rows may leave out trailing empty fields; blank lines are skipped. Every line ends with a
line break: a last line without one may have been cut off while it was written (a killed
append, a full disk, a power cut), so it is reported as a problem, never read as an event.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from .eventlog import EventLog, EventLogError, LogProblem, paused_garbage_collection
from .events import EVENT_COLUMNS, Event, did_you_mean
from .logcolumns import CATEGORICAL_COLUMNS, Coded, LogColumns
from .settings import DEFAULT_RULES, RenewalRules
from .status import StatusTable

__all__ = ["UNFINISHED_LINE", "header_problem", "read_event_log", "read_statuses", "unfinished_last_line"]

_FIRST_LINE = re.compile(rb"[^\r\n]*")

#: What is said of a last line that does not end with a line break.
UNFINISHED_LINE = ("the last line does not end with a line break, so it may have been cut off while "
                   "it was written, and it was not read; check it against the record it came from, "
                   "complete it if needed, and end it with a line break (Enter)")


def read_event_log(path: str | Path, *, reviews: Iterable[Event] = ()) -> EventLog:
    """Read and check the event log at ``path``; add ``reviews`` from elsewhere.

    ``reviews`` are ethics review results from the nbgrader gradebook. The
    review course is also taken by trainees, so a review of someone the log
    never certifies, or dated before their first certification, is left out.

    Raises :class:`EventLogError` for the first row that breaks a rule of its
    own (unknown event, malformed date or number, score outside 0 to 100,
    hours at or below 0, a supervisor missing). Rules across rows (events
    before the first certification, renewals) are checked when the log is
    read on a date, by :meth:`EventLog.statuses_on`.
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise EventLogError(path, None, f"cannot read the event log: {error.strerror}") from None
    _check_header(path, data)
    unfinished = unfinished_last_line(data)
    if unfinished is not None:
        raise _with_unfinished_line(path, data, unfinished)
    return _checked(path, data, reviews)


def unfinished_last_line(data: bytes) -> int | None:
    """The number of the last line if it has no line break at its end (the header is line 1).

    A header alone without one is complete: anything cut from it is not the header.
    """
    if not data or data.endswith((b"\n", b"\r")):
        return None
    line = len(data.splitlines())
    return line if line > 1 else None


def _with_unfinished_line(path: Path, data: bytes, line: int) -> EventLogError:
    """The error naming the unfinished last line, after any problem of the lines before it."""
    problem = LogProblem(line, None, UNFINISHED_LINE)
    complete = data[: max(data.rfind(b"\n"), data.rfind(b"\r")) + 1]
    try:
        _checked(path, complete, ())
    except EventLogError as error:
        return EventLogError.of_problems(path, [*error.problems, problem], total=error.total + 1)
    return EventLogError.of_problems(path, [problem])


def _checked(path: Path, data: bytes, reviews: Iterable[Event]) -> EventLog:
    """The event log in ``data`` (whose header is checked), with ``reviews`` added."""
    frame = _parse(path, data)
    lines, one_row_per_line = _line_numbers(data, len(frame))
    with paused_garbage_collection():
        table = LogColumns.check(
            path,
            frame["coach_id"].to_numpy(dtype=object),
            {name: Coded.of_categorical(frame[name]) for name in CATEGORICAL_COLUMNS},
            lines,
            one_row_per_line=one_row_per_line,
        )
        del frame
        table = table.with_reviews(list(reviews))
        return table.event_log(str(path))


def read_statuses(
    path: str | Path,
    on: date,
    *,
    rules: RenewalRules = DEFAULT_RULES,
    reviews: Iterable[Event] = (),
) -> StatusTable:
    """Read and check the event log at ``path``; return every coach's status on ``on``.

    The same as ``read_event_log(path, reviews=reviews).statuses_on(on, rules)``,
    but the event columns are dropped before the garbage collector runs
    again, so that it never has to walk their hundreds of thousands of entries.
    """
    with paused_garbage_collection():
        log = read_event_log(path, reviews=reviews)
        table = log.statuses_on(on, rules)
        del log
    return table


_SAVE_AS_UTF8 = "save it from the spreadsheet as \"CSV UTF-8\""


def _check_header(path: Path, data: bytes) -> None:
    """Raise unless the file starts with exactly the expected header."""
    if not data.removeprefix(b"\xef\xbb\xbf").strip():
        raise EventLogError(path, 1, "the file is empty; an event log starts with the header "
                                     + ",".join(EVENT_COLUMNS))
    first_line = _FIRST_LINE.match(data).group().removeprefix(b"\xef\xbb\xbf")  # type: ignore[union-attr]
    try:
        header = next(csv.reader([first_line.decode("utf-8")]), [])
    except UnicodeDecodeError:
        raise _not_utf8(path, data) from None
    problem = header_problem(header)
    if problem:
        raise EventLogError(path, 1, problem)


def header_problem(header: list[str]) -> str | None:
    """Say what is wrong with an event log's header (its column names), or return ``None``."""
    if tuple(header) == EVENT_COLUMNS:
        return None
    expected = ",".join(EVENT_COLUMNS)
    named = [name.strip() for name in header]
    missing = [name for name in EVENT_COLUMNS if name not in named]
    unknown = [name for name in named if name not in EVENT_COLUMNS]
    parts = []
    if missing:
        parts.append("it lacks " + ", ".join(missing))
    for name in unknown:
        parts.append(f"{name!r} is not a column{did_you_mean(name, missing or EVENT_COLUMNS)}"
                     if name else "it has a column with no name")
    if not parts and named == list(EVENT_COLUMNS):
        parts.append("a column name has spaces around it")
    elif not parts and len(named) != len(set(named)):
        parts.append("a column is named twice")
    elif not parts:
        parts.append("the columns are in another order")
    return f"the header must be exactly {expected}, but " + "; ".join(parts)


def _not_utf8(path: Path, data: bytes) -> EventLogError:
    """The error naming every line that is not UTF-8 text (the first few, and how many)."""
    problems = []
    for number, line in enumerate(data.splitlines(), start=1):
        try:
            line.decode("utf-8")
        except UnicodeDecodeError as error:
            byte = line[error.start]
            problems.append(LogProblem(number, None, f"byte 0x{byte:02x} at character {error.start + 1} "
                                                     f"is not UTF-8 text; {_SAVE_AS_UTF8}"))
    return EventLogError.of_problems(path, problems)


def _parse(path: Path, data: bytes) -> pd.DataFrame:
    """Parse the CSV with every field as text (empty fields as ``""``).

    All columns but ``coach_id`` are parsed as categorical: pandas then makes
    one string per distinct value instead of one per row, which is most of
    the cost of reading a large log.
    """
    try:
        return pd.read_csv(
            io.BytesIO(data),
            dtype={"coach_id": object, **dict.fromkeys(CATEGORICAL_COLUMNS, "category")},
            na_filter=False,
            skip_blank_lines=False,
            index_col=False,
            encoding="utf-8-sig",
        )
    except UnicodeDecodeError:
        raise _not_utf8(path, data) from None
    except pd.errors.ParserError as error:
        problems = _too_many_fields(data)
        if not problems:
            raise EventLogError(path, None, f"not a readable CSV file ({error})") from None
        raise EventLogError.of_problems(path, problems) from None


def _too_many_fields(data: bytes) -> list[LogProblem]:
    """Name every row with more fields than the header (the header is line 1)."""
    reader = csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""))
    problems = []
    line = 1
    for row in reader:
        if len(row) > len(EVENT_COLUMNS):
            problems.append(LogProblem(line, None, f"expected {len(EVENT_COLUMNS)} fields, found "
                                                   f"{len(row)} (a field with a comma in it needs "
                                                   "double quotes around it)"))
        line = reader.line_num + 1
    return problems


def _line_numbers(data: bytes, rows: int) -> tuple[np.ndarray, bool]:
    """Return the file line on which each data row starts (the header is line 1).

    Also say whether every row is on a line of its own, the usual case; a
    quoted field that spans lines (or old Mac line endings) needs the slower
    count by :mod:`csv`.
    """
    physical = data.count(b"\n") + (0 if data.endswith(b"\n") else 1)
    if physical == rows + 1:
        return np.arange(2, rows + 2, dtype=np.int64), True
    starts = []
    reader = csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""))
    previous_end = 0
    for _ in reader:
        starts.append(previous_end + 1)
        previous_end = reader.line_num
    return np.asarray(starts[1 : rows + 1], dtype=np.int64), False
