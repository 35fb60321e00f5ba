"""A class on the hub in chromium, step by step as its people take them (issue 23).

On the shared session hub (tests/hub/conftest.py): a trainee answers an assignment while
`trainingkit roster add` adds a newcomer with a one-word name, who logs in and submits and is
removed again; a trainee changes their password on the password page by keyboard and mouse;
a supervisor collects, scores a reflection per rubric criterion in the formgrader and returns
it, and the trainee's letter shows the sum; the trainee's Assignments panel gives the letter's
score beside "(view feedback)", which opens the letter as a page; the same trainee, in a fresh
browser and with the keyboard alone, reaches Fetch Feedback and "(view feedback)" and opens the
letter; axe-core (WCAG 2.2 AA) checks each page a trainee, a supervisor and the office open.
Trainees used: ``names[20]`` and ``names[21]`` (no other module uses them), and a newcomer made
and removed here. Only ``practice-scope`` is submitted, which no other hub module grades.

What axe finds in nbgrader's and JupyterLab's own parts of these pages is listed in
:data:`THEIRS` (and in the README's accessibility statement); anything else fails the test.
Every finding, filtered or not, is written to ``test-artifacts/browser/hub-axe.json``.
"""

from __future__ import annotations

import json
import pwd
import re
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest

from tests.browser.conftest import (
    ARTIFACTS, AXE, IDLE, NOTEBOOK, WCAG22_AA, answer_vignette, assignments_panel, axe_violations, formgrader_button,
    open_returned_feedback, question, read_panel, shot, wait_for_answers, wait_for_questions,
)
from tests.hub.client import Hub, HubUser
from tests.hub.test_enrol import roster_command, server_of, shown_password
from trainingkit.assignments import load_assignments
from trainingkit.bank import load_bank
from trainingkit.bank.model import Kind, Vignette
from trainingkit.criteria import criterion_cell
from trainingkit.hub import accounts

pytestmark = pytest.mark.hub

ASSIGNMENT = "practice-scope"
#: The trainee who answers and is graded, and the one who changes their password (places in names("trainee")).
ANSWERING, CHANGING = 20, 21
ONE_WORD_NAME = "Ben"
#: What the project renders inside a notebook: Markdown text and cell outputs (as tests/browser/test_accessibility.py).
CONTENT = [f"{NOTEBOOK} .jp-Cell .jp-RenderedMarkdown", f"{NOTEBOOK} .jp-Cell .jp-OutputArea-output"]
#: axe's findings in nbgrader's formgrader pages that belong to nbgrader, not to the project: (rule, a piece
#: of the element's selector or HTML). The README's accessibility statement lists the same.
THEIRS: tuple[tuple[str, str], ...] = (
    ("color-contrast", "ol > "),  # the breadcrumbs: Bootstrap 3's grey on light grey
    ("color-contrast", "label label-"),  # status labels such as "needs manual grading": white on light blue
    ("link-name", "glyphicon"),  # autograde, feedback and release buttons: an icon link without a name
    ("list", "nav nav-pills nav-stacked"),  # the side menu's list holds a non-list element
    ("nested-interactive", "#headingOne"),  # the "Instructions (click to expand)" panel: a link inside a tab
    # the grading page's header: Bootstrap's grey links (breadcrumbs, previous/next, "open live notebook")
    ("color-contrast", "formgrader/gradebook"),
    ("color-contrast", 'data-toggle="tooltip"'),
    ("list", "nav text-center"),  # its header's list holds non-list elements
    ("link-in-text-block", "anchor-link"),  # nbconvert's "¶" beside each heading, shown on hover only
)


