"""Benchmark: assembling the ethics review forms of ten and of thirty renewal cycles on the real bank.

Prints, from one run, the seconds to assemble cycles 1-10 (target: at most 10 s) and 1-30, and
as the baseline measured in the same run, ten times the seconds to assemble cycle 2 alone
(cycle 1 is fixed): the ratio shows what the growing exposure constraints cost (1.0: nothing).
It also prints what the thirty forms achieve: the cut scores' range around the reference's,
the most-used item's share of forms, and the forms missing a rule.

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
from trainingkit.exam.exposure import item_uses
from trainingkit.exam.forms import read_register, violations


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    arguments = parser.parse_args()
    course = Course.locate(Path(__file__).parent)
    bank = load_bank(course.bank_dir)
    blueprint = load_blueprint(course.blueprint_file)
    practice = {i for a in load_assignments(course.assignments_file, bank).values()
                if a.feedback is FeedbackMode.PRACTICE for i in a.items}
    fixed = {cycle: record.form for cycle, record in read_register(course.forms_file, bank).items()}

    def plan(last: int):
        return assemble_cycles(bank, blueprint, list(range(1, last + 1)), fixed, practice)

    plan(2)  # imports SciPy once, outside the timings
    timings: dict[int, list[float]] = {2: [], 10: [], 30: []}
    forms = {}
    for _ in range(arguments.repeats):
        for last in timings:
            start = time.perf_counter()
            forms = plan(last)
            timings[last].append(time.perf_counter() - start)
    two, ten, thirty = (statistics.median(timings[last]) for last in (2, 10, 30))
    one = two if 1 in fixed else two / 2  # with cycle 1 fixed, cycles 1-2 assemble one new form
    reference = forms[blueprint.reference_cycle].expected_score(bank)
    drift = [100 * (form.expected_score(bank) - reference) for form in forms.values()]
    uses = item_uses(forms.values())
    missing = sum(not all(form.rules_covered(bank, blueprint).values()) for form in forms.values())
    print(f"{len(bank)} items, {blueprint.items}-item forms, medians of {arguments.repeats}")
    print(f"ten cycles: {ten:.2f} s (target <= 10); thirty cycles: {thirty:.2f} s; one new form: {one:.3f} s; "
          f"ratio of ten to ten times one: {ten / (10 * one):.2f}; of thirty to thirty times one: "
          f"{thirty / (30 * one):.2f}")
    print(f"thirty forms: expected score {min(drift):+.1f} to {max(drift):+.1f} points from the reference's; "
          f"most-used item on {max(uses.values())} of 30 ({max(uses.values()) / 30:.0%}); forms missing a rule: "
          f"{missing} (fixed ones given as they are: {sorted(fixed)}); broken rules: "
          f"{len(violations(forms, bank, blueprint))}")


if __name__ == "__main__":
    main()
