"""The top-level commands of `trainingkit` that have no module of their own: `bank check`."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from trainingkit.cli import main
from trainingkit.course import Course


@pytest.fixture
def here(course_copy: Course, monkeypatch) -> Course:
    monkeypatch.chdir(course_copy.root)
    monkeypatch.delenv("TRAININGKIT_ROOT", raising=False)
    return course_copy


def test_bank_check_passes_the_shipped_course(here: Course) -> None:
    """The shipped bank, assignments and lessons meet every check, exit 0."""
    result = CliRunner().invoke(main, ["bank", "check"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("ok: ")


def test_bank_check_names_a_case_set_no_form_can_hold(here: Course) -> None:
    """Putting a third part of case-safety-02 back into lapse-renewal makes bank check name it, exit 1."""
    cases = here.bank_dir / "cases-safety.yaml"
    text = cases.read_text()
    assert "area: practice-standards\n        angoff: 0.7" in text
    cases.write_text(text.replace("area: practice-standards\n        angoff: 0.7", "area: lapse-renewal\n        angoff: 0.7"))
    result = CliRunner().invoke(main, ["bank", "check"])
    assert result.exit_code == 1
    assert ("case set case-safety-02 cannot be placed on any ethics review form: 3 parts (safety-403, safety-404, "
            "safety-405) are in area 'lapse-renewal', where a form holds at most 2") in result.stderr
    assert "no one ever sees it" in result.stderr


def test_bank_check_names_a_later_part_that_repeats_an_earlier_key(here: Course) -> None:
    """A part two that says what the coach did in part one is named, with the words it repeats."""
    cases = here.bank_dir / "cases-dual.yaml"
    text = cases.read_text()
    cases.write_text(text.replace("Before Saskia has said much, Noor laughs",
                                  "Saskia gives a friendly, general reply; Noor laughs"))
    result = CliRunner().invoke(main, ["bank", "check"])
    assert result.exit_code == 1
    assert "case-dual-01: dual-402 repeats 3 of the 8 distinctive words of dual-401's key (general, give, reply)" in result.stderr


def test_bank_check_and_forms_name_a_fixed_item_whose_text_changed(here: Course) -> None:
    """Rewording an item of cycle 1's fixed form makes bank check (exit 1) and forms (exit 1) name it."""
    import yaml

    item_id = yaml.safe_load(here.forms_file.read_text())["forms"][0]["items"][0]
    bank_file = next(p for p in here.bank_dir.glob("*.yaml") if f"id: {item_id}\n" in p.read_text())
    reworded, count = re.subn(rf"(id: {item_id}\n(?:.*\n)*?\s+question: )[^>|].*\n", r"\1A quietly reworded question?\n",
                              bank_file.read_text(), count=1)
    assert count == 1, "the fixed item's question was not found on one line"
    bank_file.write_text(reworded)
    check = CliRunner().invoke(main, ["bank", "check"])
    assert check.exit_code == 1 and f"the text of {item_id} changed since it was fixed" in check.stderr
    forms = CliRunner().invoke(main, ["forms", "--cycles", "1"])
    assert forms.exit_code == 1 and "Broken: cycle 1's fixed form" in forms.stderr


def test_build_refuses_a_time_zone_it_does_not_know_naming_the_file(here: Course) -> None:
    """`trainingkit build` with course.yaml naming no known zone stops before rendering, in one line naming the file."""
    here.settings_file.write_text("time_zone: Europe/Atlantis\n")
    result = CliRunner().invoke(main, ["build", "--no-generate"])
    assert result.exit_code == 2, result.output
    assert result.stderr.strip() == (f"Error: {here.settings_file}: time_zone: 'Europe/Atlantis' is not a time zone "
                                     "name zoneinfo knows (an IANA name such as Europe/London or America/Chicago)")
    assert "Rendering" not in result.stdout
