"""``trainingkit hub``: deploy the course for a class and run JupyterHub until Ctrl-C. Needs root.

Ctrl-C (or SIGTERM) stops JupyterHub, which stops the proxy, the formgrader service, the
idle culler and every person's server before it exits; nothing it started is left behind.

The gradebook is the one ``TRAININGKIT_DB_URL`` names when the command starts, kept in the
hub's root-only settings; a later start without the variable uses the kept one, so a
restart never quietly moves the class to a new, empty SQLite gradebook.
"""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

import click

from trainingkit.course import Course
from trainingkit.hub.accounts import NewAccount
from trainingkit.hub.layout import DEFAULT_GRADER, DEFAULT_IDLE_TIMEOUT, DEFAULT_PREFIX, HubLayout
from trainingkit.hub.limits import (DEFAULT_PROCESS_LIMIT, MIN_PROCESS_LIMIT, Limits, LimitsError, check_available,
                                    parse_size, release_everyone, systemd_is_init)

#: How a first password is shown on the console (the hub tests read it back from there).
FIRST_PASSWORD_LINE = "password of {username}: {password}"

CONFIG_FILE = ("# Written by `trainingkit hub`: every setting lives in trainingkit.hub.config (tested).\n"
               "from pathlib import Path\n"
               "from trainingkit.hub.config import HubSettings, configure_hub\n\n"
               "configure_hub(get_config(), HubSettings.read(Path(__file__).with_name('settings.json')))"
               "  # noqa: F821\n")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def gradebook_url(layout: HubLayout, environ: Mapping[str, str] = os.environ) -> str | None:
    """This run's gradebook: ``TRAININGKIT_DB_URL`` if set, else the one the last run kept, else
    None (SQLite in the course's ``coursework/``)."""
    from trainingkit.hub.config import HubSettings

    if environ.get("TRAININGKIT_DB_URL"):
        return environ["TRAININGKIT_DB_URL"]
    if layout.settings_file.exists():
        return HubSettings.read(layout.settings_file).db_url
    return None


def gradebook_label(layout: HubLayout, db_url: str | None) -> str:
    """Which gradebook, for the console: the URL without its password, or the SQLite file."""
    if not db_url:
        return f"SQLite, {layout.course.coursework / 'gradebook.db'}"
    from sqlalchemy.engine import make_url

    return make_url(db_url).render_as_string(hide_password=True)


def prepare(*, layout: HubLayout, project: Course, roster: Path, ip: str, port: int,
            python: Path, idle_timeout: int = DEFAULT_IDLE_TIMEOUT, db_url: str | None = None,
            limits: Limits | None = Limits()) -> Path:
    """Deploy, write the hub's settings and configuration; return the configuration file.

    ``limits`` is what each person may use (None: no limits).
    """
    from trainingkit.files import write_atomically
    from trainingkit.hub.config import HubSettings
    from trainingkit.hub.deploy import deploy
    from trainingkit.hub.roster import read_roster

    members = read_roster(roster, reserved=frozenset({"root", layout.grader}))
    made = deploy(layout=layout, project=project, members=members, db_url=db_url, python=python,
                  say=lambda line: click.echo(f"{line} ..."))
    show_first_passwords(layout, made)
    if layout.roster_file.exists():  # people `trainingkit roster add` added and this roster lacks
        given = {member.username for member in members}
        dropped = [m.username for m in read_roster(layout.roster_file, reserved=frozenset({"root", layout.grader}))
                   if m.username not in given]
        if dropped:
            click.echo(f"Not on {roster}, so they can start no server: {', '.join(dropped)} (added with "
                       "`trainingkit roster add`?). Add their lines to it, or `trainingkit roster remove` them.")
    write_atomically(layout.roster_file, roster.read_bytes())
    if not layout.people_token_file.exists():
        write_atomically(layout.people_token_file, secrets.token_hex(32) + "\n")
    HubSettings(str(layout.prefix), layout.grader, str(layout.roster_file), ip, port, free_port(), free_port(),
                free_port(), idle_timeout=idle_timeout, db_url=db_url,
                course_service_port=free_port(),
                memory_limit=limits.memory if limits else None,
                process_limit=limits.processes if limits else None,
                password_service_port=free_port()).write(layout.settings_file)
    write_atomically(layout.config_file, CONFIG_FILE)
    return layout.config_file


def show_first_passwords(layout: HubLayout, made: Sequence[NewAccount]) -> None:
    """Print the first passwords of the accounts made now, once: no file keeps them. A passwords
    file an earlier version kept is shown one last time and removed."""
    if layout.passwords_file.exists():
        import csv

        with layout.passwords_file.open(encoding="utf-8") as handle:
            old = [NewAccount(row["username"], row["password"]) for row in csv.DictReader(handle)]
        click.echo(f"{layout.passwords_file} kept first passwords in plain text; they are shown below one last "
                   "time and the file is removed (an account whose password was changed since has another).")
        made = [*old, *made]
        layout.passwords_file.unlink()
    if not made:
        return
    click.echo(f"First passwords of {len(made)} new accounts, shown this once and kept nowhere "
               "(hand each over privately; `trainingkit roster reset NAME` gives a new one):")
    for account in made:
        click.echo(f"  {FIRST_PASSWORD_LINE.format(username=account.username, password=account.password)}")


