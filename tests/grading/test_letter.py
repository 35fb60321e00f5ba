"""The feedback letter, made by nbgrader's own commands and read as a trainee would read it."""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from trainingkit.assignments import load_assignments
from trainingkit.bank import load_bank
from trainingkit.bank.model import Kind
from trainingkit.course import Course
from trainingkit.course_settings import zone_named
from trainingkit.grading.letter import score_words, submitted_words
from trainingkit.simulate import answers_for

ASSIGNMENT = "practice-foundations"
COMMENT = "You named the boundary & why it matters <b>clearly</b>."


class _Reader(HTMLParser):
    """What a person (or a screen reader) meets in a page: its language, title, headings and words."""

    def __init__(self) -> None:
        super().__init__()
        self.lang, self.title, self.headings, self.words = "", "", [], []
        self._in: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "html":
            self.lang = dict(attrs).get("lang", "")
        if tag in ("title", "h1", "h2", "h3", "h4", "h5", "h6", "style", "script"):
            self._in.append(tag)
            if tag.startswith("h"):
                self.headings.append([tag, ""])

    def handle_endtag(self, tag):
        if self._in and self._in[-1] == tag:
            self._in.pop()

    def handle_data(self, data):
        where = self._in[-1] if self._in else ""
        if where in ("style", "script"):
            return
        if where == "title":
            self.title += data
        elif where.startswith("h") and self.headings:
            self.headings[-1][1] += data
        self.words.append(data)

    @property
    def text(self) -> str:
        return " ".join(" ".join(self.words).split())


def _run(course: Course, *command: str) -> str:
    env = {**os.environ, "HOME": str(course.root / "home"), "TZ": "Europe/Berlin",
           "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin"}
    done = subprocess.run([sys.executable, "-m", "nbgrader", *command], cwd=course.coursework, env=env,
                          capture_output=True, text=True)
    assert done.returncode == 0, f"{command}:\n{done.stdout}\n{done.stderr}"
    return done.stdout + done.stderr


