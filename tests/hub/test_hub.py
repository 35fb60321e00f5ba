"""A real JupyterHub for a class of real OS accounts, attacked as a trainee would.

Runs as root only (CI does) on the session's hub (tests/hub/conftest.py): `trainingkit hub`
makes a roster of one office account, two supervisors and thirty trainees (names unique to
this run), deploys the course under ``/var/tmp`` and starts the hub on a random port. People log in with the first passwords
it wrote, and code runs in their own kernels over the server's REST and websocket API.
Afterwards every account, process and folder the run made is removed.

The gradebook is PostgreSQL when it and psycopg2 are installed (CI installs both): a
throwaway cluster that requires a password over TCP, with a database owned by a role of its
own, named to the hub by TRAININGKIT_DB_URL. Otherwise it is SQLite, and the tests about the
PostgreSQL gradebook are skipped; the test output says which.
"""

from __future__ import annotations

import json
import os
import pwd
import signal
import stat
import subprocess
import time
from pathlib import Path

import pytest

from tests.hub.client import KERNEL_PROTOCOL, Hub, HubUser, live_processes
from tests.pgserver import PostgresServer
from trainingkit.hub.limits import detect

pytestmark = pytest.mark.hub

ASSIGNMENT = "practice-foundations"


@pytest.fixture
def on_postgres(hub: Hub) -> str:
    """The hub's gradebook URL (with its password); the test is skipped when the hub is on SQLite."""
    if not hub.db_url:
        pytest.skip("the hub's gradebook is SQLite here (PostgreSQL or psycopg2 is not installed)")
    return hub.db_url


def test_trainingkit_hub_says_what_it_is_doing_while_it_prepares(hub: Hub) -> None:
    """The console shows each preparing step as it starts, not minutes of silence before the hub runs."""
    printed = hub.log.read_text()
    steps = ["Installing trainingkit into", "Building and releasing the course", "Adding the roster's 30 trainees",
             "Checking the roster's 33 accounts", "JupyterHub on http://"]
    assert [printed.find(step) for step in steps] == sorted(printed.find(step) for step in steps)
    assert -1 not in [printed.find(step) for step in steps], printed[:2000]


def test_first_passwords_are_shown_once_and_only_the_right_one_logs_in(hub: Hub) -> None:
    """Each account gets its own password, shown once on the console and kept in no file; a wrong one is refused."""
    assert not hub.layout.passwords_file.exists()
    assert len(set(hub.passwords.values())) == len(hub.roster)
    kept = [path for path in hub.layout.prefix.rglob("*") if hub.layout.venv not in path.parents and path.is_file()
            and not path.is_symlink()
            and path.stat().st_size < 10_000_000 and any(p.encode() in path.read_bytes() for p in hub.passwords.values())]
    assert kept == []
    trainee = hub.names("trainee")[0]
    assert HubUser(hub.url, trainee).login(hub.passwords[trainee] + "x").status_code == 403


def test_a_trainee_works_as_their_own_account_in_a_private_home_with_the_lessons(hub: Hub) -> None:
    """A trainee's kernel runs as their account, in a 0700 home holding their own lessons."""
    trainee = hub.user("trainee")
    trainee.make_token()
    trainee.start_server()
    printed, error = trainee.kernel().run(
        "import os, stat; print(os.getuid()); print(oct(stat.S_IMODE(os.stat(os.path.expanduser('~')).st_mode)));"
        "print(sorted(n for n in os.listdir('lessons') if not n.startswith('.'))[0])")
    assert error == ""
    uid, mode, first = printed.split()
    assert int(uid) == pwd.getpwnam(trainee.name).pw_uid and mode == "0o700" and first == "00-welcome.ipynb"
    opened = trainee.session.get(f"{hub.url}/user/{trainee.name}/", allow_redirects=False)
    assert opened.headers["Location"].split("?")[0].endswith("/lab/tree/lessons/00-welcome.ipynb")