def run_hub(layout: HubLayout) -> int:
    """Run JupyterHub in the foreground; Ctrl-C stops it and all it started."""
    process = subprocess.Popen([str(layout.bin("jupyterhub")), "-f", str(layout.config_file)],
                               cwd=layout.hub_dir)

    def stop(signum: int, _frame: object) -> None:
        process.send_signal(signal.SIGTERM)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    status = process.wait()
    release_everyone(layout)  # had JupyterHub died without stopping a server, its cgroup goes now
    return status


@click.command("hub")
@click.option("--roster", type=click.Path(exists=True, dir_okay=False, path_type=Path), required=True,
              help="CSV with the header username,role,name (roles: trainee, supervisor, office).")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True,
              help="Where the hub listens.")
@click.option("--ip", default="127.0.0.1", show_default=True, help="Address to listen on (0.0.0.0: all).")
@click.option("--course", "project", type=click.Path(exists=True, file_okay=False, path_type=Path),
              default=None, help="The trainingkit project to deploy [default: the one here].")
@click.option("--prefix", type=click.Path(path_type=Path), default=DEFAULT_PREFIX, show_default=True,
              help="Where the course, its interpreter and the hub's files are kept.")
@click.option("--grader", default=DEFAULT_GRADER, show_default=True, help="The account that owns the course.")
@click.option("--python", type=click.Path(path_type=Path), default=Path("/usr/bin/python3.11"),
              show_default=True, help="An interpreter every account can run, for the hub's venv.")
@click.option("--idle-timeout", type=click.IntRange(10), default=DEFAULT_IDLE_TIMEOUT, show_default=True,
              help="Stop a person's server after this many seconds without activity (answers are already "
                   "saved). Servers report activity every 5 minutes, so keep it at 600 or more.")
@click.option("--memory-limit", default="1G", show_default=True, metavar="SIZE",
              help="Memory for each person's server and all it starts, shared memory included (K, M, G: "
                   "powers of 1024). Past it the kernel stops that person's largest process.")
@click.option("--process-limit", type=click.IntRange(MIN_PROCESS_LIMIT), default=DEFAULT_PROCESS_LIMIT,
              show_default=True, help="Processes (threads included) for each person's server and all it starts.")
@click.option("--no-limits", is_flag=True,
              help="No limits per person (no cgroups): one person could use all the machine's memory and processes.")
@click.option("--prepare-only", is_flag=True, help="Deploy and write the configuration; do not start.")
def hub(roster: Path, port: int, ip: str, project: Path | None, prefix: Path, grader: str, python: Path,
        idle_timeout: int, memory_limit: str, process_limit: int, no_limits: bool, prepare_only: bool) -> None:
    """Run the course on JupyterHub for a class: an account per person on the roster."""
    from trainingkit.hub.accounts import AccountError
    from trainingkit.hub.deploy import DeployError
    from trainingkit.hub.roster import RosterError

    sys.stdout.reconfigure(line_buffering=True)  # each step shows as it starts, also into a log file
    course = Course(project.resolve()) if project else Course.locate()
    layout = HubLayout(prefix.resolve(), grader)
    try:
        db_url = gradebook_url(layout)
        label = gradebook_label(layout, db_url)
    except Exception as error:  # never echo the URL itself: it may hold a password
        click.echo(f"Error: the gradebook URL (TRAININGKIT_DB_URL, or the one kept in {layout.settings_file}) "
                   f"cannot be used: {type(error).__name__}", err=True)
        sys.exit(2)
    try:
        limits = None if no_limits else Limits(parse_size(memory_limit), process_limit)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--memory-limit/--process-limit") from error
    try:
        hierarchy = check_available(limits) if limits else None
    except LimitsError as error:
        click.echo(f"Error: {error}", err=True)
        sys.exit(2)
    try:
        prepare(layout=layout, project=course, roster=roster.resolve(), ip=ip, port=port, python=python,
                idle_timeout=idle_timeout, db_url=db_url, limits=limits)
    except (RosterError, DeployError, AccountError) as error:
        click.echo(f"Error: {error}", err=True)
        sys.exit(2)
    click.echo(f"Course deployed in {layout.prefix}. While the hub runs, `trainingkit roster add|disable|enable|"
               "remove|reset` changes people without stopping anyone's server.")
    click.echo(f"Gradebook: {label}" + (f" (the URL is kept in {layout.settings_file}, root only)" if db_url else ""))
    click.echo(f"Limits per person: {limits.describe()}; disk is not limited ({hierarchy.describe()})."
               if limits and hierarchy else "Limits per person: none (--no-limits).")
    if limits and systemd_is_init():
        click.echo("systemd is PID 1 here: jupyterhub-systemdspawner is the usual way to keep these limits "
                   "(see the README); trainingkit keeps them in cgroups of its own.")
    if prepare_only:
        return
    click.echo(f"JupyterHub on http://{ip}:{port}/ ; supervisors grade at "
               f"http://{ip}:{port}{layout.service_prefix}formgrader . Ctrl-C stops it.")
    sys.exit(run_hub(layout))
