"""A reflection graded criterion by criterion in a real formgrader, summed, shown in the letter and on the dashboard.

One course, as a hub runs it (the course service's store): ada, ben and cy submit the
practice assignment; ada's and ben's are collected and autograded, cy's arrives after that;
dee never submits. A supervisor scores each of ada's rubric criteria through the formgrader's
own REST API, on a real Jupyter server with nbgrader's formgrader and trainingkit's extension,
and reads its pages; nbgrader generates ada's feedback; the supervisor's dashboard runs in a
real kernel over the same course.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest

from trainingkit.assignments import load_assignments
from trainingkit.bank import load_bank
from trainingkit.bank.model import Vignette
from trainingkit.build import build
from trainingkit.course import Course
from trainingkit.criteria import criterion_cell
from trainingkit.exchange.store import CourseStore
from trainingkit.exchange.submission import check_submission
from trainingkit.grading.formgrader import SERVER_EXTENSION
from trainingkit.hub.deploy import SHARED_CONFIG
from trainingkit.renewal.records import HEADER_LINE
from trainingkit.simulate import answers_for

pytestmark = pytest.mark.pipeline

ASSIGNMENT = "practice-foundations"
STUDENTS = "id,first_name,last_name,email\nada,Ada,Okafor,\nben,Ben,Adeyemi,\ncy,Cy,Moreau,\ndee,Dee,Lund,\n"


@dataclass(frozen=True)
class Formgrader:
    """A Jupyter server with the formgrader over the course, reached with a token as a supervisor's browser is."""

    url: str
    token: str

    def call(self, path: str, *, method: str = "GET", body: object = None) -> bytes:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(f"{self.url}{path}", data=data, method=method,
                                         headers={"Authorization": f"token {self.token}"})
        with urllib.request.build_opener(urllib.request.ProxyHandler({})).open(request, timeout=60) as response:
            return response.read()

    def json(self, path: str, **kwargs: object) -> object:
        return json.loads(self.call(path, **kwargs))  # type: ignore[arg-type]

    def page(self, path: str) -> str:
        return self.call(path).decode()


@dataclass(frozen=True)
class Course_:
    course: Course
    env: dict[str, str]
    reflections: tuple[Vignette, ...]
    #: The score the supervisor gives each criterion of ada's reflections, by grade cell name.
    given: dict[str, float]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _run(course: Course, env: dict[str, str], *args: str) -> str:
    done = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=course.coursework, env=env,
                          capture_output=True, text=True)
    assert done.returncode == 0, f"nbgrader {args}:\n{done.stdout}\n{done.stderr}"
    return done.stdout + done.stderr


def _receive(store: CourseStore, user: str, answers: dict, when: dt.datetime) -> None:
    body = {"answers": json.dumps({"answers": {qid: {"value": value, "saved_at": "2026-12-01T10:00:00"}
                                               for qid, value in answers.items()}}), "notebooks": {}}
    store.receive(user, ASSIGNMENT, check_submission(json.dumps(body).encode(), store.released_notebooks(ASSIGNMENT)),
                  when)


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory) -> Course_:
    """The course with ada's and ben's submissions autograded and cy's received after collect."""
    from tests.conftest import copy_course

    root = tmp_path_factory.mktemp("rubric")
    course = copy_course(root)
    (course.coursework / "nbgrader_config.py").write_text(SHARED_CONFIG)  # the hub's course service plugins
    env = {**os.environ, "HOME": str(root / "home"), "JUPYTER_DATA_DIR": str(root / "home" / "data"),
           "TRAININGKIT_RESULTS": str(root / "office" / "results.csv"),
           "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin"}
    env.pop("TRAININGKIT_DB_URL", None)
    build(course, only=(ASSIGNMENT,))
    _run(course, env, "release_assignment", ASSIGNMENT)
    (course.root / "students.csv").write_text(STUDENTS)  # the roster's names, as `trainingkit hub` imports them
    _run(course, env, "db", "student", "import", str(course.root / "students.csv"))
    bank = load_bank(course.bank_dir)
    vignettes = load_assignments(course.assignments_file, bank)[ASSIGNMENT].vignettes(bank)
    store = CourseStore(course.course_store)
    when = dt.datetime(2026, 12, 1, 10, 0, tzinfo=dt.timezone.utc)
    _receive(store, "ada", answers_for("key", vignettes, random.Random(1)), when)
    _receive(store, "ben", answers_for("wrong", vignettes, random.Random(1)), when)
    _run(course, env, "collect", ASSIGNMENT)
    _run(course, env, "autograde", ASSIGNMENT)
    _receive(store, "cy", answers_for("key", vignettes, random.Random(1)), when + dt.timedelta(hours=1))
    reflections = tuple(v for v in vignettes if not v.kind.is_choice)
    assert reflections and all(len(v.rubric) > 1 for v in reflections)
    # full points on odd criteria, the lowest level but one (or 0) on even ones: the sum is not all or nothing
    given = {criterion_cell(v.id, n): (c.points if n % 2 else (c.levels[-2].points if len(c.levels) > 1 else 0.0))
             for v in reflections for n, c in enumerate(v.rubric, start=1)}
    return Course_(course, env, reflections, given)


