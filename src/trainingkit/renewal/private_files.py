"""Writing coach records: private to their owner, and never half-written."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

__all__ = ["make_private_directory", "write_private"]

#: Owner may read and write; nobody else may do anything.
PRIVATE_FILE_MODE = 0o600
PRIVATE_DIRECTORY_MODE = 0o700


def write_private(path: str | Path, content: str | bytes) -> Path:
    """Write ``content`` to ``path``, readable only by its owner, atomically.

    The content goes to a temporary file (created with mode 0600) in the same
    directory, is flushed to disk, and then replaces ``path`` in one step, so a
    reader sees either the old file or the whole new one. Text is UTF-8.
    """
    path = Path(path)
    data = content.encode("utf-8") if isinstance(content, str) else content
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(descriptor, "wb") as handle:
            os.fchmod(handle.fileno(), PRIVATE_FILE_MODE)
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
    return path


def make_private_directory(path: str | Path) -> Path:
    """Create ``path`` (and parents) if missing; a directory created here is mode 0700."""
    path = Path(path)
    if not path.is_dir():
        path.mkdir(parents=True, mode=PRIVATE_DIRECTORY_MODE)
        os.chmod(path, PRIVATE_DIRECTORY_MODE)  # mkdir's mode is filtered by the umask
    return path
