"""Reaching the course's gradebook: its URL without the password, SQLite's wait, and an outage told apart.

``trainingkit grade`` grades into the gradebook nbgrader opens (any SQLAlchemy URL; SQLite in
``coursework/`` by default). A trainee whose grading fails because the gradebook cannot be
reached (a PostgreSQL server down, a SQLite file locked past :data:`SQLITE_BUSY_SECONDS`) has
done nothing wrong: :func:`gradebook_down` says so, and the run stops with
:func:`unreachable_message`, one line naming the gradebook and what to do.
"""

from __future__ import annotations

import os
from typing import Any

__all__ = ["SQLITE_BUSY_SECONDS", "GradebookUnreachable", "gradebook_down", "locked_reason", "masked_url",
           "sqlite_file", "unreachable", "unreachable_message", "wait_for_busy_sqlite"]

#: How long a gradebook connection waits for a busy SQLite file.
SQLITE_BUSY_SECONDS = 60


class GradebookUnreachable(RuntimeError):
    """The gradebook cannot be reached; the message is one line naming it and what to do."""


def masked_url(db_url: str) -> str:
    """The gradebook URL without its password, as the ledger and messages show it."""
    from sqlalchemy.engine import make_url

    try:
        return make_url(db_url).render_as_string(hide_password=True)
    except Exception:  # an URL SQLAlchemy cannot parse fails later, with nbgrader's message
        return db_url


def sqlite_file(db_url: str) -> str | None:
    """The file of a SQLite gradebook URL; None for any other gradebook (or SQLite in memory)."""
    if not db_url.startswith("sqlite"):
        return None
    from sqlalchemy.engine import make_url

    database = make_url(db_url).database or ""
    return database if database not in ("", ":memory:") else None


def locked_reason() -> str:
    return f"its SQLite file stayed locked by another program for more than {SQLITE_BUSY_SECONDS:g} s"


def what_to_do(db_url: str) -> str:
    """How to bring a gradebook back, by kind."""
    if db_url.startswith("sqlite"):
        return "close whatever holds the SQLite file (another grading run, a sqlite3 shell)"
    return "start its server, or check TRAININGKIT_DB_URL"


def first_line(error: BaseException) -> str:
    """The first line of a driver's error, without SQLAlchemy's wrapping."""
    cause = getattr(error, "orig", None) or error
    lines = [line.strip() for line in str(cause).splitlines() if line.strip()]
    return lines[0] if lines else type(cause).__name__


def unreachable_message(db_url: str, reason: str, *, graded: int, not_graded: int) -> str:
    """The one line a run stopped by an unreachable gradebook prints (the password hidden)."""
    so_far = (f"{graded} trainee(s) graded before it went, {not_graded} not graded yet, none marked failed"
              if graded or not_graded else "nothing was graded")
    return (f"Error: cannot reach the gradebook {masked_url(db_url)} ({reason}); {so_far}. "
            f"To go on, {what_to_do(db_url)}, then run the same command again.")


def gradebook_down(db_url: str, detail: str) -> str | None:
    """Why the gradebook cannot be reached after a trainee's grading failed (``detail``: nbgrader's
    log), or None if it can.

    A SQLite file still locked after the wait says so in that log; any other gradebook is asked
    directly, by connecting to it (a SQLite file is never created by asking).
    """
    database = sqlite_file(db_url)
    if db_url.startswith("sqlite"):
        if "database is locked" in detail:
            return locked_reason()
        if database and not os.path.isfile(database):
            return f"no gradebook file at {database}"
        return None
    from sqlalchemy import create_engine, text
    from sqlalchemy.pool import NullPool

    engine = create_engine(db_url, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as error:  # noqa: BLE001 - any failure to connect is the answer
        return first_line(error)
    finally:
        engine.dispose()
    return None


def unreachable(db_url: str, error: BaseException) -> GradebookUnreachable:
    """The error for a gradebook that failed to answer before anything was graded."""
    reason = locked_reason() if "database is locked" in str(error) else first_line(error)
    return GradebookUnreachable(unreachable_message(db_url, reason, graded=0, not_graded=0))


def wait_for_busy_sqlite(seconds: float | None = None) -> None:
    """Make every SQLite connection of this process wait for a busy file instead of failing
    (for ``seconds``, or :data:`SQLITE_BUSY_SECONDS` as it is when the connection opens)."""
    import sqlite3

    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    def busy_timeout(dbapi_connection: Any, _record: Any) -> None:
        if isinstance(dbapi_connection, sqlite3.Connection):
            wait = SQLITE_BUSY_SECONDS if seconds is None else seconds
            dbapi_connection.execute(f"PRAGMA busy_timeout = {int(wait * 1000)}")

    global _BUSY_TIMEOUT_SET
    if not _BUSY_TIMEOUT_SET:
        event.listen(Engine, "connect", busy_timeout)
        _BUSY_TIMEOUT_SET = True


_BUSY_TIMEOUT_SET = False
