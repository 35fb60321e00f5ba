"""Reaching the gradebook: an outage told apart from a failure, and said in one line (trainingkit.gradebook)."""

from __future__ import annotations

import socket
from pathlib import Path

from trainingkit.gradebook import gradebook_down, unreachable_message


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # nothing listens there once the probe is closed


def test_the_outage_line_is_one_line_naming_the_gradebook_without_its_password() -> None:
    """The message names the gradebook with its password hidden, says what happened so far and what to do."""
    url = "postgresql+psycopg2://grader:s3cret@db.example:5432/course"
    line = unreachable_message(url, "connection refused", graded=3, not_graded=5)
    assert "\n" not in line and "s3cret" not in line
    assert "postgresql+psycopg2://grader:***@db.example:5432/course" in line
    assert "3 trainee(s) graded before it went, 5 not graded yet, none marked failed" in line
    assert line.endswith("start its server, or check TRAININGKIT_DB_URL, then run the same command again.")


def test_a_server_that_does_not_answer_is_down_with_the_drivers_first_line() -> None:
    """A PostgreSQL URL where nothing listens is reported down, with the driver's reason in one line."""
    reason = gradebook_down(f"postgresql+psycopg2://grader:s3cret@127.0.0.1:{_closed_port()}/course", "")
    assert reason is not None and "Connection refused" in reason and "\n" not in reason


def test_a_sqlite_gradebook_is_down_when_locked_or_gone_and_never_created_by_asking(tmp_path: Path) -> None:
    """A SQLite file locked past the wait or missing is down; asking never makes the file; a plain failure is not an outage."""
    path = tmp_path / "gradebook.db"
    assert gradebook_down(f"sqlite:///{path}", "") == f"no gradebook file at {path}"
    assert not path.exists()
    path.touch()
    assert "locked by another program" in gradebook_down(f"sqlite:///{path}", "sqlite3.OperationalError: database is locked")
    assert gradebook_down(f"sqlite:///{path}", "NotJSONError: not a notebook") is None
