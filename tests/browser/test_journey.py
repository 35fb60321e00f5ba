"""The trainee's and the supervisor's journey through one assignment, in a real browser.

The trainee fetches the assignment from the Assignments panel, answers every vignette by
clicking and typing, reloads, submits; the supervisor collects and autogrades with
nbgrader's commands, grades the reflection in the formgrader and releases feedback; the
trainee fetches it and reads the score and the strengths-first comments.
"""

from __future__ import annotations

import re
import time
from pathlib import Path
from urllib.parse import quote

import pytest

from trainingkit.answers import AnswerValue, read_answers
from trainingkit.assignments import load_assignments
from trainingkit.bank import load_bank
from trainingkit.bank.model import Kind, Vignette
from trainingkit.course import COURSE_ID
from trainingkit.criteria import criterion_cell

from tests.browser.conftest import (
    ASSIGNMENT, IDLE, NOTEBOOK, assignments_panel, axe_violations, click_option, menu, new_page,
    open_notebook, open_returned_feedback, option_label, question, read_panel, shot, wait_for_answers,
    wait_for_questions,
)

pytestmark = pytest.mark.browser

#: The live region trainingkit's extension says the Assignments panel's outcomes in.
ANNOUNCER = "#tk-assignments-announcer"

REFLECTION = ("Coaching works beside therapy: it looks at the present and builds on strengths. "
              "I would not process trauma memories or diagnose, and I would help anyone in crisis "
              "reach a therapist.")
COMMENT = ("What you did well: you named what coaching offers and where it stops. "
           "To revisit: say how a client can come back to coaching after therapy.")


@pytest.fixture(scope="module")
def items(lab) -> list[Vignette]:
    bank = load_bank(lab.course.bank_dir)
    return load_assignments(lab.course.assignments_file, bank)[ASSIGNMENT].vignettes(bank)


@pytest.fixture(scope="module")
def plan(items: list[Vignette]) -> dict[str, AnswerValue]:
    """What the trainee answers: the best answer everywhere but one single-choice item."""
    answers: dict[str, AnswerValue] = {}
    missed = next(v.id for v in items if v.kind is Kind.SINGLE)
    for vignette in items:
        if vignette.kind is Kind.REFLECTION:
            answers[vignette.id] = REFLECTION
        elif vignette.kind is Kind.MULTIPLE:
            answers[vignette.id] = sorted(vignette.key)
        elif vignette.id == missed:
            answers[vignette.id] = next(o.id for o in vignette.options if o.id not in vignette.key)
        else:
            answers[vignette.id] = next(iter(vignette.key))
    return answers


@pytest.fixture(scope="module")
def fetched(page, lab, items: list[Vignette]) -> Path:
    """The trainee fetches the assignment in the Assignments panel and opens it: its questions draw themselves."""
    page.goto(lab.address("journey-trainee"))
    assignments_panel(page)
    shot(page, "journey-01-assignments-panel")
    page.locator("#released_assignments_list .list_item", has_text=ASSIGNMENT).get_by_role(
        "button", name="Fetch").click()
    page.locator(ANNOUNCER, has_text=f"Fetched {ASSIGNMENT}:").wait_for(state="attached")  # a screen reader hears it
    page.locator("#fetched_assignments_list a.assignment-notebooks-link", has_text=ASSIGNMENT).click()
    page.locator("#fetched_assignments_list .nested_list_item a", has_text=ASSIGNMENT).click()
    page.get_by_text(IDLE).wait_for()
    wait_for_questions(page, len(items))
    shot(page, "journey-02-assignment-open")
    return lab.course.workbook_dir / COURSE_ID / ASSIGNMENT


def _scenario_cell(page, vignette: Vignette):
    return page.locator(f"{NOTEBOOK} .jp-MarkdownCell", has=page.locator("h2", has_text=vignette.title))


