"""Each person's own folder on the hub, filled on their first spawn (trainingkit.hub.config.copy_workspace)."""

from __future__ import annotations

import os
import pwd
import stat
from pathlib import Path

import pytest

from trainingkit.course import Course
from trainingkit.hub.config import copy_workspace
from trainingkit.hub.roles import LESSONS, RENEWALS

ME = pwd.getpwuid(os.getuid()).pw_name


@pytest.fixture
def home(tmp_path: Path) -> Path:
    folder = tmp_path / "home"
    folder.mkdir(mode=0o700)
    return folder


def test_the_office_gets_its_notebook_and_an_empty_log_privately(project: Course, home: Path) -> None:
    """~/renewals is made 0700 with the office notebook and a header-only coaches.csv, each 0600 and theirs."""
    added = copy_workspace(project.notebooks_dir / "office", home, ME, RENEWALS)
    folder = home / "renewals"
    assert sorted(added) == ["coaches.csv", "renewals.ipynb"]
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert (folder / "renewals.ipynb").read_bytes() == (project.notebooks_dir / "office" / "renewals.ipynb").read_bytes()
    assert (folder / "coaches.csv").read_text() == "coach_id,date,event,supervisor,hours,score,outcome\n"
    for path in folder.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600 and path.stat().st_uid == os.getuid()


def test_a_later_spawn_never_overwrites_the_log_or_the_notebook(project: Course, home: Path) -> None:
    """Their own log and saved notebook stay as they are; only a file they lack is added again."""
    copy_workspace(project.notebooks_dir / "office", home, ME, RENEWALS)
    folder = home / "renewals"
    (folder / "coaches.csv").write_text("the office's own log\n")
    (folder / "renewals.ipynb").write_text("their saved copy\n")
    assert copy_workspace(project.notebooks_dir / "office", home, ME, RENEWALS) == []
    assert (folder / "coaches.csv").read_text() == "the office's own log\n"
    assert (folder / "renewals.ipynb").read_text() == "their saved copy\n"
    (folder / "renewals.ipynb").unlink()
    assert copy_workspace(project.notebooks_dir / "office", home, ME, RENEWALS) == ["renewals.ipynb"]


def test_a_link_in_place_of_the_folder_or_a_file_is_not_followed(project: Course, home: Path, tmp_path: Path) -> None:
    """A link named renewals, or coaches.csv, is left alone: nothing is written where it points."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (home / "renewals").symlink_to(elsewhere)
    assert copy_workspace(project.notebooks_dir / "office", home, ME, RENEWALS) == []
    (home / "renewals").unlink()
    (home / "renewals").mkdir()
    (home / "renewals" / "coaches.csv").symlink_to(elsewhere / "planted.csv")
    assert copy_workspace(project.notebooks_dir / "office", home, ME, RENEWALS) == ["renewals.ipynb"]
    assert list(elsewhere.iterdir()) == []


def test_trainees_get_the_numbered_lessons_only(project: Course, home: Path) -> None:
    """~/lessons holds the lessons 00, 01, ...; neither the office's nor the supervisors' notebooks."""
    copy_workspace(project.notebooks_dir, home, ME, LESSONS)
    names = sorted(path.name for path in (home / "lessons").iterdir())
    assert names[0] == "00-welcome.ipynb" and all(name[:2].isdigit() for name in names)
    assert names == sorted(path.name for path in project.notebooks_dir.glob("[0-9][0-9]-*.ipynb"))
