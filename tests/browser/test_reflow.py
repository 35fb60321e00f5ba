"""At 320 px wide (WCAG 2.2, 1.4.10 reflow) a trainee answers every question type, and nothing overlaps or is cut.

The page is a phone's width. After each question is answered, the browser measures its
parts: every option's words wrap inside their row (nothing is cut short with "..." or hidden
by a row that keeps its height), no option's row overlaps the next, and nothing reaches past
the right edge of the screen, so nothing needs scrolling sideways. JupyterLab keeps its file
browser open at this width, leaving the notebook a few pixels (see the README's accessibility
statement), so the trainee first closes it with Ctrl+B, as JupyterLab offers.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from trainingkit.assignments import load_assignments
from trainingkit.bank import load_bank
from trainingkit.bank.model import Kind
from trainingkit.lessons import load_lesson

from tests.browser.conftest import (
    ASSIGNMENT, NOTEBOOK, click_option, new_page, open_notebook, question, shot, wait_for_answers,
    wait_for_questions, wait_saved,
)

pytestmark = pytest.mark.browser

WIDTH = 320
REFLECTION = "At a phone's width: I name what went well, then what to revisit, and refer on when needed."
#: Every part of a question that could be cut, overlap or stick out, measured where it is drawn.
LAYOUT = """(box) => {
    const width = document.documentElement.clientWidth;
    const rows = [...box.querySelectorAll(".widget-radio-box label, .widget-checkbox label")]
        .filter((row) => row.querySelector("input"));
    const cut = [];
    for (const part of [...rows, ...box.querySelectorAll(".tk-prompt, .tk-status, .tk-hint, button, textarea")]) {
        for (const element of [part, ...part.querySelectorAll("*")]) {
            const style = getComputedStyle(element);
            if (style.display === "none" || element.closest(".tk-visually-hidden")) { continue; }
            const hides = style.overflowX !== "visible" || style.overflowY !== "visible";
            if (element.tagName !== "TEXTAREA" && hides && (element.scrollWidth > element.clientWidth + 1
                    || element.scrollHeight > element.clientHeight + 1)) {
                cut.push(element.className + " :: " + element.textContent.trim().slice(0, 60));
            }
            if (style.textOverflow === "ellipsis" && element.scrollWidth > element.clientWidth + 1) {
                cut.push("... " + element.textContent.trim().slice(0, 60));
            }
            const rect = element.getBoundingClientRect();
            if (rect.width && rect.right > width + 0.5) {
                cut.push(`past the edge (${Math.round(rect.right)} > ${width}) :: ${element.className}`);
            }
        }
    }
    const boxes = rows.map((row) => row.getBoundingClientRect());
    const overlaps = [];
    for (let i = 0; i + 1 < boxes.length; i++) {
        if (boxes[i + 1].top < boxes[i].bottom - 0.5) {
            overlaps.push(`${rows[i].textContent.trim().slice(0, 40)} / ${rows[i + 1].textContent.trim().slice(0, 40)}`);
        }
    }
    const lines = rows.map((row, i) => Math.round(boxes[i].height / parseFloat(getComputedStyle(row).lineHeight)));
    return {rows: rows.length, cut, overlaps, wrapped: lines.filter((n) => n > 1).length};
}"""


@pytest.fixture(scope="module")
def narrow(browser, lab):
    """A page 320 px wide, for this module only."""
    page = new_page(browser, lab)
    page.set_viewport_size({"width": WIDTH, "height": 800})
    yield page
    page.context.close()


def _open_at_320_px(page, lab, workspace: str, path: str) -> None:
    """Open a notebook, then close JupyterLab's side panel (Ctrl+B) so the notebook has the width."""
    open_notebook(page, lab, workspace, path)
    page.keyboard.press("Control+b")
    page.wait_for_function("(selector) => document.querySelector(selector).getBoundingClientRect().width > 200",
                           arg=NOTEBOOK)


def _fits(box) -> dict:
    box.scroll_into_view_if_needed()
    layout = box.evaluate(LAYOUT)
    assert layout["cut"] == [] and layout["overlaps"] == [], layout
    return layout


def test_at_320_px_every_assignment_question_type_is_answered_with_nothing_cut_or_overlapping(narrow, lab) -> None:
    """At 320 px a trainee chooses, ticks and writes every vignette's answer; options wrap and their rows grow."""
    bank = load_bank(lab.course.bank_dir)
    items = load_assignments(lab.course.assignments_file, bank)[ASSIGNMENT].vignettes(bank)
    assert {v.kind for v in items} == {Kind.SINGLE, Kind.MULTIPLE, Kind.REFLECTION}
    path = lab.copy_notebook(lab.course.release_dir / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", "reflow-assignment")
    _open_at_320_px(narrow, lab, "reflow-assignment", path)
    wait_for_questions(narrow, len(items))
    answers: dict[str, object] = {}
    wrapped = 0
    for vignette in items:
        box = question(narrow, vignette.id)
        if vignette.kind is Kind.SINGLE:
            click_option(box, vignette.options[-1].id, vignette.options[-1].text)
            answers[vignette.id] = vignette.options[-1].id
        elif vignette.kind is Kind.MULTIPLE:
            for option in (vignette.options[0], vignette.options[-1]):
                click_option(box, option.id, option.text)
            answers[vignette.id] = sorted({vignette.options[0].id, vignette.options[-1].id})
        else:
            box.locator("textarea").fill(REFLECTION)
            answers[vignette.id] = REFLECTION
        wait_saved(box)
        wrapped += _fits(box)["wrapped"]
    wait_for_answers(Path(lab.course.root / "reflow-assignment"), answers)
    assert wrapped > 0  # at this width some options do take more than one line, and still fit
    shot(narrow, "reflow-1-assignment-320px")


def test_at_320_px_every_knowledge_check_is_answered_and_checked_with_nothing_cut(narrow, lab) -> None:
    """At 320 px a trainee answers each check of a lesson, presses "Check my answer" and reads the feedback in full."""
    lesson = load_lesson(lab.course.lessons_dir / "00-welcome.yaml")
    checks = [section.check for section in lesson.sections if section.check]
    path = lab.copy_notebook(lab.course.notebooks_dir / "00-welcome.ipynb", "reflow-lesson")
    _open_at_320_px(narrow, lab, "reflow-lesson", path)
    wait_for_questions(narrow, len(checks))
    for check in checks:
        box = question(narrow, check.id)
        number = next(n for n, option in enumerate(check.options) if option.correct)
        click_option(box, "abcdefgh"[number], check.options[number].text)
        wait_saved(box)
        box.get_by_role("button", name=f"Check my answer: {check.question}").click()
        box.locator(".tk-feedback").get_by_text(check.options[number].feedback).wait_for()
        _fits(box)
    shot(narrow, "reflow-2-lesson-320px")
