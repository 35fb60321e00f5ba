"""The Launcher shows each lesson with the trainee's progress in it, and opens it."""

from __future__ import annotations

import re

import pytest

from trainingkit.answers import save_answer
from trainingkit.lessons import load_lesson

from tests.browser.conftest import IDLE, shot

pytestmark = pytest.mark.browser

CARDS = ".jp-Launcher-section:has(.jp-Launcher-sectionTitle:text-is('Your lessons')) .jp-LauncherCard"


@pytest.fixture()
def lesson_answers(lab):
    """The lessons' answers file, put back as it was after the test (other modules answer lessons too)."""
    path = lab.course.workbook_dir / "lessons" / "answers.json"
    before = path.read_bytes() if path.exists() else None
    yield path
    if before is None:
        path.unlink(missing_ok=True)
    else:
        path.write_bytes(before)


def test_the_launcher_lists_every_lesson_with_its_checks_answered_and_counts_again_when_reopened(
        page, lab, lesson_answers) -> None:
    """With lesson 00's checks all answered, its card says done and lesson 01's says 0 of its checks; after one
    more answer a new Launcher says 1; a card opens its lesson."""
    welcome = load_lesson(lab.course.lessons_dir / "00-welcome.yaml")
    care = load_lesson(lab.course.lessons_dir / "01-trauma-informed-care.yaml")
    for section in welcome.sections:
        if section.check:
            save_answer(lesson_answers, section.check.id, "a")
    care_checks = [section.check.id for section in care.sections if section.check]
    page.goto(lab.address("launcher-progress"))
    cards = page.locator(CARDS)
    cards.nth(11).wait_for()
    shot(page, "launcher-1-lessons")
    texts = cards.all_inner_texts()
    assert len(texts) == 12
    assert texts[0] == f"Done: {welcome.title}"
    assert texts[1] == f"0 of {len(care_checks)} checks: {care.title}"

    save_answer(lesson_answers, care_checks[0], "a")
    page.get_by_role("menuitem", name="File", exact=True).click()
    page.get_by_role("menuitem", name=re.compile(r"^New Launcher")).click()  # its name ends with its shortcut
    shown = page.locator(f"{CARDS} >> visible=true")  # the new Launcher's, not the first one's behind it
    shown.filter(has_text=f"1 of {len(care_checks)} checks: {care.title}").wait_for()
    shown.filter(has_text=care.title).click()
    page.get_by_role("tab", name="01-trauma-informed-care.ipynb").wait_for()
    page.get_by_text(IDLE).wait_for()