@pytest.fixture(scope="module")
def answered(page, fetched: Path, items: list[Vignette], plan: dict[str, AnswerValue]) -> Path:
    """The trainee answers every vignette by clicking options and typing the reflection."""
    for vignette in items:
        if vignette.content_notes:
            _scenario_cell(page, vignette).locator("summary", has_text="Show the scenario").click()
        box = question(page, vignette.id)
        answer = plan[vignette.id]
        if vignette.kind is Kind.REFLECTION:
            box.locator("textarea").click()
            page.keyboard.type(answer)
        else:
            for key in [answer] if isinstance(answer, str) else answer:
                click_option(box, key, vignette.option(key).text)
        box.locator(".tk-status", has_text="Saved at").wait_for()
        if vignette.content_notes:
            shot(page, "journey-03-content-note-answered")
    wait_for_answers(fetched, plan)
    shot(page, "journey-04-reflection-typed")
    return fetched


def test_every_vignette_is_answered_by_clicking_and_typing(answered: Path, page, plan) -> None:
    """Every click and every typed word is saved in the answers file, and each question says so."""
    assert {key: answer.value for key, answer in read_answers(answered / "answers.json").items()} == plan
    statuses = page.locator(f"{NOTEBOOK} .tk-status").all_text_contents()
    assert len(statuses) == len(plan) and all("Saved at" in status for status in statuses)


def test_each_question_is_printed_once_and_a_reflection_is_typed_in_the_page_font(page, answered, items) -> None:
    """The question shows once (in bold above its box), and the reflection box uses the page's font, not code's."""
    for vignette in items[:2]:
        question(page, vignette.id).scroll_into_view_if_needed()
        shown = page.evaluate(
            """([selector, text]) => {
                 const seen = (e) => { for (let a = e; a; a = a.parentElement) {
                   if (a.getBoundingClientRect().width <= 2 && getComputedStyle(a).overflow === "hidden") return false;
                 } return true; };
                 return [...document.querySelectorAll(`${selector} strong`)]
                   .filter((e) => e.textContent.trim() === text && seen(e)).length; }""",
            [NOTEBOOK, vignette.question.strip()])
        assert shown == 1, vignette.id
    reflection = next(v for v in items if v.kind is Kind.REFLECTION)
    font = question(page, reflection.id).locator("textarea").evaluate("(e) => getComputedStyle(e).fontFamily")
    assert "mono" not in font.lower(), font


def test_every_answer_is_kept_after_a_reload(answered: Path, page, items: list[Vignette], plan) -> None:
    """After a reload (leaving the page unsaved), every answer is shown again as given, with its saved time."""
    page.reload()
    page.get_by_text(IDLE).wait_for()
    shot(page, "journey-05-reloaded")
    wait_for_questions(page, len(items))
    for vignette in items:
        box = question(page, vignette.id)
        answer = plan[vignette.id]
        if vignette.kind is Kind.REFLECTION:
            assert box.locator("textarea").input_value() == answer
        else:
            role = "radio" if vignette.kind is Kind.SINGLE else "checkbox"
            chosen = {option.id for option in vignette.options
                      if box.get_by_role(role, name=option_label(option.id, option.text), exact=True).is_checked()}
            assert chosen == ({answer} if isinstance(answer, str) else set(answer)), vignette.id
        assert re.search(r"Saved at \d\d:\d\d:\d\d", box.locator(".tk-status").text_content())
    shot(page, "journey-06-answers-kept")


def test_validate_answers_without_unrecognised_settings(answered: Path, page, lab) -> None:
    """nbgrader's Validate button gives its verdict in a trainee's words, and the server logs no "not recognized" setting."""
    start = lab.log.stat().st_size
    page.locator(NOTEBOOK).locator(".jp-Toolbar").get_by_text("Validate", exact=True).click()
    dialog = page.locator(".jp-Dialog")
    dialog.wait_for()
    dialog.locator(".jp-Dialog-body").filter(has_text=re.compile(r"\w")).wait_for()
    shot(page, "journey-06b-validated")
    verdict = dialog.inner_text()
    dialog.get_by_role("button").last.click()
    with lab.log.open("rb") as log:
        log.seek(start)
        added = log.read().decode("utf-8", "replace")
    assert "not recognized" not in added, added
    assert "Traceback" not in verdict, verdict
    assert "passes all the tests" not in verdict and "Nothing is tested before grading" in verdict, verdict


