"""The roster: one line per person, every problem named with its file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from trainingkit.hub.roster import Member, Role, RosterError, parse_roster, read_roster


def test_a_roster_lists_each_person_with_their_role() -> None:
    """A well-formed roster gives one member per line, blank lines skipped."""
    text = "username,role,name\nada,trainee,Ada Lovelace\n\nsam,supervisor,\"Sam, Supervisor\"\nolu,office,Olu\n"
    assert parse_roster(text, "roster.csv") == (
        Member("ada", Role.TRAINEE, "Ada Lovelace"), Member("sam", Role.SUPERVISOR, "Sam, Supervisor"),
        Member("olu", Role.OFFICE, "Olu"))


@pytest.mark.parametrize("line, message", [
    ("Ada,trainee,Ada", "line 2: username 'Ada' is not a valid account name"),
    ("ada;rm -rf,trainee,Ada", "is not a valid account name"),
    ("root,trainee,Root", "line 2: username 'root' is reserved"),
    ("ada,teacher,Ada", "line 2: role 'teacher' is not one of trainee, supervisor, office"),
    ("ada,trainee,", "line 2: the name is empty"),
    ("ada,trainee", "line 2: expected 3 fields"),
])
def test_a_bad_line_is_named_with_file_and_line(line: str, message: str) -> None:
    """Each kind of bad line is refused with the file, the line and what is wrong."""
    with pytest.raises(RosterError, match=message) as raised:
        parse_roster(f"username,role,name\n{line}\n", "roster.csv")
    assert str(raised.value).startswith("roster.csv: line ")


def test_a_duplicate_username_names_both_lines() -> None:
    """A username listed twice names the line it first appeared on."""
    with pytest.raises(RosterError, match="line 3: username 'ada' is already on line 2"):
        parse_roster("username,role,name\nada,trainee,A\nada,office,B\n", "r.csv")


def test_every_problem_is_reported_at_once() -> None:
    """All bad lines are listed in one message, so the roster is fixed in one go."""
    with pytest.raises(RosterError) as raised:
        parse_roster("username,role,name\nA,trainee,x\nb,nobody,y\n", "r.csv")
    assert "line 2" in str(raised.value) and "line 3" in str(raised.value)


def test_a_wrong_header_or_missing_file_is_refused(tmp_path: Path) -> None:
    """A roster without the header, or one that cannot be read, is refused by name."""
    with pytest.raises(RosterError, match="line 1: the header must be username,role,name"):
        parse_roster("name,role\n", "r.csv")
    with pytest.raises(RosterError, match="missing.csv: cannot be read"):
        read_roster(tmp_path / "missing.csv")
