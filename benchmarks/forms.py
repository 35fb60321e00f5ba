"""Benchmark: assembling ten renewal cycles' ethics review forms on the real bank.

Prints, from one run, the seconds to assemble cycles 1-10 (target: at most 10 s) and, as
the baseline measured in the same run, ten times the seconds to assemble cycle 1 alone:
their ratio shows what the growing exposure constraints cost (1.0: nothing).

    .venv/bin/python benchmarks/forms.py [--repeats 3]
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from trainingkit.assignments import FeedbackMode, load_assignments
from trainingkit.bank import load_bank
from trainingkit.course import Course
from trainingkit.exam.assemble import assemble_cycles
from trainingkit.exam.blueprint import load_blueprint


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    arguments = parser.parse_args()
    course = Course.locate(Path(__file__).parent)
    bank = load_bank(course.bank_dir)
    blueprint = load_blueprint(course.blueprint_file)
    practice = {i for a in load_assignments(course.assignments_file, bank).values()
                if a.feedback is FeedbackMode.PRACTICE for i in a.items}
    assemble_cycles(bank, blueprint, [1], exclude=practice)  # imports SciPy once, outside the timings
    one, ten = [], []
    for _ in range(arguments.repeats):
        start = time.perf_counter()
        assemble_cycles(bank, blueprint, [1], exclude=practice)
        one.append(time.perf_counter() - start)
        start = time.perf_counter()
        assemble_cycles(bank, blueprint, list(range(1, 11)), exclude=practice)
        ten.append(time.perf_counter() - start)
    one_s, ten_s = statistics.median(one), statistics.median(ten)
    print(f"{len(bank)} items, {blueprint.items}-item forms, medians of {arguments.repeats}")
    print(f"ten cycles: {ten_s:.2f} s (target <= 10); one cycle alone: {one_s:.3f} s; "
          f"ratio to ten times one: {ten_s / (10 * one_s):.2f}")


if __name__ == "__main__":
    main()
