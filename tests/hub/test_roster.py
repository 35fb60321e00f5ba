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


def test_a_certified_coach_is_a_trainee_with_a_coach_id_and_email() -> None:
    """The optional coach_id and email columns are kept; a roster may add coach_id alone."""
    text = ("username,role,name,coach_id,email\nada,trainee,Ada Mae Okafor,C001,ada@example.org\n"
            "ben,trainee,Ben,,\nsam,supervisor,Sam Reyes,,sam@example.org\n")
    ada, ben, sam = parse_roster(text, "roster.csv")
    assert (ada.coach_id, ada.email, ada.first_and_last_name) == ("C001", "ada@example.org", ("Ada Mae", "Okafor"))
    assert (ben.coach_id, ben.first_and_last_name, sam.email) == ("", ("", "Ben"), "sam@example.org")
    assert parse_roster("username,role,name,coach_id\nada,trainee,Ada,C1\n", "r.csv")[0].coach_id == "C1"


@pytest.mark.parametrize("lines, message", [
    ("sam,supervisor,Sam,C1,", "line 2: only a trainee has a coach id"),
    ("ada,trainee,Ada,C 1,", "line 2: coach id 'C 1' is not valid"),
    ("ada,trainee,Ada,C1,\nben,trainee,Ben,C1,", "line 3: coach id 'C1' is already on line 2"),
    ("ada,trainee,Ada,,not-an-address", "line 2: 'not-an-address' is not an email address"),
    ("ada,trainee,Ada,C1", "line 2: expected 5 fields"),
])
def test_coach_ids_and_emails_are_checked_line_by_line(lines: str, message: str) -> None:
    """A coach id on a non-trainee, a malformed or repeated id, or a bad address is named with its line."""
    with pytest.raises(RosterError, match=message):
        parse_roster(f"username,role,name,coach_id,email\n{lines}\n", "roster.csv")


def test_unknown_or_reordered_columns_are_refused_at_the_header() -> None:
    """Only coach_id and email, in that order, may follow the three required columns."""
    for header in ("username,role,name,email", "username,role,name,coach_id,email,phone", "role,username,name"):
        with pytest.raises(RosterError, match="line 1: the header must be username,role,name, optionally"):
            parse_roster(f"{header}\n", "roster.csv")
