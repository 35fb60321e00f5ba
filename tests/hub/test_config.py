"""The hub's configuration, as `configure_hub` sets it from the settings `trainingkit hub` writes."""

from __future__ import annotations

from pathlib import Path

from traitlets.config import Config

from trainingkit.hub.config import PROXY_TIMEOUT_MS, HubSettings, configure_hub
from trainingkit.hub.layout import DEFAULT_IDLE_TIMEOUT


def _configured(tmp_path: Path, **changes: int) -> Config:
    roster = tmp_path / "roster.csv"
    roster.write_text("username,role,name\nada,trainee,Ada\nsam,supervisor,Sam\n")
    settings = HubSettings(str(tmp_path / "prefix"), "root", str(roster), "127.0.0.1", 8000, 8001, 8002, 8003,
                           **changes)
    settings.write(tmp_path / "settings.json")
    config = Config()
    configure_hub(config, HubSettings.read(tmp_path / "settings.json"))
    return config


def _culler(config: Config) -> list[str]:
    return next(service["command"] for service in config.JupyterHub.services if service["name"] == "idle-culler")


def test_idle_servers_are_culled_after_an_hour_unless_told_otherwise(tmp_path: Path) -> None:
    """The culler's timeout is an hour by default and the one `--idle-timeout` gave, read back from settings."""
    assert f"--timeout={DEFAULT_IDLE_TIMEOUT}" in _culler(_configured(tmp_path))
    assert "--timeout=900" in _culler(_configured(tmp_path, idle_timeout=900))


def test_the_proxy_waits_for_a_busy_server_longer_than_its_default(tmp_path: Path) -> None:
    """The proxy gives a person's server two minutes to answer (its own default is 20 s)."""
    command = _configured(tmp_path).ConfigurableHTTPProxy.command
    assert f"--proxy-timeout={PROXY_TIMEOUT_MS}" in command and PROXY_TIMEOUT_MS >= 60_000


def test_only_the_roster_logs_in_and_supervisors_alone_reach_the_formgrader(tmp_path: Path) -> None:
    """Allowed users are the roster's; the formgrade group holds the supervisors only."""
    config = _configured(tmp_path)
    assert config.Authenticator.allowed_users == {"ada", "sam"}
    assert config.JupyterHub.load_groups["formgrade-trauma-recovery-coaching"] == {"users": ["sam"]}