def test_kernels_speak_jupyterlabs_binary_protocol_through_the_hubs_proxy(hub: Hub) -> None:
    """The proxy tells the browser the protocol the server chose, so JupyterLab's binary kernel
    protocol works on the first connection; the JSON one still works for clients without it."""
    trainee = hub.user("trainee", 2)
    trainee.make_token()
    trainee.start_server()
    kernel = trainee.kernel()
    with kernel.channel() as channel:
        assert channel.protocol == KERNEL_PROTOCOL
        assert channel.run("print(6 * 7)") == ("42\n", "")
    with kernel.channel(protocol="") as channel:
        assert channel.protocol == "" and channel.run("print(6 * 7)") == ("42\n", "")


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
    page.websocket_errors = []  # every failed websocket, e.g. a kernel handshake the proxy broke
    page.on("websocket",
            lambda socket: socket.on("socketerror", lambda error: page.websocket_errors.append(error)))
    page.goto(f"{hub.url}/hub/login")
    page.locator("#username_input").fill(name)
    page.locator("#password_input").fill(hub.passwords[name])
    page.locator("#login_submit").click()
    return page


def test_a_trainee_and_a_supervisor_work_through_an_assignment_in_the_browser(hub: Hub, browser) -> None:
    """In chromium: a trainee opens lesson 00, fetches, answers and submits; a supervisor collects,
    grades and returns feedback in the formgrader service; the trainee reads the feedback."""
    from tests.browser.conftest import (IDLE, NOTEBOOK, answer_vignette, assignments_panel, formgrader_button,
                                        open_returned_feedback, shot, wait_for_answers, wait_for_questions)

    from trainingkit.assignments import load_assignments
    from trainingkit.bank import load_bank
    from trainingkit.bank.model import Kind

    bank = load_bank(hub.layout.course.bank_dir)
    items = load_assignments(hub.layout.course.assignments_file, bank)[ASSIGNMENT].vignettes(bank)
    name = hub.names("trainee")[7]  # one no other test has used: the assignment is not fetched yet
    trainee = _browser_login(browser, hub, name)
    trainee.get_by_text(IDLE).wait_for()
    assert trainee.url.split("?")[0].endswith(f"/user/{name}/lab/tree/lessons/00-welcome.ipynb")
    assert trainee.websocket_errors == []  # the kernel's connection took at the first try
    shot(trainee, "hub-01-trainee-lesson-00")
    assignments_panel(trainee)
    trainee.locator("#released_assignments_list .list_item", has_text=ASSIGNMENT).get_by_role(
        "button", name="Fetch").click()
    trainee.locator("#fetched_assignments_list a.assignment-notebooks-link", has_text=ASSIGNMENT).click()
    trainee.locator("#fetched_assignments_list .nested_list_item a", has_text=ASSIGNMENT).click()
    wait_for_questions(trainee, len(items))  # drawn as it opens: nothing to run
    answers = {vignette.id: answer_vignette(trainee, vignette, "I would stay within my scope and refer."
                                            if vignette.kind is Kind.REFLECTION else None) for vignette in items}
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


def _password(db_url: str) -> str:
    from sqlalchemy.engine import make_url

    password = make_url(db_url).password
    assert password and len(password) >= 16
    return password


