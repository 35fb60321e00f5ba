"""The class roster: who has an account on the course's JupyterHub, and in which role. Pure.

A roster is a CSV file with the header ``username,role,name`` and, optionally, the columns
``coach_id`` and ``email`` after them: one line per person, the role one of :class:`Role`.
Usernames become OS accounts, so they follow the portable POSIX rule (lower-case letter
first, then lower-case letters, digits, ``-`` or ``_``, at most 32 characters). Every problem
is reported with the file and line, and nothing is created from a roster that has one.

A certified coach is a trainee with a coach id (the office's id for them, as in its records):
a coach works through the same lessons and Assignments panel as any trainee, and what sets
them apart (their renewal cycle and review sittings) follows from the office's records,
which are keyed by that id. Only trainees may have one, and no two people the same.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

HEADER = ("username", "role", "name")
#: Columns a roster may add after :data:`HEADER`, in this order.
OPTIONAL = ("coach_id", "email")
COACH_ID = re.compile(r"^[A-Za-z0-9_-]{1,32}$")
EMAIL = re.compile(r"^[^@\s,]+@[^@\s,]+\.[^@\s,]+$")
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
    coach_id: str = ""
    email: str = ""

    @property
    def first_and_last_name(self) -> tuple[str, str]:
        """The name as nbgrader keeps it: all but the last word, and the last word. A one-word name
        ("Ben") is a last name alone, which the formgrader's lists show alone
        (:mod:`trainingkit.grading.formgrader`)."""
        first, _, last = self.name.rpartition(" ")
        return (first, last) if first else ("", last)


def parse_roster(text: str, path: Path | str, *, reserved: frozenset[str] = RESERVED) -> tuple[Member, ...]:
    """The members listed in a roster's text; ``path`` names it in errors."""
    rows = list(csv.reader(io.StringIO(text)))
    header = tuple(cell.strip() for cell in rows[0]) if rows else ()
    if header[:3] != HEADER or header[3:] != OPTIONAL[:len(header) - 3]:
        raise RosterError(f"{path}: line 1: the header must be {','.join(HEADER)}, optionally followed by "
                          f"{','.join(OPTIONAL)}")
    members: list[Member] = []
    seen: dict[str, int] = {}
    coaches: dict[str, int] = {}
    problems: list[str] = []
    for line, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            problems.append(f"{path}: line {line}: expected {len(header)} fields ({','.join(header)}), "
                            f"found {len(row)}")
            continue
        username, role, name, *extra = (cell.strip() for cell in row)
        coach_id, email = (extra + ["", ""])[:2]
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
        if coach_id and not COACH_ID.match(coach_id):
            problems.append(f"{path}: line {line}: coach id {coach_id!r} is not valid (letters, digits, - or _; "
                            "at most 32)")
        elif coach_id and role != Role.TRAINEE.value:
            problems.append(f"{path}: line {line}: only a trainee has a coach id (a certified coach is a trainee "
                            "with one)")
        elif coach_id in coaches:
            problems.append(f"{path}: line {line}: coach id {coach_id!r} is already on line {coaches[coach_id]}")
        if email and not EMAIL.match(email):
            problems.append(f"{path}: line {line}: {email!r} is not an email address")
        seen.setdefault(username, line)
        if coach_id:
            coaches.setdefault(coach_id, line)
        if not problems:
            members.append(Member(username, Role(role), name, coach_id, email))
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