@pytest.fixture(scope="module")
def submitted(page, answered: Path, lab) -> Path:
    """The trainee saves the notebook and presses Submit in the Assignments panel."""
    page.locator(NOTEBOOK).click(position={"x": 5, "y": 5})
    page.keyboard.press("Control+s")
    page.locator(".jp-mod-current.jp-mod-dirty").wait_for(state="detached")
    assignments_panel(page)
    page.locator("#fetched_assignments_list .list_item", has_text=ASSIGNMENT).get_by_role(
        "button", name="Submit").first.click()
    page.locator("#submitted_assignments_list .list_item", has_text=ASSIGNMENT).first.wait_for()
    page.locator(ANNOUNCER, has_text=f"Submitted {ASSIGNMENT} at ").wait_for(state="attached")
    shot(page, "journey-07-submitted")
    (submission,) = (lab.exchange / "trauma-recovery-coaching" / "inbound").iterdir()
    return submission


def test_fetch_and_submit_are_told_to_a_screen_reader(submitted: Path, page) -> None:
    """The Assignments panel's outcome is said in a polite live region: fetched, then submitted with its time."""
    announcer = page.locator(ANNOUNCER)
    assert announcer.get_attribute("role") == "status" and announcer.get_attribute("aria-live") == "polite"
    assert announcer.text_content().startswith(f"Submitted {ASSIGNMENT} at 20")


def test_the_submission_carries_every_answer(submitted: Path, plan) -> None:
    """The submission in the exchange holds the notebook and every answer the trainee gave."""
    assert (submitted / f"{ASSIGNMENT}.ipynb").is_file()
    assert not (submitted / ".ipynb_checkpoints").exists(), "JupyterLab's checkpoints travelled with the submission"
    assert {key: answer.value for key, answer in read_answers(submitted / "answers.json").items()} == plan


#: A row of nbgrader's submitted list once trainingkit's extension has read the listing for it.
SUBMITTED_ROW = "#submitted_assignments_list > .list_item"


def test_before_feedback_is_released_the_panel_says_not_graded_yet(submitted: Path, page) -> None:
    """A submission nobody has graded offers no Fetch Feedback: its row says "Not graded yet" in words."""
    read_panel(page)
    row = page.locator(SUBMITTED_ROW, has_text=ASSIGNMENT)
    shot(page, "journey-07b-not-graded-yet")
    assert row.get_by_role("button", name="Fetch Feedback").count() == 0  # hidden: not in the accessibility tree
    assert row.locator(".tk-panel-not-graded").inner_text() == "Not graded yet"
    assert row.locator(".tk-panel-score").count() == 0


def _gradebook_url(lab) -> str:
    return f"sqlite:///{lab.course.coursework / 'gradebook.db'}"


def _given(vignette: Vignette) -> dict[str, float]:
    """What the supervisor scores each rubric criterion: full points, but nothing on the last."""
    last = len(vignette.rubric)
    return {criterion_cell(vignette.id, n): (c.points if n < last else 0.0)
            for n, c in enumerate(vignette.rubric, start=1)}


def _reflection_grade(lab, vignette: Vignette) -> tuple[dict[str, float | None], str | None]:
    """Each criterion's manual score, and the comment on the first criterion."""
    from nbgrader.api import Gradebook
    from nbgrader.utils import get_username

    with Gradebook(_gradebook_url(lab)) as gradebook:
        scores = {name: gradebook.find_grade(name, ASSIGNMENT, ASSIGNMENT, get_username()).manual_score
                  for name in _given(vignette)}
        first = criterion_cell(vignette.id, 1)
        return scores, gradebook.find_comment(first, ASSIGNMENT, ASSIGNMENT, get_username()).manual_comment


