"""A hostile submission in a real browser: the supervisor grades it, the trainee reads the feedback.

The submission carries HTML and script everywhere a trainee can put it: added and edited
markdown, a raw HTML cell, a code cell, the reflection text, an HTML file and a file name.
Every payload would set ``window.tkPwned`` and request a ``/xss-...`` address. The
supervisor autogrades it and generates its feedback with the formgrader's own buttons, then
opens it in the formgrader; the trainee opens the feedback. No payload runs, no such
request leaves either page, and the supervisor's page sends nothing but reads.
"""

from __future__ import annotations

import random
import shutil
import time
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook, MissingEntry

from trainingkit.assignments import load_assignments
from trainingkit.bank import load_bank
from trainingkit.simulate import answers_for, write_submission

from tests.browser.conftest import ASSIGNMENT, WCAG22_AA, axe_violations, formgrader_button, new_page, shot

pytestmark = pytest.mark.browser

STUDENT = "mallory"


def _gradebook(lab) -> str:
    return f"sqlite:///{lab.course.coursework / 'gradebook.db'}"


def payload(where: str) -> str:
    return (f"<img src=x onerror=\"window.tkPwned='{where}';fetch('/xss-{where}')\">"
            f"<script>window.tkPwned='{where}';fetch('/xss-script-{where}')</script>")


@pytest.fixture(scope="module")
def hostile(lab) -> Path:
    """Mallory's submission, laid out as `nbgrader collect` leaves it; removed after the module."""
    bank = load_bank(lab.course.bank_dir)
    vignettes = load_assignments(lab.course.assignments_file, bank)[ASSIGNMENT].vignettes(bank)
    answers = answers_for("key", vignettes, random.Random(3))
    reflection = next(v for v in vignettes if not v.kind.is_choice)
    answers[reflection.id] = "My reflection. " + payload("reflection")
    folder = write_submission(lab.course.coursework, student=STUDENT, assignment_id=ASSIGNMENT,
                              release_dir=lab.course.release_dir / ASSIGNMENT, answers=answers)
    path = folder / f"{ASSIGNMENT}.ipynb"
    notebook = nbformat.read(path, as_version=4)
    notebook.cells.insert(1, nbformat.v4.new_markdown_cell(payload("added-markdown")))
    scenario = next(c for c in notebook.cells if c.cell_type == "markdown" and "Question 1" in c.source)
    scenario.source += payload("edited-markdown")
    notebook.cells.append(nbformat.v4.new_raw_cell(payload("raw"), metadata={"format": "text/html"}))
    notebook.cells.append(nbformat.v4.new_code_cell(
        f"from IPython.display import HTML; HTML({payload('code-output')!r})"))
    nbformat.write(notebook, path)
    (folder / "notes.html").write_text(payload("file"))
    (folder / "<img src=x onerror=fetch('xss-file-name')>.txt").write_text("a file name")
    with Gradebook(_gradebook(lab)) as gradebook:  # as `nbgrader collect` or the roster adds them
        gradebook.update_or_create_student(STUDENT)
    yield folder
    with Gradebook(_gradebook(lab)) as gradebook:
        try:
            gradebook.remove_submission(ASSIGNMENT, STUDENT)
        except MissingEntry:
            pass
        gradebook.remove_student(STUDENT)
    for step in ("submitted", "autograded", "feedback"):
        shutil.rmtree(lab.course.coursework / step / STUDENT, ignore_errors=True)


class Watched:
    """Every request a page sends, from now on."""

    def __init__(self, page) -> None:
        self.requests: list[tuple[str, str]] = []
        page.on("request", lambda request: self.requests.append((request.method, request.url)))

    def hostile(self) -> list[str]:
        return [url for _, url in self.requests if "xss" in url or url.split("?")[0].endswith("/x")]

    def writes(self) -> list[str]:
        return [f"{method} {url}" for method, url in self.requests if method not in ("GET", "HEAD")]


