"""Certification office policy is kept apart from the Code: one file, checked, quoted in its own box."""

import re
from datetime import date
from pathlib import Path

import pytest

from trainingkit.course import Course
from trainingkit.lessons import POLICY_FILE, POLICY_HEADING, LessonError, load_lessons, load_policy, render_lesson
from trainingkit.renewal.cycle import cycle_starting_on
from trainingkit.renewal.dates import add_days
from trainingkit.renewal.settings import DEFAULT_RULES


@pytest.fixture()
def policy_text(project: Course) -> str:
    return (project.lessons_dir / POLICY_FILE).read_text()


def _refused(tmp_path: Path, text: str, field: str, message: str) -> None:
    path = tmp_path / POLICY_FILE
    path.write_text(text)
    with pytest.raises(LessonError, match=re.escape(f"{path}: field {field!r}: ") + message):
        load_policy(path)


def test_every_stated_setting_is_the_offices_own(project: Course) -> None:
    """Each entry that states a setting gives the very value the renewal rules use."""
    policy = load_policy(project.lessons_dir / POLICY_FILE)
    stated = {item.setting for item in policy.values() if item.setting}
    assert {"window_days", "grace_months", "charge_report_days"} <= stated
    assert policy["pass-mark"].setting is None  # the pass mark is each form's cut score, not an office setting
    for item in policy.values():
        if item.setting:
            assert item.value == getattr(DEFAULT_RULES, item.setting), item.id


def test_a_value_that_differs_from_the_office_setting_is_named(tmp_path: Path, policy_text: str) -> None:
    """Changing the window in the policy file alone is refused, naming the file, the field and the setting."""
    _refused(tmp_path, policy_text.replace("value: 90", "value: 60"), "policies[2].value",
             r"is 60 but the office's setting window_days .* is 90")


def test_an_unknown_setting_is_named(tmp_path: Path, policy_text: str) -> None:
    _refused(tmp_path, policy_text.replace("setting: window_days", "setting: window_day"), "policies[2].setting",
             "must name a setting of trainingkit.renewal.settings.RenewalRules")


def test_an_unknown_field_and_a_stray_placeholder_are_named(tmp_path: Path, policy_text: str) -> None:
    _refused(tmp_path, policy_text.replace("    title: The pass mark", "    titel: The pass mark"),
             "policies[3].titel", "is not a policy field")
    _refused(tmp_path, policy_text.replace("Years and months", "{years} and months"), "policies[1].text",
             "may use only the placeholder")


def test_a_repeated_policy_id_is_named(tmp_path: Path, policy_text: str) -> None:
    _refused(tmp_path, policy_text.replace("id: pass-mark", "id: review-window"), "policies[3].id",
             "'review-window' is used by an earlier entry")


def test_the_worked_examples_agree_with_the_renewal_rules(project: Course) -> None:
    """The dates in the office's examples are the dates the renewal rules compute."""
    policy = load_policy(project.lessons_dir / POLICY_FILE)

    def day(d: date) -> str:
        return f"{d.day} {d:%B %Y}"

    cycle = cycle_starting_on(date(2025, 4, 10), DEFAULT_RULES)
    assert f"expires on {day(cycle.expires_on)}" in policy["review-window"].text
    assert f"window opens on {day(cycle.window_opens_on)}" in policy["review-window"].text
    assert f"up to and including {day(cycle.grace_ends_on)}" in policy["lapse-months"].text
    assert f"expired on {day(cycle.expires_on)}" in policy["lapse-months"].text
    leap = cycle_starting_on(date(2024, 2, 29), DEFAULT_RULES)
    assert f"expires on {day(leap.expires_on)}" in policy["calendar-dates"].text
    last_day = add_days(date(2025, 5, 3), DEFAULT_RULES.charge_report_days)
    assert f"up to and including {last_day.day} {last_day:%B}" in policy["charge-day-count"].text


def test_policy_is_quoted_only_in_its_own_box(project: Course) -> None:
    """Office numbers never appear in a lesson's own words; the boxes that quote them carry the heading."""
    office_only = [f"{DEFAULT_RULES.window_days} days", "29 February"]
    for lesson in load_lessons(project.lessons_dir):
        own = [*lesson.questions, *lesson.objectives, *lesson.key_points]
        for section in lesson.sections:
            own += [section.heading, section.body]
            if section.check:
                own += [section.check.question, *(o.text for o in section.check.options),
                        *(o.feedback for o in section.check.options)]
        for text in own:
            assert not [phrase for phrase in office_only if phrase in text], (lesson.id, text[:80])
        cells = {cell.id: cell.source for cell in render_lesson(lesson).cells}
        for number, section in enumerate(lesson.sections, start=1):
            box = cells.get(f"{lesson.id}-s{number}-policy")
            assert (box is not None) == bool(section.policy), (lesson.id, number)
            if box is not None:
                assert box.startswith('<div class="alert alert-info"') and f"**{POLICY_HEADING}**" in box
                assert all(f"**{item.title}.** {item.text}" in box for item in section.policy)


def test_renewal_and_charge_lessons_quote_the_office_policy(project: Course) -> None:
    """The renewal lesson quotes the window, the pass mark and the lapse rules; the charges lesson the day count."""
    quoted = {lesson.id: {item.id for section in lesson.sections for item in section.policy}
              for lesson in load_lessons(project.lessons_dir)}
    renewal = next(ids for lesson_id, ids in quoted.items() if lesson_id.endswith("certification-and-renewal"))
    charges = next(ids for lesson_id, ids in quoted.items() if lesson_id.endswith("professional-standards"))
    assert {"review-window", "pass-mark", "lapse-months", "calendar-dates"} <= renewal
    assert "charge-day-count" in charges