def _login(browser, hub: Hub, name: str, password: str, *, bypass_csp: bool = False):
    """A fresh browser profile in which ``name`` logs in through the hub's form with the mouse.

    ``bypass_csp`` lets axe-core's script into a page whose Content-Security-Policy forbids scripts
    (the password page's: ``default-src 'none'``); the page itself is served unchanged."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, reduced_motion="reduce",
                                  bypass_csp=bypass_csp)
    context.set_default_timeout(120_000)
    page = context.new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    page.goto(f"{hub.url}/hub/login")
    page.locator("#username_input").fill(name)
    page.locator("#password_input").fill(password)
    page.locator("#login_submit").click()
    return page


def _token_user(hub: Hub, name: str) -> HubUser:
    person = HubUser(hub.url, name)
    assert person.login(hub.passwords[name]).status_code == 302
    person.make_token()
    return person


@pytest.fixture(scope="module")
def axe(request: pytest.FixtureRequest) -> Path:
    """axe-core from npm in .cache/node (tests/browser/install-node-packages)."""
    subprocess.run(["bash", str(Path(__file__).parents[1] / "browser" / "install-node-packages")], check=True,
                   timeout=300)
    return AXE


FOUND: dict[str, list[dict]] = {}


def _ours(where: str, violations: list[dict]) -> list[dict]:
    """``violations`` less those :data:`THEIRS` lists; every one is kept in hub-axe.json, by page."""
    FOUND[where] = violations
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "hub-axe.json").write_text(json.dumps(FOUND, indent=1))
    left = []
    for violation in violations:
        nodes = [node for node in violation["nodes"]
                 if not any(rule == violation["id"] and piece in node for rule, piece in THEIRS)]
        if nodes:
            left.append({**violation, "nodes": nodes})
    return left


@pytest.fixture(scope="module")
def items(hub: Hub) -> list[Vignette]:
    bank = load_bank(hub.layout.course.bank_dir)
    return load_assignments(hub.layout.course.assignments_file, bank)[ASSIGNMENT].vignettes(bank)


@pytest.fixture(scope="module")
def trainee(browser, hub: Hub) -> Iterator[object]:
    """names[20] in chromium, on lesson 00 as the hub opens it."""
    name = hub.names("trainee")[ANSWERING]
    page = _login(browser, hub, name, hub.passwords[name])
    page.get_by_text(IDLE).wait_for()
    yield page
    page.context.close()


def _open_assignment(page, count: int) -> None:
    assignments_panel(page)
    page.locator("#released_assignments_list .list_item", has_text=ASSIGNMENT).get_by_role("button", name="Fetch").click()
    page.locator("#fetched_assignments_list a.assignment-notebooks-link", has_text=ASSIGNMENT).click()
    page.locator("#fetched_assignments_list .nested_list_item a", has_text=ASSIGNMENT).click()
    wait_for_questions(page, count)


def _answer(page, vignette: Vignette) -> object:
    """Answer one question with the mouse (its best answer) or the keyboard (a reflection); wait for "Saved at"."""
    return answer_vignette(page, vignette, REFLECTION if vignette.kind is Kind.REFLECTION else None)


REFLECTION = "I would name what coaching offers, stay within my scope and refer on with a warm hand-over."


def _submit(page) -> None:
    page.locator(NOTEBOOK).click(position={"x": 5, "y": 5})
    page.keyboard.press("Control+s")
    assignments_panel(page)
    page.locator("#fetched_assignments_list .list_item", has_text=ASSIGNMENT).get_by_role(
        "button", name="Submit").first.click()
    page.locator("#submitted_assignments_list .list_item", has_text=ASSIGNMENT).first.wait_for()


@pytest.fixture(scope="module")
def newcomer(hub: Hub) -> Iterator[str]:
    """The account name of a person added while the class runs (removed at the end if a test failed first)."""
    name = f"{hub.names('trainee')[0].split('-')[0]}-ben"
    yield name
    if accounts.exists(name):
        roster_command(hub, "remove", name)
        accounts.remove(name)


@pytest.fixture(scope="module")
def answered(browser, hub: Hub, trainee, items: list[Vignette], newcomer: str) -> dict[str, object]:
    """names[20] answers while the newcomer is added, logs in, submits and is removed; then names[20] submits."""
    name = hub.names("trainee")[ANSWERING]
    own = _token_user(hub, name)
    started = server_of(hub, own)["started"]
    _open_assignment(trainee, len(items))
    choices = [v for v in items if v.kind.is_choice and not v.case]
    reflection = next(v for v in items if v.kind is Kind.REFLECTION)
    answers = {choices[0].id: _answer(trainee, choices[0])}

    added = roster_command(hub, "add", newcomer, "--role", "trainee", "--name", ONE_WORD_NAME)
    assert added.returncode == 0, added.stderr
    password = shown_password(added.stdout)
    answers[choices[1].id] = _answer(trainee, choices[1])  # the next answer, after the add, saves
    folder = Path(f"/home/{name}/trauma-recovery-coaching/{ASSIGNMENT}")
    wait_for_answers(folder, answers)
    kept_running = server_of(hub, own)["started"] == started

    ben = _login(browser, hub, newcomer, password)
    try:
        ben.get_by_text(IDLE).wait_for()
        landed = ben.url.split("?")[0]
        shot(ben, "hub-class-01-newcomer-lesson-00")
        assignments_panel(ben)
        ben.locator("#released_assignments_list .list_item", has_text=ASSIGNMENT).get_by_role("button", name="Fetch").click()
        ben.locator("#fetched_assignments_list .list_item", has_text=ASSIGNMENT).get_by_role("button", name="Submit").first.click()
        ben.locator("#submitted_assignments_list .list_item", has_text=ASSIGNMENT).first.wait_for()
    finally:
        ben.context.close()
    removed = roster_command(hub, "remove", newcomer)
    assert removed.returncode == 0, removed.stderr

    answers[reflection.id] = _answer(trainee, reflection)
    wait_for_answers(folder, answers)
    shot(trainee, "hub-class-02-trainee-answered")
    _submit(trainee)
    return {"kept_running": kept_running and server_of(hub, own)["started"] == started, "landed": landed,
            "reflection": reflection, "answers": answers, "newcomer_login": password}


def test_a_trainee_keeps_answering_while_a_newcomer_is_added_logs_in_submits_and_is_removed(
        answered: dict, hub: Hub, newcomer: str) -> None:
    """The first trainee's server runs on and the answer after the add saves; the newcomer lands on lesson 00;
    once removed, the newcomer has no account, no home and no log-in."""
    assert answered["kept_running"]
    assert answered["landed"].endswith(f"/user/{newcomer}/lab/tree/lessons/00-welcome.ipynb")
    assert not accounts.exists(newcomer) and not Path("/home", newcomer).exists()
    assert HubUser(hub.url, newcomer).login(answered["newcomer_login"]).status_code == 403


def test_a_person_changes_their_password_by_keyboard_and_mouse_and_only_the_new_one_logs_in(
        browser, hub: Hub, axe: Path) -> None:
    """On the password page: a click into the first box, typing and Tab between boxes, Enter to send; then the old
    password is refused at the hub's log-in and the new one lets them in."""
    name = hub.names("trainee")[CHANGING]
    old, new = hub.passwords[name], "changed-by-keyboard-and-mouse"
    page = _login(browser, hub, name, old)
    try:
        page.get_by_text(IDLE).wait_for()
        page.goto(f"{hub.url}/services/password/")
        page.get_by_label("Current password").click()
        page.keyboard.type(old)
        focused = []
        for _ in range(2):
            page.keyboard.press("Tab")
            focused.append(page.evaluate("() => document.activeElement.name"))
            page.keyboard.type(new)
        page.keyboard.press("Enter")
        page.get_by_text("Your password is changed.").wait_for()
        shot(page, "hub-class-03-password-changed")
    finally:
        page.context.close()
    hub.passwords[name] = new
    assert focused == ["new", "repeated"]
    refused = _login(browser, hub, name, old)
    try:
        refused.get_by_text("Invalid username or password").wait_for()
        assert "/hub/login" in refused.url
    finally:
        refused.context.close()
    admitted = _login(browser, hub, name, new)
    try:
        admitted.get_by_text(IDLE).wait_for()
    finally:
        admitted.context.close()


