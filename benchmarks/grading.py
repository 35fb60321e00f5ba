"""Benchmark: `trainingkit grade --jobs 2` against serial `nbgrader autograde`, 40 trainees.

Simulates the same 40 submissions of practice-foundations (the four answer patterns in
turn) in two scratch copies of the course, each with its own SQLite gradebook, then
times, in this one run, `nbgrader autograde ASSIGNMENT --force` in one copy and
`trainingkit grade ASSIGNMENT --jobs 2` in the other, both as the commands a supervisor
types. Prints both times and the speed-up, and checks both gave every trainee the same
score. Target: a speed-up of at least 1.7 on 2 cores.

`trainingkit grade` also stops each kernel as soon as its notebook has run, where nbgrader
waits for it to wind down; ``--breakdown`` also times ``--jobs 1`` in a third copy, to
show how much of the speed-up is that and how much is running trainees side by side.

With ``--repeats N`` both are timed N times, interleaved so that drift in the machine's
load hits both alike (each repeat grades everyone again), and medians are printed.

    .venv/bin/python benchmarks/grading.py [--trainees 40] [--jobs 2] [--repeats 1] [--breakdown]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from trainingkit.build import load_course, nbgrader_environment, run_nbgrader
from trainingkit.course import Course
from trainingkit.dryrun import code_scores, scratch_copy
from trainingkit.simulate import PATTERNS, answers_for, write_submission

ASSIGNMENT = "practice-foundations"


def _class(project: Course, destination: Path, trainees: int) -> Course:
    bank, assignments = load_course(project)
    vignettes = assignments[ASSIGNMENT].vignettes(bank)
    course = scratch_copy(project, destination)
    run_nbgrader(course, "generate_assignment", ASSIGNMENT, "--force")
    rng = random.Random(0)
    for n in range(1, trainees + 1):
        write_submission(course.coursework, student=f"trainee-{n:03d}", assignment_id=ASSIGNMENT,
                         release_dir=course.release_dir / ASSIGNMENT,
                         answers=answers_for(PATTERNS[(n - 1) % len(PATTERNS)], vignettes, rng))
    return course


def _timed(command: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    process = subprocess.run(command, cwd=cwd, env=nbgrader_environment(), capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{process.stdout}\n{process.stderr}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trainees", type=int, default=40)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--breakdown", action="store_true", help="also time --jobs 1")
    arguments = parser.parse_args()
    os.environ.pop("TRAININGKIT_DB_URL", None)  # each scratch course keeps its own SQLite gradebook
    os.environ.pop("TRAININGKIT_ROOT", None)
    project = Course.locate(Path(__file__).parent)
    with tempfile.TemporaryDirectory() as scratch:
        serial = _class(project, Path(scratch) / "serial", arguments.trainees)
        parallel = _class(project, Path(scratch) / "parallel", arguments.trainees)
        one = _class(project, Path(scratch) / "one", arguments.trainees) if arguments.breakdown else None
        serial_runs, parallel_runs, one_runs = [], [], []
        for _ in range(arguments.repeats):
            serial_runs.append(_timed([sys.executable, "-m", "nbgrader", "autograde", ASSIGNMENT, "--force"],
                                      serial.coursework))
            parallel_runs.append(_timed([sys.executable, "-m", "trainingkit.grade", ASSIGNMENT, "--force",
                                         "--jobs", str(arguments.jobs), "--no-progress"], parallel.root))
            if one is not None:
                one_runs.append(_timed([sys.executable, "-m", "trainingkit.grade", ASSIGNMENT, "--force",
                                        "--jobs", "1", "--no-progress"], one.root))
        serial_s, parallel_s = statistics.median(serial_runs), statistics.median(parallel_runs)
        one_s = statistics.median(one_runs) if one_runs else None
        same = (code_scores(f"sqlite:///{serial.coursework / 'gradebook.db'}", ASSIGNMENT)
                == code_scores(f"sqlite:///{parallel.coursework / 'gradebook.db'}", ASSIGNMENT))
    print(f"{arguments.trainees} submissions of {ASSIGNMENT} on {os.cpu_count()} cores"
          + (f", medians of {arguments.repeats} interleaved runs" if arguments.repeats > 1 else ""))
    if arguments.repeats > 1:
        print("runs (s): nbgrader " + " ".join(f"{t:.1f}" for t in serial_runs)
              + f"; --jobs {arguments.jobs} " + " ".join(f"{t:.1f}" for t in parallel_runs))
    print(f"nbgrader autograde (serial):             {serial_s:6.1f} s")
    print(f"trainingkit grade --jobs {arguments.jobs}:             {parallel_s:6.1f} s")
    if one_s is not None:
        print(f"trainingkit grade --jobs 1:             {one_s:6.1f} s "
              f"(serial/jobs 1: {serial_s / one_s:.2f}, jobs 1/jobs {arguments.jobs}: {one_s / parallel_s:.2f})")
    print(f"speed-up: {serial_s / parallel_s:.2f} (target at least 1.7); same scores: {'yes' if same else 'NO'}")
    if not same:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
