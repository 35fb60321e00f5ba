"""Saving the event log the office edited in its grid: the whole file replaced in one rename.

:func:`replace_log` takes the log's lock (the one :func:`.records.append_events` takes, on the file
itself), makes sure the file is still byte for byte what the grid loaded, and only then replaces it
whole (:func:`trainingkit.files.write_atomically`, keeping the old file's permissions and owner).
A reader sees the old log or the whole new one, never half; an appender waiting on the lock finds
the file replaced and appends to the new one; a log changed since it was loaded is never
overwritten (:class:`LogChanged`). A log that did not exist when loaded is created private (0600).
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

from trainingkit.files import write_atomically

__all__ = ["LogChanged", "read_log", "replace_log"]


class LogChanged(Exception):
    """The log on disk is no longer what the grid loaded: someone else wrote to it meanwhile."""


def read_log(path: str | Path) -> bytes | None:
    """The log's bytes, or ``None`` when there is no file (a new office's log)."""
    try:
        return Path(path).read_bytes()
    except FileNotFoundError:
        return None


def replace_log(path: str | Path, data: bytes, *, expected: bytes | None) -> None:
    """Replace the log at ``path`` by ``data`` if it still holds ``expected`` (``None``: no file yet).

    Raises :class:`LogChanged`, writing nothing, if it does not. The new file keeps the old one's
    mode, owner and group (where the caller may set them).
    """
    path = Path(path)
    if expected is None:
        try:
            descriptor = os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
        except FileExistsError:
            raise LogChanged(f"{path} was created since the grid loaded") from None
    else:
        try:
            descriptor = os.open(path, os.O_RDWR | os.O_NOFOLLOW)
        except FileNotFoundError:
            raise LogChanged(f"{path} was removed since the grid loaded") from None
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)  # appenders wait, then see the file replaced
        status = os.fstat(descriptor)
        if os.stat(path, follow_symlinks=False).st_ino != status.st_ino:
            raise LogChanged(f"{path} was replaced since the grid loaded")
        if expected is not None and os.pread(descriptor, status.st_size + 1, 0) != expected:
            raise LogChanged(f"{path} was changed since the grid loaded")
        write_atomically(path, data, keep_owner=True)
    except BaseException:
        if expected is None and os.fstat(descriptor).st_size == 0:
            path.unlink(missing_ok=True)  # the empty file made above, never a log
        raise
    finally:
        os.close(descriptor)