@pytest.fixture(scope="module")
def formgrader_view(browser, lab, hostile: Path):
    """The supervisor autogrades Mallory with the formgrader's buttons, then opens the submission."""
    page = new_page(browser, lab)
    try:
        page.goto(lab.address("hostile-supervisor"))  # logs in with the token, as the lab does
        page.locator("#jp-main-dock-panel").wait_for()
        page.goto(f"{lab.url}/formgrader/manage_submissions/{ASSIGNMENT}")
        page.locator("#main-table tr", has_text=STUDENT).wait_for()
        formgrader_button(page, STUDENT, "autograde")
        formgrader_button(page, STUDENT, "generate-feedback")
        shot(page, "hostile-01-formgrader-autograded")
        with Gradebook(_gradebook(lab)) as gradebook:
            notebook_id = gradebook.find_submission_notebook(ASSIGNMENT, ASSIGNMENT, STUDENT).id
        watched = Watched(page)
        page.goto(f"{lab.url}/formgrader/submissions/{notebook_id}")
        page.locator(".tk-reflection").first.wait_for()
        time.sleep(2)  # time for anything deferred (an image's error, a timer) to fire
        shot(page, "hostile-02-formgrader-submission")
        yield {"page": page, "watched": watched, "pwned": page.evaluate("() => window.tkPwned ?? null"),
               "text": page.locator("body").inner_text(), "notebook_id": notebook_id}
    finally:
        page.context.close()


def test_the_formgrader_view_runs_no_trainee_script_and_sends_nothing(formgrader_view) -> None:
    """Opening the hostile submission in the formgrader runs none of its HTML and sends no request of its own."""
    assert formgrader_view["pwned"] is None
    assert formgrader_view["watched"].hostile() == []
    assert formgrader_view["watched"].writes() == []


def test_the_formgrader_view_asks_no_other_site_for_mathjax(formgrader_view) -> None:
    """The graded submission page loads nothing from outside the lab (nbconvert's MathJax CDN included)."""
    outside = [url for _, url in formgrader_view["watched"].requests if not url.startswith(("http://127.0.0.1", "data:"))]
    assert outside == []


def test_every_box_the_supervisor_fills_in_is_named_by_its_item(formgrader_view, axe_script: Path) -> None:
    """Each score, extra-credit and comment box on the grading page is named by its item; axe finds nothing serious there."""
    page = formgrader_view["page"]
    names = page.locator("input.score, input.extra-credit, textarea.comment").evaluate_all(
        "(boxes) => boxes.map((box) => box.getAttribute('aria-label') || '')")
    assert names and all(names), names
    assert any(name.startswith("Score for ") and ", out of " in name for name in names)
    violations = axe_violations(page, axe_script, [".nbgrader_cell .panel-heading", ".nbgrader_cell .panel-footer"],
                                tags=WCAG22_AA)
    assert violations == [], violations


def test_the_supervisor_reads_the_reflection_as_plain_text(formgrader_view) -> None:
    """The reflection's HTML is shown as the characters the trainee typed."""
    assert payload("reflection") in formgrader_view["text"]
    assert "added-markdown" not in formgrader_view["text"] and "edited-markdown" not in formgrader_view["text"]


def test_files_from_the_submission_are_not_served_by_the_formgrader(formgrader_view, lab) -> None:
    """An HTML file the trainee submitted is not served from the formgrader's origin."""
    response = formgrader_view["page"].request.get(
        f"{lab.url}/formgrader/submissions/{formgrader_view['notebook_id']}/notes.html")
    assert response.status == 404


def test_the_trainee_opens_feedback_with_no_script_and_no_request_of_its_own(browser, lab, formgrader_view) -> None:
    """The returned feedback shows the reflection as text, runs no payload and sends no request."""
    html = lab.course.coursework / "feedback" / STUDENT / ASSIGNMENT / f"{ASSIGNMENT}.html"
    page = new_page(browser, lab)
    try:
        watched = Watched(page)
        page.goto(f"{lab.url}/files/{html.relative_to(lab.course.root)}?token={lab.token}")
        page.locator(".tk-summary").wait_for()
        time.sleep(2)
        shot(page, "hostile-03-feedback")
        assert page.evaluate("() => window.tkPwned ?? null") is None
        assert watched.hostile() == []
        assert payload("reflection") in page.locator("body").inner_text()
    finally:
        page.context.close()
