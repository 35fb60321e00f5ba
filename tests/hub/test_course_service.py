"""The course service on a real hub, attacked as a trainee would (issue 19's findings, each now failing).

Trainees submit with nbgrader's own command in their own kernels (their server's hub token is
the only identity there is), or call the service directly with their own token. The grader
collects, grades and releases feedback with nbgrader's and trainingkit's commands. Uses the
session's shared hub (tests/hub/conftest.py).
"""

from __future__ import annotations

import datetime as dt
import json
import random
import subprocess
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from tests.hub.client import Hub, HubUser
from trainingkit.exchange.store import CourseStore
from trainingkit.exchange.submission import MAX_BODY_BYTES

pytestmark = pytest.mark.hub

ASSIGNMENT = "practice-foundations"
SECRET = "VICTIM-PRIVATE-REFLECTION-7f3a"


def _nbgrader(user: HubUser, *args: str, before: str = "") -> tuple[int, str]:
    """``nbgrader ARGS`` in ``user``'s own kernel, in their home; its exit code and output."""
    printed, error = user.kernel().run(
        "import json, os, subprocess\n" + before +
        f"\nr = subprocess.run(['nbgrader', *{list(args)!r}], capture_output=True, text=True, "
        "cwd=os.path.expanduser('~'))\nprint(json.dumps([r.returncode, r.stdout + r.stderr]))", timeout=180)
    assert error == "", error
    code, output = json.loads(printed.strip().splitlines()[-1])
    return code, output


def _started(hub: Hub, number: int) -> HubUser:
    trainee = hub.user("trainee", number)
    trainee.make_token()
    trainee.start_server()
    return trainee


def _folder(name: str) -> str:
    return f"/home/{name}/trauma-recovery-coaching/{ASSIGNMENT}"


def _grader(hub: Hub, *args: str) -> str:
    done = hub.as_grader(*args)
    assert done.returncode == 0, (args, done.stdout[-2000:], done.stderr[-3000:])
    return done.stdout + done.stderr


def _service(hub: Hub, path: str) -> str:
    return f"{hub.url}{hub.layout.course_service_prefix}api/{path}"


def _vignettes(hub: Hub) -> list:
    from trainingkit.assignments import load_assignments
    from trainingkit.bank import load_bank

    bank = load_bank(hub.layout.course.bank_dir)
    return load_assignments(hub.layout.course.assignments_file, bank)[ASSIGNMENT].vignettes(bank)


def _key_answers(hub: Hub) -> dict[str, object]:
    from trainingkit.simulate import answers_for

    return answers_for("key", _vignettes(hub), random.Random(1))


def _choice_points(hub: Hub) -> float:
    return float(sum(v.points for v in _vignettes(hub) if v.kind.is_choice))


def _save(user: HubUser, answers: dict[str, object]) -> None:
    printed, error = user.kernel().run(
        "from trainingkit.answers import save_answer\n"
        f"for question, value in {answers!r}.items():\n"
        f"    save_answer({_folder(user.name) + '/answers.json'!r}, question, value)\nprint('saved')")
    assert (printed.strip(), error) == ("saved", ""), error


@pytest.fixture(scope="module")
def victim(hub: Hub) -> HubUser:
    """A trainee who answered every choice right, wrote a private reflection, submitted, and was collected."""
    victim = _started(hub, 2)
    assert _nbgrader(victim, "fetch_assignment", ASSIGNMENT)[0] == 0
    answers = {question: SECRET if isinstance(value, str) and " " in value else value
               for question, value in _key_answers(hub).items()}
    _save(victim, answers)
    code, output = _nbgrader(victim, "submit", ASSIGNMENT)
    assert code == 0 and "Submitted as:" in output, output
    _grader(hub, "nbgrader", "collect", ASSIGNMENT)
    return victim


