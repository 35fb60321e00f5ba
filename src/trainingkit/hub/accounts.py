"""OS accounts for the roster, with first passwords shown once. Needs root.

Accounts are made with Debian's ``useradd`` and removed with ``userdel``. A new account's
home is made private (0700: ``useradd -m`` leaves it readable by everyone) and gets a first
password of its own, generated here and returned for the operator to see once: no file keeps
it. An account that already exists is left as it is: its password is never reset.
"""

from __future__ import annotations

import os
import pwd
import secrets
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from trainingkit.hub.roster import Member


class AccountError(RuntimeError):
    """An account could not be made or changed; the message names it and says why."""


@dataclass(frozen=True)
class NewAccount:
    """An account made in this run, and its first password."""

    username: str
    password: str


def exists(username: str) -> bool:
    try:
        pwd.getpwnam(username)
    except KeyError:
        return False
    return True


def home_of(username: str) -> Path:
    return Path(pwd.getpwnam(username).pw_dir)


def _run(command: list[str], what: str, stdin: str | None = None) -> None:
    process = subprocess.run(command, input=stdin, capture_output=True, text=True)
    if process.returncode != 0:
        raise AccountError(f"{what}: {' '.join(command[:1])} failed ({process.returncode}): "
                           f"{process.stderr.strip()}")


def create(username: str, full_name: str, *, home_base: Path = Path("/home")) -> None:
    """Make ``username`` with a private home and no password yet (no login until one is set)."""
    _run(["useradd", "--create-home", "--base-dir", str(home_base), "--shell", "/bin/bash",
          "--comment", full_name.replace(":", " "), "--user-group", username], f"making account {username}")
    os.chmod(home_of(username), 0o700)


def set_password(username: str, password: str) -> None:
    _run(["chpasswd"], f"setting the password of {username}", stdin=f"{username}:{password}\n")


def remove(username: str) -> None:
    """Remove ``username``, its home and its group; nothing happens when it does not exist."""
    if exists(username):
        subprocess.run(["pkill", "-KILL", "-u", username], capture_output=True)
        _run(["userdel", "--remove", username], f"removing account {username}")


def ensure_group(group: str, usernames: Iterable[str]) -> None:
    """Make the OS group ``group`` (if missing) with exactly ``usernames`` as its members."""
    import grp

    try:
        grp.getgrnam(group)
    except KeyError:
        _run(["groupadd", "--system", group], f"making group {group}")
    _run(["gpasswd", "--members", ",".join(sorted(usernames)), group], f"setting the members of group {group}")


def ensure_accounts(members: Iterable[Member], *, home_base: Path = Path("/home")) -> list[NewAccount]:
    """Make every missing member's account with a fresh password; return the ones made."""
    made = []
    for member in members:
        if exists(member.username):
            continue
        create(member.username, member.name, home_base=home_base)
        password = secrets.token_urlsafe(12)
        set_password(member.username, password)
        made.append(NewAccount(member.username, password))
    return made
