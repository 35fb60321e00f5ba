"""A real course run end to end with nbgrader's own commands, shared by the pipeline tests."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest

from trainingkit.answers import AnswerValue, save_answer
from trainingkit.assignments import load_assignments
from trainingkit.bank import load_bank
from trainingkit.build import build
from trainingkit.course import COURSE_ID, Course

ASSIGNMENT = "practice-foundations"


@dataclass(frozen=True)
class CourseRun:
    """A built course with its exchange, and helpers to act as trainee or supervisor."""

    course: Course
    exchange: Path
    homes: Path

    def env(self, user: str = "supervisor") -> dict[str, str]:
        scripts = str(Path(sys.executable).parent)
        home = self.homes / user  # nbgrader keeps a cache in ~/.local/share/jupyter: never the real home
        home.mkdir(parents=True, exist_ok=True)
        return {**os.environ, "USER": user, "LOGNAME": user, "HOME": str(home),
                "JUPYTER_DATA_DIR": str(home / ".local" / "share" / "jupyter"),
                "TRAININGKIT_EXCHANGE": str(self.exchange),
                "PATH": os.pathsep.join([scripts, os.environ.get("PATH", "")])}

    def nbgrader(self, *args: str, user: str = "supervisor", cwd: Path | None = None) -> str:
        """Run an nbgrader command as a supervisor (in coursework/) or as a trainee (in their home)."""
        command = [sys.executable, "-m", "nbgrader", *args]
        if user != "supervisor":
            command += [f"--Exchange.root={self.exchange}", f"--CourseDirectory.course_id={COURSE_ID}"]
        process = subprocess.run(command, cwd=cwd or self.course.coursework, env=self.env(user),
                                 capture_output=True, text=True)
        assert process.returncode == 0, f"nbgrader {args} failed:\n{process.stdout}\n{process.stderr}"
        return process.stdout + process.stderr

    def trainee_folder(self, trainee: str) -> Path:
        return self.homes / trainee / ASSIGNMENT

    def fetch(self, trainee: str) -> Path:
        home = self.homes / trainee
        home.mkdir(parents=True, exist_ok=True)
        self.nbgrader("fetch_assignment", ASSIGNMENT, user=trainee, cwd=home)
        return self.trainee_folder(trainee)

    def submit(self, trainee: str) -> None:
        self.nbgrader("submit", ASSIGNMENT, f"--student={trainee}", user=trainee, cwd=self.homes / trainee)


def answer_all(folder: Path, answers: dict[str, AnswerValue]) -> None:
    for question_id, value in answers.items():
        save_answer(folder / "answers.json", question_id, value)


def edit_notebook(folder: Path, change: Callable[[nbformat.NotebookNode], None]) -> None:
    path = folder / f"{ASSIGNMENT}.ipynb"
    notebook = nbformat.read(path, as_version=4)
    change(notebook)
    nbformat.write(notebook, path)


@pytest.fixture(scope="module")
def course_run(tmp_path_factory: pytest.TempPathFactory, gradebook_url: str | None) -> CourseRun:
    """A fresh copy of the project's course, built and released to a private exchange.

    Its gradebook is ``gradebook_url``: each module runs once on SQLite, once on PostgreSQL.
    """
    from tests.conftest import copy_course

    root = tmp_path_factory.mktemp("pipeline")
    course = copy_course(root)
    run = CourseRun(course, root / "exchange", root / "homes")
    run.exchange.mkdir()
    build(course, only=(ASSIGNMENT,))
    run.nbgrader("release_assignment", ASSIGNMENT)
    return run


@pytest.fixture(scope="module")
def bank_and_items(course_run: CourseRun):
    bank = load_bank(course_run.course.bank_dir)
    assignment = load_assignments(course_run.course.assignments_file, bank)[ASSIGNMENT]
    return bank, assignment.vignettes(bank)


def read_json(path: Path) -> dict:
    return json.loads(path.read_text())