@pytest.fixture(scope="module")
def graded(browser, lab, submitted: Path, items: list[Vignette]) -> dict[str, object]:
    """The supervisor collects and autogrades, scores each rubric criterion in the formgrader, releases feedback."""
    lab.supervisor("collect", ASSIGNMENT)
    lab.supervisor("autograde", ASSIGNMENT, "--force")
    reflection = next(v for v in items if v.kind is Kind.REFLECTION)
    supervisor = new_page(browser, lab)
    try:
        supervisor.goto(lab.address("journey-supervisor"))
        menu(supervisor, "Nbgrader", "Formgrader")
        formgrader = supervisor.frame_locator(".jp-MainAreaWidget:not(.lm-mod-hidden) iframe")
        formgrader.get_by_role("link", name="Manual Grading").click()
        formgrader.get_by_role("link", name=ASSIGNMENT, exact=True).click()
        formgrader.get_by_role("link", name=ASSIGNMENT, exact=True).click()
        formgrader.get_by_role("link", name="Trainee #1").wait_for()
        headings = formgrader.locator("thead th").all_inner_texts()
        formgrader.get_by_role("link", name="Trainee #1").click()
        given = _given(reflection)
        boxes = {name: formgrader.locator(f"input.score#{name}") for name in given}
        cells = [formgrader.locator(".nbgrader_cell", has=box) for box in boxes.values()]
        rubric = "\n".join(cell.inner_text() for cell in cells)
        labels = [cell.locator(".nbgrader-label").inner_text() for cell in cells]
        extra_credit_shown = formgrader.locator("input.extra-credit").evaluate_all(
            "(inputs) => inputs.some((input) => input.offsetParent !== null)")
        comment = formgrader.locator(f"textarea#{criterion_cell(reflection.id, 1)}-comment")
        deadline = time.monotonic() + 60
        while _reflection_grade(lab, reflection) != (given, COMMENT) and time.monotonic() < deadline:
            # The formgrader fills its boxes from the gradebook once its page has loaded, which
            # can blank a value typed before that: a supervisor who sees it go types it again.
            for name, box in boxes.items():
                if box.input_value() != f"{given[name]:g}":
                    box.scroll_into_view_if_needed()
                    box.fill(f"{given[name]:g}")
                    box.press("Tab")
            if comment.input_value() != COMMENT:
                comment.fill(COMMENT)
                comment.press("Tab")
            time.sleep(0.5)
        shot(supervisor, "journey-08-formgrader-reflection")
    finally:
        supervisor.context.close()
    lab.supervisor("generate_feedback", ASSIGNMENT, "--force")
    lab.supervisor("release_feedback", ASSIGNMENT)
    return {"reflection": reflection, "rubric": rubric, "headings": headings, "given": given, "labels": labels,
            "extra_credit_shown": extra_credit_shown}


def test_the_supervisor_grades_the_reflection_against_its_rubric(graded, lab) -> None:
    """In the formgrader each rubric criterion has its levels and a score box of its own; the supervisor scores each and comments."""
    reflection = graded["reflection"]
    for criterion in reflection.rubric:
        assert criterion.criterion in graded["rubric"]
        assert criterion.levels, f"{reflection.id} has no analytic rubric levels"
        for level in criterion.levels:  # every level, with its points, for the supervisor to score against
            assert f"{level.points:g}: {level.description}" in graded["rubric"]
    assert _reflection_grade(lab, reflection) == (graded["given"], COMMENT)
    assert all(label.startswith("Rubric criterion") for label in graded["labels"]), graded["labels"]
    assert not graded["extra_credit_shown"]


def test_the_submission_list_speaks_of_points_lost_not_of_failed_tests(graded) -> None:
    """The formgrader's list of submissions has no "Tests Failed?" column, but "Points lost on a choice?"."""
    headings = [heading.strip() for heading in graded["headings"]]
    assert "Points lost on a choice?" in headings and "Reflections (rubric criteria)" in headings
    assert not any(heading.endswith("Score") and heading != "Overall Score" for heading in headings), headings
    assert not any("test" in heading.lower() for heading in headings), headings


def test_once_feedback_is_released_fetch_feedback_is_offered(graded, page) -> None:
    """After the supervisor releases feedback, the row offers Fetch Feedback again and no longer says "Not graded yet"."""
    read_panel(page)
    row = page.locator(SUBMITTED_ROW, has_text=ASSIGNMENT)
    assert row.get_by_role("button", name="Fetch Feedback").is_visible()
    assert row.locator(".tk-panel-not-graded").count() == 0