@pytest.fixture(scope="module")
def formgrader(graded: Course_, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Formgrader]:
    """nbgrader's formgrader with trainingkit's extension, on 127.0.0.1 with a random port and token; stopped by its pid."""
    root = tmp_path_factory.mktemp("formgrader")
    config = root / "config"
    config.mkdir()
    (config / "jupyter_server_config.json").write_text(
        json.dumps({"ServerApp": {"jpserver_extensions": {SERVER_EXTENSION: True}}}))
    token, port = secrets.token_hex(16), _free_port()
    env = {**graded.env, "JUPYTER_CONFIG_DIR": str(config), "JUPYTER_RUNTIME_DIR": str(root / "runtime")}
    log = (root / "server.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "jupyter", "server", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
         f"--ServerApp.token={token}", "--allow-root", f"--ServerApp.root_dir={graded.course.coursework}"],
        cwd=graded.course.coursework, env=env, stdout=log, stderr=subprocess.STDOUT)
    server = Formgrader(f"http://127.0.0.1:{port}", token)
    try:
        deadline = time.monotonic() + 120
        while True:
            assert process.poll() is None, (root / "server.log").read_text()[-3000:]
            try:
                server.call("/api/status")
                break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                assert time.monotonic() < deadline, (root / "server.log").read_text()[-3000:]
                time.sleep(0.25)
        yield server
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


@pytest.fixture(scope="module")
def supervised(graded: Course_, formgrader: Formgrader) -> Course_:
    """ada's criteria scored one by one through the formgrader's REST API; then her feedback generated."""
    (ada,) = [s for s in formgrader.json(f"/formgrader/api/submitted_notebooks/{ASSIGNMENT}/{ASSIGNMENT}")
              if s["student"] == "ada"]
    grades = formgrader.json(f"/formgrader/api/grades?submission_id={ada['id']}")
    by_name = {grade["name"]: grade for grade in grades}
    for name, score in graded.given.items():
        formgrader.call(f"/formgrader/api/grade/{by_name[name]['id']}", method="PUT",
                        body={"manual_score": score, "extra_credit": None})
    _run(graded.course, graded.env, "generate_feedback", ASSIGNMENT, "--student=ada")
    return graded


def test_each_criterion_is_its_own_grade_and_the_submission_sums_them(supervised: Course_) -> None:
    """The gradebook holds one manual grade per criterion; ada's score is her choices plus their sum."""
    from nbgrader.api import Gradebook

    bank = load_bank(supervised.course.bank_dir)
    automatic = load_assignments(supervised.course.assignments_file, bank)[ASSIGNMENT].automatic_points(bank)
    with Gradebook(supervised.course.db_url) as gradebook:
        submission = gradebook.find_submission(ASSIGNMENT, "ada")
        assert not submission.needs_manual_grade
        assert submission.score == pytest.approx(automatic + sum(supervised.given.values()))
        for name, score in supervised.given.items():
            assert gradebook.find_grade(name, ASSIGNMENT, ASSIGNMENT, "ada").manual_score == score
        assert gradebook.find_submission(ASSIGNMENT, "ben").needs_manual_grade


def test_the_letter_shows_each_criterion_and_the_reflections_sum(supervised: Course_) -> None:
    """ada's feedback lists every criterion's score under each reflection's rubric heading, then no nbgrader labels."""
    letter = (supervised.course.coursework / "feedback" / "ada" / ASSIGNMENT / f"{ASSIGNMENT}.html").read_text()
    for vignette in supervised.reflections:
        scores = [supervised.given[criterion_cell(vignette.id, n)] for n in range(1, len(vignette.rubric) + 1)]
        assert f"Your supervisor's score: {sum(scores):g} of {vignette.points:g} points" in letter \
            or f"Your supervisor&#39;s score: {sum(scores):g} of {vignette.points:g} points" in letter
        for number, (score, criterion) in enumerate(zip(scores, vignette.rubric), start=1):
            assert f"Criterion {number}: {score:g} of {criterion.points:g}" in letter


