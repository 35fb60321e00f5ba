"""Where the course is: TRAININGKIT_ROOT or the nearest project folder (trainingkit.course)."""

from __future__ import annotations

from pathlib import Path

import pytest

from trainingkit.course import Course


def test_trainingkit_root_naming_a_missing_folder_is_an_error_naming_it(tmp_path: Path, monkeypatch) -> None:
    """A TRAININGKIT_ROOT that does not exist is refused with a message naming it, not taken as a new course."""
    monkeypatch.setenv("TRAININGKIT_ROOT", str(tmp_path / "gone"))
    with pytest.raises(FileNotFoundError, match=r"TRAININGKIT_ROOT is .*gone, a folder that does not exist"):
        Course.locate()


def test_trainingkit_root_naming_a_folder_without_a_course_is_an_error(tmp_path: Path, monkeypatch) -> None:
    """A TRAININGKIT_ROOT folder with no coursework/nbgrader_config.py is refused, saying what is missing."""
    monkeypatch.setenv("TRAININGKIT_ROOT", str(tmp_path))
    with pytest.raises(FileNotFoundError, match="holds no trainingkit course"):
        Course.locate()


def test_trainingkit_root_naming_the_project_is_that_course(project: Course, monkeypatch) -> None:
    """A TRAININGKIT_ROOT naming the project folder gives that course, wherever the command runs."""
    monkeypatch.setenv("TRAININGKIT_ROOT", str(project.root))
    assert Course.locate() == project
