"""Read an event log CSV file into an :class:`.eventlog.EventLog`: the file edge.

The bytes are read once; the header and the encoding are checked here, pandas
parses every field as text, and :mod:`.logcolumns` checks the rows column by
column. Every error names the file and the line (the header is line 1).

Rows may leave out trailing empty fields; blank lines are skipped.
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

from .eventlog import EventLog, EventLogError, paused_garbage_collection
from .events import EVENT_COLUMNS, Event
from .logcolumns import CATEGORICAL_COLUMNS, Coded, LogColumns
from .settings import DEFAULT_RULES, RenewalRules
from .status import StatusTable

__all__ = ["read_event_log", "read_statuses"]

_FIRST_LINE = re.compile(rb"[^\r\n]*")
_FIELDS_ERROR = re.compile(r"Expected (\d+) fields in line (\d+), saw (\d+)")


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


def _check_header(path: Path, data: bytes) -> None:
    """Raise unless the first line is exactly the expected header."""
    first_line = _FIRST_LINE.match(data).group().removeprefix(b"\xef\xbb\xbf")  # type: ignore[union-attr]
    try:
        header = next(csv.reader([first_line.decode("utf-8")]), [])
    except UnicodeDecodeError:
        header = []
    if tuple(header) != EVENT_COLUMNS:
        expected = ",".join(EVENT_COLUMNS)
        found = first_line.decode("utf-8", "replace") or "an empty line"
        raise EventLogError(path, 1, f"the header must be {expected}, not {found}")


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
        error = _first_decode_error(data)
        line = data[: error.start].count(b"\n") + 1
        raise EventLogError(path, line, "the file is not UTF-8 text") from None
    except pd.errors.ParserError as error:
        found = _FIELDS_ERROR.search(str(error))
        if found is None:
            raise EventLogError(path, None, f"not a readable CSV file ({error})") from None
        expected, bad_line, saw = found.groups()
        raise EventLogError(path, int(bad_line), f"expected {expected} fields, found {saw}") from None


def _first_decode_error(data: bytes) -> UnicodeDecodeError:
    """Return the error that decoding ``data`` as UTF-8 raises."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as error:
        return error
    raise AssertionError("pandas failed to decode text that is UTF-8")  # pragma: no cover


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
