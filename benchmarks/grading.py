"""Benchmark: `trainingkit grade --jobs 2` against nbgrader's executing pipeline, 200 trainees.

Simulates the same submissions of the ethics review (the four answer patterns in turn) in
two scratch copies of the course, each with its own SQLite gradebook, then times, in this
one run:

* **stock**: `nbgrader autograde ethics-review --force` with nbgrader's default Autograde
  pipeline, which starts a kernel and executes every submitted notebook, plus the course's
  scoring step right after execution so that it gives the same scores;
* **trainingkit**: `trainingkit grade ethics-review --jobs 2 --force`, the course's own
  pipeline, which executes nothing.

Prints both times, the cost per submission, the cost ratio (the course's time over stock's;
target: at most 0.10) and whether both gave every trainee the same score; then where the
course's time goes: its start-up (the same command once more, with nothing left to grade),
a worker's first trainee, the trainees after it as one process grades them, timed by stage
on a sample graded in this process as a worker does, and what is left for running at once.

    .venv/bin/python benchmarks/grading.py [--trainees 200] [--jobs 2] [--profile-sample 40]
"""

from __future__ import annotations

import argparse
import functools
import os
import random
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

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


class _Stages:
    """Wall time of one grading process, by stage: each stage's own time, without the stages it calls."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)
        self._inner: list[float] = []
        self._patched: list[tuple[Any, str, Any]] = []

    def time(self, owner: Any, name: str, stage: str) -> None:
        original = owner.__dict__[name] if isinstance(owner, type) else getattr(owner, name)

        @functools.wraps(original)
        def timed(*args: Any, **kwargs: Any) -> Any:
            self._inner.append(0.0)
            start = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                elapsed = time.perf_counter() - start
                self.seconds[stage] += elapsed - self._inner.pop()
                if self._inner:
                    self._inner[-1] += elapsed

        setattr(owner, name, timed)
        self._patched.append((owner, name, original))

    def run(self, stage: str, function: Any, *args: Any) -> Any:
        """Call ``function``; its time not spent in other stages counts as ``stage``."""
        self._inner.append(0.0)
        start = time.perf_counter()
        try:
            return function(*args)
        finally:
            elapsed = time.perf_counter() - start
            self.seconds[stage] += elapsed - self._inner.pop()

    def restore(self) -> None:
        for owner, name, original in reversed(self._patched):
            setattr(owner, name, original)


def _stages(config: Any) -> _Stages:
    """What one grading process spends its time on, told apart by the functions that do it."""
    import nbformat
    from nbconvert.exporters.exporter import Exporter
    from nbconvert.writers import FilesWriter
    from nbgrader.api import Gradebook
    from nbgrader.converters import Autograde
    from sqlalchemy.engine.default import DefaultDialect

    from trainingkit.grade import Ledger

    stages = _Stages()
    stages.time(Gradebook, "__init__", "gradebook: opening one (engine, table check, course row)")
    stages.time(DefaultDialect, "do_commit", "gradebook: commits (waiting for the disk)")
    stages.time(Autograde, "init_assignment", "gradebook: student and submission rows, checks (nbgrader)")
    stage_names = {"GradeFromAnswers": "answers.json, scoring, graded notebook (trainingkit)",
                   "SaveAutoGrades": "gradebook: saving the scores (nbgrader's SaveAutoGrades)",
                   "SaveAutoGradesAtOnce": "gradebook: saving the scores (nbgrader's SaveAutoGrades)",
                   "AssignLatePenalties": "gradebook: late penalty (nbgrader)"}
    for preprocessor in {*config.Autograde.sanitize_preprocessors, *config.Autograde.autograde_preprocessors}:
        for owner in preprocessor.__mro__:
            if "preprocess" in owner.__dict__:
                stages.time(owner, "preprocess", stage_names.get(preprocessor.__name__, preprocessor.__name__))
                break
    stages.time(nbformat, "reads", "notebooks: parsing (nbformat)")
    stages.time(nbformat, "writes", "notebooks: serialising (nbformat)")
    stages.time(nbformat, "validate", "notebooks: schema validation (nbformat: read, after each step, write)")
    stages.time(Exporter, "from_notebook_node", "notebooks: nbconvert's copies of notebook and resources")
    stages.time(FilesWriter, "write", "files: writing the graded notebook")
    stages.time(Ledger, "record", "the ledger (one file written and flushed to disk)")
    return stages


def _profile(course: Course, trainees: int) -> tuple[float, float, float, list[tuple[str, float]]]:
    """One grading process, set up as `trainingkit grade` sets up its workers' parent, then
    grading as a worker does: the set-up's seconds, the first trainee's, the seconds per
    trainee after it, and those seconds by stage."""
    from nbgrader.converters import Autograde
    from nbgrader.coursedir import CourseDirectory
    from nbgrader.utils import capture_log

    from trainingkit.grade import Ledger, load_nbgrader_config, masked_url, submission_stamp, wait_for_busy_sqlite
    from trainingkit.grading.process import load_course_material, share_gradebook_engines

    config = load_nbgrader_config(course)
    wait_for_busy_sqlite()
    share_gradebook_engines()
    start = time.perf_counter()
    Autograde(coursedir=CourseDirectory(config=config), config=config)
    load_course_material(config, ASSIGNMENT)
    prepare_s = time.perf_counter() - start
    db_url = CourseDirectory(config=config).db_url
    ledger = Ledger(course.coursework / "autograded", ASSIGNMENT, masked_url(db_url))

    def grade(student: str, stages: _Stages | None = None) -> None:
        coursedir = CourseDirectory(config=config)
        coursedir.assignment_id, coursedir.student_id = ASSIGNMENT, student
        converter = Autograde(coursedir=coursedir, config=config)
        converter.force = True
        converter.create_student = True
        result = stages.run(OTHER, capture_log, converter) if stages else capture_log(converter)
        if not result["success"]:
            raise SystemExit(f"grading {student} failed:\n{result.get('log')}\n{result.get('error')}")
        ledger.record(student, submission_stamp(course.coursework / "submitted" / student / ASSIGNMENT))

    start = time.perf_counter()
    grade("trainee-001")
    first_s = time.perf_counter() - start
    stages = _stages(config)
    try:
        start = time.perf_counter()
        for n in range(2, trainees + 1):
            grade(f"trainee-{n:03d}", stages)
        each_s = (time.perf_counter() - start) / (trainees - 1)
    finally:
        stages.restore()
    return prepare_s, first_s, each_s, sorted(((stage, seconds / (trainees - 1)) for stage, seconds in stages.seconds.items()),
                                   key=lambda x: -x[1])


OTHER = "nbgrader's converter: set-up, folders, copying files, its log"


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
        ours_command = [sys.executable, "-m", "trainingkit.grade", ASSIGNMENT, "--jobs", str(arguments.jobs),
                        "--no-progress"]
        ours_env = {**env, "TRAININGKIT_ROOT": str(ours.root)}
        ours_s = _timed([*ours_command, "--force"], ours.root, ours_env)
        # The same command again, with every trainee graded already: start-up and checks alone.
        start_up_s = _timed(ours_command, ours.root, ours_env)
        same = (code_scores(f"sqlite:///{stock.coursework / 'gradebook.db'}", ASSIGNMENT)
                == code_scores(f"sqlite:///{ours.coursework / 'gradebook.db'}", ASSIGNMENT))
        sample = max(2, min(arguments.profile_sample, arguments.trainees))
        profile_copy = _class(project, Path(scratch) / "profile", sample)
        os.chdir(profile_copy.coursework)
        prepare_s, first_s, each_s, stages = _profile(profile_copy, sample)
    n, jobs = arguments.trainees, arguments.jobs
    print(f"{n} submissions of {ASSIGNMENT} on {os.cpu_count()} cores, in one run")
    print(f"stock nbgrader autograde (executes every notebook): {stock_s:7.1f} s  {stock_s / n:6.3f} s per submission")
    print(f"trainingkit grade --jobs {jobs} (executes nothing):    {ours_s:7.1f} s  "
          f"{ours_s / n:6.3f} s per submission")
    print(f"cost ratio: {ours_s / stock_s:.3f} (target <= 0.10); speed-up {stock_s / ours_s:.1f}; "
          f"same scores: {'yes' if same else 'NO'}")
    # Where the course's run went: measured parts, and what is left for running two at once.
    first_extra_s = max(0.0, first_s - each_s)
    grading_s = prepare_s + first_extra_s + n * each_s / jobs
    print(f"where the {ours_s:.1f} s of trainingkit grade go:")
    print(f"  {start_up_s:7.1f} s  start-up: Python, imports, configuration, gradebook check "
          "(the same command with nothing to grade)")
    print(f"  {prepare_s:7.1f} s  before forking the workers: nbgrader's converter, the bank, the source notebook")
    print(f"  {first_extra_s:7.1f} s  a worker's first trainee, beyond the others (each worker at once)")
    print(f"  {n * each_s / jobs:7.1f} s  {n} trainees at {each_s * 1000:.0f} ms each in one process, "
          f"{jobs} processes at once")
    print(f"  {ours_s - start_up_s - grading_s:7.1f} s  the rest: workers waiting for each other's "
          "gradebook lock and sharing the cores (with each other and anything else running)")
    print(f"where one trainee's {each_s * 1000:.0f} ms go in one process (timed by stage, {sample - 1} trainees):")
    for stage, seconds in stages:
        print(f"  {seconds * 1000:7.1f} ms  {stage}")
    if not same:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
