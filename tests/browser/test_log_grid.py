"""The office's grid in JupyterLab, by keyboard alone: find a coach, correct a cell, save; a bad value is
refused naming its line and the file stays as it was; axe finds nothing serious in the grid."""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat
import pytest

from tests.browser.conftest import IDLE, NOTEBOOK, WCAG22_AA, axe_violations, menu, open_notebook, shot
from tests.renewal.conftest import HEADER

pytestmark = pytest.mark.browser

LOG = "\n".join([HEADER, "C1,2024-01-10,certified,,,,,,", "C2,2022-03-01,certified,,,,,,",
                 "C1,2025-11-01,review,,,85,,72.1,cycle-1"]) + "\n"


@pytest.fixture(scope="module")
def grid(page, lab):
    """The office's renewals page beside a small log, run from the Run menu; yields the page and the log."""
    folder = lab.course.root / "grid-office"
    folder.mkdir()
    log = folder / "coaches.csv"
    log.write_text(LOG, encoding="utf-8")
    notebook = nbformat.read(lab.course.notebooks_dir / "office" / "renewals.ipynb", as_version=4)
    settings = notebook.cells[[cell.id for cell in notebook.cells].index("settings")]
    settings.source = settings.source.replace("ON = None", 'ON = "2025-12-01"')
    nbformat.write(notebook, folder / "renewals.ipynb")
    open_notebook(page, lab, "grid-office", "grid-office/renewals.ipynb")
    menu(page, "Run", "Run All Cells")
    page.locator(f"{NOTEBOOK} .tk-log-grid").wait_for()
    page.get_by_text(IDLE).wait_for()
    shot(page, "grid-1-loaded")
    yield page, log
    shutil.rmtree(folder)


def _box(page, name: str):
    return page.locator(NOTEBOOK).get_by_label(name, exact=True)


def _message(page) -> str:
    return page.locator(f"{NOTEBOOK} .tk-log-message").text_content()


def _type(page, text: str) -> None:
    """Select what the focused box holds and type ``text`` over it, key by key."""
    page.keyboard.press("Control+A")
    page.keyboard.type(text)


def test_every_box_of_the_grid_is_named_by_its_column_and_line(grid) -> None:
    """The grid's boxes are reached by their names: "coach_id, line 3" holds C2, "score, line 4" holds 85."""
    page, _ = grid
    assert _box(page, "coach_id, line 3").input_value() == "C2"
    assert _box(page, "score, line 4").input_value() == "85"
    assert _box(page, "event, line 4").input_value() == "review"


def test_the_grid_has_no_serious_or_critical_axe_violation(grid, axe_script: Path) -> None:
    """axe (WCAG 2.2 AA) finds nothing serious or critical in the grid, its filter, form and buttons."""
    page, _ = grid
    violations = axe_violations(page, axe_script, [f"{NOTEBOOK} .tk-log-editor"], tags=WCAG22_AA)
    assert violations == [], violations


def test_a_bad_value_typed_is_refused_by_line_and_column_and_nothing_is_written(grid) -> None:
    """Typing 120 as line 4's score and pressing Enter on Save names line 4, column score; the file is unchanged."""
    page, log = grid
    _box(page, "score, line 4").focus()
    _type(page, "120")
    page.keyboard.press("Tab")
    page.locator(NOTEBOOK).get_by_role("button", name="Save the log").focus()
    page.keyboard.press("Enter")
    page.locator(f"{NOTEBOOK} .tk-log-message", has_text="Not saved").wait_for()
    shot(page, "grid-2-refused")
    assert "coaches.csv, line 4 (C1, 2025-11-01), column score:" in _message(page)
    status = page.locator(NOTEBOOK).get_by_role("status").filter(has_text="Not saved")
    assert status.count() == 1  # announced: the words are in the page's status region
    assert log.read_text(encoding="utf-8") == LOG


def test_a_cell_corrected_by_keyboard_is_saved_to_the_log(grid) -> None:
    """Find C1 by the filter, Tab to line 4's score, type 86, Save with Enter: the file holds the correction."""
    page, log = grid
    page.locator(NOTEBOOK).get_by_label("Coach id contains").focus()
    _type(page, "C1")
    page.locator(NOTEBOOK).get_by_text("Lines shown: 2 of 2 matching").wait_for()
    _box(page, "form, line 4").focus()
    for _ in range(3):  # form, cut_score, outcome, back to score
        page.keyboard.press("Shift+Tab")
    assert page.evaluate("() => document.activeElement.id") == _box(page, "score, line 4").get_attribute("id")
    _type(page, "86")
    page.keyboard.press("Tab")
    page.locator(NOTEBOOK).get_by_role("button", name="Save the log").focus()
    page.keyboard.press("Enter")
    page.locator(f"{NOTEBOOK} .tk-log-message", has_text="Saved coaches.csv").wait_for()
    shot(page, "grid-3-saved")
    assert log.read_text(encoding="utf-8").splitlines()[3] == "C1,2025-11-01,review,,,86,,72.1,cycle-1"
