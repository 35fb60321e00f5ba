"""The course's own settings file: its time zone, or the machine's when none is given."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import PROJECT
from trainingkit.course import Course
from trainingkit.course_settings import CourseSettings, CourseSettingsError, read_course_settings


def test_no_file_or_an_empty_setting_means_the_machine_s_own_zone(tmp_path: Path) -> None:
    """Without course.yaml, or with time_zone empty, letters use the zone of the machine that writes them."""
    assert read_course_settings(tmp_path / "course.yaml") == CourseSettings()
    (tmp_path / "course.yaml").write_text('time_zone: ""\n')
    assert read_course_settings(tmp_path / "course.yaml").zone is None


def test_the_project_s_own_settings_file_is_read() -> None:
    """The course.yaml the project ships reads without error."""
    assert read_course_settings(Course(PROJECT).settings_file).time_zone == ""


def test_an_iana_name_gives_that_zone(tmp_path: Path) -> None:
    """time_zone: Europe/London gives London's zone."""
    (tmp_path / "course.yaml").write_text("time_zone: Europe/London\n")
    assert str(read_course_settings(tmp_path / "course.yaml").zone) == "Europe/London"


@pytest.mark.parametrize(("text", "said"), [
    ("time_zone: Europe/Atlantis\n", "course.yaml: time_zone: 'Europe/Atlantis' is not a time zone name"),
    ("time_zone: [Europe/London\n", "course.yaml: line 2: not YAML"),
    ("- Europe/London\n", "course.yaml: must be a mapping of settings"),
    ("timezone: Europe/London\n", "course.yaml: no setting named timezone (the settings: time_zone)"),
    ("time_zone: 3\n", "course.yaml: time_zone must be an IANA name"),
])
def test_a_setting_that_cannot_be_used_is_refused_naming_the_file(tmp_path: Path, text: str, said: str) -> None:
    """A wrong zone, broken YAML, a list, an unknown setting or a number is refused in one line naming the file."""
    (tmp_path / "course.yaml").write_text(text)
    with pytest.raises(CourseSettingsError) as refused:
        read_course_settings(tmp_path / "course.yaml")
    assert said in str(refused.value) and "\n" not in str(refused.value)
