"""Replacing a file whole: the one way trainingkit writes a file that readers may have open.

:func:`write_atomically` writes the new content to a temporary file beside the old one
(``.NAME.XXXXXXXX.tmp``, which mkstemp creates 0600), gives it its mode (and, when asked, the
owner and group of the file it replaces) before it has the real name, fsyncs it, renames it over
the old file and fsyncs the folder. A reader sees the old file or the whole new one, never half of
it; after a power cut the new one is there if this returned; on any error the temporary file is
removed and the old file is as it was. The rename replaces a link at the destination instead of
writing through it, and the file replaced is looked at without following one, so a link planted
there neither receives the content nor lends the new file its target's owner or mode.
Standard library only: trainees' kernels import it (through :mod:`trainingkit.answers`).
"""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

__all__ = ["sync_folder", "write_atomically"]


def write_atomically(path: Path | str, content: str | bytes, *, mode: int = 0o600,
                     keep_owner: bool = False) -> Path:
    """Replace ``path`` by ``content`` (text as UTF-8) in one rename; return ``path``.

    The new file has ``mode`` (private, 0600, unless asked otherwise) whatever the umask. With
    ``keep_owner``, a regular file being replaced passes on its mode, owner and group instead, as
    far as the caller may set them: root keeps all three; anyone else keeps the mode, and the group
    where they belong to it, and owns the new file.
    """
    path = Path(path)
    data = content.encode("utf-8") if isinstance(content, str) else content
    replaced = _regular_file(path) if keep_owner else None
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(descriptor, "wb") as handle:
            if replaced is not None:
                _give_owner(handle.fileno(), replaced.st_uid, replaced.st_gid)
            # after fchown, which may clear the setgid bit
            os.fchmod(handle.fileno(), stat.S_IMODE(replaced.st_mode) if replaced else mode)
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    sync_folder(path.parent)
    return path


def sync_folder(folder: Path | str) -> None:
    """Flush a folder's entries to disk, so a file created, renamed or removed in it stays so."""
    descriptor = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _regular_file(path: Path) -> os.stat_result | None:
    """The status of the regular file at ``path`` (a link is not followed): ``None`` for anything else."""
    try:
        status = os.stat(path, follow_symlinks=False)
    except FileNotFoundError:
        return None
    return status if stat.S_ISREG(status.st_mode) else None


def _give_owner(descriptor: int, uid: int, gid: int) -> None:
    """Give the open file ``uid`` and ``gid``; failing that (not root) ``gid`` alone; failing that, leave it."""
    for owner in (uid, -1):
        try:
            os.fchown(descriptor, owner, gid)
            return
        except PermissionError:
            continue
