"""A trainee opens the welcome lesson in JupyterLab, reads it and answers its knowledge checks."""

from __future__ import annotations

import pytest

from trainingkit.answers import read_answers
from trainingkit.lab import START_PAGE
from trainingkit.lessons import Lesson, load_lesson

from tests.browser.conftest import (
    NOTEBOOK, click_option, hidden_code, open_notebook, question, shot, wait_for_questions, wait_saved,
)

pytestmark = pytest.mark.browser

LESSON = START_PAGE


@pytest.fixture(scope="module")
def welcome(lab) -> Lesson:
    return load_lesson(lab.course.lessons_dir / "00-welcome.yaml")


@pytest.fixture(scope="module")
def lesson_page(page, lab, welcome: Lesson):
    """The welcome lesson, opened as `make lab` opens it: its checks draw themselves."""
    open_notebook(page, lab, "lesson", LESSON)
    shot(page, "lesson-1-opened")
    wait_for_questions(page, sum(1 for section in welcome.sections if section.check))
    page.locator(NOTEBOOK).get_by_role("heading", name="Answering a question").scroll_into_view_if_needed()
    shot(page, "lesson-2-checks-drawn")
    return page


def test_the_welcome_lesson_shows_its_text_and_no_code(lesson_page, welcome: Lesson) -> None:
    """The welcome lesson shows its title, every section and its checks, and not one line of code."""
    notebook = lesson_page.locator(NOTEBOOK)
    assert notebook.locator("h1").first.text_content().startswith(welcome.title)
    for section in welcome.sections:
        assert notebook.locator("h2", has_text=section.heading).count() == 1
    assert hidden_code(lesson_page) == 1 + sum(1 for section in welcome.sections if section.check)  # + progress


def test_a_knowledge_check_is_answered_by_clicking_and_explained_in_words(lesson_page, lab, welcome: Lesson) -> None:
    """Clicking an option saves it, and "Check my answer" tells right from wrong in words with its feedback."""
    check = next(section.check for section in welcome.sections if section.check and not section.check.multiple)
    box = question(lesson_page, check.id)
    keys = "abcdefgh"
    right = next(keys[n] for n, option in enumerate(check.options) if option.correct)
    wrong = next(keys[n] for n, option in enumerate(check.options) if not option.correct)
    feedback = box.locator(".tk-feedback")
    button = box.get_by_role("button", name=f"Check my answer: {check.question}")

    click_option(box, wrong, check.options[keys.index(wrong)].text)
    wait_saved(box)
    button.click()
    feedback.get_by_text("That is not the best answer").wait_for()
    assert check.options[keys.index(wrong)].feedback in feedback.text_content()
    assert "That is right" not in feedback.text_content()
    shot(lesson_page, "lesson-3-check-not-yet")

    click_option(box, right, check.options[keys.index(right)].text)
    box.locator(".tk-status", has_text="Saved at").wait_for()
    button.click()
    feedback.get_by_text("That is right.").wait_for()
    assert check.options[keys.index(right)].feedback in feedback.text_content()
    shot(lesson_page, "lesson-4-check-right")
    saved = read_answers(lab.course.workbook_dir / "lessons" / "answers.json")
    assert saved[check.id].value == right


def test_a_multiple_select_check_saves_every_ticked_box(lesson_page, lab, welcome: Lesson) -> None:
    """Ticking two boxes of a multiple-select check saves both, and its feedback covers each one."""
    check = next(section.check for section in welcome.sections if section.check and section.check.multiple)
    box = question(lesson_page, check.id)
    keys = "abcdefgh"
    ticked = [keys[0], keys[len(check.options) - 1]]
    for key in ticked:
        click_option(box, key, check.options[keys.index(key)].text)
        box.get_by_role("checkbox", name=f"{key.upper()}) {check.options[keys.index(key)].text}").wait_for()
    wait_saved(box)
    box.get_by_role("button", name=f"Check my answer: {check.question}").click()
    feedback = box.locator(".tk-feedback")
    feedback.locator("li").nth(len(ticked) - 1).wait_for()
    for key in ticked:
        assert check.options[keys.index(key)].feedback in feedback.text_content()
    shot(lesson_page, "lesson-5-multiple-check")
    assert read_answers(lab.course.workbook_dir / "lessons" / "answers.json")[check.id].value == sorted(ticked)


def test_the_file_browser_shows_the_answers_but_no_lock_file(lesson_page, lab) -> None:
    """Beside the lessons the trainee sees answers.json and the notebooks, never the answers' lock file."""
    assert (lab.course.workbook_dir / "lessons" / ".answers.json.lock").exists()
    lesson_page.goto(lab.address("lesson-files", "workbook/lessons"))
    listing = lesson_page.locator(".jp-DirListing-item .jp-DirListing-itemText")
    listing.filter(has_text="answers.json").first.wait_for()
    names = [name.strip() for name in listing.all_inner_texts()]
    shot(lesson_page, "lesson-6-file-browser")
    assert "answers.json" in names and "00-welcome.ipynb" in names
    assert not [name for name in names if "lock" in name], names


def test_opening_the_lesson_logs_no_trust_warning(lesson_page, lab) -> None:
    """The server trusts the person's signed lesson copy: no "Notebook ... is not trusted" line for it."""
    assert "00-welcome.ipynb is not trusted" not in lab.log.read_text()
