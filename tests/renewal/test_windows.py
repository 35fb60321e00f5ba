"""The office's list of open renewal windows, which offers coaches review sittings (trainingkit.renewal.windows)."""

from __future__ import annotations

import datetime as dt
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from trainingkit.renewal.cli import renewal
from trainingkit.renewal.windows import Window, WindowsError, read_windows, windows_csv

from .conftest import WriteLog

LOG = (
    "C1,2024-02-29,certified,,,,",  # window open, a review passed: ready to renew, not listed
    "C1,2025-12-01,review,,,85,",
    "C3,2024-01-10,certified,,,,",  # window open, no review: due when the certification expires
    "C4,2023-10-01,certified,,,,",  # expired, within the grace months: due when they end
    "C5,2025-06-01,certified,,,,",  # window not open yet
)


def test_the_list_names_coaches_due_or_lapsed_with_the_day_their_review_is_due(write_log: WriteLog) -> None:
    result = CliRunner().invoke(renewal, ["windows", "--events", str(write_log(*LOG)), "--on", "2025-12-02"],
                                env={"TRAININGKIT_REVIEW_WINDOWS": None})
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == ["coach_id,window_opens_on,due", "C3,2025-10-12,2026-01-10",
                                          "C4,2025-07-03,2026-04-01"]


def test_publishing_replaces_the_list_readable_by_the_grader(write_log: WriteLog, tmp_path: Path) -> None:
    """--publish writes the list 0644 (the folder keeps others out) in one rename, and says how many."""
    target = tmp_path / "open.csv"
    target.write_text("coach_id,window_opens_on,due\nOLD,2020-01-01,2020-02-01\n")
    result = CliRunner().invoke(renewal, ["windows", "--events", str(write_log(*LOG)), "--on", "2025-12-02",
                                          "--publish", str(target)])
    assert result.exit_code == 0 and result.stdout == f"published 2 open renewal window(s) to {target}\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o644 and "OLD" not in target.read_text()
    assert [w.coach_id for w in read_windows(target)] == ["C3", "C4"]


def test_a_broken_log_publishes_nothing(write_log: WriteLog, tmp_path: Path) -> None:
    target = tmp_path / "open.csv"
    result = CliRunner().invoke(renewal, ["windows", "--events", str(write_log("C1,not-a-date,certified,,,,")),
                                          "--publish", str(target)])
    assert result.exit_code == 2 and "line 2" in result.stderr and not target.exists()


def test_the_list_reads_back_and_a_bad_line_is_named(tmp_path: Path) -> None:
    path = tmp_path / "open.csv"
    windows = [Window("C3", dt.date(2025, 10, 12), dt.date(2026, 1, 10))]
    path.write_text(windows_csv(windows))
    assert read_windows(path) == windows
    assert read_windows(tmp_path / "none.csv") == []
    path.write_text(windows_csv(windows) + "C9,soon,2026-01-01\n")
    with pytest.raises(WindowsError, match=r"open.csv: line 3: expected coach_id,YYYY-MM-DD,YYYY-MM-DD"):
        read_windows(path)
    path.write_text("coach,due\n")
    with pytest.raises(WindowsError, match="line 1: the header must be coach_id,window_opens_on,due"):
        read_windows(path)
