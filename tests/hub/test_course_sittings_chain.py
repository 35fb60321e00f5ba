"""The renewal review as one chain on a real hub, in a real browser: office, coach, supervisor, office again.

On the session's shared hub (tests/hub/conftest.py): the office records coach C0012 (a trainee
no other test touches) as certified about 23 months ago and publishes its open renewal windows
from its own terminal; the coach, in chromium, finds the review in the Assignments panel, reads
its due date in the notebook, answers every item right by clicking and submits once, and a
second Submit is refused in words the coach can read, under the title "Not submitted"; a supervisor collects, grades and releases
feedback in the formgrader; the office's renewals notebook, run on the office's server, shows the
pass against the form's cut score, and the office records the renewal. Coach C0010 fails and is
offered a second sitting on another form; coach C0013 submits after their sitting's due date and
is refused. Sorts before test_hub.py, which stops the hub; the office's ~/renewals and the
published windows are left as they were found.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import pwd
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from tests.hub.client import Hub, HubUser
from tests.hub.conftest import COACHES
from trainingkit.exam.sitting_register import SittingRegister
from trainingkit.exam.sittings import Sitting
from trainingkit.exchange.store import CourseStore
from trainingkit.renewal.dates import add_months, add_years
from trainingkit.renewal.events import exact

pytestmark = pytest.mark.hub

JOURNEY, FAILING, LATE = 11, 9, 12  # places in hub.names("trainee"), keys of COACHES
REVIEW = "ethics-review"  # cycle 1's form: a coach's first sitting


def _today() -> dt.date:
    return dt.datetime.now(dt.timezone.utc).date()  # the course service's day


def _person(hub: Hub, place: int) -> HubUser:
    person = hub.user("trainee", place + 1)
    person.make_token()
    return person


def _service(hub: Hub, path: str) -> str:
    return f"{hub.url}{hub.layout.course_service_prefix}api/{path}"


def _listed(hub: Hub, person: HubUser) -> dict[str, dict]:
    response = requests.get(_service(hub, "assignments"), headers=person.headers, timeout=120)
    assert response.status_code == 200, response.text
    return {item["assignment_id"]: item for item in response.json()["assignments"]}


def _sittings(hub: Hub, coach_id: str) -> list[Sitting]:
    return [s for s in SittingRegister.of(hub.layout.course).sittings() if s.coach_id == coach_id]


def _grader(hub: Hub, *args: str) -> str:
    done = hub.as_grader(*args)
    assert done.returncode == 0, (args, done.stdout[-2000:], done.stderr[-3000:])
    return done.stdout + done.stderr


@pytest.fixture(scope="module")
def office(hub: Hub) -> Iterator[HubUser]:
    """The office, its server started; its ~/renewals and the published windows restored afterwards."""
    person = hub.user("office")
    person.make_token()
    person.start_server()
    renewals = Path(pwd.getpwnam(person.name).pw_dir) / "renewals"
    log, windows = renewals / "coaches.csv", hub.layout.review_windows
    kept_log = log.read_bytes()
    kept_windows = windows.read_bytes() if windows.exists() else None
    before = set(renewals.iterdir())
    try:
        yield person
    finally:
        log.write_bytes(kept_log)  # in place: the office's file, owner and mode unchanged
        if kept_windows is None:
            windows.unlink(missing_ok=True)
        else:
            windows.write_bytes(kept_windows)
        for left in set(renewals.iterdir()) - before:  # reports, and anything else the office's commands leave
            if left.is_dir() and not left.is_symlink():
                shutil.rmtree(left)
            else:
                left.unlink()


@pytest.fixture(scope="module")
def certified_on() -> dt.date:
    return add_months(_today(), -23)


@pytest.fixture(scope="module")
def published(hub: Hub, office: HubUser, certified_on: dt.date) -> str:
    """In the office's own terminal: `trainingkit --version`, the two coaches' certifications, and the
    open windows published."""
    record = " && ".join(
        f"trainingkit renewal record --events coaches.csv --coach {COACHES[place]} --date {certified_on} "
        "--event certified" for place in (JOURNEY, FAILING))
    shown = office.terminal(f"cd ~/renewals && trainingkit --version && {record} && "
                            "trainingkit renewal windows --events coaches.csv", timeout=120)
    assert "version" in shown and "command not found" not in shown, shown
    assert f"published 2 open renewal window(s) to {hub.layout.review_windows}" in shown, shown
    return shown


def _answer_every_item_right(page, hub: Hub, name: str) -> dict:
    """Click the key of every item of the review's form, and wait for each save."""
    from tests.browser.conftest import answer_vignette, wait_for_answers, wait_for_questions

    from trainingkit.assignments import load_assignments
    from trainingkit.bank import load_bank

    bank = load_bank(hub.layout.course.bank_dir)
    items = load_assignments(hub.layout.course.assignments_file, bank)[REVIEW].vignettes(bank)
    assert items and all(item.kind.is_choice for item in items)
    wait_for_questions(page, len(items))
    answers = {vignette.id: answer_vignette(page, vignette) for vignette in items}
    wait_for_answers(Path(f"/home/{name}/trauma-recovery-coaching/{REVIEW}"), answers)
    return answers


