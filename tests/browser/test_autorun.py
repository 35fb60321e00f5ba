"""A lesson or an assignment opens with its questions drawn: no Run All, no code, nothing to save.

The trainingkit JupyterLab extension runs the widget cells of trainingkit's notebooks when
they open. Every test here opens a notebook by its address and then only waits: not one
click or key press comes before the first question is drawn.
"""

from __future__ import annotations

import re

import nbformat
import pytest

from trainingkit.answers import save_answer
from trainingkit.assignments import load_assignments
from trainingkit.bank import load_bank
from trainingkit.lessons import load_lesson

from tests.browser.conftest import (
    ASSIGNMENT, IDLE, NOTEBOOK, hidden_code, option_label, question, shot, wait_for_questions,
)

pytestmark = pytest.mark.browser

#: The current tab shows a dot when the notebook has unsaved changes.
DIRTY_TAB = ".lm-DockPanel-tabBar .lm-TabBar-tab.jp-mod-current.jp-mod-dirty"


@pytest.fixture(scope="module")
def checks(lab) -> list:
    lesson = load_lesson(lab.course.lessons_dir / "00-welcome.yaml")
    return [section.check for section in lesson.sections if section.check]


def test_the_welcome_lesson_opens_with_its_checks_drawn_and_no_code(page, lab, checks) -> None:
    """Opening lesson 00 draws every knowledge check without a click, shows no code and leaves nothing to save."""
    path = lab.copy_notebook(lab.course.notebooks_dir / "00-welcome.ipynb", "autorun-lesson")
    page.goto(lab.address("autorun-lesson", path))
    wait_for_questions(page, len(checks))
    shot(page, "autorun-1-lesson-opened")
    assert hidden_code(page) == len(checks) + 1  # and the progress table
    assert "checks answered" in page.locator(f"{NOTEBOOK} div.tk-progress").first.inner_text()
    assert page.locator(DIRTY_TAB).count() == 0


def test_the_checks_are_drawn_again_after_a_kernel_restart(page, checks) -> None:
    """After Kernel ▸ Restart Kernel the lesson's checks are drawn again by themselves, still with no code."""
    page.locator(f"{NOTEBOOK} .tk-question").evaluate_all("(boxes) => boxes.forEach((b) => b.dataset.before = 1)")
    page.get_by_role("menuitem", name="Kernel", exact=True).click()
    page.get_by_role("menuitem", name="Restart Kernel…").click()  # its name ends with its shortcut
    page.locator(".jp-Dialog .jp-Dialog-button.jp-mod-accept").click()  # "Restart"
    fresh = page.locator(f"{NOTEBOOK} .tk-question[data-tk-ready]:not([data-before])")
    fresh.nth(len(checks) - 1).wait_for(state="attached")
    page.get_by_text(IDLE).wait_for()
    assert page.locator(f"{NOTEBOOK} .tk-question").count() == len(checks)
    assert hidden_code(page) == len(checks) + 1  # and the progress table
    assert "checks answered" in page.locator(f"{NOTEBOOK} div.tk-progress").first.inner_text()


def test_an_assignment_opens_with_its_saved_answers_and_their_times(page, lab) -> None:
    """A trainee's assignment opens with every question drawn and an answer saved earlier shown with its time."""
    bank = load_bank(lab.course.bank_dir)
    items = load_assignments(lab.course.assignments_file, bank)[ASSIGNMENT].vignettes(bank)
    path = lab.copy_notebook(lab.course.release_dir / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", "autorun-assignment")
    chosen = next(v for v in items if v.kind.is_choice and not v.kind.value == "multiple")
    save_answer(lab.course.root / "autorun-assignment" / "answers.json", chosen.id, chosen.options[1].id)
    page.goto(lab.address("autorun-assignment", path))
    wait_for_questions(page, len(items))
    box = question(page, chosen.id)
    box.scroll_into_view_if_needed()
    shot(page, "autorun-2-assignment-opened")
    option = chosen.options[1]
    assert box.get_by_role("radio", name=option_label(option.id, option.text), exact=True).is_checked()
    assert re.search(r"Saved at \d\d:\d\d:\d\d", box.locator(".tk-status").text_content())
    assert hidden_code(page) >= len(items)
    assert page.locator(DIRTY_TAB).count() == 0
    support = page.locator(f"{NOTEBOOK} .jp-OutputArea-child:has(.tk-support)")
    assert support.count() >= len(items) and not support.first.is_visible()  # no blank line above a box
    assert "Your feedback summary appears here once" in page.locator(f"{NOTEBOOK} .tk-placeholder").inner_text()


def _notebook(folder, name: str, *, marked: bool) -> str:
    """A notebook with one untagged and one tagged cell, with or without trainingkit's notebook marker."""
    cells = [nbformat.v4.new_code_cell("print('an ordinary cell ran')"),
             nbformat.v4.new_code_cell("print('a tagged cell ran')", metadata={"tags": ["trainingkit-widget"]})]
    notebook = nbformat.v4.new_notebook(cells=cells, metadata={
        "kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}})
    if marked:
        notebook.metadata["trainingkit"] = {"lesson": "a-test"}
    folder.mkdir(exist_ok=True)
    nbformat.write(notebook, folder / name)
    return f"{folder.name}/{name}"


def test_only_the_tagged_cells_of_trainingkit_notebooks_run_by_themselves(page, lab) -> None:
    """A notebook without trainingkit's marker runs nothing on open; a marked one runs its tagged cell only."""
    folder = lab.course.root / "autorun-other"
    plain = _notebook(folder, "plain.ipynb", marked=False)
    marked = _notebook(folder, "marked.ipynb", marked=True)

    outputs = page.locator(f"{NOTEBOOK} .jp-OutputArea-output")
    page.goto(lab.address("autorun-marked", marked))
    outputs.filter(has_text="a tagged cell ran").wait_for()
    page.get_by_text(IDLE).wait_for()
    assert outputs.all_text_contents() == ["a tagged cell ran\n"]

    page.goto(lab.address("autorun-plain", plain))
    page.get_by_text(IDLE).wait_for()
    page.wait_for_timeout(2000)  # a run would have been asked for before the kernel was idle
    shot(page, "autorun-3-plain-notebook")
    assert outputs.count() == 0, outputs.all_text_contents()
    assert page.locator(f"{NOTEBOOK} .jp-InputArea").first.is_visible()


def test_a_forged_trainingkit_notebook_runs_none_of_its_code_on_open(page, lab) -> None:
    """A notebook from someone else, marked as trainingkit's, with code in a tagged cell: opening it runs nothing."""
    folder = lab.course.root / "autorun-forged"
    canary = folder / "pwned.txt"
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        f"import pathlib\npathlib.Path({str(canary)!r}).write_text('ran')",
        metadata={"tags": ["trainingkit-widget"]})], metadata={
        "kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"},
        "trainingkit": {"lesson": "forged"}})
    folder.mkdir(exist_ok=True)
    nbformat.write(notebook, folder / "forged.ipynb")
    page.goto(lab.address("autorun-forged", "autorun-forged/forged.ipynb"))
    page.locator(NOTEBOOK).get_by_text("could not be drawn because its cell was changed").wait_for()
    page.get_by_text(IDLE).wait_for()
    shot(page, "autorun-4-forged-notebook")
    assert not canary.exists()
