"""`trainingkit grade` with real nbgrader: parallel, tamper-proof, resumable, shared gradebooks.

Every test here runs once on SQLite and once on PostgreSQL (see ``gradebook_url``).
"""

from __future__ import annotations

import json
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from trainingkit.answers import AnswerValue, read_answers
from trainingkit.assignments import load_assignments
from trainingkit.bank import load_bank
from trainingkit.build import build, nbgrader_environment
from trainingkit.course import Course
from trainingkit.grade import Ledger, graded_counts, masked_url
from trainingkit.scoring import score_choice
from trainingkit.simulate import PATTERNS, answers_for, write_submission

from tests.pipeline.test_pipeline import TAMPERING_CELL

pytestmark = pytest.mark.pipeline

ASSIGNMENT = "practice-foundations"


class GradingCourse:
    """A built copy of the course whose class of simulated trainees each test replaces."""

    def __init__(self, course: Course) -> None:
        self.course = course
        bank = load_bank(course.bank_dir)
        self.vignettes = load_assignments(course.assignments_file, bank)[ASSIGNMENT].vignettes(bank)
        self.submitted: dict[str, dict[str, AnswerValue]] = {}

    @property
    def ledger(self) -> Ledger:
        return Ledger(self.course.coursework / "autograded", ASSIGNMENT, masked_url(self.course.db_url))

    def new_class(self, size: int, *, tamperer: str | None = None) -> list[str]:
        """Forget every earlier trainee, then submit ``size`` simulated ones (and maybe a tamperer)."""
        from nbgrader.api import Gradebook

        with Gradebook(self.course.db_url) as gradebook:
            for submission in gradebook.assignment_submissions(ASSIGNMENT):
                gradebook.remove_submission(ASSIGNMENT, submission.student_id)
        for folder in ("submitted", "autograded"):
            shutil.rmtree(self.course.coursework / folder, ignore_errors=True)
        rng = random.Random(size)
        self.submitted = {}
        for n in range(1, size + 1):
            self.submit(f"trainee-{n:02d}", answers_for(PATTERNS[(n - 1) % len(PATTERNS)], self.vignettes, rng))
        if tamperer:
            self.submit(tamperer, answers_for("wrong", self.vignettes, rng))
            self._add_tampering_cells(tamperer)
        return sorted(self.submitted)

    def submit(self, student: str, answers: dict[str, AnswerValue]) -> Path:
        self.submitted[student] = answers
        return write_submission(self.course.coursework, student=student, assignment_id=ASSIGNMENT,
                                release_dir=self.course.release_dir / ASSIGNMENT, answers=answers)

    def _add_tampering_cells(self, student: str) -> None:
        key = answers_for("key", self.vignettes, random.Random(0))
        path = self.course.coursework / "submitted" / student / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
        notebook = nbformat.read(path, as_version=4)
        source = TAMPERING_CELL.format(key=json.dumps(key), assignment=ASSIGNMENT)
        notebook.cells.insert(1, nbformat.v4.new_code_cell(source))
        notebook.cells.append(nbformat.v4.new_code_cell(source))
        nbformat.write(notebook, path)

    def expected_scores(self) -> dict[str, float]:
        """Each trainee's automatic score, computed from the answers they submitted."""
        return {student: round(sum(score_choice(v, answers[v.id] if v.id in answers else None).earned
                                   for v in self.vignettes if v.kind.is_choice), 4)
                for student, answers in self.submitted.items()}

    def scores(self) -> dict[str, float]:
        """Each graded trainee's automatic score, from the gradebook."""
        from nbgrader.api import Gradebook

        with Gradebook(self.course.db_url) as gradebook:
            return {s.student_id: round(s.code_score, 4) for s in gradebook.assignment_submissions(ASSIGNMENT)}

    def grade(self, *args: str) -> subprocess.Popen[str]:
        """Start ``trainingkit grade ASSIGNMENT ARGS`` in its own process group."""
        env = {**nbgrader_environment(), "TRAININGKIT_ROOT": str(self.course.root)}
        return subprocess.Popen([sys.executable, "-m", "trainingkit.grade", ASSIGNMENT, *args],
                                cwd=self.course.root, env=env, text=True, start_new_session=True,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)

    def grade_to_end(self, *args: str) -> tuple[int, str, str]:
        process = self.grade(*args)
        out, err = process.communicate(timeout=600)
        return process.returncode, out, err

    def stop_after_more_graded(self, process: subprocess.Popen[str], more: int, sig: signal.Signals) -> int:
        """Send ``sig`` to the grading process group once ``more`` further trainees are in the ledger."""
        target = len(self.ledger.entries()) + more
        while len(self.ledger.entries()) < target and process.poll() is None:
            time.sleep(0.05)
        if process.poll() is None:
            import os

            os.killpg(process.pid, sig)
        process.communicate(timeout=600)
        return process.returncode


