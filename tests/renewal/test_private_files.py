"""Private folders for coach records (trainingkit.renewal.private_files)."""

from __future__ import annotations

import stat
from pathlib import Path

from trainingkit.renewal.private_files import make_private_directory


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_report_directory_is_private(tmp_path: Path) -> None:
    """A directory created for a report is mode 0700."""
    assert mode(make_private_directory(tmp_path / "reports" / "2025")) == 0o700
