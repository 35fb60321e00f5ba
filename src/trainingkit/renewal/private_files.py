"""Writing coach records: private to their owner, and never half-written."""

from __future__ import annotations

import os
from pathlib import Path

from trainingkit.answers import write_atomically

__all__ = ["make_private_directory", "write_private"]

PRIVATE_DIRECTORY_MODE = 0o700


def write_private(path: str | Path, content: str | bytes) -> Path:
    """Write ``content`` to ``path``, readable only by its owner, atomically (UTF-8 for text)."""
    path = Path(path)
    write_atomically(path, content)
    return path


def make_private_directory(path: str | Path) -> Path:
    """Create ``path`` (and parents) if missing; a directory created here is mode 0700."""
    path = Path(path)
    if not path.is_dir():
        path.mkdir(parents=True, mode=PRIVATE_DIRECTORY_MODE)
        os.chmod(path, PRIVATE_DIRECTORY_MODE)  # mkdir's mode is filtered by the umask
    return path
