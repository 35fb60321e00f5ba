"""The supervisor's dry run: grade simulated trainees on a scratch copy before releasing."""

from __future__ import annotations

import csv
import io
import random
import shutil
import tempfile
from pathlib import Path

from trainingkit.build import load_course, run_nbgrader
from trainingkit.course import INSTRUCTOR_FILES, Course
from trainingkit.simulate import PATTERNS, answers_for, write_submission


def scratch_copy(course: Course, destination: Path) -> Course:
    """A copy of the course's instructor files (no gradebook, no submissions)."""
    target = Course(destination)
    target.coursework.mkdir(parents=True)
    for name in INSTRUCTOR_FILES:
        if (course.coursework / name).exists():
            shutil.copy2(course.coursework / name, target.coursework / name)
    shutil.copytree(course.bank_dir, target.bank_dir)
    shutil.copytree(course.source_dir, target.source_dir)
    return target


def code_scores(db_url: str, assignment_id: str) -> dict[str, tuple[float, float]]:
    """Automatic score and maximum of every graded trainee, from the gradebook."""
    from nbgrader.api import Gradebook

    with Gradebook(db_url) as gradebook:
        return {submission.student_id: (submission.code_score, submission.max_code_score)
                for submission in gradebook.assignment_submissions(assignment_id)}


def dry_run(*, course: Course, assignment_id: str, trainees: int, seed: int = 0) -> str:
    """CSV ``trainee,pattern,score,max_score`` of simulated trainees graded by nbgrader."""
    bank, assignments = load_course(course)
    if assignment_id not in assignments:
        raise KeyError(f"no assignment named {assignment_id!r} in {course.assignments_file}")
    vignettes = assignments[assignment_id].vignettes(bank)
    rng = random.Random(seed)
    with tempfile.TemporaryDirectory(prefix="trainingkit-dry-run-") as scratch:
        copy = scratch_copy(course, Path(scratch) / "course")
        # Always a private SQLite gradebook: a dry run never touches the course's own.
        db_url = f"sqlite:///{copy.coursework / 'gradebook.db'}"
        run_nbgrader(copy, "generate_assignment", assignment_id, "--force", f"--CourseDirectory.db_url={db_url}")
        patterns = {f"trainee-{n:03d}": PATTERNS[(n - 1) % len(PATTERNS)] for n in range(1, trainees + 1)}
        for student, pattern in patterns.items():
            write_submission(copy.coursework, student=student, assignment_id=assignment_id,
                             release_dir=copy.release_dir / assignment_id,
                             answers=answers_for(pattern, vignettes, rng))
        run_nbgrader(copy, "autograde", assignment_id, "--force", f"--CourseDirectory.db_url={db_url}")
        scores = code_scores(db_url, assignment_id)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["trainee", "pattern", "score", "max_score"])
    for student, pattern in patterns.items():
        score, maximum = scores[student]
        writer.writerow([student, pattern, f"{score:g}", f"{maximum:g}"])
    return buffer.getvalue()
