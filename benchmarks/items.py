"""Benchmark: item analysis of 5,000 submissions of a 20-item assignment against loading the scores.

Prints, from one run, the median seconds of the whole item analysis (long-form scores to the
item CSV: scores table, item and assignment statistics, option shares, flags) of synthetic,
seeded submissions; the median seconds of ``pd.read_csv`` of the same long-form scores (the
baseline: what merely loading them costs); and their ratio. Target: ratio at most 3.

    .venv/bin/python benchmarks/items.py [--trainees 5000] [--repeats 7]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from trainingkit.bank.model import Kind, Option, Vignette
from trainingkit.items.report import ItemReport, analyse, items_csv

ITEMS = 20
SEED = 7


def _vignettes() -> list[Vignette]:
    """14 single-choice items (1 point), 4 multiple-select (2 points), 2 reflections (3 points)."""
    kinds = [Kind.SINGLE] * 14 + [Kind.MULTIPLE] * 4 + [Kind.REFLECTION] * 2
    points = {Kind.SINGLE: 1.0, Kind.MULTIPLE: 2.0, Kind.REFLECTION: 3.0}
    return [Vignette(id=f"item-{n:02d}", domain="scope", title="", scenario="", question="", kind=kind,
                     points=points[kind], rationale="", code_section="",
                     options=tuple(Option(o, o, "") for o in "abcde") if kind.is_choice else (),
                     key=frozenset("a" if kind is Kind.SINGLE else "ac") if kind.is_choice else frozenset())
            for n, kind in enumerate(kinds, start=1)]


def _synthetic(trainees: int, vignettes: list[Vignette]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Long-form scores and choices of ``trainees`` simulated trainees (a seeded 2PL model)."""
    rng = np.random.default_rng(SEED)
    ability = rng.normal(0, 1, (trainees, 1))
    difficulty = rng.normal(0, 1, ITEMS)
    discrimination = rng.uniform(0.3, 2.0, ITEMS)
    chance = 1 / (1 + np.exp(-discrimination * (ability - difficulty)))
    right = rng.random((trainees, ITEMS)) < chance
    maximum = np.array([v.points for v in vignettes])
    score = np.where(right, maximum, 0.0)
    names = np.array([f"trainee-{n:05d}" for n in range(trainees)])
    items = np.array([v.id for v in vignettes])
    scores = pd.DataFrame({"trainee": np.repeat(names, ITEMS), "item": np.tile(items, trainees),
                           "score": score.ravel(), "max_score": np.tile(maximum, trainees)})
    # choices: the key when right, otherwise a wrong option (b, d or e); one in 20 left blank
    choice_items = [i for i, v in enumerate(vignettes) if v.kind.is_choice]
    sub = right[:, choice_items]
    wrong = np.array(list("bde"))[rng.integers(0, 3, sub.shape)]
    chosen = np.where(sub, "a", wrong)
    answered = rng.random(sub.shape) >= 0.05
    rows, columns = np.nonzero(answered)
    choices = pd.DataFrame({"trainee": names[rows], "item": items[choice_items][columns],
                            "option": chosen[rows, columns]})
    multiple = [vignettes[i].id for i in choice_items if vignettes[i].kind is Kind.MULTIPLE]
    extra = choices.loc[choices["item"].isin(multiple) & (choices["option"] == "a")].assign(option="c")
    return scores, pd.concat([choices, extra], ignore_index=True)


def _median_seconds(run: Callable[[], object], repeats: int) -> list[float]:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trainees", type=int, default=5000)
    parser.add_argument("--repeats", type=int, default=7)
    arguments = parser.parse_args()
    vignettes = _vignettes()
    scores, choices = _synthetic(arguments.trainees, vignettes)
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "scores.csv"
        scores.to_csv(path, index=False)
        loaded = pd.read_csv(path)

        def analysis() -> str:
            rows, summary = analyse(loaded, choices, vignettes)
            return items_csv(ItemReport("benchmark", rows, summary))

        analysis()  # warm up both (imports, caches) before timing
        pd.read_csv(path)
        analysed, baseline = [], []
        for _ in range(arguments.repeats):  # interleaved, so drift hits both alike
            analysed += _median_seconds(analysis, 1)
            baseline += _median_seconds(lambda: pd.read_csv(path), 1)
    analysis_s, baseline_s = statistics.median(analysed), statistics.median(baseline)
    print(f"item analysis of {arguments.trainees} submissions x {ITEMS} items "
          f"({len(scores)} scores, {len(choices)} chosen options): {analysis_s:.3f} s")
    print(f"pd.read_csv of the same long-form scores (baseline): {baseline_s:.3f} s")
    print(f"ratio: {analysis_s / baseline_s:.2f} (target at most 3)")


if __name__ == "__main__":
    main()
