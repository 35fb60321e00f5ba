"""Shared fixtures: the project's own course, scratch copies of it, and the gradebook backends.

Pipeline tests run once per gradebook backend: SQLite (the course's own file) and
PostgreSQL (a throwaway server on 127.0.0.1, started once per session; its tests are
skipped when PostgreSQL is not installed). Each test module gets a fresh database.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from trainingkit.course import INSTRUCTOR_FILES, Course

PROJECT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def project() -> Course:
    return Course(PROJECT)


def copy_course(root: Path) -> Course:
    """A writable copy of the project's instructor files and lessons at ``root/course``, with no gradebook."""
    copy = Course(root / "course")
    copy.coursework.mkdir(parents=True)
    for name in INSTRUCTOR_FILES:
        shutil.copy2(PROJECT / "coursework" / name, copy.coursework / name)
    for folder in ("bank", "lessons", "source"):
        shutil.copytree(PROJECT / "coursework" / folder, copy.coursework / folder)
    shutil.copytree(PROJECT / "notebooks", copy.notebooks_dir,
                    ignore=shutil.ignore_patterns("answers.json*", ".*"))
    return copy


@pytest.fixture
def course_copy(tmp_path: Path) -> Course:
    """A writable copy of the course's instructor files and lessons, without any gradebook."""
    return copy_course(tmp_path)


@pytest.fixture(scope="session", autouse=True)
def _no_outside_gradebook() -> Iterator[None]:
    """No test reaches a gradebook named by the developer's own TRAININGKIT_DB_URL."""
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("TRAININGKIT_DB_URL", raising=False)
        yield


@pytest.fixture(scope="session")
def postgres_server():
    """A PostgreSQL server on 127.0.0.1 in a temporary folder, for the whole session."""
    from tests.pgserver import PostgresServer, find_postgres_bin

    bindir = find_postgres_bin()
    if bindir is None:
        pytest.skip("PostgreSQL is not installed (no initdb; apt-get install -y postgresql)")
    pytest.importorskip("psycopg2", reason="psycopg2 is not installed (pip install psycopg2-binary)")
    server = PostgresServer(bindir).start()
    yield server
    server.stop()


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def gradebook_backend(request: pytest.FixtureRequest) -> str:
    """Which gradebook the pipeline tests use: the course's SQLite file, or PostgreSQL."""
    if request.param == "postgresql":
        request.getfixturevalue("postgres_server")
    return request.param


@pytest.fixture(scope="module")
def gradebook_url(gradebook_backend: str, request: pytest.FixtureRequest) -> Iterator[str | None]:
    """TRAININGKIT_DB_URL for one test module: unset (SQLite in coursework/) or a fresh PostgreSQL database."""
    with pytest.MonkeyPatch.context() as patch:
        if gradebook_backend == "postgresql":
            url = request.getfixturevalue("postgres_server").create_database()
            patch.setenv("TRAININGKIT_DB_URL", url)
        else:
            url = None
            patch.delenv("TRAININGKIT_DB_URL", raising=False)
        yield url


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Debian's chromium, headless, launched by Playwright: one for the session (the browser and hub suites).

    Playwright's sync API allows one instance per thread, so every suite shares this one.
    """
    from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, _unavailable

    reason = _unavailable()
    if reason:
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def fsynced(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The path of each file and folder fsynced during the test, in order (each is still fsynced)."""
    synced: list[str] = []
    real_fsync = os.fsync

    def fsync(descriptor: int) -> None:
        synced.append(os.readlink(f"/proc/self/fd/{descriptor}"))
        real_fsync(descriptor)

    monkeypatch.setattr(os, "fsync", fsync)
    return synced