def _reflection_grade(hub: Hub, student: str, vignette: Vignette) -> dict[str, float | None]:
    from nbgrader.api import Gradebook

    with Gradebook(hub.db_url or f"sqlite:///{hub.layout.course.coursework / 'gradebook.db'}") as gradebook:
        return {criterion_cell(vignette.id, n): gradebook.find_grade(
                    criterion_cell(vignette.id, n), ASSIGNMENT, ASSIGNMENT, student).manual_score
                for n in range(1, len(vignette.rubric) + 1)}


@pytest.fixture(scope="module")
def graded(browser, hub: Hub, answered: dict, newcomer: str, axe: Path) -> dict[str, object]:
    """A supervisor collects and autogrades in the formgrader on the hub, scores each rubric criterion of the
    reflection (full points but one short on the last), and returns the feedback."""
    name = hub.names("trainee")[ANSWERING]
    reflection: Vignette = answered["reflection"]
    last = len(reflection.rubric)
    given = {criterion_cell(reflection.id, n): (c.points if n < last else max(c.points - 1, 0))
             for n, c in enumerate(reflection.rubric, start=1)}
    formgrader = f"{hub.url}{hub.layout.service_prefix}formgrader"
    page = _login(browser, hub, hub.names("supervisor")[0], hub.passwords[hub.names("supervisor")[0]])
    seen: dict[str, object] = {"axe": {}}
    try:
        page.get_by_text(IDLE).wait_for()
        page.goto(f"{formgrader}/manage_assignments")
        page.locator("#main-table tr", has_text=ASSIGNMENT).wait_for()
        formgrader_button(page, ASSIGNMENT, "collect")
        page.goto(f"{formgrader}/manage_submissions/{ASSIGNMENT}")
        page.locator("#main-table tr", has_text=newcomer).wait_for()
        for student in (name, newcomer):
            formgrader_button(page, student, "autograde")
        page.reload()
        page.locator("#main-table tr", has_text=newcomer).locator("td a").first.wait_for()
        seen["submissions"] = page.locator("#main-table tr").all_inner_texts()
        seen["submissions_headings"] = page.locator("thead th").all_inner_texts()
        seen["axe"]["submissions list"] = _ours("submissions list", axe_violations(page, axe, ["body"], tags=WCAG22_AA))
        shot(page, "hub-class-04-submissions")

        page.goto(f"{formgrader}/manage_students")
        page.locator("#main-table tr", has_text=newcomer).wait_for()
        seen["students"] = page.locator("#main-table tr").all_inner_texts()

        page.goto(f"{formgrader}/gradebook/{ASSIGNMENT}/{ASSIGNMENT}")
        page.locator("#main-table tr a").first.wait_for()
        seen["manual_hidden"] = page.locator("#main-table tr").all_inner_texts()
        seen["axe"]["manual grading list"] = _ours("manual grading list",
                                                   axe_violations(page, axe, ["body"], tags=WCAG22_AA))
        page.locator("#toggle_names").click()
        seen["manual_shown"] = page.locator("#main-table tr").all_inner_texts()
        shot(page, "hub-class-05-manual-grading")
        # the newcomer's grading page, reached from the list by their one-word name
        page.locator("#main-table tr a.name-shown").filter(has_text=re.compile(rf"^\s*{ONE_WORD_NAME}\s*$")).click()
        header = page.locator(".live-notebook")
        header.locator("a.name-hidden").wait_for()
        seen["newcomer_page"] = {"hidden": header.locator("a.name-hidden").inner_text().strip(),
                                 "shown": (header.locator("a.name-shown").text_content() or "").strip(),
                                 "place": page.locator(".panel-title .pull-right").inner_text().strip()}
        header.locator("span.name-hidden").click()  # the eye: the supervisor shows the name
        seen["newcomer_page"]["after_click"] = header.locator("a.name-shown").inner_text().strip()
        shot(page, "hub-class-05b-newcomer-grading-page")
        page.goto(f"{formgrader}/gradebook/{ASSIGNMENT}/{ASSIGNMENT}")
        page.locator("#main-table tr a").first.wait_for()
        page.locator("#toggle_names").click()
        page.locator("#main-table tr a.name-shown", has_text=name).click()

        boxes = {cell: page.locator(f"input.score#{cell}") for cell in given}
        boxes[next(iter(given))].wait_for()
        deadline = time.monotonic() + 90
        while _reflection_grade(hub, name, reflection) != given and time.monotonic() < deadline:
            # the formgrader fills its boxes from the gradebook once loaded, which can blank a typed value
            for cell, box in boxes.items():
                if box.input_value() != f"{given[cell]:g}":
                    box.scroll_into_view_if_needed()
                    box.click()
                    box.fill(f"{given[cell]:g}")
                    box.press("Tab")
            time.sleep(0.5)
        seen["stored"] = _reflection_grade(hub, name, reflection)
        seen["axe"]["grading page"] = _ours("grading page", axe_violations(page, axe, ["body"], tags=WCAG22_AA))
        shot(page, "hub-class-06-grading-page")

        page.goto(f"{formgrader}/manage_submissions/{ASSIGNMENT}")
        page.locator("#main-table tr", has_text=name).wait_for()
        for column in ("generate-feedback", "release-feedback"):
            formgrader_button(page, name, column)

        page.goto(f"{hub.url}{hub.layout.service_prefix}lab/tree/notebooks/supervisor/dashboard.ipynb")
        page.locator(f"{NOTEBOOK} .jp-RenderedMarkdown").first.wait_for()
        seen["axe"]["dashboard"] = _ours("dashboard", axe_violations(page, axe, CONTENT, tags=WCAG22_AA))
        shot(page, "hub-class-07-dashboard")
    finally:
        page.context.close()
    seen["given"] = given
    return seen