def test_a_supervisor_runs_grading_item_analysis_and_the_dashboard_in_the_course_service(hub: Hub) -> None:
    """In the course's formgrader service (as the grader), a supervisor opens the dashboard, and
    `trainingkit grade`, `trainingkit items` and the dashboard notebook all run there; the dashboard
    says what it cannot see and shows no made-up coaches."""
    supervisor = hub.user("supervisor", 2)
    supervisor.make_token()
    service = hub.layout.service_prefix
    assert supervisor.api("GET", "contents/notebooks/supervisor/dashboard.ipynb", on=service).status_code == 200
    commands = [["trainingkit", "grade", ASSIGNMENT, "--no-progress"],
                ["trainingkit", "items", ASSIGNMENT, "--summary"],
                ["jupyter", "nbconvert", "--to", "notebook", "--execute", "--stdout",
                 "../notebooks/supervisor/dashboard.ipynb"]]
    printed, error = supervisor.kernel(on=service).run(
        "import getpass, os, subprocess\n"
        "print(getpass.getuser())\n"
        f"for command in {commands!r}:\n"
        "    done = subprocess.run(command, cwd=os.environ['TRAININGKIT_ROOT'] + '/coursework', capture_output=True, text=True)\n"
        "    print(done.returncode, done.stdout.splitlines()[:1], repr(done.stderr[-300:]) if done.returncode else '',\n"
        "          'says-what-it-cannot-see' * ('What this dashboard cannot see' in done.stdout),\n"
        "          'made-up-coaches' * ('demonstration coaches' in done.stdout))\n",
        timeout=600)
    assert error == "", error
    lines = printed.strip().splitlines()
    assert len(lines) == 4, printed
    user, grade, items, dashboard = lines
    assert user == hub.layout.grader
    assert grade.startswith("0 ") and dashboard.startswith("0 "), (grade, dashboard)
    # the grader cannot open homes or the office's log: the dashboard says so and invents no coaches
    assert "says-what-it-cannot-see" in dashboard and "made-up-coaches" not in dashboard, dashboard
    assert items.startswith("0 ['assignment,trainees,"), items


def test_grades_live_in_postgresql_and_no_sqlite_gradebook_is_made(hub: Hub, on_postgres: str) -> None:
    """Every autograded submission (the browser journey's too, graded in the formgrader) is in the
    PostgreSQL gradebook, and there is no SQLite gradebook anywhere in the deployed course."""
    from nbgrader.api import Gradebook

    trainee = hub.user("trainee", 9)  # one no other test has used: nothing fetched yet
    trainee.make_token()
    trainee.start_server()
    for args in (["fetch_assignment", ASSIGNMENT], ["submit", ASSIGNMENT]):
        printed, error = trainee.kernel().run(f"import subprocess; r = subprocess.run(['nbgrader', *{args!r}], "
                                              "capture_output=True, text=True); print(r.returncode)")
        assert printed.strip() == "0", (args, printed, error)
    for args in (["collect", ASSIGNMENT], ["autograde", ASSIGNMENT, f"--student={trainee.name}"]):
        done = hub.as_grader("nbgrader", *args)
        assert done.returncode == 0, done.stdout + done.stderr
    course = hub.layout.course
    autograded = {folder.parent.name for folder in (course.coursework / "autograded").glob(f"*/{ASSIGNMENT}")}
    assert trainee.name in autograded
    with Gradebook(on_postgres) as gradebook:
        for name in autograded:
            submission = gradebook.find_submission(ASSIGNMENT, name)
            assert submission.max_score > 0 and submission.score is not None, name
    assert list(course.root.rglob("*.db")) == [] and list(course.root.rglob("*.sqlite*")) == []


def test_a_trainee_kernel_cannot_connect_to_the_gradebook(hub: Hub, on_postgres: str,
                                                          gradebook_server: PostgresServer) -> None:
    """From a trainee's kernel the gradebook refuses a connection without its password, with a
    wrong one and as the superuser over TCP, and the server's socket is out of reach."""
    from sqlalchemy.engine import make_url

    url = make_url(on_postgres)
    attempts = {
        "no password": url.render_as_string(hide_password=False).replace(f":{url.password}@", "@"),
        "wrong password": url._replace(password=url.password[::-1]).render_as_string(hide_password=False),
        "superuser": f"postgresql+psycopg2://postgres@127.0.0.1:{url.port}/{url.database}",
        "socket": f"postgresql+psycopg2://{url.username}@/{url.database}?host={gradebook_server.folder}"
                  f"&port={url.port}",
    }
    kernel_code = ("import json, sqlalchemy\n"
                   "outcome = {}\n"
                   f"for what, url in {attempts!r}.items():\n"
                   "    try:\n"
                   "        sqlalchemy.create_engine(url).connect().close()\n"
                   "        outcome[what] = 'CONNECTED'\n"
                   "    except Exception as error:\n"
                   "        outcome[what] = str(error).splitlines()[0]\n"
                   "print(json.dumps(outcome))")
    trainee = hub.user("trainee", 1)
    trainee.make_token()
    trainee.start_server()
    printed, error = trainee.kernel().run(kernel_code)
    assert error == "", error
    outcome = json.loads(printed)
    assert "no password supplied" in outcome["no password"], outcome
    assert "password authentication failed" in outcome["wrong password"], outcome
    assert "no password supplied" in outcome["superuser"], outcome
    assert "Permission denied" in outcome["socket"] or "No such file" in outcome["socket"], outcome


