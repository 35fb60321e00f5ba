"""Build the course: bank and lessons -> notebooks -> nbgrader's generated assignments.

Every file is written only when its bytes change, through a temporary file and a
rename, so a rebuild changes no byte and an interrupted build leaves the old file.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from trainingkit.assignments import Assignment, load_assignments
from trainingkit.bank import load_bank
from trainingkit.course import Course
from trainingkit.files import write_atomically
from trainingkit.render import notebook_bytes, render_assignment


@dataclass(frozen=True)
class BuildReport:
    """What a build wrote."""

    written: tuple[Path, ...]
    unchanged: tuple[Path, ...]
    generated: tuple[str, ...]


def write_if_changed(path: Path, data: bytes) -> bool:
    """Write ``data`` to ``path`` atomically unless it already holds exactly these bytes."""
    if path.exists() and path.read_bytes() == data:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(path, data)
    path.chmod(0o644)
    return True


def nbgrader_environment() -> dict[str, str]:
    """This environment with the interpreter's scripts first on PATH (nbgrader calls alembic)."""
    scripts = str(Path(sys.executable).parent)
    return {**os.environ, "PATH": os.pathsep.join([scripts, os.environ.get("PATH", "")])}


def run_nbgrader(course: Course, *args: str) -> subprocess.CompletedProcess[str]:
    """Run one nbgrader command in the course folder; raise with its output if it fails."""
    command = [sys.executable, "-m", "nbgrader", *args]
    process = subprocess.run(command, cwd=course.coursework, capture_output=True, text=True,
                             env=nbgrader_environment())
    if process.returncode != 0:
        raise RuntimeError(f"nbgrader {' '.join(args)} failed ({process.returncode}):\n"
                           f"{process.stdout}\n{process.stderr}")
    return process


def load_course(course: Course) -> tuple[dict, dict[str, Assignment]]:
    bank = load_bank(course.bank_dir)
    return bank, load_assignments(course.assignments_file, bank)


def build(course: Course, *, generate: bool = True, only: tuple[str, ...] = (),
          say: Callable[[str], None] = lambda line: None) -> BuildReport:
    """Render every assignment (and lesson) and let nbgrader generate the trainee versions.

    ``say`` is told what each step is doing as it starts (`trainingkit build` prints it).
    """
    from trainingkit.course_settings import read_course_settings
    from trainingkit.lessons import render_all_lessons

    say("Reading the bank and the assignments")
    bank, assignments = load_course(course)
    read_course_settings(course.settings_file)  # a bad setting is said now, not at the first letter
    unknown = sorted(set(only) - set(assignments))
    if unknown:
        raise KeyError(f"no assignment named {', '.join(unknown)} in {course.assignments_file}")
    written: list[Path] = []
    unchanged: list[Path] = []
    say("Rendering the assignments and lessons")
    targets: dict[Path, bytes] = {
        course.source_notebook(a.id): notebook_bytes(render_assignment(a, bank))
        for a in assignments.values() if not only or a.id in only
    }
    targets.update(render_all_lessons(course))
    for path, data in targets.items():
        (written if write_if_changed(path, data) else unchanged).append(path)
    generated: list[str] = []
    if generate:
        chosen = only or tuple(assignments)
        for number, assignment_id in enumerate(chosen, start=1):
            say(f"Generating the trainee version of {assignment_id} with nbgrader ({number} of {len(chosen)})")
            run_nbgrader(course, "generate_assignment", assignment_id, "--force")
            generated.append(assignment_id)
        gradebook = course.coursework / "gradebook.db"
        if gradebook.exists():
            gradebook.chmod(0o600)
    return BuildReport(tuple(written), tuple(unchanged), tuple(generated))
