"""At 320 px wide (WCAG 2.2, 1.4.10 reflow), on the class hub, a trainee answers every question type (issue 23).

On the shared session hub (tests/hub/conftest.py), ``names[24]`` (no other module uses it) logs in
with a phone's width and lands on lesson 00, as the hub opens it; closes JupyterLab's side panel
with Ctrl+B (see the README's accessibility statement); answers the lesson's single-choice and
multiple-choice knowledge checks and presses "Check my answer" on each; then, with the assignment
fetched by nbgrader in their own kernel, answers a single-choice, a multiple-choice and a
reflection vignette of ``practice-foundations``. Each answer is read back from the person's
answers files by their own kernel, and after each one nothing in the notebook reaches past the
right edge, so nothing needs scrolling sideways. Nothing is submitted.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from tests.browser.conftest import (
    IDLE, NOTEBOOK, answer_vignette, click_option, question, shot, wait_for_questions, wait_saved,
)
from tests.hub.client import Hub, HubUser
from trainingkit.assignments import load_assignments
from trainingkit.bank import load_bank
from trainingkit.bank.model import Kind, Vignette
from trainingkit.lessons import load_lesson

pytestmark = pytest.mark.hub

WIDTH = 320
NARROW = 24  # a place in hub.names("trainee") no other module uses
ASSIGNMENT = "practice-foundations"
LESSON = "00-welcome"
REFLECTION = "At a phone's width: I name what went well, then what to revisit, and refer on when needed."
#: What in the open notebook's cells reaches past the right edge of the screen, and whether the notebook scrolls
#: sideways (JupyterLab's own shell is 330 px at the least: the README's accessibility statement).
SIDEWAYS = """(selector) => {
    const panel = document.querySelector(selector);
    const width = document.documentElement.clientWidth;
    const scrollers = [panel, ...panel.querySelectorAll(".jp-WindowedPanel-outer")];
    const past = [...panel.querySelectorAll(".jp-Cell *")].filter((element) => {
        const rect = element.getBoundingClientRect();
        return rect.width > 0 && rect.right > width + 0.5 && element.checkVisibility({visibilityProperty: true})
            && !element.closest(".tk-visually-hidden");  // words for a screen reader, clipped to 1 px on purpose
    }).map((element) => `${Math.round(element.getBoundingClientRect().right)} > ${width} :: ${element.className}`);
    return {scrolls: scrollers.some((s) => s.scrollWidth > s.clientWidth + 1), past: past.slice(0, 10)};
}"""


@pytest.fixture(scope="module")
def person(hub: Hub) -> HubUser:
    """names[24], with a token for their own server and kernels."""
    person = hub.user("trainee", NARROW + 1)
    person.make_token()
    return person


@pytest.fixture(scope="module")
def narrow(browser, hub: Hub, person: HubUser) -> Iterator[object]:
    """names[24] logged in at 320 px wide, on lesson 00 as the hub opens it, the side panel closed."""
    context = browser.new_context(viewport={"width": WIDTH, "height": 800}, reduced_motion="reduce")
    context.set_default_timeout(120_000)
    page = context.new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    page.goto(f"{hub.url}/hub/login")
    page.locator("#username_input").fill(person.name)
    page.locator("#password_input").fill(hub.passwords[person.name])
    page.locator("#login_submit").click()
    page.get_by_text(IDLE).wait_for()
    assert page.url.split("?")[0].endswith(f"/lab/tree/lessons/{LESSON}.ipynb")
    _give_the_notebook_the_width(page)
    yield page
    context.close()


def _give_the_notebook_the_width(page) -> None:
    """Close JupyterLab's side panel with Ctrl+B if it leaves the notebook a sliver, as a trainee would."""
    width = "(selector) => document.querySelector(selector).getBoundingClientRect().width"
    if page.evaluate(width, NOTEBOOK) <= 200:
        page.keyboard.press("Control+b")
    page.wait_for_function(f"(selector) => ({width})(selector) > 200", arg=NOTEBOOK)


def _no_sideways_scrolling(page) -> dict:
    found = page.evaluate(SIDEWAYS, NOTEBOOK)
    assert found == {"scrolls": False, "past": []}, found
    return found


def _saved(person: HubUser, folder: str) -> dict[str, object]:
    """The answers in ``~/FOLDER/answers.json``, read by the person's own kernel."""
    printed, error = person.kernel().run(
        "import json, os\nfrom trainingkit.answers import read_answers\n"
        f"answers = read_answers(os.path.expanduser({f'~/{folder}/answers.json'!r}))\n"
        "print(json.dumps({key: answer.value for key, answer in answers.items()}))")
    assert error == "", error
    return json.loads(printed)


def test_at_320_px_a_trainee_answers_and_checks_each_kind_of_knowledge_check_in_a_lesson(
        narrow, hub: Hub, person: HubUser) -> None:
    """Lesson 00's single-choice and multiple-choice checks: each answered, checked and saved, with nothing
    reaching past the screen's right edge."""
    lesson = load_lesson(hub.layout.course.lessons_dir / f"{LESSON}.yaml")
    checks = [section.check for section in lesson.sections if section.check]
    assert {check.multiple for check in checks} == {False, True}
    wait_for_questions(narrow, len(checks))
    given: dict[str, object] = {}
    for check in checks:
        box = question(narrow, check.id)
        box.scroll_into_view_if_needed()
        right = [n for n, option in enumerate(check.options) if option.correct]
        for number in right:
            click_option(box, "abcdefgh"[number], check.options[number].text)
        wait_saved(box)
        given[check.id] = ["abcdefgh"[n] for n in right] if check.multiple else "abcdefgh"[right[0]]
        box.get_by_role("button", name=f"Check my answer: {check.question}").click()
        box.locator(".tk-feedback").get_by_text(check.options[right[0]].feedback).wait_for()
        _no_sideways_scrolling(narrow)
    shot(narrow, "hub-reflow-1-lesson-320px")
    assert _saved(person, "lessons") == given


@pytest.fixture(scope="module")
def items(hub: Hub) -> list[Vignette]:
    bank = load_bank(hub.layout.course.bank_dir)
    return load_assignments(hub.layout.course.assignments_file, bank)[ASSIGNMENT].vignettes(bank)


def test_at_320_px_a_trainee_answers_each_kind_of_vignette_in_an_assignment(
        narrow, hub: Hub, person: HubUser, items: list[Vignette]) -> None:
    """A single choice, a multiple choice and a typed reflection (each the assignment's first of its kind that is
    not part of a case set) of a fetched assignment: each saved, with nothing reaching past the screen's right edge."""
    code, output = person.nbgrader("fetch_assignment", ASSIGNMENT)
    assert code == 0, output
    narrow.goto(f"{hub.url}/user/{person.name}/lab/tree/trauma-recovery-coaching/{ASSIGNMENT}/{ASSIGNMENT}.ipynb")
    narrow.get_by_text(IDLE).wait_for()
    _give_the_notebook_the_width(narrow)
    wait_for_questions(narrow, len(items))
    given = {}
    for kind in Kind:
        vignette = next(v for v in items if v.kind is kind and not v.case)
        question(narrow, vignette.id).scroll_into_view_if_needed()
        given[vignette.id] = answer_vignette(narrow, vignette, REFLECTION if kind is Kind.REFLECTION else None)
        _no_sideways_scrolling(narrow)
    shot(narrow, "hub-reflow-2-assignment-320px")
    assert _saved(person, f"trauma-recovery-coaching/{ASSIGNMENT}") == given
