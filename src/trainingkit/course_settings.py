"""The course's own settings, in ``coursework/course.yaml``: today, the time zone its letters speak in.

The file is optional and holds a mapping; each setting may be left out. ``trainingkit hub``
copies it with the other instructor files, so the lab and the hub read the same settings.

* ``time_zone``: the IANA name (``Europe/London``) of the zone in which feedback letters
  give submission times; left out or empty, the zone of the machine generating the feedback.

A file that is not YAML, not a mapping, names a setting that does not exist or a zone
zoneinfo does not know is refused with one line naming the file (and line) and the setting.
"""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass
from pathlib import Path

import yaml

__all__ = ["CourseSettings", "CourseSettingsError", "read_course_settings", "zone_named"]


class CourseSettingsError(ValueError):
    """``coursework/course.yaml`` cannot be used; the message names the file, the line if known, and why."""


@dataclass(frozen=True)
class CourseSettings:
    #: The IANA name of the course's time zone; "" for the machine's own.
    time_zone: str = ""

    @property
    def zone(self) -> zoneinfo.ZoneInfo | None:
        return zone_named(self.time_zone)


def zone_named(name: str) -> zoneinfo.ZoneInfo | None:
    """The time zone an IANA ``name`` names (None for "": the machine's own); ValueError saying what is wrong."""
    if not name.strip():
        return None
    try:
        return zoneinfo.ZoneInfo(name.strip())
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"{name!r} is not a time zone name zoneinfo knows (an IANA name such as "
                         "Europe/London or America/Chicago)") from None


def read_course_settings(path: Path) -> CourseSettings:
    """The settings in ``path``; the defaults when there is no such file."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return CourseSettings()
    except OSError as error:
        raise CourseSettingsError(f"{path}: cannot be read ({error.strerror})") from None
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f": line {mark.line + 1}" if mark else ""
        raise CourseSettingsError(f"{path}{where}: not YAML ({getattr(error, 'problem', None) or error})") from None
    if document is None:
        return CourseSettings()
    if not isinstance(document, dict):
        raise CourseSettingsError(f"{path}: must be a mapping of settings (such as time_zone: Europe/London)")
    unknown = sorted(str(key) for key in document if key not in {"time_zone"})
    if unknown:
        raise CourseSettingsError(f"{path}: no setting named {', '.join(unknown)} (the settings: time_zone)")
    time_zone = document.get("time_zone") or ""
    if not isinstance(time_zone, str):
        raise CourseSettingsError(f"{path}: time_zone must be an IANA name such as Europe/London")
    try:
        zone_named(time_zone)
    except ValueError as error:
        raise CourseSettingsError(f"{path}: time_zone: {error}") from None
    return CourseSettings(time_zone=time_zone.strip())
