"""Keyboard only: a trainee reaches, answers and saves every question type without a mouse.

The keys are Tab, the arrows, Space and Enter (and letters for a reflection). The page is
opened by its address, as `make lab` opens the welcome lesson; its questions draw
themselves, and everything after that is done from the keyboard.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from trainingkit.answers import AnswerValue
from trainingkit.assignments import load_assignments
from trainingkit.bank import load_bank
from trainingkit.bank.model import Kind
from trainingkit.lessons import load_lesson

from tests.browser.conftest import (
    ASSIGNMENT, NOTEBOOK, open_notebook, shot, wait_for_answers, wait_for_questions,
)

pytestmark = pytest.mark.browser

REFLECTION = "Typed without a mouse: coaching stays in the present and refers on when needed."
#: What has the focus, and where it sits in a question.
FOCUS = """() => {
    const element = document.activeElement;
    const box = element ? element.closest(".tk-question") : null;
    const focus = {tag: element ? element.tagName.toLowerCase() : "", type: element ? element.type || "" : "",
                   inNotebook: Boolean(element && element.closest(".jp-NotebookPanel:not(.lm-mod-hidden)"))};
    if (box) {
        focus.question = [...box.classList].find((name) => name.startsWith("tk-id-")).slice(6);
        focus.check = element.classList.contains("tk-check");
        if (focus.type === "radio" || focus.type === "checkbox") {
            const inputs = [...box.querySelectorAll(`input[type=${focus.type}]`)];
            focus.index = inputs.indexOf(element);
            focus.count = inputs.length;
            focus.checked = element.checked;
        }
    }
    return focus;
}"""


def _focus(page) -> dict:
    return page.evaluate(FOCUS)


def answer_by_keyboard(page, kinds: dict[str, str], options: dict[str, list[str]]) -> dict[str, object]:
    """Tab through the notebook answering each question as it gets the focus.

    Returns the answers given and how many folded scenarios were opened.

    A single choice: Space on the first option, then ArrowDown to the second. Multiple select:
    Space on the first and the last box. A reflection: type. A check: Enter on its button.
    A folded scenario (content note): Enter opens it.
    """
    answered: dict[str, AnswerValue] = {}
    checked: set[str] = set()
    opened = 0
    ticked: dict[str, list[str]] = {}
    for _ in range(600):
        page.keyboard.press("Tab")
        focus = _focus(page)
        if focus["tag"] == "summary" and focus["inNotebook"]:
            page.keyboard.press("Enter")
            opened += 1
            continue
        question_id = focus.get("question")
        if question_id is None:
            if answered.keys() >= kinds.keys() and checked >= {q for q, k in kinds.items() if k == "check"}:
                return {"answers": answered, "opened": opened}
            continue
        keys = options.get(question_id, [])
        if focus["type"] == "radio" and question_id not in answered:
            page.keyboard.press("Space")
            page.keyboard.press("ArrowDown")
            after = _focus(page)
            assert (after.get("question"), after.get("index"), after.get("checked")) == (question_id, 1, True), after
            answered[question_id] = keys[1]
        elif (focus["type"] == "checkbox" and focus["index"] in (0, focus["count"] - 1)
              and keys[focus["index"]] not in ticked.get(question_id, [])):
            page.keyboard.press("Space")
            assert _focus(page)["checked"], focus
            ticked.setdefault(question_id, []).append(keys[focus["index"]])
            answered[question_id] = sorted(ticked[question_id])
        elif focus["tag"] == "textarea" and question_id not in answered:
            page.keyboard.type(REFLECTION)
            answered[question_id] = REFLECTION
        elif focus.get("check") and question_id not in checked:
            page.keyboard.press("Enter")
            page.locator(f"{NOTEBOOK} .tk-id-{question_id} .tk-feedback li").first.wait_for()
            checked.add(question_id)
    raise AssertionError(f"Tab did not reach every question: answered {sorted(answered)} of {sorted(kinds)}")


def _saved_everywhere(page) -> bool:
    statuses = page.locator(f"{NOTEBOOK} .tk-status").all_text_contents()
    return bool(statuses) and all("Saved at" in status for status in statuses)


def test_every_assignment_question_type_is_answered_with_the_keyboard_alone(page, lab) -> None:
    """With Tab, arrows, Space, Enter and typing, a trainee opens a content note and answers every question type."""
    bank = load_bank(lab.course.bank_dir)
    items = load_assignments(lab.course.assignments_file, bank)[ASSIGNMENT].vignettes(bank)
    assert {v.kind for v in items} == {Kind.SINGLE, Kind.MULTIPLE, Kind.REFLECTION}
    path = lab.copy_notebook(lab.course.release_dir / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", "keyboard-assignment")
    open_notebook(page, lab, "keyboard-assignment", path)
    wait_for_questions(page, len(items))
    result = answer_by_keyboard(page, {v.id: v.kind.value for v in items},
                                {v.id: [option.id for option in v.options] for v in items})
    assert result["opened"] == sum(1 for v in items if v.content_notes)
    wait_for_answers(Path(lab.course.root / "keyboard-assignment"), result["answers"])
    assert result["answers"].keys() == {v.id for v in items}
    assert _saved_everywhere(page)
    shot(page, "keyboard-1-assignment-answered")


def test_every_knowledge_check_is_answered_and_checked_with_the_keyboard_alone(page, lab) -> None:
    """With Tab, arrows, Space and Enter a trainee answers each knowledge check of a lesson and reads its feedback."""
    lesson = load_lesson(lab.course.lessons_dir / "00-welcome.yaml")
    checks = [section.check for section in lesson.sections if section.check]
    path = lab.copy_notebook(lab.course.notebooks_dir / "00-welcome.ipynb", "keyboard-lesson")
    open_notebook(page, lab, "keyboard-lesson", path)
    wait_for_questions(page, len(checks))
    result = answer_by_keyboard(page, {check.id: "check" for check in checks},
                                {check.id: list("abcdefgh"[:len(check.options)]) for check in checks})
    wait_for_answers(Path(lab.course.root / "keyboard-lesson"), result["answers"])
    assert result["answers"].keys() == {check.id for check in checks}
    assert _saved_everywhere(page)
    shot(page, "keyboard-2-lesson-checked")
