"""Adding events to the office's event log: whole lines, on disk before it returns.

Every append to a log goes through :func:`append_events` (the office's ``trainingkit renewal
record``, and any part of the renewal chain that records a result). It checks each event,
takes the log's lock, writes the lines with one append, then fsyncs the file (and, for a new
log, its folder), so a line is either all there, with its line break, or reported by the
reader as cut off (:func:`.logfile.unfinished_last_line`). It adds nothing after a last line
that lacks its line break: that line may be cut off, and a line joined to it would be lost.
A new log is created private (0600, or the ``mode`` asked for: the results register is
0640, for the office's group), starting with the header.

Given the office's ``rules`` (as ``renewal record`` gives them), it also checks, under the lock,
the log as it would be with the new lines, with the log's own reader and every rule across lines
(the check the office's grid makes before it saves, :func:`.logfile.check_log_bytes`, then
:meth:`.eventlog.EventLog.check`), with the results register's ``reviews`` beside it: a line that
would make the log unreadable (a renewal without a passed review, an event before the first
certification, ...) is refused in one sentence naming the file, the line it would be and the rule,
and nothing is written. This costs about one reading of the log per append.

Every review line written carries its form's cut score and form id: a review without them is
refused. A log that still has the header of before reviews carried them
(:data:`.events.LEGACY_EVENT_COLUMNS`) is first given the current header, in one rename (its
lines are kept byte for byte: they read the same under the longer header), then appended to.
"""

from __future__ import annotations

import csv
import fcntl
import io
import os
from collections.abc import Iterable, Sequence
from pathlib import Path

from trainingkit.files import sync_folder, write_atomically

from .eventlog import EventLogError
from .events import EVENT_COLUMNS, LEGACY_EVENT_COLUMNS, Event, EventKind, exact
from .settings import RenewalRules

__all__ = ["HEADER_LINE", "append_events", "event_line"]

#: The first line of every event log, with its line break.
HEADER_LINE = ",".join(EVENT_COLUMNS) + "\n"
_LEGACY_HEADER = ",".join(LEGACY_EVENT_COLUMNS).encode()


def event_line(event: Event) -> str:
    """The log line of ``event`` (the columns of :data:`.events.EVENT_COLUMNS`), with its line break."""
    def number(value: float | None) -> str:
        return "" if value is None else exact(value)

    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow([
        event.coach_id, event.on.isoformat(), str(event.kind), event.supervisor or "",
        number(event.hours), number(event.score), "" if event.outcome is None else str(event.outcome),
        number(event.cut_score), event.form or ""])
    return buffer.getvalue()


def append_events(path: str | Path, events: Sequence[Event], *, mode: int = 0o600,
                  rules: RenewalRules | None = None, reviews: Iterable[Event] = ()) -> Path:
    """Append ``events`` to the event log at ``path`` (made with ``mode`` if missing); return ``path``.

    Raises :class:`.EventLogError`, adding nothing, if a review lacks its form's cut score, the
    file is not an event log (its first line is not the header) or its last line has no line
    break at its end; and, with ``rules``, if the log with the new lines (and the results
    register's ``reviews``) would not read or would break a rule across lines.
    """
    path = Path(path)
    for event in events:
        if event.kind is EventKind.REVIEW and (event.cut_score is None or not event.form):
            raise EventLogError(path, None, f"the review of {event.coach_id} on {event.on.isoformat()} has no "
                                            "cut score and form: a review line states the cut score of the "
                                            "form sat, its pass mark; nothing was added")
    block = "".join(event_line(event) for event in events).encode("utf-8")
    reviews = list(reviews)  # read more than once: with the new lines, and without them on a refusal
    while True:
        try:
            descriptor = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, mode)
            os.fchmod(descriptor, mode)  # whatever the umask
            created = True
        except FileExistsError:
            try:
                descriptor = os.open(path, os.O_RDWR | os.O_APPEND | os.O_NOFOLLOW)
            except FileNotFoundError:
                continue  # a refused first line's new file was just removed: make it again
            created = False
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX)  # one appender at a time; readers need no lock
            try:
                replaced = os.stat(path, follow_symlinks=False).st_ino != os.fstat(descriptor).st_ino
            except FileNotFoundError:
                replaced = True
            if replaced:
                continue  # another appender gave the log its current header (or removed its refused new log)
            if _has_legacy_header(descriptor):
                _give_current_header(path, descriptor)
                continue
            whole = _start_of_append(path, descriptor) + block
            if rules is not None:
                refusal = _refusal(path, os.pread(descriptor, os.fstat(descriptor).st_size, 0), whole, rules,
                                   reviews)
                if refusal is not None:
                    if created:
                        path.unlink(missing_ok=True)  # the empty file made above, never a log
                    raise refusal
            written = 0
            while written < len(whole):
                written += os.write(descriptor, whole[written:])
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
        break
    if created:
        sync_folder(path.parent)
    return path


def _refusal(path: Path, current: bytes, added: bytes, rules: RenewalRules,
             reviews: Sequence[Event]) -> EventLogError | None:
    """Why the log ``current`` with ``added`` after it would not read (one line), or ``None``."""
    from .logfile import check_log_bytes

    try:
        check_log_bytes(path, current + added, reviews=reviews).check(rules)
    except EventLogError as error:
        first = error.problems[0]
        more = (f" ({error.total - 1} more problem{'s' if error.total > 2 else ''} after it)"
                if error.total > 1 else "")
        existing = len(current.splitlines())
        if first.line is not None and first.line > existing:
            message = f"{first.message} (the line being added){more}; nothing was added"
        elif existing > 1 and _reads_well(path, current, rules, reviews):
            message = (f"{first.message}, once read with the line being added (line {existing + 1})"
                       f"{more}; nothing was added")
        else:
            message = (f"{first.message}{more}; a line is added only to a log that reads well, so nothing was "
                       "added: put this line right first")
        return EventLogError(path, first.line, message, column=first.column)
    return None


def _reads_well(path: Path, data: bytes, rules: RenewalRules, reviews: Iterable[Event]) -> bool:
    """Whether the log ``data`` reads, every rule across lines kept."""
    from .logfile import check_log_bytes

    try:
        check_log_bytes(path, data, reviews=reviews).check(rules)
    except EventLogError:
        return False
    return True


def _has_legacy_header(descriptor: int) -> bool:
    """Whether the log's first line is the header of before reviews carried their cut score."""
    head = os.pread(descriptor, len(_LEGACY_HEADER) + 3, 0).removeprefix(b"\xef\xbb\xbf")
    return head.startswith(_LEGACY_HEADER) and head[len(_LEGACY_HEADER):len(_LEGACY_HEADER) + 1] in (
        b"", b"\r", b"\n")


def _give_current_header(path: Path, descriptor: int) -> None:
    """Replace the legacy header of the log open at ``descriptor`` by the current one, in one rename.

    Every other byte is kept, and the file keeps its permissions, owner and group (where the caller
    may set them: run as root on the office's log, the log stays the office's).
    The caller holds the log's lock, so no line is appended meanwhile; an appender waiting on
    the old file sees it replaced and opens the new one.
    """
    data = os.pread(descriptor, os.fstat(descriptor).st_size, 0)
    start = data.find(b"\n") + 1 if b"\n" in data else len(data)
    write_atomically(path, HEADER_LINE.encode() + data[start:], keep_owner=True)


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
