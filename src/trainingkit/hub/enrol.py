"""People while the class runs: add, disable, enable and remove a person, or give them a new
password, without stopping anyone else's server. Needs root, beside the running hub.

Why a root command and not a page: adding or removing a person makes or removes an OS account
(``useradd``, ``userdel``), which only root can do, and a web page that could do it would be a
root-powered door open to everyone on the network. The operator who started the hub is root
already, and the hub keeps running: each change is made to the OS accounts and the kept roster
(``PREFIX/hub/roster.csv``), then told to the running hub through its REST API with the
``people`` service's token (``PREFIX/hub/people-service-token``, root only), which may manage
users, groups and servers and nothing else. Only the person concerned is touched: their
server is stopped when they are disabled or removed, nobody else's.

* **add**: the account (private home) with a first password, which is printed once and kept
  nowhere; the roster line; the gradebook (a trainee, by name); the hub user and its groups.
* **disable**: the account locked (its password refused by PAM, nothing deleted), the server
  stopped, the hub user deleted (its sessions and tokens end with it); listed in
  ``PREFIX/hub/disabled.txt`` so a restarted hub lets them in nowhere. **enable** undoes it.
* **remove**: the server stopped and the hub user deleted, the account and its home removed,
  the roster line gone. Their grades stay in the gradebook.
* **reset**: a new password, printed once.
"""

from __future__ import annotations

import csv
import io
import json
import secrets
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from trainingkit.files import write_atomically
from trainingkit.hub import accounts
from trainingkit.hub.layout import HubLayout
from trainingkit.hub.roster import HEADER, OPTIONAL, Member, Role, RosterError, parse_roster

#: What the ``people`` service's token may do on the hub.
PEOPLE_SCOPES = ("admin:users", "admin:servers", "admin:groups", "list:users", "read:users")


class EnrolError(RuntimeError):
    """A change to the class could not be made; the message names the person and why."""


def role_groups(role: Role, formgrade_group: str) -> list[str]:
    """The hub groups a person of ``role`` belongs to (as ``trainingkit.hub.config`` loads them)."""
    group = "office" if role is Role.OFFICE else f"{role.value}s"
    return [group, formgrade_group] if role is Role.SUPERVISOR else [group]


def roster_text(members: tuple[Member, ...]) -> str:
    """A roster file's text for ``members``, with every column."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([*HEADER, *OPTIONAL])
    writer.writerows([m.username, m.role.value, m.name, m.coach_id, m.email] for m in members)
    return buffer.getvalue()


def with_added(members: tuple[Member, ...], new: Member, *, where: str, reserved: frozenset[str]) -> tuple[Member, ...]:
    """``members`` and ``new``, checked together by the roster's own rules (a clash names ``where``)."""
    text = roster_text((*members, new))
    try:
        return parse_roster(text, where, reserved=reserved)
    except RosterError as error:  # the new person is the last line: say so by name, not by line
        last = f"line {len(members) + 2}:"
        raise RosterError(str(error).replace(last, f"{new.username}:")) from None


def new_password() -> str:
    return secrets.token_urlsafe(12)


def read_disabled(path: Path) -> frozenset[str]:
    try:
        return frozenset(line.strip() for line in path.read_text().splitlines() if line.strip())
    except FileNotFoundError:
        return frozenset()


