"""Saving the edited log: one rename, the old file's mode kept, and never over a log changed meanwhile."""

from __future__ import annotations

import os
import stat
from datetime import date
from pathlib import Path

import pytest

from tests.renewal.conftest import HEADER
from trainingkit.renewal.events import Event, EventKind
from trainingkit.renewal.logsave import LogChanged, read_log, replace_log
from trainingkit.renewal.records import append_events

LOG = f"{HEADER}\nC1,2024-01-10,certified,,,,,,\n".encode()
NEW = LOG + b"C1,2025-11-01,review,,,85,,72.1,cycle-1\n"


def _log(tmp_path: Path, mode: int = 0o640) -> Path:
    path = tmp_path / "coaches.csv"
    path.write_bytes(LOG)
    os.chmod(path, mode)
    return path


def test_a_save_replaces_the_file_keeping_its_mode_and_owner(tmp_path: Path) -> None:
    """The new bytes are there, under a new inode, with the old mode 0640 and owner; no temporary file is left."""
    path = _log(tmp_path)
    before = path.stat()
    replace_log(path, NEW, expected=LOG)
    after = path.stat()
    assert path.read_bytes() == NEW and after.st_ino != before.st_ino
    assert stat.S_IMODE(after.st_mode) == 0o640 and (after.st_uid, after.st_gid) == (before.st_uid, before.st_gid)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["coaches.csv"]


def test_a_log_changed_since_it_was_loaded_is_not_overwritten(tmp_path: Path) -> None:
    """A line appended by `renewal record` after loading makes the save refuse; the appended line stays."""
    path = _log(tmp_path)
    append_events(path, [Event("C1", date(2025, 3, 1), EventKind.SUPERVISION, supervisor="Ann", hours=2)])
    appended = path.read_bytes()
    with pytest.raises(LogChanged):
        replace_log(path, NEW, expected=LOG)
    assert path.read_bytes() == appended
    assert sorted(p.name for p in tmp_path.iterdir()) == ["coaches.csv"]


def test_a_log_removed_or_created_meanwhile_is_refused_too(tmp_path: Path) -> None:
    """A log that vanished is not recreated; a log that appeared after an empty load is not overwritten."""
    path = tmp_path / "coaches.csv"
    with pytest.raises(LogChanged):
        replace_log(path, NEW, expected=LOG)
    assert not path.exists()
    path.write_bytes(LOG)
    with pytest.raises(LogChanged):
        replace_log(path, NEW, expected=None)
    assert path.read_bytes() == LOG


def test_a_new_log_is_created_private(tmp_path: Path) -> None:
    """Saving where there was no log makes one, mode 0600, whatever the umask."""
    path = tmp_path / "coaches.csv"
    old = os.umask(0)
    try:
        replace_log(path, NEW, expected=None)
    finally:
        os.umask(old)
    assert read_log(path) == NEW and stat.S_IMODE(path.stat().st_mode) == 0o600
    assert read_log(tmp_path / "none.csv") is None


def test_an_appender_after_the_save_adds_to_the_new_file(tmp_path: Path) -> None:
    """After a save, `renewal record`'s append lands in the saved log, after its lines."""
    path = _log(tmp_path, 0o600)
    replace_log(path, NEW, expected=LOG)
    append_events(path, [Event("C1", date(2025, 12, 1), EventKind.RENEWED)])
    assert path.read_bytes() == NEW + b"C1,2025-12-01,renewed,,,,,,\n"