@pytest.fixture(scope="module")
def grading(tmp_path_factory: pytest.TempPathFactory, gradebook_url: str | None) -> GradingCourse:
    """A fresh copy of the project's course, built into this module's gradebook."""
    from tests.conftest import copy_course

    course = copy_course(tmp_path_factory.mktemp("grade"))
    build(course, only=(ASSIGNMENT,))
    return GradingCourse(course)


def test_parallel_grading_scores_everyone_from_what_they_submitted_despite_tampering(grading) -> None:
    """With --jobs 2, a trainee whose cells would rewrite everyone's answers runs nothing and moves no score."""
    students = grading.new_class(5, tamperer="aaa-tamperer")
    expected = grading.expected_scores()
    status, out, err = grading.grade_to_end("--jobs", "2")
    assert status == 0, out + err
    assert grading.scores() == expected
    assert expected["aaa-tamperer"] == 0 and max(expected.values()) > 0
    for student in students:  # the tampering cells never ran: every file holds what was submitted
        on_disk = read_answers(grading.course.coursework / "submitted" / student / ASSIGNMENT / "answers.json")
        assert {q: a.value for q, a in on_disk.items()} == grading.submitted[student]
    assert "database is locked" not in err
    assert f"grading {ASSIGNMENT}" in err and "100%" in err
    assert f"{len(students)} graded, 0 already graded, 0 failed" in out


def test_a_subset_then_everyone_grades_only_new_and_resubmitted_trainees(grading) -> None:
    """Grading two trainees and then the class grades the rest once, and again only a resubmission."""
    students = grading.new_class(5)
    first, second = students[:2]
    assert grading.grade_to_end("--student", first, "--student", second)[0] == 0
    grading.submit(second, answers_for("key", grading.vignettes, random.Random(1)))
    status, out, err = grading.grade_to_end("--jobs", "2")
    assert status == 0, out + err
    assert f"{len(students) - 1} graded, 1 already graded" in out
    assert graded_counts(grading.ledger) == {s: 2 if s == second else 1 for s in students}
    assert grading.scores() == grading.expected_scores()


def test_interrupted_and_killed_runs_resume_and_grade_each_trainee_once(grading) -> None:
    """After a Ctrl-C and a killed run, running again grades the rest, and every trainee exactly once."""
    students = grading.new_class(8)
    assert grading.stop_after_more_graded(grading.grade("--jobs", "2"), 1, signal.SIGINT) == 130
    after_interrupt = len(grading.ledger.entries())
    assert 0 < after_interrupt < len(students)
    assert grading.stop_after_more_graded(grading.grade("--jobs", "2"), 1, signal.SIGKILL) == -signal.SIGKILL
    after_kill = len(grading.ledger.entries())
    assert after_interrupt < after_kill < len(students)
    status, out, err = grading.grade_to_end("--jobs", "2")
    assert status == 0, out + err
    assert "already graded" in out
    assert graded_counts(grading.ledger) == {student: 1 for student in students}
    assert grading.scores() == grading.expected_scores()


def test_two_supervisors_grading_at_once_lose_no_grade(grading) -> None:
    """Two grading commands run at once on disjoint trainees into one gradebook, and every grade is kept."""
    students = grading.new_class(6)
    halves = [students[0::2], students[1::2]]
    processes = [grading.grade("--jobs", "1", *[arg for s in half for arg in ("--student", s)])
                 for half in halves]
    results = [process.communicate(timeout=600) for process in processes]
    for process, (out, err) in zip(processes, results):
        assert process.returncode == 0, out + err
        assert "database is locked" not in err
    assert grading.scores() == grading.expected_scores()
    assert graded_counts(grading.ledger) == {student: 1 for student in students}


def test_two_supervisors_grading_the_whole_class_at_once_grade_each_trainee_once(grading) -> None:
    """Two grading commands started at once on the same class share it out, grading each trainee once."""
    students = grading.new_class(6)
    processes = [grading.grade("--jobs", "1") for _ in range(2)]
    results = [process.communicate(timeout=600) for process in processes]
    for process, (out, err) in zip(processes, results):
        assert process.returncode == 0, out + err
    assert graded_counts(grading.ledger) == {student: 1 for student in students}
    assert grading.scores() == grading.expected_scores()


def test_a_submission_that_cannot_be_graded_is_named_and_the_others_are_graded(grading) -> None:
    """A notebook that is not JSON fails alone, named with its error, and the next run retries only it."""
    students = grading.new_class(3)
    broken = grading.course.coursework / "submitted" / students[0] / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    broken.write_text("{ not json")
    status, out, err = grading.grade_to_end("--jobs", "2")
    assert status == 1
    assert f"{students[0]}: grading failed" in err and "NotJSONError" in err
    assert "2 graded, 0 already graded, 1 failed" in out
    status, out, err = grading.grade_to_end("--jobs", "2")
    assert status == 1 and "0 graded, 2 already graded, 1 failed" in out