@pytest.fixture(scope="module")
def graded_course(tmp_path_factory):
    """ada's practice submission, autograded; her reflection graded with a comment, the other left waiting."""
    from nbgrader.api import Gradebook

    from tests.conftest import copy_course
    from trainingkit.criteria import criterion_cell

    course = copy_course(tmp_path_factory.mktemp("letter"))
    _run(course, "generate_assignment", ASSIGNMENT, "--force")
    bank = load_bank(course.bank_dir)
    vignettes = load_assignments(course.assignments_file, bank)[ASSIGNMENT].vignettes(bank)
    reflections = [v for v in vignettes if v.kind is Kind.REFLECTION]
    answers = answers_for("key", vignettes, random.Random(1))
    single = next(v for v in vignettes if v.kind is Kind.SINGLE)
    answers[single.id] = answers_for("wrong", [single], random.Random(1))[single.id]
    folder = course.coursework / "submitted" / "ada" / ASSIGNMENT
    folder.mkdir(parents=True)
    shutil.copy(course.coursework / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", folder)
    (folder / "answers.json").write_text(json.dumps({"answers": {
        qid: {"value": value, "saved_at": "2026-12-05T21:00:00+0000"} for qid, value in answers.items()}}))
    (folder / "timestamp.txt").write_text("2026-12-05 21:12:22.972182 UTC")
    _run(course, "autograde", ASSIGNMENT)
    with Gradebook(f"sqlite:///{course.coursework / 'gradebook.db'}") as gradebook:
        for number, criterion in enumerate(reflections[0].rubric, start=1):  # one point short on the first
            cell = criterion_cell(reflections[0].id, number)
            grade = gradebook.find_grade(cell, ASSIGNMENT, ASSIGNMENT, "ada")
            grade.manual_score = criterion.points - (1 if number == 1 else 0)
            if number == 1:
                gradebook.find_comment(cell, ASSIGNMENT, ASSIGNMENT, "ada").manual_comment = COMMENT
        gradebook.db.commit()
    _run(course, "generate_feedback", ASSIGNMENT, "--force")
    yield course, reflections
    shutil.rmtree(course.root)


def _letter_of(course: Course) -> tuple[str, _Reader]:
    letter = (course.coursework / "feedback" / "ada" / ASSIGNMENT / f"{ASSIGNMENT}.html").read_text()
    reader = _Reader()
    reader.feed(letter)
    return letter, reader


@pytest.fixture(scope="module")
def graded(graded_course):
    """ada's letter (made in the grading machine's zone, Europe/Berlin), read as a trainee reads it."""
    course, reflections = graded_course
    letter, reader = _letter_of(course)
    return letter, reader, reflections, load_assignments(course.assignments_file, load_bank(course.bank_dir))[ASSIGNMENT]


def test_the_letter_has_a_language_a_title_and_headings_in_order(graded) -> None:
    """The page says it is English, is titled by the assignment, and its headings go h1, h2, h3 without a skip."""
    _, reader, _, assignment = graded
    assert reader.lang == "en"
    assert reader.title == f"Feedback: {assignment.title}"
    levels = [int(tag[1]) for tag, _ in reader.headings]
    assert levels[0] == 1 and reader.headings[0][1].strip() == f"Feedback: {assignment.title}"
    assert all(after <= before + 1 for before, after in zip(levels, levels[1:])), reader.headings
    assert levels.count(1) == 1


def test_the_letter_shows_no_machinery(graded) -> None:
    """No instructions, build notes, ids, anchor marks, '(Top)' links or microsecond UTC times."""
    letter, reader, _, _ = graded
    for machinery in ("How to answer", "press Submit", "trainingkit build", "do not edit", "(Top)", "¶",
                      ASSIGNMENT, "Test cell", "Student's task", "972182", "UTC", "Score:"):
        assert machinery not in reader.text, machinery
    assert "anchor-link" not in letter and "cdnjs" not in letter


def test_the_letter_says_when_it_was_submitted_in_local_time_to_the_minute(graded) -> None:
    """21:12:22 UTC in Berlin's winter reads as 22:12 CET."""
    _, reader, _, _ = graded
    assert "Submitted on Saturday 5 December 2026 at 22:12 (CET)." in reader.text


def test_the_course_s_time_zone_setting_gives_the_letter_s_time_in_that_zone(graded, graded_course) -> None:
    """With course.yaml's time zone America/Chicago, the same submission reads 15:12 (CST), not the machine's 22:12."""
    course, _ = graded_course
    course.settings_file.write_text("time_zone: America/Chicago\n")
    try:
        _run(course, "generate_feedback", ASSIGNMENT, "--force")
    finally:
        course.settings_file.write_text('time_zone: ""\n')
    _, reader = _letter_of(course)
    assert "Submitted on Saturday 5 December 2026 at 15:12 (CST)." in reader.text


def _feedback_folder(course: Course) -> dict[str, bytes]:
    folder = course.coursework / "feedback"
    return {str(path.relative_to(folder)): path.read_bytes() for path in sorted(folder.rglob("*")) if path.is_file()}


#: The formgrader's Generate Feedback button, as its handler calls nbgrader's API (run in coursework/).
FORMGRADER_CALL = """
import json, sys
from nbgrader.apps.api import NbGraderAPI
from nbgrader.apps.baseapp import NbGrader
from trainingkit.grading.formgrader import plain_feedback_result
app = NbGrader()
app.load_config_file()
api = NbGraderAPI(parent=app)
print(plain_feedback_result(json.dumps(api.generate_feedback(sys.argv[1], sys.argv[2]))))
"""


def test_a_time_zone_the_course_names_wrongly_stops_generate_feedback_in_one_line_and_keeps_every_letter(
        graded_course) -> None:
    """course.yaml edited after the build to a zone zoneinfo does not know: `nbgrader generate_feedback --force`
    ends with status 1 and one error line naming the file, the setting, the value and what to do, no traceback;
    the formgrader's call gets the same line as its log and no traceback; the letter written before is unchanged."""
    course, _ = graded_course
    before = _feedback_folder(course)
    assert f"ada/{ASSIGNMENT}/{ASSIGNMENT}.html" in before
    course.settings_file.write_text("time_zone: Mars/Olympus_Mons\n")
    env = {**os.environ, "HOME": str(course.root / "home"), "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin"}
    try:
        done = subprocess.run([sys.executable, "-m", "nbgrader", "generate_feedback", ASSIGNMENT, "--force"],
                              cwd=course.coursework, env=env, capture_output=True, text=True)
        after_command = _feedback_folder(course)
        formgrader = subprocess.run([sys.executable, "-c", FORMGRADER_CALL, ASSIGNMENT, "ada"],
                                    cwd=course.coursework, env=env, capture_output=True, text=True)
    finally:
        course.settings_file.write_text('time_zone: ""\n')
    said = done.stdout + done.stderr
    assert done.returncode == 1 and "Traceback" not in said, said
    errors = [line for line in said.splitlines() if "ERROR" in line]
    expected = (f"{course.settings_file}: time_zone: 'Mars/Olympus_Mons' is not a time zone name zoneinfo knows "
                "(an IANA name such as Europe/London or America/Chicago). Correct that file (time_zone left empty "
                "uses this machine's zone) and generate the feedback again: no letter was written, and letters "
                "generated before are kept.")
    assert errors == [f"[GenerateFeedbackApp | ERROR] {expected}"], said
    assert after_command == before
    assert formgrader.returncode == 0, formgrader.stderr
    assert json.loads(formgrader.stdout.splitlines()[-1]) == {"success": False, "log": expected}
    assert _feedback_folder(course) == before


def test_a_graded_reflection_is_in_the_summary_with_the_supervisors_comment(graded) -> None:
    """The graded reflection is listed to revisit with its points and comment (escaped); the other waits, by name."""
    letter, reader, reflections, _ = graded
    summary = reader.text[reader.text.index("Your feedback"):reader.text.index("Question 1 of")]
    first, *others = reflections
    points = f"{first.points - 1:g} of {first.points:g} points"
    assert first.title in summary and points in summary and COMMENT in summary
    assert "<b>clearly</b>" not in letter
    assert "Written reflections are graded by your supervisor" not in reader.text
    for other in others:
        assert f"not yet graded: {other.title}" in summary or other.title in summary.split("not yet graded")[1]
    assert f"Your supervisor's score: {points}" in reader.text


def test_the_score_line_says_so_far_while_a_reflection_waits() -> None:
    """The letter's score is 'so far' until every reflection is graded, and plain afterwards."""
    assert score_words(7, 14, 1).startswith("Your score so far: 7 of 14 points;")
    assert score_words(13.5, 14, 0) == "Your score: 13.5 of 14 points."


def test_a_time_without_a_zone_is_read_as_utc() -> None:
    """nbgrader's naive gradebook times are UTC; the letter converts them to the zone asked for."""
    zone = dt.timezone(dt.timedelta(hours=-5), "EST")
    assert submitted_words(dt.datetime(2026, 12, 5, 21, 12, 22, 972182), zone) == \
        "on Saturday 5 December 2026 at 16:12 (EST)"


def test_two_zones_give_the_same_moment_in_their_own_words() -> None:
    """One UTC moment reads in London's and Chicago's local time to the minute, summer time included."""
    winter, summer = dt.datetime(2026, 12, 5, 21, 12, 22), dt.datetime(2026, 7, 5, 21, 12, 22)
    assert submitted_words(winter, zone_named("Europe/London")) == "on Saturday 5 December 2026 at 21:12 (GMT)"
    assert submitted_words(winter, zone_named("America/Chicago")) == "on Saturday 5 December 2026 at 15:12 (CST)"
    assert submitted_words(summer, zone_named("Europe/London")) == "on Sunday 5 July 2026 at 22:12 (BST)"
    assert submitted_words(summer, zone_named("America/Chicago")) == "on Sunday 5 July 2026 at 16:12 (CDT)"