def test_a_coach_renews_through_one_review_sitting_from_office_to_office(
        hub: Hub, browser, office: HubUser, published: str, certified_on: dt.date) -> None:
    """Office publishes; the coach (in chromium) sees, fetches, answers and submits once, and reads a plain
    refusal of a second Submit; a supervisor grades and releases in the formgrader; the office's notebook
    shows the pass with the form's cut score; the office records the renewal and the status says so."""
    from tests.browser.conftest import IDLE, NOTEBOOK, assignments_panel, formgrader_button, shot
    from tests.hub.test_hub import _browser_login

    from trainingkit.exam.sitting_register import review_forms

    coach_id, name = COACHES[JOURNEY], hub.names("trainee")[JOURNEY]
    assert _sittings(hub, coach_id) == []  # nobody has touched this coach
    outsider = hub.user("trainee", 4)  # no coach id: offered no review form
    outsider.make_token()
    assert not {form.assignment_id for form in review_forms(hub.layout.course)} & set(_listed(hub, outsider))

    coach = _browser_login(browser, hub, name)
    coach.get_by_text(IDLE).wait_for()
    assignments_panel(coach)
    released = coach.locator("#released_assignments_list .list_item", has_text=REVIEW)
    released.wait_for()
    (sitting,) = _sittings(hub, coach_id)
    expires_on = add_years(certified_on, 2)
    assert (sitting.form_id, sitting.opened_by, sitting.due) == ("cycle-1", "office", expires_on)
    shot(coach, "chain-01-coach-sees-the-review")
    released.get_by_role("button", name="Fetch").click()
    coach.locator("#fetched_assignments_list a.assignment-notebooks-link", has_text=REVIEW).click()
    coach.locator("#fetched_assignments_list .nested_list_item a", has_text=REVIEW).click()
    first_cell = coach.locator(f"{NOTEBOOK} .jp-MarkdownCell .jp-RenderedMarkdown").first
    first_cell.get_by_text("is due by").wait_for()
    assert f"is due by {expires_on:%A %-d %B %Y}" in first_cell.inner_text()
    _answer_every_item_right(coach, hub, name)
    coach.locator(NOTEBOOK).click(position={"x": 5, "y": 5})
    coach.keyboard.press("Control+s")
    assignments_panel(coach)
    fetched = coach.locator("#fetched_assignments_list .list_item", has_text=REVIEW)
    fetched.get_by_role("button", name="Submit").first.click()
    coach.locator("#submitted_assignments_list .list_item", has_text=REVIEW).first.wait_for()
    assert _sittings(hub, coach_id)[0].state == "submitted"
    shot(coach, "chain-02-coach-submitted")

    fetched.get_by_role("button", name="Submit").first.click()  # a second time
    refusal = coach.locator("#submission-message")
    refusal.wait_for()
    seen = " ".join(refusal.inner_text().split())  # as read: the panel's lines joined
    dialog = coach.locator(".jp-Dialog-content", has=refusal)
    dialog.locator(".jp-Dialog-header", has_text="Not submitted").wait_for()  # the course's title, not nbgrader's
    assert "Invalid Submission" not in dialog.inner_text()
    shot(coach, "chain-03-second-submit-refused")
    assert f"{REVIEW}: you already submitted this review on {_today()}" in seen, seen
    assert "Your first submission stands" in seen and "Traceback" not in seen and "Error" not in seen, seen
    coach.get_by_role("button", name="Ok").click()
    assert len(CourseStore(hub.layout.course.course_store).submissions(name, REVIEW)) == 1
    coach.context.close()

    supervisor = _browser_login(browser, hub, hub.names("supervisor")[0])
    supervisor.goto(f"{hub.url}{hub.layout.service_prefix}formgrader/manage_assignments")
    supervisor.locator("#main-table tr", has_text=REVIEW).first.wait_for()
    formgrader_button(supervisor, supervisor.locator("#main-table tr", has=supervisor.locator(
        "td", has_text=re.compile(rf"^\s*{REVIEW}\s*$"))), "collect")  # not the row of ethics-review-2
    supervisor.goto(f"{hub.url}{hub.layout.service_prefix}formgrader/manage_submissions/{REVIEW}")
    supervisor.locator("#main-table tr", has_text=name).wait_for()
    for column in ("autograde", "generate-feedback", "release-feedback"):
        formgrader_button(supervisor, name, column)
    shot(supervisor, "chain-04-supervisor-released")
    supervisor.context.close()
    (graded,) = _sittings(hub, coach_id)
    cut = next(form.cut_score for form in review_forms(hub.layout.course) if form.form_id == "cycle-1")
    assert (graded.state, graded.score, graded.cut_score) == ("pass", 100.0, cut)

    row = _office_notebook_row(office, coach_id)
    assert "passed" in row and f"{exact(100.0)} / {exact(cut)}" in row and "cycle-1" in row, row

    today = _today()
    shown = office.terminal(
        f"cd ~/renewals && trainingkit renewal record --events coaches.csv --coach {coach_id} --date {today} "
        f"--event renewed && trainingkit renewal status --events coaches.csv --on {today}", timeout=120)
    # certified again, in the next cycle (from the old expiry), renewed on the day the office recorded it
    assert re.search(rf"^{coach_id},certified,{add_years(expires_on, 2)},[0-9-]+,,{today}\r?$", shown, re.M), shown


