"""Shared fixtures: the project's own course, and scratch copies of it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from trainingkit.course import Course

PROJECT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def project() -> Course:
    return Course(PROJECT)


@pytest.fixture
def course_copy(tmp_path: Path, project: Course) -> Course:
    """A writable copy of the course's instructor files and lessons, without any gradebook."""
    copy = Course(tmp_path / "course")
    copy.coursework.mkdir(parents=True)
    for name in ("nbgrader_config.py", "assignments.yaml", "clauses.yaml"):
        shutil.copy2(project.coursework / name, copy.coursework / name)
    for folder in ("bank", "lessons", "source"):
        shutil.copytree(project.coursework / folder, copy.coursework / folder)
    shutil.copytree(project.notebooks_dir, copy.notebooks_dir,
                    ignore=shutil.ignore_patterns("answers.json*", ".ipynb_checkpoints"))
    return copy
