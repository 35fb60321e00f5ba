"""Which gradebook `trainingkit hub` uses, and where it keeps the URL (no root, no hub needed)."""

from __future__ import annotations

import json
import stat
from dataclasses import asdict
from pathlib import Path

from trainingkit.hub.config import HubSettings
from trainingkit.hub.deploy import grader_environment
from trainingkit.hub.layout import HubLayout
from trainingkit.hub.run import gradebook_label, gradebook_url

URL = "postgresql+psycopg2://grader:s3cret@db.example:5432/gradebook"


def settings(layout: HubLayout, db_url: str | None) -> HubSettings:
    return HubSettings(str(layout.prefix), layout.grader, "roster.csv", "127.0.0.1", 8000, 1, 2, 3, db_url=db_url)


def test_the_url_given_is_used_and_kept_in_a_file_only_its_owner_reads(tmp_path: Path) -> None:
    """TRAININGKIT_DB_URL wins, and the settings file keeping it is written 0600."""
    layout = HubLayout(tmp_path)
    layout.hub_dir.mkdir()
    assert gradebook_url(layout, {"TRAININGKIT_DB_URL": URL}) == URL
    settings(layout, URL).write(layout.settings_file)
    assert stat.S_IMODE(layout.settings_file.stat().st_mode) == 0o600
    assert HubSettings.read(layout.settings_file).db_url == URL


def test_a_restart_without_the_variable_keeps_the_same_gradebook(tmp_path: Path) -> None:
    """Without TRAININGKIT_DB_URL the URL kept by the last run is used, not a new SQLite gradebook."""
    layout = HubLayout(tmp_path)
    layout.hub_dir.mkdir()
    assert gradebook_url(layout, {}) is None
    settings(layout, URL).write(layout.settings_file)
    assert gradebook_url(layout, {}) == URL
    assert gradebook_url(layout, {"TRAININGKIT_DB_URL": ""}) == URL
    other = URL.replace("gradebook", "gradebook2")
    assert gradebook_url(layout, {"TRAININGKIT_DB_URL": other}) == other


def test_settings_written_before_the_gradebook_was_kept_still_read(tmp_path: Path) -> None:
    """A settings file without db_url (an older hub) reads as SQLite."""
    path = tmp_path / "settings.json"
    fields = {k: v for k, v in asdict(settings(HubLayout(tmp_path), None)).items() if k != "db_url"}
    path.write_text(json.dumps(fields))
    assert HubSettings.read(path).db_url is None


def test_the_console_shows_the_gradebook_without_its_password(tmp_path: Path) -> None:
    """The line `trainingkit hub` prints names the database but not the password."""
    layout = HubLayout(tmp_path)
    assert "s3cret" not in gradebook_label(layout, URL) and "db.example:5432/gradebook" in gradebook_label(layout, URL)
    assert gradebook_label(layout, None).startswith("SQLite, ")


def test_only_the_graders_environment_carries_the_url() -> None:
    """The grader's commands get TRAININGKIT_DB_URL in their environment when there is one, else none."""
    import pwd

    layout = HubLayout(Path("/nonexistent"), pwd.getpwuid(0).pw_name)
    assert grader_environment(layout, URL)["TRAININGKIT_DB_URL"] == URL
    assert "TRAININGKIT_DB_URL" not in grader_environment(layout, None)