@pytest.fixture(scope="module")
def feedback(page, graded):
    """The trainee fetches the feedback in the Assignments panel and opens it."""
    frame = open_returned_feedback(page)
    shot(page, "journey-09-feedback-top")
    frame.locator(".tk-summary").scroll_into_view_if_needed()
    shot(page, "journey-10-feedback-summary")
    return frame


def test_fetching_feedback_tells_a_screen_reader_the_score(feedback, page, lab) -> None:
    """Fetch Feedback's outcome is said in the live region with the letter's score sentence."""
    (letter,) = (lab.course.workbook_dir / COURSE_ID / ASSIGNMENT / "feedback").glob(f"*/{ASSIGNMENT}.html")
    said = re.search(r"Your score: [\d.]+ of [\d.]+ points\.", letter.read_text()).group(0)
    page.locator(ANNOUNCER, has_text=said).wait_for(state="attached")
    assert page.locator(ANNOUNCER).text_content().startswith(f"Fetched the feedback for {ASSIGNMENT} (submission of ")


def test_the_trainee_reads_the_score_and_strengths_first_feedback(feedback, graded, items: list[Vignette],
                                                                 plan) -> None:
    """Returned feedback shows the total score, each criterion's score, the comment, and strengths before what to revisit."""
    text = feedback.locator("body").inner_text()
    automatic = sum(v.points for v in items if v.kind.is_choice and set(plan[v.id]) <= v.key)
    total, possible = map(float, re.search(r"Your score: ([\d.]+) of ([\d.]+) points", text).groups())
    assert total == pytest.approx(automatic + sum(graded["given"].values()))
    assert possible == pytest.approx(sum(v.points for v in items))
    assert COMMENT in text
    reflection = graded["reflection"]
    assert f"Your supervisor's score: {sum(graded['given'].values()):g} of {reflection.points:g} points" in text
    for number, criterion in enumerate(reflection.rubric, start=1):
        assert f"Criterion {number}: {graded['given'][criterion_cell(reflection.id, number)]:g} of " \
               f"{criterion.points:g}" in text
    summary = feedback.locator(".tk-summary").inner_text()
    assert summary.index("What you did well") < summary.index("What to revisit")
    assert "Not yet" in text and "Full marks" in text


def test_returned_feedback_has_no_serious_or_critical_axe_violation(feedback, page, lab, axe_script: Path) -> None:
    """The feedback the project writes (verdicts, summary, reflection) has no serious or critical axe violation."""
    # JupyterLab's HTML viewer runs no script, so axe reads the same file where it is served.
    (html,) = (lab.course.workbook_dir / COURSE_ID / ASSIGNMENT / "feedback").glob(f"*/{ASSIGNMENT}.html")
    viewer = page.context.new_page()
    try:
        viewer.goto(f"{lab.url}/files/{quote(str(html.relative_to(lab.course.root)))}?token={lab.token}")
        violations = axe_violations(viewer, axe_script, [".tk-item-feedback", ".tk-summary", ".tk-reflection"])
    finally:
        viewer.close()
    assert violations == [], violations


def test_the_feedback_reads_as_a_letter(feedback) -> None:
    """Feedback opens with the summary, shows no grading machinery, and keeps the scenario's disclosure triangle."""
    text = feedback.locator("body").inner_text()
    for machinery in ("Test cell", "Student's task", "Out[", "In [", "How to answer", "do not edit", "(Top)",
                      "\u00b6", ASSIGNMENT):
        assert machinery not in text, machinery
    assert re.search(r"Submitted on \w+day \d+ \w+ \d{4} at \d\d:\d\d \(", text)
    assert feedback.locator("h1").inner_text().startswith("Feedback: ")
    assert "Your supervisor wrote" in feedback.locator(".tk-summary").inner_text()
    assert text.index("What you did well") < text.index("Full marks")
    triangle = feedback.locator("details > summary").first.evaluate("e => getComputedStyle(e).display")
    assert triangle == "list-item"


def test_the_letter_opens_in_a_titled_frame(feedback, page) -> None:
    """The viewer's frame is named, so a screen reader announces the letter rather than a nameless frame, and the
    letter in it keeps its language (JupyterLab's viewer drops the letter's ``<html lang>``; the extension restores it)."""
    title = page.locator(".jp-HTMLViewer:not(.lm-mod-hidden) iframe").get_attribute("title")
    assert title == f"Feedback letter: {ASSIGNMENT}"
    assert feedback.locator("html").get_attribute("lang") == "en"


