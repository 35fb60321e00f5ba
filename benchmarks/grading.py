"""Benchmark: `trainingkit grade --jobs 2` against nbgrader's executing pipeline, 200 trainees.

Simulates the same submissions of the ethics review (the four answer patterns in turn) in
two scratch copies of the course, each with its own SQLite gradebook, then times, in this
one run:

* **stock**: `nbgrader autograde ethics-review --force` with nbgrader's default Autograde
  pipeline, which starts a kernel and executes every submitted notebook, plus the course's
  scoring step right after execution so that it gives the same scores;
* **trainingkit**: `trainingkit grade ethics-review --jobs 2 --force`, the course's own
  pipeline, which executes nothing.

Prints both times, the cost per submission, the speed-up (target: at least 10) and whether
both gave every trainee the same score; then, from a profile of the course's pipeline run
in this process on a sample of trainees, where a submission's cost goes.

    .venv/bin/python benchmarks/grading.py [--trainees 200] [--jobs 2] [--profile-sample 40]
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import random
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from trainingkit.build import load_course, nbgrader_environment, run_nbgrader
from trainingkit.course import Course
from trainingkit.dryrun import code_scores, scratch_copy
from trainingkit.simulate import PATTERNS, answers_for, write_submission

ASSIGNMENT = "ethics-review"

#: The stock copy's configuration: the course's, with nbgrader's default pipeline put back.
STOCK_CONFIG = """
from trainingkit.grading.config import configure, course_from_config_file
from trainingkit.grading.preprocessors import GradeFromAnswers
from nbgrader.converters import Autograde

