"""A real JupyterHub for a class of real OS accounts, attacked as a trainee would.

Runs as root only (CI does): `trainingkit hub` makes a roster of one office account, two
supervisors and three trainees (names unique to this run), deploys the course under
``/var/tmp`` and starts the hub on a random port. People log in with the first passwords
it wrote, and code runs in their own kernels over the server's REST and websocket API.
Afterwards every account, process and folder the run made is removed.
"""

from __future__ import annotations

import os
import pwd
import secrets
import shutil
import signal
import stat
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.hub.client import Hub, HubUser, live_processes, roster_of, running_hub
from trainingkit.hub import accounts

pytestmark = pytest.mark.hub

PYTHON = Path("/usr/bin/python3.11")
ASSIGNMENT = "practice-foundations"


def _unavailable() -> str:
    if os.geteuid() != 0:
        return "the hub tests make OS accounts and need root (CI runs them as root)"
    if shutil.which("useradd") is None:
        return "the hub tests need useradd (Debian's passwd package)"
    if not PYTHON.exists():
        return f"the hub tests need Debian's {PYTHON} (apt-get install -y python3.11-venv)"
    return ""


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hub]:
    """One office account, two supervisors, three trainees; all removed after the module."""
    reason = _unavailable()
    if reason:
        pytest.skip(reason)
    roster = roster_of(f"tk{secrets.token_hex(3)}", office=1, supervisor=2, trainee=3)
    with running_hub(roster, tmp_path_factory.mktemp("hub")) as running:
        yield running
    assert not any(accounts.exists(user) for user in roster) and not running.layout.prefix.exists()


def test_first_passwords_are_private_and_only_the_right_one_logs_in(hub: Hub) -> None:
    """Each account gets its own password in a root-only file; a wrong password is refused."""
    mode = hub.layout.passwords_file.stat()
    assert stat.S_IMODE(mode.st_mode) == 0o600 and mode.st_uid == 0
    assert len(set(hub.passwords.values())) == len(hub.roster)
    trainee = hub.names("trainee")[0]
    assert HubUser(hub.url, trainee).login(hub.passwords[trainee] + "x").status_code == 403


def test_a_trainee_works_as_their_own_account_in_a_private_home_with_the_lessons(hub: Hub) -> None:
    """A trainee's kernel runs as their account, in a 0700 home holding their own lessons."""
    trainee = hub.user("trainee")
    trainee.make_token()
    trainee.start_server()
    printed, error = trainee.kernel().run(
        "import os, stat; print(os.getuid()); print(oct(stat.S_IMODE(os.stat(os.path.expanduser('~')).st_mode)));"
        "print(sorted(os.listdir('lessons'))[0])")
    assert error == ""
    uid, mode, first = printed.split()
    assert int(uid) == pwd.getpwnam(trainee.name).pw_uid and mode == "0o700" and first == "00-welcome.ipynb"
    opened = trainee.session.get(f"{hub.url}/user/{trainee.name}/", allow_redirects=False)
    assert opened.headers["Location"].split("?")[0].endswith("/lab/tree/lessons/00-welcome.ipynb")


def test_a_trainee_kernel_cannot_read_keys_gradebook_or_another_trainee(hub: Hub) -> None:
    """Code in a trainee's kernel is refused the bank, the gradebook, the source and another trainee's home."""
    trainee = hub.user("trainee", 1)
    other = hub.names("trainee")[1]
    trainee.make_token()
    trainee.start_server()
    kernel = trainee.kernel()
    course = hub.layout.course
    reads = [f"open({str(path)!r}, 'rb').read(1)" for path in (
        course.bank_dir / "scope.yaml", course.coursework / "gradebook.db", course.source_notebook(ASSIGNMENT))]
    for code in [*reads, f"__import__('os').listdir('/home/{other}')"]:
        printed, error = kernel.run(code)
        assert error.startswith("PermissionError"), (code, printed, error)


def test_only_supervisors_reach_the_formgrader(hub: Hub) -> None:
    """The course's formgrader answers a supervisor, and refuses a trainee and the office with 403."""
    assert hub.user("supervisor").session.get(f"{hub.url}{hub.layout.service_prefix}formgrader").status_code == 200
    for role in ("trainee", "office"):
        assert hub.user(role).session.get(f"{hub.url}{hub.layout.service_prefix}formgrader").status_code == 403