def test_the_assignment_notebook_shows_the_returned_summary(feedback, page, lab) -> None:
    """Once the feedback is fetched, the assignment notebook itself opens with the letter's score and summary."""
    notebook = lab.course.workbook_dir / COURSE_ID / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    open_notebook(page, lab, "journey-returned", str(notebook.relative_to(lab.course.root)))
    returned = page.locator(f"{NOTEBOOK} .tk-returned")
    returned.wait_for(timeout=120_000)
    shot(page, "journey-11-summary-in-notebook")
    text = returned.inner_text()
    assert re.search(r"Your score: [\d.]+ of [\d.]+ points", text) and "What you did well" in text


def test_the_keyboard_reaches_view_feedback_in_the_assignments_panel(feedback, page) -> None:
    """nbgrader's "(view feedback)" link, which has no address, takes a Tab stop and opens with Enter."""
    page.locator(".jp-BreadCrumbs-home").first.click()  # the file browser back at the top
    page.locator(".jp-DirListing-item", has_text=f"{ASSIGNMENT}.html").wait_for(state="detached")
    assignments_panel(page)
    link = page.locator("#submitted_assignments_list a", has_text="view feedback").first
    assert link.get_attribute("tabindex") == "0" and link.get_attribute("role") == "link"
    link.focus()
    page.keyboard.press("Enter")
    page.locator(".jp-DirListing-item", has_text=f"{ASSIGNMENT}.html").wait_for()


def test_the_panel_shows_the_letter_s_score_once_feedback_is_fetched(feedback, page, lab) -> None:
    """Each submission whose letter is fetched shows the letter's own score sentence beside "(view feedback)"."""
    (letter,) = (lab.course.workbook_dir / COURSE_ID / ASSIGNMENT / "feedback").glob(f"*/{ASSIGNMENT}.html")
    said = re.search(r"Your score: [\d.]+ of [\d.]+ points\.", letter.read_text()).group(0)
    read_panel(page)
    submission = page.locator(f"{SUBMITTED_ROW} .nested_list_item", has_text="view feedback").first
    shot(page, "journey-12-score-in-panel")
    assert submission.locator(".tk-panel-score").inner_text().strip() == said
    assert submission.locator(".tk-panel-score").evaluate("(e) => e.children.length") == 0  # text, no markup


def test_a_review_sitting_shows_its_due_date_in_words(lab, browser, fetched: Path) -> None:
    """A released assignment whose listing carries a review sitting's due date shows "Due Wednesday 31 March 2027";
    one without shows no date.

    The lab's folder exchange has no review sittings (they are the course service's, on the hub:
    ``ServiceList`` puts the sitting's ``due_date`` on its listing). So this page reads the lab's own
    listing from nbgrader's endpoint with that one key added to one assignment, as the service writes it.
    """
    import json

    def with_due_date(route) -> None:
        response = route.fetch()
        listing = response.json()
        for item in listing["value"]:
            if item["assignment_id"] == ASSIGNMENT and item["status"] in ("released", "fetched"):
                item["due_date"] = "2027-03-31"
        route.fulfill(response=response, body=json.dumps(listing))

    page = new_page(browser, lab)
    try:
        page.goto(lab.address("journey-due-date"))
        assignments_panel(page)
        undated = page.locator("#fetched_assignments_list > .list_item", has_text=ASSIGNMENT)
        page.locator("#fetched_assignments_list > .list_item[data-tk-panel='done']").first.wait_for(state="attached")
        assert undated.locator(".tk-panel-due").count() == 0
        page.route("**/assignments?course_id=*", with_due_date)
        read_panel(page, "fetched")
        row = page.locator("#fetched_assignments_list > .list_item", has_text=ASSIGNMENT)
        shot(page, "journey-13-due-date")
        assert row.locator(".tk-panel-due").inner_text() == "Due Wednesday 31 March 2027"
        assert page.locator("#submitted_assignments_list .tk-panel-due").count() == 0
    finally:
        page.context.close()
