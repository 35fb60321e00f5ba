"""Accessibility of what the project renders: axe-core, accessible names, and words rather than colour.

axe is scoped to the notebook's content: the rendered lesson or vignette text and the
outputs (widgets, check feedback). JupyterLab's own chrome is left out because axe
reports violations there that the project cannot fix. With JupyterLab 4.6 and the nbgrader
extension, axe on the whole page reports: ``aria-allowed-attr`` (critical) on the
``jp-button`` toolbar buttons (file browser, nbgrader's Validate, the debugger), which
carry ``aria-pressed`` on a role that does not allow it; ``aria-required-children``
(critical) on the cell list, a ``role="feed"`` whose cells are not articles; and
``region`` (moderate) on the "Skip to main panel" link's wrapper.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from trainingkit.assignments import load_assignments
from trainingkit.bank import load_bank
from trainingkit.bank.model import Kind, Vignette
from trainingkit.lessons import KnowledgeCheck, load_lesson

from tests.browser.conftest import (
    ASSIGNMENT, NOTEBOOK, axe_violations, click_option, open_notebook, question, shot, wait_for_questions,
    wait_saved,
)

pytestmark = pytest.mark.browser

#: What the project renders inside a notebook: Markdown text and cell outputs.
CONTENT = [f"{NOTEBOOK} .jp-Cell .jp-RenderedMarkdown", f"{NOTEBOOK} .jp-Cell .jp-OutputArea-output"]
ROLE = {Kind.SINGLE: "radiogroup", Kind.MULTIPLE: "group", Kind.REFLECTION: "textbox"}


@pytest.fixture(scope="module")
def checks(lab) -> list[KnowledgeCheck]:
    lesson = load_lesson(lab.course.lessons_dir / "00-welcome.yaml")
    return [section.check for section in lesson.sections if section.check]


@pytest.fixture(scope="module")
def items(lab) -> list[Vignette]:
    bank = load_bank(lab.course.bank_dir)
    return load_assignments(lab.course.assignments_file, bank)[ASSIGNMENT].vignettes(bank)


def _check_answer(page, check: KnowledgeCheck, number: int) -> str:
    """Choose option ``number`` of a check, press "Check my answer", return the feedback's words."""
    box = question(page, check.id)
    option = check.options[number]
    click_option(box, "abcdefgh"[number], option.text)
    wait_saved(box)
    feedback = box.locator(".tk-feedback")
    box.get_by_role("button", name=f"Check my answer: {check.question}").click()
    feedback.get_by_text(option.feedback).wait_for()
    return feedback.text_content()


@pytest.fixture(scope="module")
def lesson(page, lab, checks: list[KnowledgeCheck]):
    """The welcome lesson as it opens, its first check answered so feedback is on screen."""
    path = lab.copy_notebook(lab.course.notebooks_dir / "00-welcome.ipynb", "a11y-lesson")
    open_notebook(page, lab, "a11y-lesson", path)
    wait_for_questions(page, len(checks))
    _check_answer(page, checks[0], next(n for n, o in enumerate(checks[0].options) if o.correct))
    shot(page, "a11y-1-lesson")
    return page


def test_the_lesson_has_no_serious_or_critical_axe_violation(lesson, axe_script: Path) -> None:
    """axe finds no serious or critical violation in the lesson's text, its check widgets and their feedback."""
    violations = axe_violations(lesson, axe_script, CONTENT)
    assert violations == [], violations


def test_every_knowledge_check_is_named_by_its_question(lesson, checks: list[KnowledgeCheck]) -> None:
    """Each check's options and its "Check my answer" button carry the check's question as their accessible name."""
    for check in checks:
        role = "group" if check.multiple else "radiogroup"
        assert lesson.get_by_role(role, name=check.question, exact=True).count() == 1, check.id
        assert lesson.get_by_role("button", name=f"Check my answer: {check.question}", exact=True).count() == 1


def test_right_and_wrong_are_told_in_words_not_by_colour(lesson, checks: list[KnowledgeCheck]) -> None:
    """A right and a wrong answer get different words in the same colours, so colour never carries the verdict."""
    check = next(c for c in checks if not c.multiple)
    box = question(lesson, check.id)
    style = """(element) => { const s = getComputedStyle(element);
        return [s.color, s.backgroundColor, s.borderColor, s.outlineColor]; }"""
    wrong = _check_answer(lesson, check, next(n for n, o in enumerate(check.options) if not o.correct))
    wrong_style = box.locator(".tk-feedback strong").first.evaluate(style)
    right = _check_answer(lesson, check, next(n for n, o in enumerate(check.options) if o.correct))
    right_style = box.locator(".tk-feedback strong").first.evaluate(style)
    assert "That is not the best answer" in wrong and "That is right" in right
    assert wrong_style == right_style


@pytest.fixture(scope="module")
def assignment(page, lab, items: list[Vignette], lesson):
    """A trainee's copy of the released assignment as it opens, with one answer saved."""
    path = lab.copy_notebook(lab.course.release_dir / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", "a11y-assignment")
    open_notebook(page, lab, "a11y-assignment", path)
    wait_for_questions(page, len(items))
    first = next(v for v in items if v.kind is Kind.SINGLE)
    click_option(question(page, first.id), first.options[0].id, first.options[0].text)
    wait_saved(question(page, first.id))
    shot(page, "a11y-2-assignment")
    return page


def test_the_assignment_has_no_serious_or_critical_axe_violation(assignment, axe_script: Path) -> None:
    """axe finds no serious or critical violation in the assignment's vignettes, content notes and answer widgets."""
    violations = axe_violations(assignment, axe_script, CONTENT)
    assert violations == [], violations


def test_every_answer_widget_is_named_by_its_question(assignment, items: list[Vignette]) -> None:
    """Each vignette's options or text box carry the vignette's question as their accessible name."""
    for vignette in items:
        named = assignment.get_by_role(ROLE[vignette.kind], name=vignette.question.strip(), exact=True)
        assert named.count() == 1, vignette.id
        if vignette.kind.is_choice:
            role = "radio" if vignette.kind is Kind.SINGLE else "checkbox"
            for option in vignette.options:
                assert named.get_by_role(role, name=f"{option.id.upper()}) {option.text}", exact=True).count() == 1
