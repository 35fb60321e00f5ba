"""``trainingkit roster add|disable|enable|remove|reset``: people while the class runs (as root,
beside the running hub); a thin layer over :mod:`trainingkit.hub.enrol`."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path

import click

from trainingkit.hub.layout import DEFAULT_GRADER, DEFAULT_PREFIX, HubLayout

_prefix = click.option("--prefix", type=click.Path(path_type=Path), default=DEFAULT_PREFIX, show_default=True,
                       help="Where `trainingkit hub` put the course (its --prefix).")
_grader = click.option("--grader", default=DEFAULT_GRADER, show_default=True, help="The course's grader account.")


def _say(line: str) -> None:
    click.echo(f"{line} ...")


def _do(change: Callable[[], None]) -> None:
    from trainingkit.hub.accounts import AccountError
    from trainingkit.hub.enrol import EnrolError
    from trainingkit.hub.roster import RosterError

    if os.geteuid() != 0:
        click.echo("Error: changing the class needs root (it makes and removes OS accounts)", err=True)
        sys.exit(2)
    try:
        change()
    except (EnrolError, RosterError, AccountError) as error:
        click.echo(f"Error: {error}", err=True)
        sys.exit(2)


def _show_password(username: str, password: str, what: str) -> None:
    click.echo(f"{what} of {username} (shown this once and kept nowhere; hand it over privately): {password}")


@click.group("roster")
def roster() -> None:
    """Add, disable, enable or remove a person, or reset a password, while the hub runs (as root)."""


@roster.command("add")
@click.argument("username")
@click.option("--role", type=click.Choice(["trainee", "supervisor", "office"]), required=True)
@click.option("--name", required=True, help="Their full name, as the roster has it.")
@click.option("--coach-id", default="", help="A certified coach's id in the office's records (trainees only).")
@click.option("--email", default="")
@_prefix
@_grader
def add(username: str, role: str, name: str, coach_id: str, email: str, prefix: Path, grader: str) -> None:
    """Add a person to the class; their first password is printed once."""
    from trainingkit.hub.enrol import add_person
    from trainingkit.hub.roster import Member, Role

    def change() -> None:
        password = add_person(HubLayout(prefix.resolve(), grader), Member(username, Role(role), name, coach_id, email),
                              say=_say)
        _show_password(username, password, "First password")

    _do(change)


@roster.command("remove")
@click.argument("username")
@_prefix
@_grader
def remove(username: str, prefix: Path, grader: str) -> None:
    """Remove a person: their server, account and home (their grades stay in the gradebook)."""
    from trainingkit.hub.enrol import remove_person

    _do(lambda: remove_person(HubLayout(prefix.resolve(), grader), username, say=_say))
    click.echo(f"{username} is removed.")


@roster.command("disable")
@click.argument("username")
@_prefix
@_grader
def disable(username: str, prefix: Path, grader: str) -> None:
    """Lock a person out for now (their files and grades stay); `enable` lets them in again."""
    from trainingkit.hub.enrol import disable_person

    _do(lambda: disable_person(HubLayout(prefix.resolve(), grader), username, say=_say))
    click.echo(f"{username} is disabled.")


@roster.command("enable")
@click.argument("username")
@_prefix
@_grader
def enable(username: str, prefix: Path, grader: str) -> None:
    """Let a disabled person in again, with the password they had."""
    from trainingkit.hub.enrol import enable_person

    _do(lambda: enable_person(HubLayout(prefix.resolve(), grader), username, say=_say))
    click.echo(f"{username} is enabled.")


@roster.command("reset")
@click.argument("username")
@_prefix
@_grader
def reset(username: str, prefix: Path, grader: str) -> None:
    """Give a person a new password, printed once; the old one stops working."""
    from trainingkit.hub.enrol import reset_password

    _do(lambda: _show_password(username, reset_password(HubLayout(prefix.resolve(), grader), username),
                               "New password"))