def test_a_link_to_a_classmates_answers_gains_nothing_and_shows_nothing_of_theirs(hub: Hub, victim: HubUser) -> None:
    """Links to a classmate's answers (in their home, or collected in the course) fail in the attacker's
    own process; what the attacker can submit scores 0 and their feedback holds nothing of the victim's."""
    from nbgrader.api import Gradebook

    attacker = _started(hub, 1)
    assert _nbgrader(attacker, "fetch_assignment", ASSIGNMENT)[0] == 0
    collected = hub.layout.course.coursework / "submitted" / victim.name / ASSIGNMENT / "answers.json"
    for target in (f"{_folder(victim.name)}/answers.json", str(collected)):
        link = f"p = {_folder(attacker.name) + '/answers.json'!r}\nos.path.lexists(p) and os.unlink(p)\n" \
               f"os.symlink({target!r}, p)"
        code, output = _nbgrader(attacker, "submit", ASSIGNMENT, before=link)
        assert code != 0 and "Permission denied" in output, output
    code, output = _nbgrader(attacker, "submit", ASSIGNMENT,
                             before=f"os.unlink({_folder(attacker.name) + '/answers.json'!r})")
    assert code == 0, output
    _grader(hub, "nbgrader", "collect", ASSIGNMENT)
    for step in ("autograde", "generate_feedback", "release_feedback"):
        _grader(hub, "nbgrader", step, ASSIGNMENT, f"--student={attacker.name}")
    assert _nbgrader(attacker, "fetch_feedback", ASSIGNMENT)[0] == 0
    printed, error = attacker.kernel().run(
        f"import glob; print(''.join(open(p).read() for p in glob.glob({_folder(attacker.name)!r} + "
        "'/feedback/*/*.html')))")
    assert error == "" and "points" in printed and SECRET not in printed
    with Gradebook(hub.db_url or f"sqlite:///{hub.layout.course.coursework / 'gradebook.db'}") as gradebook:
        assert gradebook.find_submission(ASSIGNMENT, attacker.name).score == 0


@pytest.mark.parametrize("plant, refusal", [
    ("os.mkfifo(p)", "not a regular file"),
    ("os.symlink('/dev/zero', p)", "not a regular file"),
    ("os.symlink('/usr', p)", "not a regular file"),
    ("open(p, 'w').write('{\"answers\": {}, \"pad\": \"' + 'x' * 1_500_000 + '\"}')", "larger than the"),
])
def test_a_hostile_answers_file_is_refused_in_the_trainees_own_process(hub: Hub, plant: str, refusal: str) -> None:
    """A pipe, a device, a folder or an oversize file as answers.json: `nbgrader submit` says why, nothing is kept."""
    trainee = _started(hub, 3)
    _nbgrader(trainee, "fetch_assignment", ASSIGNMENT)
    store = CourseStore(hub.layout.course.course_store)
    before = store.submissions(trainee.name, ASSIGNMENT)
    setup = f"p = {_folder(trainee.name) + '/answers.json'!r}\nos.path.lexists(p) and os.unlink(p)\n{plant}"
    code, output = _nbgrader(trainee, "submit", ASSIGNMENT, before=setup)
    assert code != 0 and refusal in output, output
    assert store.submissions(trainee.name, ASSIGNMENT) == before


def test_requests_no_folder_can_carry_are_refused_and_collect_goes_on(hub: Hub, victim: HubUser) -> None:
    """A bad assignment name, another's name in the body, an oversize body, no token, a forged token and
    the office are refused by the service; the grader's collect still runs cleanly for everyone."""
    trainee = hub.user("trainee", 4)
    token = trainee.make_token()
    auth = {"Authorization": f"token {token}"}
    body = {"answers": None, "notebooks": {}}
    refused = [
        requests.post(_service(hub, "submissions/x+practice-foundations+not-a-date"), json=body, headers=auth),
        requests.post(_service(hub, f"submissions/{ASSIGNMENT}"), json={**body, "student": victim.name}, headers=auth),
        requests.post(_service(hub, f"submissions/{ASSIGNMENT}"), data=b" " * (MAX_BODY_BYTES + 10), headers=auth),
        requests.get(_service(hub, "assignments")),
        requests.get(_service(hub, "assignments"), headers={"Authorization": "token forged-0123456789"}),
        requests.get(_service(hub, "assignments"), headers={"Authorization": f"token {hub.user('office').make_token()}"}),
    ]
    assert [r.status_code >= 400 for r in refused] == [True] * len(refused), [r.status_code for r in refused]
    assert refused[1].json()["error"].endswith("must be an object with 'answers' and 'notebooks' only")
    assert {r.status_code for r in refused[3:]} == {403}
    assert CourseStore(hub.layout.course.course_store).submissions(trainee.name) == []
    assert requests.get(_service(hub, "assignments"), headers=auth).status_code == 200  # still serving
    assert "Traceback" not in _grader(hub, "nbgrader", "collect", ASSIGNMENT)