@pytest.fixture(scope="module")
def returned(graded: dict, trainee):
    """names[20] fetches the returned feedback in the Assignments panel and opens it: the letter's frame."""
    return open_returned_feedback(trainee)


def test_a_supervisor_scores_each_rubric_criterion_and_the_letter_shows_their_sum(
        graded: dict, answered: dict, returned, trainee, hub: Hub, axe: Path) -> None:
    """Each criterion's score typed in the formgrader is the gradebook's; the returned letter gives their sum."""
    assert graded["stored"] == graded["given"]
    reflection: Vignette = answered["reflection"]
    shot(trainee, "hub-class-08-letter")
    text = returned.locator("body").inner_text()
    total = sum(graded["given"].values())
    assert f"Your supervisor's score: {total:g} of {reflection.points:g} points" in text, text[:3000]
    for number, criterion in enumerate(reflection.rubric, start=1):
        assert f"Criterion {number}: {graded['given'][criterion_cell(reflection.id, number)]:g} of " \
               f"{criterion.points:g}" in text


def _score_sentence(hub: Hub, name: str) -> str:
    """The score sentence of ``name``'s fetched letter, as the letter itself gives it."""
    (letter,) = Path(f"/home/{name}/trauma-recovery-coaching/{ASSIGNMENT}/feedback").glob(f"*/{ASSIGNMENT}.html")
    return re.search(r"Your score: [\d.]+ of [\d.]+ points\.", letter.read_text()).group(0)


