"""Adding events to the office's event log: whole lines, on disk before it returns.

Every append to a log goes through :func:`append_events` (the office's ``trainingkit renewal
record``, and any part of the renewal chain that records a result). It checks each event,
takes the log's lock, writes the lines with one append, then fsyncs the file (and, for a new
log, its folder), so a line is either all there, with its line break, or reported by the
reader as cut off (:func:`.logfile.unfinished_last_line`). It adds nothing after a last line
that lacks its line break: that line may be cut off, and a line joined to it would be lost.
A new log is created private (0600), starting with the header.
"""

from __future__ import annotations

import csv
import fcntl
import io
import os
from collections.abc import Sequence
from pathlib import Path

from trainingkit.answers import sync_folder

from .eventlog import EventLogError
from .events import EVENT_COLUMNS, Event

__all__ = ["HEADER_LINE", "append_events", "event_line"]

#: The first line of every event log, with its line break.
HEADER_LINE = ",".join(EVENT_COLUMNS) + "\n"


def event_line(event: Event) -> str:
    """The log line of ``event`` (``coach_id,date,event,supervisor,hours,score,outcome``), with its line break."""
    def number(value: float | None) -> str:
        return "" if value is None else f"{value:g}"

    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow([
        event.coach_id, event.on.isoformat(), str(event.kind), event.supervisor or "",
        number(event.hours), number(event.score), "" if event.outcome is None else str(event.outcome)])
    return buffer.getvalue()


def append_events(path: str | Path, events: Sequence[Event]) -> Path:
    """Append ``events`` to the event log at ``path`` (made, private, if missing); return ``path``.

    Raises :class:`.EventLogError`, adding nothing, if the file is not an event log (its first
    line is not the header) or its last line has no line break at its end.
    """
    path = Path(path)
    block = "".join(event_line(event) for event in events).encode("utf-8")
    try:
        descriptor = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
        created = True
    except FileExistsError:
        descriptor = os.open(path, os.O_RDWR | os.O_APPEND | os.O_NOFOLLOW)
        created = False
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)  # one appender at a time; readers need no lock
        block = _start_of_append(path, descriptor) + block
        written = 0
        while written < len(block):
            written += os.write(descriptor, block[written:])
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
    if created:
        sync_folder(path.parent)
    return path


def _start_of_append(path: Path, descriptor: int) -> bytes:
    """What must come before the new lines: the header in an empty file, a line break after a
    header that lacks one, else nothing; raises if the file does not take lines safely."""
    size = os.fstat(descriptor).st_size
    if size == 0:
        return HEADER_LINE.encode()
    head = os.pread(descriptor, len(HEADER_LINE) + 3, 0).removeprefix(b"\xef\xbb\xbf")
    header = HEADER_LINE.rstrip("\n").encode()
    if not head.startswith(header) or head[len(header):len(header) + 1] not in (b"", b"\r", b"\n"):
        raise EventLogError(path, 1, f"not an event log: its first line is not {header.decode()}; "
                                     "nothing was added")
    if os.pread(descriptor, 1, size - 1) in (b"\n", b"\r"):
        return b""
    if head == header:
        return b"\n"
    lines = len(os.pread(descriptor, size, 0).splitlines())
    raise EventLogError(path, lines, "the last line does not end with a line break, so it may have been "
                                     "cut off while it was written; check it and end it with a line break "
                                     "(Enter), then add the new lines again; nothing was added")
