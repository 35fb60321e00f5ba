"""trainingkit.hub.config: the hub's settings as `configure_hub` applies them, and each person's
own folder, filled on their first spawn (`copy_workspace`)."""

from __future__ import annotations

import os
import pwd
import stat
from pathlib import Path

import pytest
from traitlets.config import Config

from trainingkit.course import Course
from trainingkit.hub.config import PROXY_TIMEOUT_MS, HubSettings, configure_hub, copy_workspace
from trainingkit.hub.layout import DEFAULT_IDLE_TIMEOUT
from trainingkit.hub.roles import KERNELS_OVER_SOCKETS, LESSONS, RENEWALS

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
    assert (folder / "coaches.csv").read_text() == "coach_id,date,event,supervisor,hours,score,outcome,cut_score,form\n"
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
    """The proxy (trainingkit's, passing websocket subprotocols back) gives a person's server two
    minutes to answer (its own default is 20 s)."""
    command = _configured(tmp_path).ConfigurableHTTPProxy.command
    assert command[1:3] == ["-m", "trainingkit.hub.proxy"]
    assert f"--proxy-timeout={PROXY_TIMEOUT_MS}" in command and PROXY_TIMEOUT_MS >= 60_000


def test_every_server_on_the_hub_talks_to_its_kernels_over_private_sockets_not_tcp_ports(tmp_path: Path) -> None:
    """People's servers and the formgrader service (the grader's) start their kernels on Unix sockets
    (a TCP port on 127.0.0.1 is open to every account), kept in their owner's runtime folder."""
    config = _configured(tmp_path)
    layout = HubSettings.read(tmp_path / "settings.json").layout
    (formgrader,) = [s for s in config.JupyterHub.services if s["name"] == layout.course_id]
    assert KERNELS_OVER_SOCKETS == "--KernelManager.transport=ipc"
    assert KERNELS_OVER_SOCKETS in config.Spawner.args and KERNELS_OVER_SOCKETS in formgrader["command"]
    assert formgrader["environment"]["JUPYTER_RUNTIME_DIR"].startswith(formgrader["environment"]["HOME"] + "/")


def test_only_the_roster_logs_in_and_supervisors_alone_reach_the_formgrader(tmp_path: Path) -> None:
    """Allowed users are the roster's; the formgrade group holds the supervisors only."""
    config = _configured(tmp_path)
    assert config.Authenticator.allowed_users == {"ada", "sam"}
    assert config.JupyterHub.load_groups["formgrade-trauma-recovery-coaching"] == {"users": ["sam"]}


def test_the_course_service_runs_as_the_grader_and_only_members_servers_may_call_it(tmp_path: Path) -> None:
    """The course service is a hub service of the grader's, without the gradebook's URL; trainees' and
    supervisors' groups (not the office) hold its access scope, which their servers' tokens may carry."""
    config = _configured(tmp_path, course_service_port=8004, db_url="postgresql://u:secret@h/db")
    layout = HubSettings.read(tmp_path / "settings.json").layout
    (service,) = [s for s in config.JupyterHub.services if s["name"] == layout.course_service]
    assert service["user"] == "root" and service["url"] == "http://127.0.0.1:8004"
    assert service["command"][1:] == ["-m", "trainingkit.exchange.service"]
    assert "TRAININGKIT_DB_URL" not in service["environment"]
    scope = f"access:services!service={layout.course_service}"
    (members,) = [r for r in config.JupyterHub.load_roles if r["name"] == "course-members"]
    assert members == {"name": "course-members", "groups": ["trainees", "supervisors"], "scopes": [scope]}
    assert scope in config.Spawner.server_token_scopes



def test_the_grader_writes_and_the_office_reads_the_results_register_named_in_their_environment(tmp_path: Path) -> None:
    """The formgrader (which releases feedback) is told where the results register is, in the office's folder."""
    config = _configured(tmp_path)
    layout = HubSettings.read(tmp_path / "settings.json").layout
    (formgrader,) = [s for s in config.JupyterHub.services if s["name"] == layout.course_id]
    assert formgrader["environment"]["TRAININGKIT_RESULTS"] == str(layout.prefix / "office" / "results.csv")
    assert layout.results_register.parent == layout.office_dir and layout.office_group.endswith("-office")


def test_a_disabled_person_is_let_in_nowhere_and_starts_no_server(tmp_path: Path) -> None:
    """Someone in disabled.txt is neither an allowed user nor in a group, and their spawn is refused by name;
    so is someone the roster in force does not hold (added to the hub's database some other way)."""
    from trainingkit.hub.config import NotOnRoster, role_in_force

    layout = HubSettings(str(tmp_path / "prefix"), "root", "", "127.0.0.1", 8000, 8001, 8002, 8003).layout
    layout.hub_dir.mkdir(parents=True)
    layout.roster_file.write_text("username,role,name\nada,trainee,Ada\nsam,supervisor,Sam\n")
    layout.disabled_file.write_text("sam\n")
    settings = HubSettings(str(layout.prefix), "root", str(layout.roster_file), "127.0.0.1", 8000, 8001, 8002, 8003)
    config = Config()
    configure_hub(config, settings)
    assert config.Authenticator.allowed_users == {"ada"}
    assert config.JupyterHub.load_groups["supervisors"] == {"users": []}
    assert role_in_force(layout, "ada").value == "trainee"
    with pytest.raises(NotOnRoster, match="sam is disabled"):
        role_in_force(layout, "sam")
    with pytest.raises(NotOnRoster, match="eve is not on this course's roster"):
        role_in_force(layout, "eve")


def test_the_roster_command_has_a_token_that_manages_people_and_everyone_may_open_the_password_page(
        tmp_path: Path) -> None:
    """With the people service's token kept, the hub knows that service (no URL, no process) with the user,
    group and server scopes only; every roster group may open the password page, which runs as root."""
    layout = HubSettings(str(tmp_path / "prefix"), "root", "", "127.0.0.1", 8000, 8001, 8002, 8003).layout
    layout.hub_dir.mkdir(parents=True)
    layout.people_token_file.write_text("a-token\n")
    config = _configured(tmp_path, password_service_port=8005)
    services = {service["name"]: service for service in config.JupyterHub.services}
    assert services["people"] == {"name": "people", "display": False, "api_token": "a-token"}
    assert services["password"]["url"] == "http://127.0.0.1:8005" and "user" not in services["password"]
    roles = {role["name"]: role for role in config.JupyterHub.load_roles}
    assert set(roles["people"]["scopes"]) == {"admin:users", "admin:servers", "admin:groups", "list:users",
                                              "read:users"}
    assert roles["password-page"]["groups"] == ["trainees", "supervisors", "office"]
    assert roles["password-page"]["scopes"] == ["access:services!service=password"]
