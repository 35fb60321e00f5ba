"""Private, atomic writes (trainingkit.renewal.private_files)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from trainingkit.renewal.private_files import make_private_directory, write_private


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_written_file_is_readable_only_by_its_owner(tmp_path: Path) -> None:
    """The file is created with mode 0600, whatever the umask."""
    old = os.umask(0)
    try:
        path = write_private(tmp_path / "status.csv", "coach_id\n")
    finally:
        os.umask(old)
    assert mode(path) == 0o600 and path.read_text() == "coach_id\n"


def test_replacing_a_shared_file_makes_it_private(tmp_path: Path) -> None:
    """An existing world-readable file is replaced by a private one."""
    path = tmp_path / "status.csv"
    path.write_text("old")
    path.chmod(0o644)
    write_private(path, b"new")
    assert mode(path) == 0o600 and path.read_bytes() == b"new"


def test_a_failed_write_leaves_the_old_file_and_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """If the final rename fails, the previous content is intact and nothing is left behind."""
    path = tmp_path / "status.csv"
    path.write_text("old")

    def broken_replace(source: str, target: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError):
        write_private(path, "new")
    assert path.read_text() == "old" and sorted(p.name for p in tmp_path.iterdir()) == ["status.csv"]


def test_a_new_report_directory_is_private(tmp_path: Path) -> None:
    """A directory created for a report is mode 0700."""
    assert mode(make_private_directory(tmp_path / "reports" / "2025")) == 0o700
