"""Folders for coach records, private to their owner (the files in them: :func:`trainingkit.files.write_atomically`)."""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["make_private_directory"]

PRIVATE_DIRECTORY_MODE = 0o700


def make_private_directory(path: str | Path) -> Path:
    """Create ``path`` (and parents) if missing; a directory created here is mode 0700."""
    path = Path(path)
    if not path.is_dir():
        path.mkdir(parents=True, mode=PRIVATE_DIRECTORY_MODE)
        os.chmod(path, PRIVATE_DIRECTORY_MODE)  # mkdir's mode is filtered by the umask
    return path
