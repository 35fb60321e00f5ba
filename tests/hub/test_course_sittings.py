"""Review sittings on a real hub: a coach is offered their own form, due when their window ends, once.

The session's shared hub (tests/hub/conftest.py) has certified coaches (trainees with a
coach id); every other trainee has none. A supervisor opens a sitting with the grader's command,
the office offers one through its published list of open renewal windows, coaches fetch and
submit with nbgrader's own commands in their own kernels, and the grader collects, grades and
releases feedback with nbgrader's. Sorts before test_hub.py, which stops the hub.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
import requests

from tests.hub.client import Hub, HubUser
from tests.hub.conftest import COACHES
from trainingkit.exam.sitting_register import SittingRegister
from trainingkit.exchange.store import CourseStore

pytestmark = pytest.mark.hub

FIRST, SECOND = "ethics-review", "ethics-review-2"
DUE = "2027-03-31"


def _coach(hub: Hub, place: int) -> HubUser:
    """The trainee at ``place`` (a key of COACHES), logged in with a token."""
    person = hub.user("trainee", place + 1)
    person.make_token()
    return person


def _listed(hub: Hub, person: HubUser) -> dict[str, dict]:
    response = requests.get(f"{hub.url}{hub.layout.course_service_prefix}api/assignments", headers=person.headers)
    assert response.status_code == 200, response.text
    return {item["assignment_id"]: item for item in response.json()["assignments"]}


def _panel_listing(person: HubUser) -> dict[tuple[str, str], dict]:
    """What the Assignments panel (and trainingkit's extension in it) reads from the person's own server:
    nbgrader's listing, by (status, assignment)."""
    response = person.server_page("GET", "assignments?course_id=trauma-recovery-coaching")
    assert response.status_code == 200 and response.json()["success"], response.text
    return {(item["status"], item["assignment_id"]): item for item in response.json()["value"]}


def _grader(hub: Hub, *args: str) -> str:
    done = hub.as_grader(*args)
    assert done.returncode == 0, (args, done.stdout[-2000:], done.stderr[-3000:])
    return done.stdout + done.stderr


def _sittings(hub: Hub, coach_id: str) -> list:
    return [s for s in SittingRegister.of(hub.layout.course).sittings() if s.coach_id == coach_id]


@pytest.fixture(scope="module")
def coach(hub: Hub) -> HubUser:
    """Coach C0007, with a sitting a supervisor opened (the grader's `trainingkit review open`)."""
    _grader(hub, "trainingkit", "review", "open", "--coach", COACHES[6], "--due", DUE, "--by", hub.names("supervisor")[0])
    person = _coach(hub, 6)
    person.start_server()
    return person


def test_a_coach_sees_their_review_with_its_due_date_and_a_trainee_without_a_coach_id_does_not(
        hub: Hub, coach: HubUser) -> None:
    """The coach is listed the first form, due 2027-03-31 (also in `nbgrader list`), never the second; a
    trainee without a coach id is listed neither and cannot fetch one."""
    listed = _listed(hub, coach)
    assert listed[FIRST]["due"] == DUE and SECOND not in listed and "practice-foundations" in listed
    code, output = coach.nbgrader("list")
    assert code == 0 and f"{FIRST} (due {DUE})" in output and SECOND not in output, output
    panel = _panel_listing(coach)
    assert panel[("released", FIRST)]["due_date"] == DUE  # the panel shows "Due Wednesday 31 March 2027"
    assert "due_date" not in panel[("released", "practice-foundations")]
    trainee = hub.user("trainee", 4)
    trainee.make_token()
    assert not {FIRST, SECOND} & set(_listed(hub, trainee))
    fetch = requests.get(f"{hub.url}{hub.layout.course_service_prefix}api/assignments/{FIRST}", headers=trainee.headers)
    assert fetch.status_code == 404 and fetch.json()["error"] == f"{FIRST!r} is not an assignment released to you"


def test_one_submission_closes_the_sitting_and_a_second_is_refused_with_a_plain_message(
        hub: Hub, coach: HubUser) -> None:
    """The fetched notebook opens with the due date; the first `nbgrader submit` is kept and closes the
    sitting; the second, and a direct call, are refused saying the first stands; one submission is kept."""
    assert coach.nbgrader("fetch_assignment", FIRST)[0] == 0
    printed, error = coach.kernel().run(
        f"import json; nb = json.load(open('/home/{coach.name}/trauma-recovery-coaching/{FIRST}/{FIRST}.ipynb'))\n"
        "print(nb['cells'][0]['source'])")
    assert error == "" and "due by **Wednesday 31 March 2027**" in printed
    code, output = coach.nbgrader("submit", FIRST)
    assert code == 0 and "Submitted as:" in output, output
    (sitting,) = _sittings(hub, COACHES[6])
    assert sitting.state == "submitted"
    (ungraded,) = _panel_listing(coach)[("submitted", FIRST)]["submissions"]
    assert not ungraded["has_exchange_feedback"] and "score" not in ungraded  # the panel: "Not graded yet"
    code, output = coach.nbgrader("submit", FIRST)
    assert code != 0 and "you already submitted this review on" in output and "Traceback" not in output, output
    direct = requests.post(f"{hub.url}{hub.layout.course_service_prefix}api/submissions/{FIRST}",
                           json={"answers": None, "notebooks": {}}, headers=coach.headers)
    assert direct.status_code == 409 and "Your first submission stands" in direct.json()["error"]
    assert len(CourseStore(hub.layout.course.course_store).submissions(coach.name, FIRST)) == 1


def test_after_a_released_fail_the_offices_list_offers_the_other_form(hub: Hub, coach: HubUser) -> None:
    """The empty submission is graded 0 and released (a fail on the form's cut score); the office publishes
    its open windows; the coach is then offered the second form, due at their window's end, and the
    other listed coach is offered a first sitting without any supervisor."""
    _grader(hub, "nbgrader", "collect", FIRST, f"--student={coach.name}")
    for step in ("autograde", "generate_feedback", "release_feedback"):
        _grader(hub, "nbgrader", step, FIRST, f"--student={coach.name}")
    assert [s.state for s in _sittings(hub, COACHES[6])] == ["fail"]
    (released,) = _panel_listing(coach)[("submitted", FIRST)]["submissions"]
    assert released["has_exchange_feedback"] and "score" not in released  # Fetch Feedback offered, nothing fetched
    assert coach.nbgrader("fetch_feedback", FIRST)[0] == 0
    (fetched,) = _panel_listing(coach)[("submitted", FIRST)]["submissions"]
    assert fetched["has_local_feedback"] and re.fullmatch(r"Your score( so far)?: 0 of [\d.]+ points\..*",
                                                          fetched.get("score", "")), fetched

    office = hub.user("office")
    office.make_token()
    office.start_server()
    certified = (dt.date.today() - dt.timedelta(days=2 * 365 - 30)).isoformat()
    log = f"/home/{office.name}/sittings-test-coaches.csv"
    printed, error = office.kernel().run(
        "import os, subprocess\n"
        f"log = {log!r}\n"
        f"for coach in {[COACHES[6], COACHES[9]]!r}:\n"
        "    subprocess.run(['trainingkit', 'renewal', 'record', '--events', log, '--coach', coach, '--date', "
        f"{certified!r}, '--event', 'certified'], check=True, capture_output=True)\n"
        "r = subprocess.run(['trainingkit', 'renewal', 'windows', '--events', log], capture_output=True, text=True)\n"
        "os.unlink(log)\nprint(r.returncode, r.stdout.strip(), r.stderr.strip())")
    assert error == "" and printed.startswith(f"0 published 2 open renewal window(s) to {hub.layout.review_windows}"), \
        printed

    listed = _listed(hub, coach)
    (first, second) = _sittings(hub, COACHES[6])
    assert (second.form_id, second.assignment_id, second.opened_by) == ("cycle-2", SECOND, "office")
    assert listed[SECOND]["due"] == second.due.isoformat() and FIRST not in listed
    assert first.form_id == "cycle-1"
    other = _coach(hub, 9)
    assert _listed(hub, other)[FIRST]["due"] == second.due.isoformat() and SECOND not in _listed(hub, other)


def test_a_trainee_cannot_read_the_register_of_sittings_or_the_offices_list(hub: Hub, coach: HubUser) -> None:
    """The register is in the grader's store and the list in the office's folder for the grader: a
    coach's own kernel is refused both."""
    register, windows = SittingRegister.of(hub.layout.course).path, hub.layout.review_windows
    assert register.exists() and windows.exists()
    printed, error = coach.kernel().run(
        "for path in (" + ", ".join(repr(str(p)) for p in (register, windows)) + "):\n"
        "    try:\n        open(path).read(1); print('read')\n"
        "    except OSError as e:\n        print(type(e).__name__)")
    assert (printed.split(), error) == (["PermissionError", "PermissionError"], "")


def test_a_coach_who_used_both_sittings_of_a_window_is_refused_a_third_wherever_one_opens(hub: Hub) -> None:
    """C0023 failed two sittings since their window opened (the office's policy allows two): the office's
    published list opens none when they look at their assignments, so no review is offered or fetched; the
    grader's `review open --office` and `review open --coach` say why in the plain words; the register
    still holds two. The office's list is put back as it was found."""
    from trainingkit.renewal.dates import add_years

    coach_id = COACHES[22]
    person = _coach(hub, 22)
    today = dt.date.today()
    due = today + dt.timedelta(days=60)  # the end of the coach's window: the day their certification expires
    opens = due - dt.timedelta(days=90)
    _grader(hub, "python", "-c",
            "import datetime as dt\n"
            "from trainingkit.course import Course\n"
            "from trainingkit.exam.sitting_register import SittingRegister, review_forms\n"
            "from trainingkit.exam.sittings import submit\n"
            "course = Course.locate(); register = SittingRegister.of(course); forms = review_forms(course)\n"
            f"for ago in (20, 10):\n"
            f"    on = dt.date.fromisoformat({today.isoformat()!r}) - dt.timedelta(days=ago)\n"
            f"    sitting = register.open(coach_id={coach_id!r}, username={person.name!r}, forms=forms, on=on, "
            f"due=dt.date.fromisoformat({due.isoformat()!r}), by='sam')\n"
            "    register.submitted(submit(sitting, dt.datetime.combine(on, dt.time(12), dt.timezone.utc)))\n"
            "    cut = next(f.cut_score for f in forms if f.form_id == sitting.form_id)\n"
            f"    register.record_results([({coach_id!r}, sitting.form_id, 40.0, cut)])")
    held = _sittings(hub, coach_id)
    assert [s.state for s in held] == ["fail", "fail"] and len({s.form_id for s in held}) == 2

    office = hub.user("office")
    office.make_token()
    office.start_server()
    windows = hub.layout.review_windows
    kept = windows.read_bytes() if windows.exists() else None
    log = f"/home/{office.name}/sittings-limit-coaches.csv"
    try:
        printed, error = office.kernel().run(
            "import os, subprocess\n"
            f"log = {log!r}\n"
            "subprocess.run(['trainingkit', 'renewal', 'record', '--events', log, '--coach', "
            f"{coach_id!r}, '--date', {add_years(due, -2).isoformat()!r}, '--event', 'certified'], check=True, "
            "capture_output=True)\n"
            "r = subprocess.run(['trainingkit', 'renewal', 'windows', '--events', log], capture_output=True, "
            "text=True)\n"
            "os.unlink(log)\nprint(r.returncode, r.stdout.strip(), r.stderr.strip())")
        assert error == "" and printed.startswith(f"0 published 1 open renewal window(s) to {windows}"), printed

        listed = _listed(hub, person)  # the course service opens a listed coach's sitting as they look
        reviews = {aid: item for aid, item in listed.items() if aid in (FIRST, SECOND)}
        # only their last sitting, closed (so that a submit is told why): the panel lists nothing to fetch
        assert list(reviews) == [held[-1].assignment_id] and reviews[held[-1].assignment_id]["closed"], reviews
        assert "practice-foundations" in listed
        for form in (FIRST, SECOND):
            fetch = requests.get(f"{hub.url}{hub.layout.course_service_prefix}api/assignments/{form}",
                                 headers=person.headers)
            assert fetch.status_code == 404, fetch.text
        full = (f"coach {coach_id}: 2 review sittings since their renewal window opened on {opens} "
                f"({held[0].form_id} fail, {held[1].form_id} fail), the most the office allows in one window "
                "(sittings_per_window), so no further sitting is opened. The certification office takes it from "
                "here: it refers the coach to supervision for their renewal")
        from_list = hub.as_grader("trainingkit", "review", "open", "--office")
        assert from_list.returncode == 0 and f"not opened: {full}" in from_list.stderr.splitlines(), from_list.stderr
        by_hand = hub.as_grader("trainingkit", "review", "open", "--coach", coach_id, "--due", due.isoformat())
        assert (by_hand.returncode, by_hand.stdout, by_hand.stderr) == (2, "", f"Error: {full}\n")
        assert _sittings(hub, coach_id) == held
    finally:
        if kept is None:
            windows.unlink(missing_ok=True)
        else:
            windows.write_bytes(kept)  # in place: the office's file, owner and mode unchanged
        Path(log).unlink(missing_ok=True)  # the office's kernel removed it, unless it stopped before
