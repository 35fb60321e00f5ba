"""A vignette with a content note: the note comes first, and the trainee may pause and come back."""

from __future__ import annotations

import re

import pytest

from trainingkit.answers import read_answers
from trainingkit.assignments import load_assignments
from trainingkit.bank import load_bank
from trainingkit.bank.model import CONTENT_NOTES, Kind, Vignette

from tests.browser.conftest import (
    ASSIGNMENT, IDLE, NOTEBOOK, click_option, open_notebook, question, shot, wait_for_answers,
    wait_for_questions,
)

pytestmark = pytest.mark.browser

FOLDER = "pause"


@pytest.fixture(scope="module")
def items(lab) -> list[Vignette]:
    bank = load_bank(lab.course.bank_dir)
    return load_assignments(lab.course.assignments_file, bank)[ASSIGNMENT].vignettes(bank)


@pytest.fixture(scope="module")
def noted(items: list[Vignette]) -> Vignette:
    return next(v for v in items if v.content_notes and v.kind.is_choice)


@pytest.fixture(scope="module")
def opened(page, lab, items: list[Vignette]) -> str:
    """A trainee's copy of the released assignment, opened: its questions draw themselves."""
    path = lab.copy_notebook(lab.course.release_dir / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", FOLDER)
    open_notebook(page, lab, "content-note", path)
    wait_for_questions(page, len(items))
    return path


def _cell(page, vignette: Vignette):
    return page.locator(f"{NOTEBOOK} .jp-MarkdownCell", has=page.locator("h2", has_text=vignette.title))


def _scenario(cell, vignette: Vignette):
    """The scenario's first words as the trainee would read them (not the cell's hidden source)."""
    return cell.locator(".jp-RenderedMarkdown").get_by_text(" ".join(vignette.scenario.split()[:6]))


def test_a_content_note_comes_before_a_scenario_that_stays_folded_until_asked(page, opened, noted: Vignette) -> None:
    """The content note names the topics and shows first; the scenario stays folded until the trainee opens it."""
    cell = _cell(page, noted)
    cell.scroll_into_view_if_needed()
    note = cell.locator("blockquote", has_text="Content note")
    details = cell.locator("details")
    assert note.is_visible()
    for topic in noted.content_notes:
        assert CONTENT_NOTES[topic] in note.text_content()
    assert note.evaluate("(note, details) => Boolean(note.compareDocumentPosition(details) & 4)",
                         details.element_handle())
    assert details.get_attribute("open") is None
    assert _scenario(cell, noted).is_hidden()
    shot(page, "content-note-1-folded")


def test_pausing_at_a_content_note_loses_nothing(page, lab, opened, items: list[Vignette], noted: Vignette) -> None:
    """A trainee who skips a noted vignette, answers another, comes back, answers and folds it again loses nothing."""
    other = next(v for v in items if v.kind is Kind.SINGLE and v.id != noted.id)
    other_answer = other.options[0].id
    noted_answer = noted.options[-1].id
    expected = {other.id: other_answer, noted.id: noted_answer if noted.kind is Kind.SINGLE else [noted_answer]}

    click_option(question(page, other.id), other_answer, other.option(other_answer).text)
    cell = _cell(page, noted)
    summary = cell.locator("summary", has_text="Show the scenario")
    summary.click()
    assert _scenario(cell, noted).is_visible()
    click_option(question(page, noted.id), noted_answer, noted.option(noted_answer).text)
    summary.click()
    assert _scenario(cell, noted).is_hidden()
    shot(page, "content-note-2-paused")
    folder = lab.course.root / FOLDER
    wait_for_answers(folder, expected)

    page.reload()
    page.get_by_text(IDLE).wait_for()
    wait_for_questions(page, len(items))
    cell.scroll_into_view_if_needed()
    assert _scenario(cell, noted).is_hidden()
    box = question(page, noted.id)
    role = "radio" if noted.kind is Kind.SINGLE else "checkbox"
    assert box.get_by_role(role, name=f"{noted_answer.upper()}) {noted.option(noted_answer).text}").is_checked()
    assert re.search(r"Saved at \d\d:\d\d:\d\d", box.locator(".tk-status").text_content())
    shot(page, "content-note-3-back-after-reload")
    assert {key: answer.value for key, answer in read_answers(folder / "answers.json").items()} == expected
