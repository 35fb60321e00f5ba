"""The pure rules under `trainingkit roster`: a person added is checked with the roster in force."""

from __future__ import annotations

import pytest

from trainingkit.hub.enrol import role_groups, roster_text, with_added
from trainingkit.hub.roster import Member, Role, RosterError, parse_roster

ADA = Member("ada", Role.TRAINEE, "Ada Okafor", "C0001", "ada@example.org")
SAM = Member("sam", Role.SUPERVISOR, "Sam Reyes")


def test_the_roster_in_force_is_written_with_every_column_and_reads_back_the_same() -> None:
    """roster_text and parse_roster agree: nothing about a person is lost when the roster is rewritten."""
    assert parse_roster(roster_text((ADA, SAM)), "roster.csv") == (ADA, SAM)


def test_a_person_added_is_checked_with_everyone_already_on_the_roster() -> None:
    """A username or coach id already taken is refused, naming the person added rather than a line number."""
    with pytest.raises(RosterError, match="kofi: coach id 'C0001' is already on line 2"):
        with_added((ADA, SAM), Member("kofi", Role.TRAINEE, "Kofi Mensah", "C0001"), where="roster.csv",
                   reserved=frozenset())
    with pytest.raises(RosterError, match="ada: username 'ada' is already"):
        with_added((ADA, SAM), Member("ada", Role.OFFICE, "Another Ada"), where="roster.csv", reserved=frozenset())
    added = with_added((ADA,), SAM, where="roster.csv", reserved=frozenset())
    assert added == (ADA, SAM)


def test_a_supervisor_joins_the_formgrader_group_and_the_office_its_own() -> None:
    """The hub groups of a person added while the hub runs are those the hub loads at its start."""
    assert role_groups(Role.SUPERVISOR, "formgrade-x") == ["supervisors", "formgrade-x"]
    assert role_groups(Role.TRAINEE, "formgrade-x") == ["trainees"]
    assert role_groups(Role.OFFICE, "formgrade-x") == ["office"]


def test_a_change_to_a_hub_started_by_an_earlier_version_is_refused_before_anything_changes(tmp_path) -> None:
    """Without the people service's token, `trainingkit roster` says to restart the hub once; it makes nothing."""
    from trainingkit.hub.enrol import EnrolError, add_person
    from trainingkit.hub.layout import HubLayout

    layout = HubLayout(tmp_path / "prefix", "tk-grader")
    layout.hub_dir.mkdir(parents=True)
    layout.roster_file.write_text(roster_text((ADA,)))
    with pytest.raises(EnrolError, match="started by an earlier version"):
        add_person(layout, SAM, say=print)
    assert layout.roster_file.read_text() == roster_text((ADA,))


def test_the_roster_command_names_what_is_missing_in_one_line_and_exits_2(tmp_path) -> None:
    """`trainingkit roster reset` where no hub was deployed says so (as root), or that it needs root; no traceback."""
    import os

    from click.testing import CliRunner

    from trainingkit.cli import main

    result = CliRunner().invoke(main, ["roster", "reset", "ada", "--prefix", str(tmp_path / "none")])
    assert result.exit_code == 2
    expected = "no roster in force here" if os.geteuid() == 0 else "needs root"
    assert expected in result.output and "Traceback" not in result.output
