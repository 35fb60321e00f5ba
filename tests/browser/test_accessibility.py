"""Accessibility of what the project renders: axe-core (WCAG 2.2 AA), accessible names, words
rather than colour, 24 px targets, a focus ring of 3:1, and a reflection's save announced.

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

import shutil
from pathlib import Path

import nbformat
import pytest

from trainingkit.assignments import load_assignments
from trainingkit.bank import load_bank
from trainingkit.bank.model import Kind, Vignette
from trainingkit.lessons import KnowledgeCheck, load_lesson

from tests.browser.conftest import (
    ASSIGNMENT, IDLE, NOTEBOOK, WCAG22_AA, axe_violations, click_option, menu, open_notebook, question, shot,
    wait_for_questions, wait_saved,
)
from tests.renewal.conftest import HEADER

pytestmark = pytest.mark.browser

#: What the project renders inside a notebook: Markdown text and cell outputs.
CONTENT = [f"{NOTEBOOK} .jp-Cell .jp-RenderedMarkdown", f"{NOTEBOOK} .jp-Cell .jp-OutputArea-output"]
ROLE = {Kind.SINGLE: "radiogroup", Kind.MULTIPLE: "group", Kind.REFLECTION: "textbox"}
REFLECTION = "Written to hear it announced: I stay in the present and refer on when it is needed."
#: The size of every radio button, check box and button of the open notebook's questions, and
#: the distance from each option to the next in its group (WCAG 2.2, 2.5.8 asks 24 px).
TARGETS = """(boxes) => boxes.flatMap((box) => {
    const targets = [...box.querySelectorAll("input[type=radio], input[type=checkbox], button")];
    return targets.map((target, index) => {
        const rect = target.getBoundingClientRect();
        const next = targets[index + 1];
        const pitch = next && next.type === target.type && target.type !== "submit"
            ? next.getBoundingClientRect().top - rect.top : null;
        return {target: target.type + " " + (target.closest("label") || target).textContent.trim().slice(0, 40),
                width: rect.width, height: rect.height, pitch};
    });
})"""
#: The focused element's focus ring and the colour behind it (the first ancestor with a background).
RING = """() => {
    const element = document.activeElement;
    const style = getComputedStyle(element);
    let behind = element.parentElement;
    while (behind && getComputedStyle(behind).backgroundColor.replace(/ /g, "") === "rgba(0,0,0,0)") {
        behind = behind.parentElement;
    }
    return {className: element.className, tag: element.tagName.toLowerCase(), style: style.outlineStyle,
            width: parseFloat(style.outlineWidth), colour: style.outlineColor,
            background: behind ? getComputedStyle(behind).backgroundColor : "rgb(255, 255, 255)"};
}"""


def _channels(colour: str) -> tuple[float, ...]:
    """The red, green and blue of a computed ``rgb(...)``/``rgba(...)`` colour (opaque ones only)."""
    values = [float(part) for part in colour[colour.index("(") + 1:-1].replace("/", ",").split(",")]
    assert len(values) == 3 or values[3] == 1, f"not an opaque colour: {colour}"
    return tuple(values[:3])


def contrast(first: str, second: str) -> float:
    """WCAG's contrast ratio of two computed colours."""
    def luminance(colour: str) -> float:
        linear = [c / 255 / 12.92 if c / 255 <= 0.04045 else ((c / 255 + 0.055) / 1.055) ** 2.4
                  for c in _channels(colour)]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    lighter, darker = sorted((luminance(first), luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def _ring(page) -> dict:
    ring = page.evaluate(RING)
    ring["contrast"] = contrast(ring["colour"], ring["background"])
    return ring


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
    violations = axe_violations(lesson, axe_script, CONTENT, tags=WCAG22_AA)
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


def test_every_option_and_button_of_a_lesson_is_a_24_pixel_target(lesson) -> None:
    """Each radio button, check box and "Check my answer" button measures at least 24 by 24 px, options 24 px apart."""
    targets = lesson.locator(f"{NOTEBOOK} .tk-question").evaluate_all(TARGETS)
    assert targets and {t["target"].split()[0] for t in targets} >= {"radio", "submit"}
    small = [t for t in targets if t["width"] < 24 or t["height"] < 24 or (t["pitch"] is not None and t["pitch"] < 24)]
    assert small == [], small


def test_check_my_answer_shows_a_focus_ring_of_at_least_3_to_1(lesson, checks: list[KnowledgeCheck]) -> None:
    """Tabbing to "Check my answer" draws a solid ring at least 2 px wide whose colour contrasts 3:1 with the page."""
    check = next(c for c in checks if not c.multiple)
    box = question(lesson, check.id)
    box.locator("input[type=radio]:checked").focus()
    lesson.keyboard.press("Tab")
    ring = _ring(lesson)
    assert "tk-check" in ring["className"], ring
    assert ring["style"] == "solid" and ring["width"] >= 2 and ring["contrast"] >= 3, ring


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
    violations = axe_violations(assignment, axe_script, CONTENT, tags=WCAG22_AA)
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


def test_every_option_of_an_assignment_is_a_24_pixel_target(assignment) -> None:
    """Each radio button and check box of the vignettes measures at least 24 by 24 px, 24 px from the next."""
    targets = assignment.locator(f"{NOTEBOOK} .tk-question").evaluate_all(TARGETS)
    assert {t["target"].split()[0] for t in targets} >= {"radio", "checkbox"}
    small = [t for t in targets if t["width"] < 24 or t["height"] < 24 or (t["pitch"] is not None and t["pitch"] < 24)]
    assert small == [], small


def test_a_reflection_box_shows_a_focus_ring_of_at_least_3_to_1(assignment, items: list[Vignette]) -> None:
    """The focused reflection box draws a solid ring at least 2 px wide whose colour contrasts 3:1 with the page."""
    written = next(v for v in items if v.kind is Kind.REFLECTION)
    question(assignment, written.id).locator("textarea").focus()
    ring = _ring(assignment)
    assert ring["tag"] == "textarea", ring
    assert ring["style"] == "solid" and ring["width"] >= 2 and ring["contrast"] >= 3, ring


def test_a_reflections_save_is_announced_politely_once_the_trainee_pauses(assignment, items: list[Vignette]) -> None:
    """After typing, a polite live region says the reflection is saved; the line that changes at every key is not live."""
    written = next(v for v in items if v.kind is Kind.REFLECTION)
    box = question(assignment, written.id)
    assert "saved as you write" in box.locator(".tk-status").text_content()
    box.locator("textarea").press_sequentially(REFLECTION)
    announce = box.locator(".tk-announce")
    announce.filter(has_text="Saved at").wait_for(state="attached")
    assert announce.get_attribute("aria-live") == "polite" and announce.get_attribute("role") == "status"
    status = box.locator(".tk-status")
    assert status.get_attribute("role") is None and status.get_attribute("aria-live") is None
    wait_saved(box)
    assert announce.text_content() == status.text_content().strip()


@pytest.fixture(scope="module")
def renewal_lesson(page, lab):
    """The lesson on certification and renewal, with its picture of a renewal cycle drawn."""
    path = lab.copy_notebook(lab.course.notebooks_dir / "11-certification-and-renewal.ipynb", "a11y-renewal")
    open_notebook(page, lab, "a11y-renewal", path)
    page.locator(f"{NOTEBOOK} .jp-OutputArea-output img").wait_for()
    shot(page, "a11y-3-renewal-lesson")
    return page


def test_the_renewal_lessons_picture_has_words_and_no_axe_violation(renewal_lesson, axe_script: Path) -> None:
    """The renewal cycle's picture carries alt text giving its dates, and axe finds nothing serious in the lesson."""
    alt = renewal_lesson.locator(f"{NOTEBOOK} .jp-OutputArea-output img").get_attribute("alt")
    assert alt.startswith("An example renewal cycle.") and "expires on" in alt
    violations = axe_violations(renewal_lesson, axe_script, CONTENT, tags=WCAG22_AA)
    assert violations == [], violations


@pytest.fixture(scope="module")
def office(page, lab):
    """The office's renewals page beside a small event log, run from the Run menu with coach C1 chosen."""
    folder = lab.course.root / "a11y-office"
    folder.mkdir()
    (folder / "coaches.csv").write_text("\n".join([HEADER, "C1,2024-01-10,certified,,,,",
                                                    "C2,2022-03-01,certified,,,,"]) + "\n")
    notebook = nbformat.read(lab.course.notebooks_dir / "office" / "renewals.ipynb", as_version=4)
    settings = notebook.cells[[cell.id for cell in notebook.cells].index("settings")]
    settings.source = settings.source.replace("ON = None", 'ON = "2025-12-01"').replace("COACH = None", 'COACH = "C1"')
    nbformat.write(notebook, folder / "renewals.ipynb")
    open_notebook(page, lab, "a11y-office", "a11y-office/renewals.ipynb")
    menu(page, "Run", "Run All Cells")
    page.locator(f"{NOTEBOOK} .jp-OutputArea-output img").wait_for()
    page.get_by_text(IDLE).wait_for()
    shot(page, "a11y-4-office")
    yield page
    shutil.rmtree(folder)


def test_the_offices_timeline_has_words_and_its_page_no_axe_violation(office, axe_script: Path) -> None:
    """The coach's timeline carries alt text naming the coach and each status, and axe finds nothing serious."""
    alt = office.locator(f"{NOTEBOOK} .jp-OutputArea-output img").get_attribute("alt")
    assert alt.startswith("Certification history of C1, through 2025-12-01. Status: certified from 2024-01-10")
    assert "certified on 2024-01-10" in alt
    violations = axe_violations(office, axe_script, CONTENT, tags=WCAG22_AA)
    assert violations == [], violations
