"""Benchmark: autograding one submission of the real assignment against the nbgrader floor.

Prints, from one run, the median seconds of `nbgrader autograde` for one submission of
practice-foundations, for the same notebook with every question cell removed (what the
kernel and nbgrader cost by themselves), and their ratio. Target: ratio at most 1.3.

    .venv/bin/python benchmarks/autograde.py [--repeats 3]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import time
from pathlib import Path

import nbformat

from trainingkit.build import load_course, run_nbgrader
from trainingkit.course import Course
from trainingkit.dryrun import scratch_copy
from trainingkit.simulate import answers_for, write_submission

ASSIGNMENT = "practice-foundations"
FLOOR = "floor"


def _floor_notebook(course: Course) -> None:
    notebook = nbformat.read(course.source_notebook(ASSIGNMENT), as_version=4)
    notebook.cells = [cell for cell in notebook.cells
                      if "trainingkit" not in cell.metadata and "nbgrader" not in cell.metadata]
    target = course.source_notebook(FLOOR)
    target.parent.mkdir(parents=True)
    nbformat.write(notebook, target)


def _time_autograde(course: Course, assignment_id: str) -> float:
    start = time.perf_counter()
    run_nbgrader(course, "autograde", assignment_id, "--force")
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    arguments = parser.parse_args()
    os.environ.pop("TRAININGKIT_DB_URL", None)  # the scratch course keeps its own SQLite gradebook
    project = Course.locate(Path(__file__).parent)
    bank, assignments = load_course(project)
    vignettes = assignments[ASSIGNMENT].vignettes(bank)
    with tempfile.TemporaryDirectory() as scratch:
        course = scratch_copy(project, Path(scratch) / "course")
        _floor_notebook(course)
        for assignment_id in (ASSIGNMENT, FLOOR):
            run_nbgrader(course, "generate_assignment", assignment_id, "--force")
            write_submission(course.coursework, student="trainee", assignment_id=assignment_id,
                             release_dir=course.release_dir / assignment_id,
                             answers=answers_for("random", vignettes, random.Random(1)))
        real, floor = [], []
        for _ in range(arguments.repeats):  # interleaved, so drift hits both alike
            real.append(_time_autograde(course, ASSIGNMENT))
            floor.append(_time_autograde(course, FLOOR))
    real_s, floor_s = statistics.median(real), statistics.median(floor)
    print(f"autograde one submission of {ASSIGNMENT} ({len(vignettes)} questions): {real_s:.2f} s")
    print(f"autograde the same notebook without question cells (floor): {floor_s:.2f} s")
    print(f"ratio: {real_s / floor_s:.2f} (target at most 1.3)")


if __name__ == "__main__":
    main()
