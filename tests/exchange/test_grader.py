"""The grader's side of the course service, run through nbgrader's own commands on a real gradebook.

A shared course (the hub's configuration) releases into the service's store, collects only
what the service received (its rebuilt answers, the released notebook and the server's
time) and releases feedback back into the store, keyed by the submission it answers.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from trainingkit.build import build
from trainingkit.course import Course
from trainingkit.exchange.store import CourseStore, Receipt
from trainingkit.exchange.submission import check_submission
from trainingkit.hub.deploy import SHARED_CONFIG

pytestmark = pytest.mark.pipeline

ASSIGNMENT = "practice-foundations"
NOTEBOOK = f"{ASSIGNMENT}.ipynb"


def _nbgrader(course: Course, *args: str) -> str:
    env = {**os.environ, "HOME": str(course.root / "home"), "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin"}
    done = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=course.coursework, env=env,
                          capture_output=True, text=True)
    assert done.returncode == 0, f"nbgrader {args}:\n{done.stdout}\n{done.stderr}"
    return done.stdout + done.stderr


@pytest.fixture(scope="module")
def shared_course(tmp_path_factory: pytest.TempPathFactory) -> Course:
    """A copy of the course configured as the hub configures it, built and released into its store."""
    from tests.conftest import copy_course

    course = copy_course(tmp_path_factory.mktemp("shared"))
    (course.coursework / "nbgrader_config.py").write_text(SHARED_CONFIG)
    build(course, only=(ASSIGNMENT,))
    _nbgrader(course, "release_assignment", ASSIGNMENT)
    return course


def _receive(store: CourseStore, user: str, body: dict, when: dt.datetime) -> Receipt:
    return store.receive(user, ASSIGNMENT, check_submission(json.dumps(body).encode(),
                                                             store.released_notebooks(ASSIGNMENT)), when)


def test_release_puts_the_assignment_in_the_private_store_and_nowhere_shared(shared_course: Course) -> None:
    """`nbgrader release_assignment` fills the store (0700) and makes no exchange folder."""
    store = CourseStore(shared_course.course_store)
    assert store.released() == [ASSIGNMENT] and store.released_notebooks(ASSIGNMENT) == [NOTEBOOK]
    assert stat.S_IMODE(store.root.stat().st_mode) == 0o700
    assert not shared_course.exchange_dir.exists()
    assert ASSIGNMENT in _nbgrader(shared_course, "list")


def test_collect_takes_the_services_answers_and_time_not_the_trainees_notebook(shared_course: Course) -> None:
    """The latest received submission is collected with the server's time and the released notebook."""
    store = CourseStore(shared_course.course_store)
    early = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.timezone.utc)
    answers = '{"answers": {"found-101": {"value": "b", "saved_at": "1999-01-01"}}}'
    trainee_notebook = json.dumps({"cells": [{"cell_type": "code", "source": "import os; os.system('x')"}]})
    _receive(store, "tktrainee1", {"answers": None, "notebooks": {}}, early)
    latest = _receive(store, "tktrainee1", {"answers": answers, "notebooks": {NOTEBOOK: trainee_notebook}},
                      early + dt.timedelta(hours=1))
    printed = _nbgrader(shared_course, "collect", ASSIGNMENT)
    submitted = shared_course.coursework / "submitted" / "tktrainee1" / ASSIGNMENT
    assert "Collecting submission: tktrainee1" in printed
    assert (submitted / "timestamp.txt").read_text() == latest.timestamp == "2026-12-01 10:00:00.000000 UTC"
    assert json.loads((submitted / "answers.json").read_text())["answers"]["found-101"]["value"] == "b"
    assert (submitted / NOTEBOOK).read_bytes() == (store.released_dir / ASSIGNMENT / NOTEBOOK).read_bytes()
    assert (store.folder_of(latest) / "record" / NOTEBOOK).read_text() == trainee_notebook
    assert "No newer submission" in _nbgrader(shared_course, "collect", "--update", ASSIGNMENT)


def test_feedback_is_released_into_the_store_for_the_submission_it_answers(shared_course: Course) -> None:
    """Autograde, feedback and release_feedback leave the letter under the trainee's own submission."""
    store = CourseStore(shared_course.course_store)
    (latest,) = store.submissions("tktrainee1", ASSIGNMENT)[-1:]
    for step in ("autograde", "generate_feedback", "release_feedback"):
        _nbgrader(shared_course, step, ASSIGNMENT)
    feedback = store.feedback(latest)
    assert list(feedback) == [f"{ASSIGNMENT}.html"] and b"tk-summary" in feedback[f"{ASSIGNMENT}.html"]
    assert store.feedback(store.submissions("tktrainee1", ASSIGNMENT)[0]) == {}