def test_a_trainee_finds_the_gradebook_password_in_no_command_line_environment_or_file(
        hub: Hub, on_postgres: str) -> None:
    """No process's command line, no environment a trainee may read (their own kernel's included)
    and no file a trainee can read under the prefix, /etc, /tmp, /var/tmp or /home holds the password."""
    password = _password(on_postgres)
    places = [str(hub.layout.prefix), "/etc", "/tmp", "/var/tmp", "/home", "/dev/shm"]
    kernel_code = ("import json, os, subprocess\n"
                   f"password = {password!r}.encode()\n"
                   "found = []\n"
                   "for pid in filter(str.isdigit, os.listdir('/proc')):\n"
                   "    for part in ('cmdline', 'environ'):\n"
                   "        try:\n"
                   "            if password in open(f'/proc/{pid}/{part}', 'rb').read():\n"
                   "                found.append(f'/proc/{pid}/{part}')\n"
                   "        except OSError:\n"
                   "            pass\n"
                   "found += [f'my environment: {k}' for k, v in os.environ.items()"
                   " if k.startswith('TRAININGKIT_DB') or password.decode() in v]\n"
                   f"grep = subprocess.run(['grep', '-rlsF', '-D', 'skip', '-f', '-', *{places!r}],"
                   " input=password, capture_output=True, timeout=600)\n"
                   "found += grep.stdout.decode().split()\n"
                   "print(json.dumps({'found': found, 'grep': grep.returncode}))")
    trainee = hub.user("trainee", 3)
    trainee.make_token()
    trainee.start_server()
    printed, error = trainee.kernel().run(kernel_code, timeout=900)
    assert error == "", error
    outcome = json.loads(printed)
    assert outcome["grep"] in (1, 2) and outcome["found"] == [], outcome  # 2: some folders unreadable


def test_the_gradebook_url_is_only_in_the_graders_environment_and_root_only_settings(
        hub: Hub, on_postgres: str) -> None:
    """The formgrader service has the URL in its environment, which a trainee cannot read; the
    hub keeps it only in its 0600 settings in the 0700 hub folder, and never prints the password."""
    layout = hub.layout
    grader_uid = pwd.getpwnam(layout.grader).pw_uid
    services = [pid for pid, command, _ in live_processes([layout.grader]) if "jupyterhub-singleuser" in command]
    assert services, "the formgrader service is not running"
    for pid in services:
        assert f"TRAININGKIT_DB_URL={on_postgres}".encode() in Path(f"/proc/{pid}/environ").read_bytes()
    hub_folder, settings = layout.hub_dir.stat(), layout.settings_file.stat()
    assert (stat.S_IMODE(hub_folder.st_mode), hub_folder.st_uid) == (0o700, 0)
    assert (stat.S_IMODE(settings.st_mode), settings.st_uid) == (0o600, 0)
    course = layout.course.root.stat()
    assert (stat.S_IMODE(course.st_mode), course.st_uid) == (0o700, grader_uid)
    password = _password(on_postgres)
    roles = [path for path in (layout.prefix / "jupyter").rglob("*") if path.is_file()]
    assert roles and not any(password in path.read_text(errors="replace") for path in roles)
    assert password not in hub.log.read_text(errors="replace")

    trainee = hub.user("trainee", 1)
    trainee.make_token()
    trainee.start_server()
    kernel_code = ("import json\n"
                   "outcome = {}\n"
                   f"for pid in {[*services, hub.process.pid]!r}:\n"
                   "    try:\n"
                   "        open(f'/proc/{pid}/environ', 'rb').read()\n"
                   "        outcome[pid] = 'READ'\n"
                   "    except OSError as error:\n"
                   "        outcome[pid] = type(error).__name__\n"
                   "print(json.dumps(outcome))")
    printed, error = trainee.kernel().run(kernel_code)
    assert error == "", error
    assert set(json.loads(printed).values()) == {"PermissionError"}, printed


