"""A coach's ethics review sitting, graded and released with nbgrader's own commands, reaches the office's report."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from trainingkit.assignments import load_assignments
from trainingkit.bank import load_bank
from trainingkit.build import build
from trainingkit.course import Course
from trainingkit.exchange.store import CourseStore
from trainingkit.exchange.submission import check_submission
from trainingkit.hub.deploy import SHARED_CONFIG
from trainingkit.renewal.records import HEADER_LINE
from trainingkit.simulate import answers_for

pytestmark = pytest.mark.pipeline

REVIEW = "ethics-review"
ROSTER = "username,role,name,coach_id,email\nkofi,trainee,Kofi Mensah,C0042,\nada,trainee,Ada Okafor,,\n"


def _run(course: Course, register: Path, *command: str) -> str:
    env = {**os.environ, "HOME": str(course.root / "home"), "TRAININGKIT_RESULTS": str(register),
           "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin"}
    done = subprocess.run(list(command), cwd=course.coursework, env=env, capture_output=True, text=True)
    assert done.returncode == 0, f"{command}:\n{done.stdout}\n{done.stderr}"
    return done.stdout + done.stderr


def test_a_released_sitting_shows_in_the_office_report_with_the_forms_cut_score(tmp_path: Path) -> None:
    """kofi (C0042) answers all but two items right, is graded and released: the register and the report say pass, score / 72.1."""
    from tests.conftest import copy_course

    course = copy_course(tmp_path)
    (course.coursework / "nbgrader_config.py").write_text(SHARED_CONFIG)  # the hub's course service plugins
    course.roster_file.write_text(ROSTER)
    register = tmp_path / "office" / "results.csv"
    build(course, only=(REVIEW,))
    nbgrader = [sys.executable, "-m", "nbgrader"]
    _run(course, register, *nbgrader, "release_assignment", REVIEW)

    bank = load_bank(course.bank_dir)
    review = load_assignments(course.assignments_file, bank)[REVIEW]
    vignettes = review.vignettes(bank)
    import random

    answers = answers_for("key", vignettes, random.Random(1))
    wrong = answers_for("wrong", vignettes, random.Random(1))
    singles = [v for v in vignettes if v.kind.value == "single"][:2]
    answers.update({v.id: wrong[v.id] for v in singles})
    expected = 100 * (review.automatic_points(bank) - sum(v.points for v in singles)) / review.automatic_points(bank)
    body = {"answers": json.dumps({"answers": {qid: {"value": value, "saved_at": "2026-12-01T10:00:00"}
                                               for qid, value in answers.items()}}), "notebooks": {}}
    store = CourseStore(course.course_store)
    when = dt.datetime(2026, 12, 1, 10, 0, tzinfo=dt.timezone.utc)
    for user in ("kofi", "ada"):
        store.receive(user, REVIEW, check_submission(json.dumps(body).encode(), store.released_notebooks(REVIEW)), when)

    _run(course, register, *nbgrader, "collect", REVIEW)
    _run(course, register, *nbgrader, "autograde", REVIEW)
    _run(course, register, *nbgrader, "generate_feedback", REVIEW)
    letter = (course.coursework / "feedback" / "kofi" / REVIEW / f"{REVIEW}.html").read_text()
    assert f"The pass mark is {review.pass_mark:g}% of the points: this form&#39;s cut score." in letter \
        or f"The pass mark is {review.pass_mark:g}% of the points: this form's cut score." in letter
    released = _run(course, register, *nbgrader, "release_feedback", REVIEW)
    assert "ada has no coach id" in released

    lines = register.read_text().splitlines()
    assert lines[0] == HEADER_LINE.strip() and len(lines) == 2
    coach, day, event, _, _, score, _, cut, form = lines[1].split(",")
    assert (coach, day, event, cut, form) == ("C0042", "2026-12-01", "review", f"{review.pass_mark:g}", "cycle-1")
    assert float(score) == pytest.approx(expected)
    assert "nothing to record" not in _run(course, register, "trainingkit", "review", "results")
    assert len(register.read_text().splitlines()) == 2  # catching up adds nothing twice

    events = tmp_path / "coaches.csv"
    events.write_text(HEADER_LINE + "C0042,2024-12-20,certified,,,,,,\n")
    report = tmp_path / "report"
    printed = _run(course, register, "trainingkit", "renewal", "report", "--events", str(events),
                   "--on", "2026-12-02", "--output-dir", str(report))
    assert "renewal-summary.md" in printed
    summary = (report / "renewal-summary.md").read_text()
    passed = summary.split("## Latest review passed")[1].split("##")[0]
    assert f"| C0042 | ready_to_renew | 2026-12-20 | 1 | 0 | 2026-12-01 | {score} / {review.pass_mark:g} | cycle-1 |" \
        in passed
