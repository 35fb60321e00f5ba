"""A case set in the browser: its parts appear in order, and an answer is final once the next part is answered.

As case-based licensing exams present linked questions, a trainee sees part 2 only after
answering part 1, and cannot go back to part 1 after answering part 2; a reload shows the
same state, read from the answers file.
"""

from __future__ import annotations

import nbformat
import pytest

from trainingkit.assignments import Assignment, FeedbackMode
from trainingkit.bank import load_bank
from trainingkit.render import render_assignment

from tests.browser.conftest import IDLE, click_option, question, shot, wait_for_answers, wait_for_questions

pytestmark = pytest.mark.browser

PARTS = ("safety-406", "safety-407", "safety-408")


def test_a_case_sets_parts_appear_in_order_and_lock_behind_the_trainee(page, lab) -> None:
    """Part 2 waits for part 1 and part 3 for part 2; answering part 2 locks part 1; a reload keeps all of it."""
    bank = load_bank(lab.course.bank_dir)
    assignment = Assignment(id="case-reveal", title="A case in order", feedback=FeedbackMode.PRACTICE, items=PARTS)
    folder = lab.course.root / "case-reveal"
    folder.mkdir()
    nbformat.write(render_assignment(assignment, bank), folder / "case-reveal.ipynb")
    page.goto(lab.address("case-reveal", "case-reveal/case-reveal.ipynb"))
    wait_for_questions(page, len(PARTS))
    first, second, third = (question(page, part) for part in PARTS)
    waiting = page.locator(".tk-case-part .tk-waiting")
    assert first.is_visible() and not second.is_visible() and not third.is_visible()
    assert waiting.nth(1).is_visible() and not waiting.nth(0).is_visible()
    shot(page, "case-reveal-1-part-one-only")

    one, two = bank[PARTS[0]].options[0], bank[PARTS[1]].options[1]
    click_option(first, one.id, one.text)
    second.wait_for(state="visible")
    assert not third.is_visible() and first.get_by_role("radio").first.is_enabled()
    click_option(second, two.id, two.text)
    third.wait_for(state="visible")
    first.locator(".tk-locked-note").wait_for(state="visible")
    assert all(radio.is_disabled() for radio in first.get_by_role("radio").all())
    assert second.get_by_role("radio").first.is_enabled()
    wait_for_answers(folder, {PARTS[0]: one.id, PARTS[1]: two.id})
    shot(page, "case-reveal-2-parts-one-and-two-answered")

    page.reload()
    page.get_by_text(IDLE).wait_for()
    wait_for_questions(page, len(PARTS))
    second.wait_for(state="visible")
    third.wait_for(state="visible")
    assert all(radio.is_disabled() for radio in first.get_by_role("radio").all())
    assert second.get_by_role("radio", name=f"{two.id.upper()}) {two.text}", exact=True).is_checked()
    shot(page, "case-reveal-3-after-reload")