#: The letter's own viewer, named by trainingkit's extension when the panel opens it (a restored tab is not).
LETTER = f".jp-HTMLViewer:not(.lm-mod-hidden) iframe[title='Feedback letter: {ASSIGNMENT}']"


def test_the_panel_gives_the_letters_score_beside_its_link_which_opens_the_letter_as_a_page(
        returned, trainee, hub: Hub) -> None:
    """Once fetched, the submission in the Assignments panel shows the letter's own score sentence beside
    "(view feedback)"; with the letter's tab closed, that link opens the letter again as the current tab, a page
    in a named viewer, not a folder to search."""
    said = _score_sentence(hub, hub.names("trainee")[ANSWERING])
    tabs = trainee.locator(".lm-DockPanel-tabBar .lm-TabBar-tab", has_text=f"{ASSIGNMENT}.html")
    while tabs.count():
        tabs.first.locator(".lm-TabBar-tabCloseIcon").click()
    read_panel(trainee)
    submission = trainee.locator("#submitted_assignments_list > .list_item .nested_list_item",
                                 has_text="view feedback").first
    shot(trainee, "hub-class-09-score-in-panel")
    assert submission.locator(".tk-panel-score").inner_text().strip() == said
    submission.locator("a", has_text="view feedback").click()
    trainee.locator(LETTER).wait_for()
    current = trainee.locator(".lm-DockPanel-tabBar .lm-TabBar-tab.lm-mod-current .lm-TabBar-tabLabel")
    assert current.inner_text() == f"{ASSIGNMENT}.html"
    assert said in trainee.frame_locator(LETTER).locator("body").inner_text()
    shot(trainee, "hub-class-10-letter-from-the-panel")


