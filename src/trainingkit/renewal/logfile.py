"""Read an event log CSV file into an :class:`.eventlog.EventLog`: the file edge.

The bytes are read once; the header and the encoding are checked here, pandas
parses every field as text, and :mod:`.logcolumns` checks the rows column by
column. Every error names the file and the line (the header is line 1).

Rows may leave out trailing empty fields; blank lines are skipped. A log with the header of
before reviews carried their cut score (:data:`.events.LEGACY_EVENT_COLUMNS`) still reads, as
if its ``cut_score`` and ``form`` were empty. Every line ends with a
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
from .events import EVENT_COLUMNS, LEGACY_EVENT_COLUMNS, Event, EventKind, did_you_mean
from .logcolumns import CATEGORICAL_COLUMNS, Coded, LogColumns
from .settings import DEFAULT_RULES, RenewalRules
from .status import StatusTable

__all__ = ["UNFINISHED_LINE", "check_log_bytes", "header_problem", "read_event_log", "read_results",
           "read_statuses", "unfinished_last_line"]

_FIRST_LINE = re.compile(rb"[^\r\n]*")

#: What is said of a last line that does not end with a line break.
UNFINISHED_LINE = ("the last line does not end with a line break, so it may have been cut off while "
                   "it was written, and it was not read; check it against the record it came from, "
                   "complete it if needed, and end it with a line break (Enter)")


def read_event_log(path: str | Path, *, reviews: Iterable[Event] = ()) -> EventLog:
    """Read and check the event log at ``path``; add ``reviews`` from elsewhere.

    ``reviews`` are ethics review results from the results register. The
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
    return check_log_bytes(path, data, reviews=reviews)


def check_log_bytes(path: str | Path, data: bytes, *, reviews: Iterable[Event] = ()) -> EventLog:
    """Check ``data``, the bytes of an event log named ``path``, as :func:`read_event_log` checks a file.

    Used for a log not written yet (the office's grid checks what it is about to save).
    """
    path = Path(path)
    columns = _check_header(path, data)
    unfinished = unfinished_last_line(data)
    if unfinished is not None:
        raise _with_unfinished_line(path, data, unfinished, columns)
    return _checked(path, data, reviews, columns)


def read_results(path: str | Path | None) -> list[Event]:
    """The review lines of the results register at ``path`` (:mod:`trainingkit.exam.results`).

    No path, or no file there yet (nothing released), gives none. The register is read and
    checked as an event log; a line that is not a review is refused, naming its line.
    """
    if path is None or not Path(path).exists():
        return []
    log = read_event_log(path)
    events = [event for coach_id in log.coach_ids for event in log.events(coach_id)]
    others = sorted(event.line or 0 for event in events if event.kind is not EventKind.REVIEW)
    if others:
        raise EventLogError.of_problems(path, [
            LogProblem(line, "event", "the results register holds review lines only") for line in others[:10]],
            total=len(others))
    return events


def unfinished_last_line(data: bytes) -> int | None:
    """The number of the last line if it has no line break at its end (the header is line 1).

    A header alone without one is complete: anything cut from it is not the header.
    """
    if not data or data.endswith((b"\n", b"\r")):
        return None
    line = len(data.splitlines())
    return line if line > 1 else None


def _with_unfinished_line(path: Path, data: bytes, line: int, columns: tuple[str, ...]) -> EventLogError:
    """The error naming the unfinished last line, after any problem of the lines before it."""
    problem = LogProblem(line, None, UNFINISHED_LINE)
    complete = data[: max(data.rfind(b"\n"), data.rfind(b"\r")) + 1]
    try:
        _checked(path, complete, (), columns)
    except EventLogError as error:
        return EventLogError.of_problems(path, [*error.problems, problem], total=error.total + 1)
    return EventLogError.of_problems(path, [problem])


def _checked(path: Path, data: bytes, reviews: Iterable[Event], columns: tuple[str, ...]) -> EventLog:
    """The event log in ``data`` (whose header, ``columns``, is checked), with ``reviews`` added."""
    frame = _parse(path, data, columns)
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


def _check_header(path: Path, data: bytes) -> tuple[str, ...]:
    """Return the file's columns; raise unless it starts with exactly the header (or the legacy one)."""
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
    return tuple(header)


def header_problem(header: list[str]) -> str | None:
    """Say what is wrong with an event log's header (its column names), or return ``None``.

    The legacy header (:data:`.events.LEGACY_EVENT_COLUMNS`) is accepted too.
    """
    if tuple(header) in (EVENT_COLUMNS, LEGACY_EVENT_COLUMNS):
        return None
    expected = ",".join(EVENT_COLUMNS)
    named = [name.strip() for name in header]
    # a header without the review's cut_score and form is judged as the legacy one it is meant to be
    columns = EVENT_COLUMNS if {"cut_score", "form"} & set(named) else LEGACY_EVENT_COLUMNS
    missing = [name for name in columns if name not in named]
    unknown = [name for name in named if name not in columns]
    parts = []
    if missing:
        parts.append("it lacks " + ", ".join(missing))
    for name in unknown:
        parts.append(f"{name!r} is not a column{did_you_mean(name, missing or columns)}"
                     if name else "it has a column with no name")
    if not parts and named == list(columns):
        parts.append("a column name has spaces around it")
    elif not parts and len(named) != len(set(named)):
        parts.append("a column is named twice")
    elif not parts:
        parts.append("the columns are in another order")
    return (f"the header must be exactly {expected}, but " + "; ".join(parts)
            + f" (a log from before reviews carried their cut score may keep {','.join(LEGACY_EVENT_COLUMNS)})")


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


def _parse(path: Path, data: bytes, columns: tuple[str, ...]) -> pd.DataFrame:
    """Parse the CSV with every field as text (empty fields as ``""``).

    All columns but ``coach_id`` are parsed as categorical: pandas then makes
    one string per distinct value instead of one per row, which is most of
    the cost of reading a large log. Columns a legacy header lacks are added, empty.
    """
    try:
        frame = pd.read_csv(
            io.BytesIO(data),
            dtype={"coach_id": object, **dict.fromkeys(
                [name for name in CATEGORICAL_COLUMNS if name in columns], "category")},
            na_filter=False,
            skip_blank_lines=False,
            index_col=False,
            encoding="utf-8-sig",
        )
    except UnicodeDecodeError:
        raise _not_utf8(path, data) from None
    except pd.errors.ParserError as error:
        problems = _too_many_fields(data, columns)
        if not problems:
            raise EventLogError(path, None, f"not a readable CSV file ({error})") from None
        raise EventLogError.of_problems(path, problems) from None
    for name in CATEGORICAL_COLUMNS:
        if name not in frame:
            frame[name] = pd.Categorical.from_codes(np.zeros(len(frame), dtype=np.int8), categories=[""])
    return frame


def _too_many_fields(data: bytes, columns: tuple[str, ...]) -> list[LogProblem]:
    """Name every row with more fields than the header (the header is line 1)."""
    reader = csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""))
    problems = []
    line = 1
    legacy = (" (this log has the header of before reviews carried their cut score: add "
              "cut_score,form to its first line)" if columns == LEGACY_EVENT_COLUMNS else "")
    for row in reader:
        if len(row) > len(columns):
            problems.append(LogProblem(line, None, f"expected {len(columns)} fields, found "
                                                   f"{len(row)} (a field with a comma in it needs "
                                                   f"double quotes around it){legacy}"))
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