def _office_notebook_row(office: HubUser, coach_id: str) -> str:
    """The coach's row of the renewals notebook's ethics review results, the notebook run as the office runs
    it (its own settings: the course's results register), on the office's server."""
    printed, error = office.kernel().run(
        "import json, os, subprocess\n"
        "r = subprocess.run(['jupyter', 'nbconvert', '--to', 'notebook', '--execute', '--stdout', "
        "'renewals.ipynb'], cwd=os.path.expanduser('~/renewals'), capture_output=True, text=True)\n"
        "assert r.returncode == 0, r.stderr[-2000:]\n"
        "cell = next(c for c in json.loads(r.stdout)['cells'] if 'review_results_table(' in ''.join(c['source']))\n"
        "print(''.join(cell['outputs'][0]['data']['text/html']))", timeout=300)
    assert error == "", error
    rows = re.findall(r"<tr[^>]*>\s*<th[^>]*>(.*?)</th>(.*?)</tr>", printed, flags=re.S)
    cells = {head.strip(): " ".join(html.unescape(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", rest, flags=re.S))
             for head, rest in rows}
    assert coach_id in cells, printed
    return cells[coach_id]


def test_a_failing_coach_is_offered_a_second_sitting_on_another_form(hub: Hub, published: str) -> None:
    """C0010 submits no answers (by the API), the grader releases the fail, and the office's list then
    offers a second sitting on a form they never sat, due when their window ends."""
    coach_id, person = COACHES[FAILING], _person(hub, FAILING)
    listed = _listed(hub, person)
    (first,) = [s for s in _sittings(hub, coach_id) if s.is_open]
    assert listed[first.assignment_id]["due"] == first.due.isoformat()
    body = json.dumps({"answers": json.dumps({"schema_version": 1, "answers": {}}), "notebooks": {}})
    sent = requests.post(_service(hub, f"submissions/{first.assignment_id}"), data=body, headers=person.headers,
                         timeout=120)
    assert sent.status_code == 201, sent.text
    _grader(hub, "nbgrader", "collect", first.assignment_id, f"--student={person.name}")
    for step in ("autograde", "generate_feedback", "release_feedback"):
        _grader(hub, "nbgrader", step, first.assignment_id, f"--student={person.name}")
    assert {s.number: s.state for s in _sittings(hub, coach_id)}[first.number] == "fail"

    listed = _listed(hub, person)
    second = _sittings(hub, coach_id)[-1]
    assert second.number != first.number and second.form_id != first.form_id and second.opened_by == "office"
    assert listed[second.assignment_id]["due"] == second.due.isoformat() and first.assignment_id not in listed


def test_a_submission_after_the_sittings_due_date_is_refused_and_never_collected(hub: Hub) -> None:
    """C0013's sitting was due yesterday (opened a month ago): their real `nbgrader submit` is refused
    naming the date and the office, the service answers 409, nothing is kept, and collect takes nothing."""
    from trainingkit.exam.sitting_register import review_forms

    coach_id, person = COACHES[LATE], _person(hub, LATE)
    yesterday = _today() - dt.timedelta(days=1)
    forms = review_forms(hub.layout.course)
    _grader(hub, "python", "-c",
            "import datetime as dt\n"
            "from trainingkit.course import Course\n"
            "from trainingkit.exam.sitting_register import SittingRegister, review_forms\n"
            "course = Course.locate()\n"
            f"SittingRegister.of(course).open(coach_id={coach_id!r}, username={person.name!r}, "
            "forms=review_forms(course), "
            f"on=dt.date.fromisoformat({(yesterday - dt.timedelta(days=30)).isoformat()!r}), "
            f"due=dt.date.fromisoformat({yesterday.isoformat()!r}), by='sam')")
    (sitting,) = _sittings(hub, coach_id)
    assert sitting.assignment_id == forms[0].assignment_id
    person.start_server()
    assert person.nbgrader("fetch_assignment", sitting.assignment_id)[0] == 0
    code, output = person.nbgrader("submit", sitting.assignment_id)
    assert code != 0 and f"was due by {yesterday:%A %-d %B %Y}" in output and "certification office" in output, output
    assert "Traceback" not in output, output
    direct = requests.post(_service(hub, f"submissions/{sitting.assignment_id}"), headers=person.headers, timeout=120,
                           data=json.dumps({"answers": None, "notebooks": {}}))
    assert direct.status_code == 409 and "not kept" in direct.json()["error"], direct.text
    assert CourseStore(hub.layout.course.course_store).submissions(person.name, sitting.assignment_id) == []
    _grader(hub, "nbgrader", "collect", sitting.assignment_id)
    assert not (hub.layout.course.coursework / "submitted" / person.name / sitting.assignment_id).exists()
    assert _sittings(hub, coach_id) == [sitting]  # still open, unsubmitted: the office decides what next