#: Where the keyboard's focus is: the element's tag and words, the Assignments panel's list and row it is in,
#: and whether it is an item of JupyterLab's menu bar.
FOCUSED = """() => {
    const element = document.activeElement || document.body;
    const list = element.closest("#released_assignments_list, #fetched_assignments_list, #submitted_assignments_list");
    const row = element.closest(".list_item:not(.nested_list_item)");  // the assignment's row, not a submission's
    return {tag: element.tagName.toLowerCase(), text: (element.textContent || "").trim().slice(0, 80),
            list: list ? list.id : "", row: row ? row.textContent : "",
            menubar: element.classList.contains("lm-MenuBar-item")};
}"""


def _press_until(page, key: str, reached, limit: int = 300) -> dict:
    """Press ``key`` until the focus is where ``reached(focus)`` says (see :data:`FOCUSED`)."""
    focus: dict = {}
    for _ in range(limit):
        page.keyboard.press(key)
        focus = page.evaluate(FOCUSED)
        if reached(focus):
            return focus
    raise AssertionError(f"{limit} presses of {key} did not get there; the focus is on {focus}")


def _menu_by_keyboard(page, top: str, item: str) -> None:
    """Shift+Tab back to JupyterLab's menu bar, the right arrow to ``top``, Enter, the down arrow to ``item``, Enter."""
    _press_until(page, "Shift+Tab", lambda focus: focus["menubar"])
    if page.evaluate(FOCUSED)["text"] != top:
        _press_until(page, "ArrowRight", lambda focus: focus["text"] == top, limit=20)
    page.keyboard.press("Enter")
    active = page.locator(".lm-Menu .lm-Menu-item.lm-mod-active .lm-Menu-itemLabel")
    for _ in range(20):
        page.keyboard.press("ArrowDown")
        if active.count() and active.first.inner_text() == item:
            break
    else:
        raise AssertionError(f"the down arrow did not reach {top} > {item}")
    page.keyboard.press("Enter")


#: A workspace of its own, so the journey starts with no letter already open; deleted afterwards.
KEYBOARD_WORKSPACE = "keyboard-journey"