def test_the_gradebook_knows_each_trainee_by_the_rosters_name(hub: Hub) -> None:
    """Deploying puts every trainee of the roster in nbgrader's gradebook with their roster name
    (the formgrader's lists showed "None, None"), and nobody else."""
    from nbgrader.api import Gradebook

    with Gradebook(hub.db_url or f"sqlite:///{hub.layout.course.coursework / 'gradebook.db'}") as gradebook:
        students = {s.id: (s.first_name, s.last_name) for s in gradebook.students}
    assert {name: students.get(name) for name in hub.names("trainee")} == {
        name: ("Test trainee", name) for name in hub.names("trainee")}
    assert not set(students) & set(hub.names("supervisor") + hub.names("office"))


def test_the_office_reads_the_review_results_register_and_a_trainee_cannot(hub: Hub) -> None:
    """The results register's folder is the grader's with the office's group: the office's kernel lists
    it and reads the register; a trainee's kernel is refused both."""
    register = hub.layout.results_register
    code = (f"import os\nfor attempt in (lambda: os.listdir({str(hub.layout.office_dir)!r}), "
            f"lambda: open({str(register)!r}).read(0)):\n"
            "    try:\n        attempt(); print('ok')\n    except OSError as error:\n"
            "        print(type(error).__name__)")
    expected = {"office": "ok\nok", "trainee": "PermissionError\nPermissionError"}
    if not register.exists():  # made by the first release of a review result
        code = code.replace(f"open({str(register)!r}).read(0)", "None")
        expected["trainee"] = "PermissionError\nok"
    for role, number in (("office", 1), ("trainee", 6)):
        person = hub.user(role, number)
        person.make_token()
        person.start_server()
        printed, error = person.kernel().run(code)
        assert (printed.strip(), error) == (expected[role], ""), role


def test_every_roles_terminal_runs_the_projects_commands(hub: Hub) -> None:
    """In a JupyterLab terminal, the office, a supervisor, a trainee and the formgrader service's own
    lab find `trainingkit` and `nbgrader` (a login shell's /etc/profile used to lose them)."""
    from importlib.metadata import version

    for role, on in (("office", None), ("supervisor", None), ("trainee", None), ("supervisor", "service")):
        person = hub.user(role)
        person.make_token()
        if on is None:
            person.start_server()
        shown = person.terminal("trainingkit --version && nbgrader --version",
                                on=hub.layout.service_prefix if on else None)
        assert f"version {version('trainingkit')}" in shown and "command not found" not in shown, (role, on, shown)


def test_ctrl_c_stops_the_hub_and_everything_it_started(hub: Hub) -> None:
    """Ctrl-C on `trainingkit hub` stops the hub, proxy, formgrader and every person's server."""
    os.killpg(hub.process.pid, signal.SIGINT)
    hub.process.wait(timeout=120)
    time.sleep(1)
    assert live_processes([*hub.roster, hub.layout.grader]) == []
    assert subprocess.run(["pgrep", "-f", str(hub.layout.venv)], capture_output=True).stdout == b""
    cgroups = detect()  # limits per person: each server's cgroup went with it
    assert cgroups is None or not any(cgroups.exists(user) for user in hub.roster)
