"""Fixtures for the renewal tests: event logs written from a few readable rows."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import settings

from tests.gradebooks import new_gradebook
from trainingkit.renewal.events import EVENT_COLUMNS

# CI runs the property tests with a fixed seed, so a run is repeatable; locally they explore.
settings.register_profile("ci", derandomize=True, deadline=None)
if os.environ.get("CI"):
    settings.load_profile("ci")


HEADER = ",".join(EVENT_COLUMNS)

WriteLog = Callable[..., Path]


@pytest.fixture
def write_log(tmp_path: Path) -> WriteLog:
    """Write an event log: the header, then the given rows (line 2 onwards)."""

    def write(*rows: str, name: str = "events.csv", header: str = HEADER) -> Path:
        path = tmp_path / name
        path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
        return path

    return write


@pytest.fixture(scope="session")
def gradebook_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A SQLite gradebook with an ethics review in two parts and two submissions."""
    url = f"sqlite:///{tmp_path_factory.mktemp('nbgrader') / 'gradebook.db'}"
    make_gradebook(url)
    return url


def make_gradebook(url: str) -> None:
    """Create the gradebook at ``url`` with nbgrader's own API."""
    with new_gradebook(url) as gradebook:
        gradebook.add_assignment("ethics-review")
        gradebook.add_assignment("practice-1")
        gradebook.add_notebook("review", "ethics-review")
        gradebook.add_grade_cell("dual-relationships", "review", "ethics-review",
                                 max_score=10, cell_type="code")
        gradebook.add_grade_cell("reflection", "review", "ethics-review",
                                 max_score=30, cell_type="markdown")
        for student, when, auto, manual in [
            ("C1", datetime(2025, 12, 1, 23, 30), 10, 24),  # 34 of 40: 85%
            ("C2", datetime(2025, 11, 2, 8, 0), 2, 10),  # 12 of 40: 30%
        ]:
            gradebook.add_student(student)
            gradebook.add_submission("ethics-review", student, timestamp=when)
            gradebook.find_grade("dual-relationships", "review", "ethics-review", student).auto_score = auto
            gradebook.find_grade("reflection", "review", "ethics-review", student).manual_score = manual
        gradebook.add_submission("practice-1", "C1", timestamp=datetime(2025, 1, 1))
        for assignment in ("ethics-extra", "ethics-untimed"):
            gradebook.add_assignment(assignment)
            gradebook.add_notebook("review", assignment)
            gradebook.add_grade_cell("q1", "review", assignment, max_score=10, cell_type="markdown")
        gradebook.add_submission("ethics-extra", "C1", timestamp=datetime(2025, 1, 1))
        grade = gradebook.find_grade("q1", "review", "ethics-extra", "C1")
        grade.manual_score, grade.extra_credit = 10, 2
        gradebook.add_submission("ethics-untimed", "C1")
        gradebook.db.commit()
    return url