def test_a_trainee_reaches_and_opens_the_returned_letter_with_the_keyboard_alone(
        browser, hub: Hub, graded: dict) -> None:
    """Logged in by typing, names[20] opens Nbgrader > Assignment List from the menu bar, Tabs to Fetch
    Feedback and presses Enter, Tabs to "(view feedback)" and presses Enter: the letter opens, and it has a
    title and a language."""
    name = hub.names("trainee")[ANSWERING]
    context = browser.new_context(viewport={"width": 1280, "height": 900}, reduced_motion="reduce")
    context.set_default_timeout(120_000)
    page = context.new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    try:
        page.goto(f"{hub.url}/hub/login")  # the name box has the focus
        page.keyboard.type(name)
        page.keyboard.press("Tab")
        page.keyboard.type(hub.passwords[name])
        page.keyboard.press("Enter")
        page.get_by_text(IDLE).wait_for()
        page.goto(f"{hub.url}/user/{name}/lab/workspaces/{KEYBOARD_WORKSPACE}/tree/lessons/00-welcome.ipynb")
        page.get_by_text(IDLE).wait_for()

        _menu_by_keyboard(page, "Nbgrader", "Assignment List")
        page.locator("#submitted_assignments_list > .list_item[data-tk-panel='done']").first.wait_for(state="attached")
        in_row = (lambda focus: focus["list"] == "submitted_assignments_list" and ASSIGNMENT in focus["row"])
        _press_until(page, "Tab", lambda focus: in_row(focus) and focus["tag"] == "button"
                     and focus["text"] == "Fetch Feedback")
        page.keyboard.press("Enter")
        page.locator("#tk-assignments-announcer", has_text=f"Fetched the feedback for {ASSIGNMENT}").wait_for(
            state="attached")
        _press_until(page, "Tab", lambda focus: in_row(focus) and focus["tag"] == "a"
                     and "view feedback" in focus["text"])
        shot(page, "hub-class-11-keyboard-on-view-feedback")
        page.keyboard.press("Enter")
        letter = page.frame_locator(LETTER).locator("html")
        letter.locator(".tk-summary").wait_for()
        title, lang = letter.evaluate("(html) => [html.ownerDocument.title, html.lang]")
        shot(page, "hub-class-12-keyboard-letter")
    finally:
        context.close()
        _token_user(hub, name).server_page("DELETE", f"lab/api/workspaces/{KEYBOARD_WORKSPACE}")
    assert title.startswith("Feedback: ") and lang.startswith("en"), (title, lang)


def test_the_formgraders_lists_name_people_by_the_roster_and_hide_them_as_trainees(
        graded: dict, hub: Hub, newcomer: str) -> None:
    """Submissions and students lists: "<account>, Test trainee" and the one-word "Ben" alone; manual grading:
    "Trainee #N" until names are shown, then the same names; never "None" nor "Submission #"."""
    name = hub.names("trainee")[ANSWERING]
    rows = graded["submissions"]
    assert any(row.startswith(f"{name}, Test trainee") for row in rows), rows
    assert any(row.split("\t")[0].strip() == ONE_WORD_NAME for row in rows), rows
    students = graded["students"]  # the newcomer stays in the gradebook once removed: grades are kept
    assert any(row.split("\t")[0].strip() == ONE_WORD_NAME for row in students), students
    assert any(row.startswith(f"{name}, Test trainee") for row in students), students
    hidden, shown = "\n".join(graded["manual_hidden"]), "\n".join(graded["manual_shown"])
    assert "Trainee #1" in hidden and "Submission #" not in hidden, hidden
    assert f"{name}, Test trainee" in shown and ONE_WORD_NAME in shown.split(), shown
    names = [row.split("\t")[0] for row in (*rows, *students)] + [row.split("\t")[1] for row in graded["manual_shown"]]
    assert len(names) == len(rows) + len(students) + len(graded["manual_shown"]) and "" not in names, names
    assert not [shown_name for shown_name in names if "None" in shown_name], names


def test_the_grading_page_names_a_one_word_newcomer_alone_and_hidden_names_as_trainees(graded: dict) -> None:
    """The newcomer's grading page says "Trainee #N" and "Trainee N of M" while names are hidden, and "Ben" (not
    their account) once shown; the submissions list heads its names "Trainee", never "Student Name"."""
    page = graded["newcomer_page"]
    assert re.fullmatch(r"Trainee #\d+", page["hidden"]), page
    assert re.fullmatch(r"Trainee \d+ of \d+", page["place"]), page
    assert page["shown"] == page["after_click"] == ONE_WORD_NAME, page
    headings = [heading.strip() for heading in graded["submissions_headings"]]
    assert headings[0] == "Trainee" and "Student Name" not in headings and "Student ID" not in headings, headings