configure(get_config(), course=course_from_config_file(__file__))
c = get_config()
defaults = Autograde.class_traits()  # nbgrader's own default lists
c.Autograde.sanitize_preprocessors = defaults["sanitize_preprocessors"].make_dynamic_default()
stock = defaults["autograde_preprocessors"].make_dynamic_default()  # Execute first
c.Autograde.autograde_preprocessors = stock[:1] + [GradeFromAnswers] + stock[1:]
"""


def _class(project: Course, destination: Path, trainees: int, config: str | None = None) -> Course:
    bank, assignments = load_course(project)
    vignettes = assignments[ASSIGNMENT].vignettes(bank)
    course = scratch_copy(project, destination)
    if config:
        (course.coursework / "nbgrader_config.py").write_text(config)
    run_nbgrader(course, "generate_assignment", ASSIGNMENT, "--force")
    rng = random.Random(0)
    for n in range(1, trainees + 1):
        write_submission(course.coursework, student=f"trainee-{n:03d}", assignment_id=ASSIGNMENT,
                         release_dir=course.release_dir / ASSIGNMENT,
                         answers=answers_for(PATTERNS[(n - 1) % len(PATTERNS)], vignettes, rng))
    return course


def _timed(command: list[str], cwd: Path, env: dict[str, str]) -> float:
    start = time.perf_counter()
    process = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{process.stdout[-3000:]}\n{process.stderr[-3000:]}")
    return elapsed


def _area(filename: str) -> str:
    for marker, area in (("trainingkit", "trainingkit: answers, scoring, graded notebook"),
                         ("sqlalchemy", "gradebook (SQLAlchemy, SQLite)"), ("sqlite3", "gradebook (SQLAlchemy, SQLite)"),
                         ("nbgrader/api", "gradebook (SQLAlchemy, SQLite)"),
                         ("nbformat", "notebooks: read, validate, write (nbformat)"),
                         ("jsonschema", "notebooks: read, validate, write (nbformat)"),
                         ("fastjsonschema", "notebooks: read, validate, write (nbformat)"),
                         ("/json/", "notebooks: read, validate, write (nbformat)"),
                         ("/copy.py", "notebook copies (nbconvert and the graded notebook)"),
                         ("logging", "nbgrader's log"),
                         ("nbconvert", "nbconvert exporter and writer"), ("traitlets", "traitlets set-up"),
                         ("nbgrader", "nbgrader converter (copying, checks)"), ("yaml", "bank (YAML)"),
                         ("shutil", "files: copy, remove"), ("posixpath", "files: copy, remove")):
        if marker in filename:
            return area
    return "other (Python, logging, OS)"


def _profile(course: Course, trainees: int) -> list[tuple[str, float]]:
    """Seconds per trainee by area, from a profile of the course's pipeline run in this process."""
    from nbgrader.converters import Autograde
    from nbgrader.coursedir import CourseDirectory
    from nbgrader.utils import capture_log

    from trainingkit.grade import load_nbgrader_config

    config = load_nbgrader_config(course)
    students = [f"trainee-{n:03d}" for n in range(1, trainees + 1)]
    profile = cProfile.Profile()
    for student in students:
        coursedir = CourseDirectory(config=config)
        coursedir.assignment_id, coursedir.student_id = ASSIGNMENT, student
        converter = Autograde(coursedir=coursedir, config=config)
        converter.force = True
        profile.enable()
        result = capture_log(converter)
        profile.disable()
        if not result["success"]:
            raise SystemExit(f"profiling {student} failed:\n{result.get('log')}\n{result.get('error')}")
    areas: dict[str, float] = defaultdict(float)
    for (filename, _, _), (_, _, own_time, _, _) in pstats.Stats(profile).stats.items():
        areas[_area(filename)] += own_time
    return sorted(((area, seconds / trainees) for area, seconds in areas.items()), key=lambda x: -x[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trainees", type=int, default=200)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--profile-sample", type=int, default=40)
    arguments = parser.parse_args()
    os.environ.pop("TRAININGKIT_DB_URL", None)  # each scratch course keeps its own SQLite gradebook
    os.environ.pop("TRAININGKIT_ROOT", None)
    project = Course.locate(Path(__file__).parent)
    env = nbgrader_environment()
    with tempfile.TemporaryDirectory() as scratch:
        stock = _class(project, Path(scratch) / "stock", arguments.trainees, STOCK_CONFIG)
        ours = _class(project, Path(scratch) / "ours", arguments.trainees)
        stock_s = _timed([sys.executable, "-m", "nbgrader", "autograde", ASSIGNMENT, "--force"],
                         stock.coursework, env)
        ours_s = _timed([sys.executable, "-m", "trainingkit.grade", ASSIGNMENT, "--force",
                         "--jobs", str(arguments.jobs), "--no-progress"], ours.root,
                        {**env, "TRAININGKIT_ROOT": str(ours.root)})
        same = (code_scores(f"sqlite:///{stock.coursework / 'gradebook.db'}", ASSIGNMENT)
                == code_scores(f"sqlite:///{ours.coursework / 'gradebook.db'}", ASSIGNMENT))
        sample = min(arguments.profile_sample, arguments.trainees)
        profile_copy = _class(project, Path(scratch) / "profile", sample)
        os.chdir(profile_copy.coursework)
        start = time.perf_counter()
        areas = _profile(profile_copy, sample)
        profiled_s = (time.perf_counter() - start) / sample
    n = arguments.trainees
    print(f"{n} submissions of {ASSIGNMENT} on {os.cpu_count()} cores, in one run")
    print(f"stock nbgrader autograde (executes every notebook): {stock_s:7.1f} s  {stock_s / n:6.3f} s per submission")
    print(f"trainingkit grade --jobs {arguments.jobs} (executes nothing):    {ours_s:7.1f} s  "
          f"{ours_s / n:6.3f} s per submission")
    print(f"speed-up: {stock_s / ours_s:.1f} (target at least 10); same scores: {'yes' if same else 'NO'}")
    print(f"where one submission's {profiled_s * 1000:.0f} ms go (profile of {sample}, one process, "
          "including the profiler's own cost):")
    for area, seconds in areas:
        print(f"  {seconds * 1000:7.1f} ms  {area}")
    if not same:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
