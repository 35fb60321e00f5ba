"""The class roster: who has an account on the course's JupyterHub, and in which role. Pure.

A roster is a CSV file with the header ``username,role,name``: one line per person, the
role one of :class:`Role`. Usernames become OS accounts, so they follow the portable POSIX
rule (lower-case letter first, then lower-case letters, digits, ``-`` or ``_``, at most
32 characters). Every problem is reported with the file and line, and nothing is created
from a roster that has one.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

HEADER = ("username", "role", "name")
USERNAME = re.compile(r"^[a-z][a-z0-9_-]{0,31}$")
#: Accounts a roster may never name: the system's own and the course's grader account.
RESERVED = frozenset({"root", "daemon", "bin", "sys", "nobody", "postgres", "www-data", "admin"})


class Role(str, Enum):
    """What a person does on the hub."""

    TRAINEE = "trainee"
    SUPERVISOR = "supervisor"
    OFFICE = "office"


class RosterError(ValueError):
    """The roster cannot be used; the message names the file and line."""


@dataclass(frozen=True)
class Member:
    """One person on the roster."""

    username: str
    role: Role
    name: str


def parse_roster(text: str, path: Path | str, *, reserved: frozenset[str] = RESERVED) -> tuple[Member, ...]:
    """The members listed in a roster's text; ``path`` names it in errors."""
    rows = list(csv.reader(io.StringIO(text)))
    if not rows or tuple(cell.strip() for cell in rows[0]) != HEADER:
        raise RosterError(f"{path}: line 1: the header must be {','.join(HEADER)}")
    members: list[Member] = []
    seen: dict[str, int] = {}
    problems: list[str] = []
    for line, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != 3:
            problems.append(f"{path}: line {line}: expected 3 fields (username,role,name), found {len(row)}")
            continue
        username, role, name = (cell.strip() for cell in row)
        if not USERNAME.match(username):
            problems.append(f"{path}: line {line}: username {username!r} is not a valid account name "
                            "(a lower-case letter, then lower-case letters, digits, - or _; at most 32)")
        elif username in reserved:
            problems.append(f"{path}: line {line}: username {username!r} is reserved")
        elif username in seen:
            problems.append(f"{path}: line {line}: username {username!r} is already on line {seen[username]}")
        if role not in {r.value for r in Role}:
            problems.append(f"{path}: line {line}: role {role!r} is not one of "
                            f"{', '.join(r.value for r in Role)}")
        if not name:
            problems.append(f"{path}: line {line}: the name is empty")
        seen.setdefault(username, line)
        if not problems:
            members.append(Member(username, Role(role), name))
    if problems:
        raise RosterError("\n".join(problems))
    return tuple(members)


def read_roster(path: Path | str, *, reserved: frozenset[str] = RESERVED) -> tuple[Member, ...]:
    """The members of the roster file at ``path``."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise RosterError(f"{path}: cannot be read ({error})") from None
    return parse_roster(text, path, reserved=reserved)