@dataclass(frozen=True)
class HubApi:
    """The running hub's REST API, called with the ``people`` service's token."""

    url: str
    token: str

    @classmethod
    def of(cls, layout: HubLayout) -> "HubApi":
        from trainingkit.hub.config import HubSettings

        if not layout.settings_file.exists() or not layout.people_token_file.exists():
            raise EnrolError(f"{layout.people_token_file}: no token for the running hub; it was started by an "
                             "earlier version: start it once more with `trainingkit hub`, then try again")
        settings = HubSettings.read(layout.settings_file)
        return cls(f"http://127.0.0.1:{settings.hub_port}/hub/api", layout.people_token_file.read_text().strip())

    def call(self, method: str, path: str, body: object = None) -> tuple[int, object]:
        """``(status, decoded JSON or None)``; 0 when the hub does not answer (not running)."""
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(f"{self.url}{path}", data=data, method=method,
                                         headers={"Authorization": f"token {self.token}",
                                                  "Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=120) as response:
                text = response.read()
                return response.status, (json.loads(text) if text else None)
        except urllib.error.HTTPError as error:
            return error.code, None
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            return 0, None

    def running(self) -> bool:
        return self.call("GET", "/")[0] == 200

    def add_user(self, username: str, groups: list[str]) -> None:
        status, _ = self.call("POST", f"/users/{username}")
        if status not in (201, 409):  # 409: the hub knows them already
            raise EnrolError(f"{username}: the hub refused to add them ({status})")
        for group in groups:
            status, _ = self.call("POST", f"/groups/{group}/users", {"users": [username]})
            if status == 404:
                self.call("POST", f"/groups/{group}", {"users": [username]})
            elif status != 200:
                raise EnrolError(f"{username}: the hub refused to add them to the group {group} ({status})")

    def stop_and_delete(self, username: str, patience: float = 120) -> None:
        """Stop ``username``'s server (waiting for it) and delete them from the hub; gone already is fine."""
        status, _ = self.call("DELETE", f"/users/{username}/server")
        deadline = time.monotonic() + patience
        while status in (202, 204) and time.monotonic() < deadline:
            status, model = self.call("GET", f"/users/{username}")
            if status != 200 or not isinstance(model, dict) or (not model.get("server") and not model.get("pending")):
                break
            time.sleep(0.5)
        status, _ = self.call("DELETE", f"/users/{username}")
        if status not in (204, 404):
            raise EnrolError(f"{username}: the hub would not delete them ({status})")


def _reserved(layout: HubLayout) -> frozenset[str]:
    from trainingkit.hub.roster import RESERVED

    return RESERVED | {layout.grader}


def read_members(layout: HubLayout) -> tuple[Member, ...]:
    if not layout.roster_file.exists():
        raise EnrolError(f"{layout.roster_file}: no roster in force here; deploy first with `trainingkit hub`")
    from trainingkit.hub.roster import read_roster

    return read_roster(layout.roster_file, reserved=frozenset({"root", layout.grader}))  # as `trainingkit hub`


def _write_members(layout: HubLayout, members: tuple[Member, ...]) -> None:
    write_atomically(layout.roster_file, roster_text(members))


def _update_course(layout: HubLayout, members: tuple[Member, ...]) -> None:
    """The course's copy of the roster, the gradebook's trainees, the office's group."""
    from trainingkit.hub.config import HubSettings
    from trainingkit.hub.deploy import ensure_office_folder, ensure_students

    db_url = HubSettings.read(layout.settings_file).db_url if layout.settings_file.exists() else None
    ensure_students(layout, members, db_url)
    ensure_office_folder(layout, members)


Say = Callable[[str], None]


def add_person(layout: HubLayout, member: Member, *, say: Say) -> str:
    """Put ``member`` on the class while it runs; returns their first password (to show once)."""
    members = with_added(read_members(layout), member, where=str(layout.roster_file), reserved=_reserved(layout))
    HubApi.of(layout)  # before anything changes: a hub this command cannot tell is named now
    if accounts.exists(member.username):
        raise EnrolError(f"{member.username}: an account of that name exists on this machine already")
    say(f"Making the account {member.username} ({member.role.value})")
    accounts.create(member.username, member.name)
    password = new_password()
    try:
        accounts.set_password(member.username, password)
        _write_members(layout, members)
    except BaseException:
        accounts.remove(member.username)
        raise
    say("Adding them to the course's roster and gradebook")
    _update_course(layout, members)
    _tell_hub(layout, say, lambda api: api.add_user(member.username, role_groups(member.role, layout.formgrade_group)))
    return password


def _tell_hub(layout: HubLayout, say: Say, change: Callable[[HubApi], None]) -> None:
    api = HubApi.of(layout)
    if not api.running():
        say("The hub is not running: the change takes effect when it starts")
        return
    change(api)
    say("The running hub knows: nobody else's server was stopped")


def _member(layout: HubLayout, username: str) -> tuple[tuple[Member, ...], Member]:
    members = read_members(layout)
    for member in members:
        if member.username == username:
            return members, member
    raise EnrolError(f"{username}: not on the roster in force ({layout.roster_file})")


def remove_person(layout: HubLayout, username: str, *, say: Say) -> None:
    """Take ``username`` off the class: their server, hub user, account and home; their grades stay."""
    members, _ = _member(layout, username)
    HubApi.of(layout)
    say(f"Stopping {username}'s server and removing them from the hub")
    _tell_hub(layout, say, lambda api: api.stop_and_delete(username))
    remaining = tuple(m for m in members if m.username != username)
    _write_members(layout, remaining)
    _set_disabled(layout, username, False)
    _update_course(layout, remaining)
    say(f"Removing the account {username} and its home")
    _release_limits(username)
    accounts.remove(username)


def disable_person(layout: HubLayout, username: str, *, say: Say) -> None:
    """Lock ``username`` out for now (nothing deleted): account locked, server stopped, hub user gone."""
    _member(layout, username)
    HubApi.of(layout)
    _set_disabled(layout, username, True)
    subprocess.run(["usermod", "--lock", "--expiredate", "1", username], check=True, capture_output=True)
    say(f"Stopping {username}'s server and ending their sessions")
    _tell_hub(layout, say, lambda api: api.stop_and_delete(username))
    _release_limits(username)


def enable_person(layout: HubLayout, username: str, *, say: Say) -> None:
    """Let a disabled ``username`` in again, with the password they had."""
    _, member = _member(layout, username)
    HubApi.of(layout)
    subprocess.run(["usermod", "--unlock", "--expiredate", "", username], check=True, capture_output=True)
    _set_disabled(layout, username, False)
    _tell_hub(layout, say, lambda api: api.add_user(username, role_groups(member.role, layout.formgrade_group)))


def reset_password(layout: HubLayout, username: str) -> str:
    """A new password for ``username`` (to show once); the old one stops working at once."""
    _member(layout, username)
    password = new_password()
    accounts.set_password(username, password)
    return password


def _set_disabled(layout: HubLayout, username: str, disabled: bool) -> None:
    names = set(read_disabled(layout.disabled_file))
    changed = (names | {username}) if disabled else (names - {username})
    if changed != names or not layout.disabled_file.exists():
        write_atomically(layout.disabled_file, "".join(f"{name}\n" for name in sorted(changed)))


def _release_limits(username: str) -> None:
    """Remove a cgroup left behind by ``username``'s server (the hub removes it when it stops one)."""
    from trainingkit.hub.limits import detect

    hierarchy = detect()
    if hierarchy is not None and hierarchy.exists(username):
        hierarchy.remove(username)