def test_item_analysis_reads_a_reflection_as_one_item(supervised: Course_) -> None:
    """Criteria fold into their reflection: ada's is the sum, ben's is waiting (not zero)."""
    from trainingkit.items.sources import load_scores

    scores = load_scores(supervised.course.db_url, [ASSIGNMENT]).set_index(["trainee", "item"])
    for vignette in supervised.reflections:
        parts = [supervised.given[criterion_cell(vignette.id, n)] for n in range(1, len(vignette.rubric) + 1)]
        assert scores.loc[("ada", vignette.id), "score"] == pytest.approx(sum(parts))
        assert scores.loc[("ada", vignette.id), "max_score"] == pytest.approx(vignette.points)
        assert scores.loc[("ben", vignette.id), "score"] != scores.loc[("ben", vignette.id), "score"]  # NaN
    assert not any("-criterion-" in item for _, item in scores.index)


def test_the_formgrader_pages_speak_the_courses_words(supervised: Course_, formgrader: Formgrader) -> None:
    """The grading page names rubric criteria and trainees, offers no extra credit; the lists name chosen answers and reflections."""
    (ada,) = [s for s in formgrader.json(f"/formgrader/api/submitted_notebooks/{ASSIGNMENT}/{ASSIGNMENT}")
              if s["student"] == "ada"]
    assert (ada["first_name"], ada["last_name"]) == ("Ada", "Okafor")  # the roster's names, not "None, None"
    page = formgrader.page(f"/formgrader/submissions/{ada['id']}")
    assert page.count("Rubric criterion: score it at the level") == len(supervised.given)
    for theirs in ("Student&#39;s task", "Student's task", "(extra credit)", "Submission #"):
        assert theirs not in page, theirs
    assert "Trainee #" in page and "Ada" in page
    listing = formgrader.page(f"/formgrader/gradebook/{ASSIGNMENT}/{ASSIGNMENT}")
    assert "Reflections (rubric criteria)" in listing and "Chosen answers" in listing
    for theirs in ("Code Score", "Written Score", "Task Score", "Tests Failed?", "Needs Manual Grade?"):
        assert theirs not in listing, theirs


def test_the_dashboard_runs_on_what_the_course_received(supervised: Course_, tmp_path: Path) -> None:
    """Executed in a real kernel: progress from submissions (graded, awaiting, received, none), renewals from the register, and what it cannot see."""
    from nbclient import NotebookClient

    register = Path(supervised.env["TRAININGKIT_RESULTS"])
    register.parent.mkdir(exist_ok=True)
    register.write_text(HEADER_LINE + "C0042,2026-12-01,review,,,80,,72.1,cycle-1\n")
    path = supervised.course.notebooks_dir / "supervisor" / "dashboard.ipynb"
    notebook = nbformat.read(path, as_version=4)
    notebook.cells.append(nbformat.v4.new_code_cell(
        "import json\nprint(json.dumps({'progress': cohort.progress['" + ASSIGNMENT + "'].to_dict(), "
        "'renewal': cohort.renewal.to_dict('list'), 'demonstration': [cohort.demonstration, "
        "cohort.renewal_demonstration]}))"))
    saved = {name: os.environ.get(name) for name in ("TRAININGKIT_RESULTS", "HOME")}
    os.environ.update({"TRAININGKIT_RESULTS": str(register), "HOME": supervised.env["HOME"]})
    try:
        NotebookClient(notebook, timeout=300, kernel_name="python3",
                       resources={"metadata": {"path": str(path.parent)}}).execute()
    finally:
        for name, value in saved.items():
            os.environ.pop(name, None) if value is None else os.environ.__setitem__(name, value)
    probe = json.loads(notebook.cells[-1].outputs[0]["text"])
    assert probe["progress"] == {"ada": 2, "ben": 1, "cy": 1, "dee": 0}
    assert probe["renewal"] == {"coach_id": ["C0042"], "status": ["review_passed"]}
    assert probe["demonstration"] == [False, False]
    summary = next(output["data"]["text/markdown"] for cell in notebook.cells if cell.cell_type == "code"
                   for output in cell.get("outputs", []) if "text/markdown" in output.get("data", {}))
    assert "**What this dashboard cannot see**" in summary
    assert "lesson answers are in their own homes" in summary and "event log" in summary
    assert "demonstration" not in summary.lower()