def test_identity_and_time_come_from_the_hub_and_the_server_not_the_trainee(hub: Hub, victim: HubUser) -> None:
    """`--student=victim` and a planted 2001 timestamp.txt change nothing: the submission is the caller's,
    stamped with the server's time; nobody reads feedback on another's submission."""
    trainee = _started(hub, 5)
    _nbgrader(trainee, "fetch_assignment", ASSIGNMENT)
    store = CourseStore(hub.layout.course.course_store)
    victims = store.submissions(victim.name, ASSIGNMENT)
    started = dt.datetime.now(dt.timezone.utc)
    plant = f"open({_folder(trainee.name) + '/timestamp.txt'!r}, 'w').write('2001-01-01 00:00:00.000000 UTC')"
    code, output = _nbgrader(trainee, "submit", ASSIGNMENT, f"--student={victim.name}", before=plant)
    assert code == 0, output
    (receipt,) = store.submissions(trainee.name, ASSIGNMENT)
    assert store.submissions(victim.name, ASSIGNMENT) == victims
    assert started <= receipt.submitted_at <= dt.datetime.now(dt.timezone.utc)
    _grader(hub, "nbgrader", "collect", ASSIGNMENT, f"--student={trainee.name}")
    submitted = hub.layout.course.coursework / "submitted" / trainee.name / ASSIGNMENT / "timestamp.txt"
    assert submitted.read_text() == receipt.timestamp
    stamp = victims[-1].stamp
    other = requests.get(_service(hub, f"feedback/{ASSIGNMENT}/{stamp}"), headers=trainee.headers)
    assert other.status_code == 200 and other.json() == {"files": {}}


def test_thirty_trainees_submitting_at_once_are_all_kept_and_each_graded_once(hub: Hub) -> None:
    """Thirty submissions at the same moment, each with the trainee's own token: none lost, each graded once."""
    from nbgrader.api import Gradebook

    names = hub.names("trainee")
    answers = {question: {"value": value, "saved_at": ""} for question, value in _key_answers(hub).items()}
    body = json.dumps({"answers": json.dumps({"schema_version": 1, "answers": answers}), "notebooks": {}})
    tokens = {name: HubUser(hub.url, name) for name in names}
    for name, person in tokens.items():
        assert person.login(hub.passwords[name]).status_code == 302
        person.make_token()
    store = CourseStore(hub.layout.course.course_store)
    before = {name: len(store.submissions(name, ASSIGNMENT)) for name in names}

    def submit(name: str) -> int:
        return requests.post(_service(hub, f"submissions/{ASSIGNMENT}"), data=body, headers=tokens[name].headers,
                             timeout=120).status_code

    with ThreadPoolExecutor(len(names)) as pool:
        statuses = list(pool.map(submit, names))
    assert statuses == [201] * len(names)
    assert {name: len(store.submissions(name, ASSIGNMENT)) - before[name] for name in names} == dict.fromkeys(names, 1)
    _grader(hub, "nbgrader", "collect", "--update", ASSIGNMENT)
    _grader(hub, "trainingkit", "grade", ASSIGNMENT, "--no-progress")
    with Gradebook(hub.db_url or f"sqlite:///{hub.layout.course.coursework / 'gradebook.db'}") as gradebook:
        graded = [s.student_id for s in gradebook.find_assignment(ASSIGNMENT).submissions]
        assert sorted(graded) == sorted(set(graded)) and set(names) <= set(graded)
        scores = {gradebook.find_submission(ASSIGNMENT, name).score for name in names[10:]}  # untouched by others
    assert scores == {_choice_points(hub)}  # every choice right; reflections await a supervisor


def test_nothing_under_the_deployment_is_world_writable(hub: Hub) -> None:
    """`find PREFIX -perm -o+w` finds nothing but links (whose mode means nothing), and no exchange folder exists."""
    found = subprocess.run(["find", str(hub.layout.prefix), "-perm", "-o+w", "!", "-type", "l"],
                           capture_output=True, text=True, check=True).stdout
    assert found == ""
    assert not (hub.layout.prefix / "exchange").exists()