def test_the_supervisors_pages_have_no_serious_or_critical_axe_violation_of_the_projects(graded: dict) -> None:
    """The formgrader's lists and grading page (less nbgrader's own, listed in THEIRS) and the dashboard's content."""
    assert {page: found for page, found in graded["axe"].items() if found} == {}


def test_the_trainees_pages_have_no_serious_or_critical_axe_violation(
        browser, hub: Hub, answered: dict, trainee, axe: Path) -> None:
    """Lesson 00, the assignment and the returned letter, as the trainee's server serves them on the hub."""
    name = hub.names("trainee")[ANSWERING]
    page = _login(browser, hub, name, hub.passwords[name])
    found = {}
    try:
        page.get_by_text(IDLE).wait_for()
        page.locator(f"{NOTEBOOK} .jp-RenderedMarkdown").first.wait_for()
        found["lesson 00"] = _ours("lesson 00", axe_violations(page, axe, CONTENT, tags=WCAG22_AA))
        page.goto(f"{hub.url}/user/{name}/lab/tree/trauma-recovery-coaching/{ASSIGNMENT}/{ASSIGNMENT}.ipynb")
        page.get_by_text(IDLE).wait_for()
        question(page, answered["reflection"].id).wait_for(state="attached")
        found["assignment"] = _ours("assignment", axe_violations(page, axe, CONTENT, tags=WCAG22_AA))
        letters = list(Path(f"/home/{name}/trauma-recovery-coaching/{ASSIGNMENT}/feedback").glob(f"*/{ASSIGNMENT}.html"))
        if letters:  # fetched by the letter's test just before
            relative = letters[0].relative_to(f"/home/{name}")
            page.goto(f"{hub.url}/user/{name}/files/{quote(str(relative))}")
            page.locator(".tk-summary").wait_for()
            found["letter"] = _ours("letter", axe_violations(
                page, axe, [".tk-item-feedback", ".tk-summary", ".tk-reflection"], tags=WCAG22_AA))
    finally:
        page.context.close()
    assert "letter" in found, "the letter was not fetched (its test runs before this one)"
    assert {where: violations for where, violations in found.items() if violations} == {}


def test_the_offices_pages_have_no_serious_or_critical_axe_violation(browser, hub: Hub, axe: Path) -> None:
    """The office's renewals notebook as the hub opens it, and the password page; the office's folder is left as found."""
    office = hub.names("office")[0]
    renewals = Path(pwd.getpwnam(office).pw_dir) / "renewals"
    _token_user(hub, office).start_server()  # which puts the office's log and notebook in ~/renewals
    before = set(renewals.iterdir())  # before the browser opens the notebook (JupyterLab makes a checkpoint)
    page = _login(browser, hub, office, hub.passwords[office], bypass_csp=True)
    found = {}
    try:
        page.get_by_text(IDLE).wait_for()
        page.locator(f"{NOTEBOOK} .jp-RenderedMarkdown").first.wait_for()
        found["renewals notebook"] = _ours("renewals notebook", axe_violations(page, axe, CONTENT, tags=WCAG22_AA))
        page.goto(f"{hub.url}/services/password/")
        page.get_by_label("Current password").wait_for()
        found["password page"] = _ours("password page", axe_violations(page, axe, ["body"], tags=WCAG22_AA))
    finally:
        page.context.close()
        for left in set(renewals.iterdir()) - before:
            subprocess.run(["rm", "-rf", "--", str(left)], check=True)  # JupyterLab's checkpoints, if any
    assert {where: violations for where, violations in found.items() if violations} == {}