def test_a_trainee_server_has_no_formgrader_of_its_own(hub: Hub) -> None:
    """A trainee's own server does not serve nbgrader's formgrader."""
    trainee = hub.user("trainee", 3)
    trainee.make_token()
    trainee.start_server()
    assert trainee.session.get(f"{hub.url}/user/{trainee.name}/formgrader").status_code == 404


def test_a_submission_in_another_trainees_name_is_refused_at_collect(hub: Hub) -> None:
    """`nbgrader submit --student=someone-else` lands in the exchange, and collect leaves it there."""
    trainee = hub.user("trainee", 1)
    victim = hub.names("trainee")[1]
    trainee.make_token()
    trainee.start_server()
    kernel = trainee.kernel()
    for args in (["fetch_assignment", ASSIGNMENT], ["submit", ASSIGNMENT, f"--student={victim}"]):
        printed, error = kernel.run(f"import subprocess; r = subprocess.run(['nbgrader', *{args!r}], "
                                    "capture_output=True, text=True); print(r.returncode)")
        assert printed.strip() == "0", (args, printed, error)
    collected = hub.as_grader("nbgrader", "collect", ASSIGNMENT)
    assert "Refused" in collected.stdout + collected.stderr and f"submitted by {trainee.name}" in collected.stderr
    assert not (hub.layout.course.coursework / "submitted" / victim).exists()


def test_the_office_works_in_its_own_renewals_folder_that_no_trainee_can_list(hub: Hub) -> None:
    """The office opens on renewals/renewals.ipynb; `trainingkit renewal report` run in its kernel writes
    0600 files the office account owns; a trainee's kernel is refused a listing of that folder."""
    office = hub.user("office")
    office.make_token()
    office.start_server()
    opened = office.session.get(f"{hub.url}/user/{office.name}/", allow_redirects=False)
    assert opened.headers["Location"].split("?")[0].endswith("/lab/tree/renewals/renewals.ipynb")
    renewals = Path(pwd.getpwnam(office.name).pw_dir) / "renewals"
    printed, error = office.kernel().run(
        "import os, subprocess; os.chdir(os.path.expanduser('~/renewals')); print(sorted(os.listdir()));"
        "log = __import__('pathlib').Path('coaches.csv');"
        "log.write_text(log.read_text() + 'C1,2024-01-10,certified,,,,\\nC2,2022-03-01,certified,,,,\\n');"
        "r = subprocess.run(['trainingkit', 'renewal', 'report', '--events', 'coaches.csv', '--on', '2025-12-01',"
        " '--output-dir', 'reports/2025-12-01'], capture_output=True, text=True); print(r.returncode, r.stderr)",
        timeout=120)
    assert error == "" and printed.split("\n")[:2] == ["['coaches.csv', 'renewals.ipynb']", "0 "], printed
    written = list((renewals / "reports" / "2025-12-01").iterdir())
    assert len(written) == 6
    for path in [renewals, *written]:
        mode = path.stat()
        assert mode.st_uid == pwd.getpwnam(office.name).pw_uid
        assert stat.S_IMODE(mode.st_mode) == (0o700 if path == renewals else 0o600), path
    trainee = hub.user("trainee")
    trainee.make_token()
    trainee.start_server()
    printed, error = trainee.kernel().run(f"print(__import__('os').listdir({str(renewals)!r}))")
    assert error.startswith("PermissionError"), (printed, error)


def _browser_login(browser, hub: Hub, name: str):
    """A fresh browser profile that logs ``name`` in through the hub's login form."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(90_000)
    page = context.new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    page.goto(f"{hub.url}/hub/login")
    page.locator("#username_input").fill(name)
    page.locator("#password_input").fill(hub.passwords[name])
    page.locator("#login_submit").click()
    return page


def test_a_trainee_and_a_supervisor_work_through_an_assignment_in_the_browser(hub: Hub, browser) -> None:
    """In chromium: a trainee opens lesson 00, fetches, answers and submits; a supervisor collects,
    grades and returns feedback in the formgrader service; the trainee reads the feedback."""
    from tests.browser.conftest import (IDLE, NOTEBOOK, assignments_panel, click_option, formgrader_button,
                                        open_returned_feedback, question, shot, wait_for_answers,
                                        wait_for_questions)

    from trainingkit.assignments import load_assignments
    from trainingkit.bank import load_bank
    from trainingkit.bank.model import Kind

    bank = load_bank(hub.layout.course.bank_dir)
    items = load_assignments(hub.layout.course.assignments_file, bank)[ASSIGNMENT].vignettes(bank)
    name = hub.names("trainee")[2]
    trainee = _browser_login(browser, hub, name)
    trainee.get_by_text(IDLE).wait_for()
    assert trainee.url.split("?")[0].endswith(f"/user/{name}/lab/tree/lessons/00-welcome.ipynb")
    shot(trainee, "hub-01-trainee-lesson-00")
    assignments_panel(trainee)
    trainee.locator("#released_assignments_list .list_item", has_text=ASSIGNMENT).get_by_role(
        "button", name="Fetch").click()
    trainee.locator("#fetched_assignments_list a.assignment-notebooks-link", has_text=ASSIGNMENT).click()
    trainee.locator("#fetched_assignments_list .nested_list_item a", has_text=ASSIGNMENT).click()
    wait_for_questions(trainee, len(items))  # drawn as it opens: nothing to run
    answers = {}
    for vignette in items:
        box = question(trainee, vignette.id)
        if vignette.content_notes:
            trainee.locator(f"{NOTEBOOK} .jp-MarkdownCell", has=trainee.locator("h2", has_text=vignette.title)
                            ).locator("summary", has_text="Show the scenario").click()
        if vignette.kind is Kind.REFLECTION:
            box.locator("textarea").click()
            trainee.keyboard.type("I would stay within my scope and refer.")
            answers[vignette.id] = "I would stay within my scope and refer."
        else:
            keys = sorted(vignette.key)
            for key in keys:
                click_option(box, key, vignette.option(key).text)
            answers[vignette.id] = keys[0] if vignette.kind is Kind.SINGLE else keys
        box.locator(".tk-status", has_text="Saved at").wait_for()
    folder = Path(f"/home/{name}/trauma-recovery-coaching/{ASSIGNMENT}")
    wait_for_answers(folder, answers)
    assert folder.stat().st_uid == pwd.getpwnam(name).pw_uid
    trainee.locator(NOTEBOOK).click(position={"x": 5, "y": 5})
    trainee.keyboard.press("Control+s")
    assignments_panel(trainee)
    trainee.locator("#fetched_assignments_list .list_item", has_text=ASSIGNMENT).get_by_role(
        "button", name="Submit").first.click()
    trainee.locator("#submitted_assignments_list .list_item", has_text=ASSIGNMENT).first.wait_for()
    shot(trainee, "hub-02-trainee-submitted")

    supervisor = _browser_login(browser, hub, hub.names("supervisor")[0])
    supervisor.goto(f"{hub.url}{hub.layout.service_prefix}formgrader/manage_assignments")
    supervisor.locator("#main-table tr", has_text=ASSIGNMENT).wait_for()
    formgrader_button(supervisor, ASSIGNMENT, "collect")
    supervisor.goto(f"{hub.url}{hub.layout.service_prefix}formgrader/manage_submissions/{ASSIGNMENT}")
    supervisor.locator("#main-table tr", has_text=name).wait_for()
    for column in ("autograde", "generate-feedback", "release-feedback"):
        formgrader_button(supervisor, name, column)
    shot(supervisor, "hub-03-supervisor-feedback-released")
    supervisor.context.close()

    feedback = open_returned_feedback(trainee)
    shot(trainee, "hub-04-trainee-feedback")
    automatic = sum(v.points for v in items if v.kind.is_choice)
    assert f"{automatic:g} of {automatic:g} points" in feedback.locator(".tk-summary").inner_text()
    trainee.context.close()


def test_ctrl_c_stops_the_hub_and_everything_it_started(hub: Hub) -> None:
    """Ctrl-C on `trainingkit hub` stops the hub, proxy, formgrader and every person's server."""
    os.killpg(hub.process.pid, signal.SIGINT)
    hub.process.wait(timeout=120)
    time.sleep(1)
    assert live_processes([*hub.roster, hub.layout.grader]) == []
    assert subprocess.run(["pgrep", "-f", str(hub.layout.venv)], capture_output=True).stdout == b""
