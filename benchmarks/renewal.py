"""Benchmark: renewal status for 100,000 coaches against pandas just reading the CSV.

Writes a seeded synthetic event log (about six events per coach, in date order
as an append-only log grows) to a temporary directory, then times, in the same
process and on the same file:

* the baseline: ``pandas.read_csv(path)`` and nothing else;
* the status: :func:`read_statuses`, which parses and checks every row
  (pandas, vectorised) and runs the rule fold for every coach;
* the CSV the ``status`` command prints, from those statuses.

It also checks, for a sample of coaches, that the whole-log result equals what
:func:`status_on` gives from that coach's events alone.

Each is the best of ``--repeat`` runs, baseline and status taking turns. The
target is a ratio of at most 3.

Run: ``PYTHONPATH=src python benchmarks/renewal.py [--coaches N] [--repeat R]``
"""

from __future__ import annotations

import argparse
import csv
import random
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import pandas as pd

from trainingkit.renewal.cycle import cycle_starting_on
from trainingkit.renewal.events import EVENT_COLUMNS
from trainingkit.renewal.logfile import read_event_log, read_statuses
from trainingkit.renewal.report import status_csv
from trainingkit.renewal.rules import status_on
from trainingkit.renewal.settings import DEFAULT_RULES
from trainingkit.renewal.status import StatusTable

STATUS_DATE = date(2025, 6, 30)
HISTORY_ENDS = date(2026, 12, 31)
SUPERVISORS = [f"supervisor-{number:03d}" for number in range(200)]

Row = tuple[str, str, str, str, str, str, str]


def coach_history(coach_id: str, rng: random.Random) -> list[tuple[date, Row]]:
    """Return one coach's plausible, rule-abiding history (date, CSV row)."""
    rows: list[tuple[date, Row]] = []

    def add(on: date, event: str, supervisor: str = "", hours: str = "", score: str = "",
            outcome: str = "") -> None:
        rows.append((on, (coach_id, on.isoformat(), event, supervisor, hours, score, outcome)))

    def between(first: date, last: date) -> date:
        return first + timedelta(days=rng.randint(0, max((last - first).days, 0)))

    start = date(2017, 1, 1) + timedelta(days=rng.randint(0, 8 * 365))
    add(start, "certified")
    cycle = cycle_starting_on(start, DEFAULT_RULES)
    if rng.random() < 0.03:
        charged = between(start, cycle.expires_on)
        add(charged, "charged")
        if rng.random() < 0.8:
            add(charged + timedelta(days=rng.randint(0, 20)), "charge_reported")
    while cycle.window_opens_on < HISTORY_ENDS:
        path = rng.random()
        if path < 0.08:  # stops renewing
            break
        if path < 0.80:  # renews in the window, sometimes after a failed attempt
            if rng.random() < 0.15:
                add(between(cycle.window_opens_on, cycle.expires_on - timedelta(days=30)),
                    "review", score=str(rng.randint(40, 79)))
            passed = between(cycle.expires_on - timedelta(days=29), cycle.expires_on)
            add(passed, "review", score=str(rng.randint(80, 100)))
            renewed = passed + timedelta(days=rng.randint(0, 10))
        elif path < 0.93:  # lapses, renews within the grace months
            passed = between(cycle.expires_on + timedelta(days=1), cycle.grace_ends_on - timedelta(days=5))
            add(passed, "review", score=f"{rng.uniform(80, 100):.1f}")
            renewed = passed + timedelta(days=rng.randint(0, 5))
        else:  # past the grace months: supervision, a verdict, a review
            supervisor = rng.choice(SUPERVISORS)
            first = cycle.grace_ends_on + timedelta(days=rng.randint(1, 60))
            add(first, "supervision", supervisor=supervisor, hours="3")
            add(first + timedelta(days=14), "supervision", supervisor=supervisor, hours="3.5")
            verdict = first + timedelta(days=21)
            if rng.random() < 0.1:
                add(verdict, "verdict", supervisor=supervisor, outcome="not_competent")
                add(verdict + timedelta(days=30), "committee",
                    outcome=rng.choice(["cleared", "suspended", "revoked"]))
                break
            add(verdict, "verdict", supervisor=supervisor, outcome="competent")
            add(verdict + timedelta(days=2), "review", score=str(rng.randint(80, 100)))
            renewed = verdict + timedelta(days=7)
        if renewed > HISTORY_ENDS:
            break
        add(renewed, "renewed")
        next_start = cycle.expires_on if renewed <= cycle.grace_ends_on else renewed
        cycle = cycle_starting_on(next_start, DEFAULT_RULES)
    return rows


def write_synthetic_log(path: Path, *, coaches: int, seed: int) -> int:
    """Write a seeded event log for ``coaches`` coaches, in date order; return its rows."""
    rng = random.Random(seed)
    rows = []
    for number in range(coaches):
        rows.extend(coach_history(f"C{number:06d}", rng))
    rows.sort(key=lambda dated: dated[0])
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(EVENT_COLUMNS)
        writer.writerows(row for _, row in rows)
    return len(rows)


def best_of_interleaved(repeat: int, runs: dict[str, Callable[[], object]]) -> dict[str, float]:
    """Run each of ``runs`` ``repeat`` times, taking turns; return each one's fastest time.

    Taking turns spreads any slow spell of the machine over all of them alike.
    """
    best = dict.fromkeys(runs, float("inf"))
    for _ in range(repeat):
        for name, run in runs.items():
            best[name] = min(best[name], timed(run))
    return best


def timed(run: Callable[[], object]) -> float:
    """Return how long one call of ``run`` takes (its result is dropped outside the timing)."""
    started = time.perf_counter()
    result = run()
    elapsed = time.perf_counter() - started
    del result
    return elapsed


def check_agreement(path: Path, table: StatusTable, *, sample: int, seed: int) -> int:
    """Compare the whole-log result with :func:`status_on` per coach, for a sample of coaches."""
    log = read_event_log(path)
    rows = random.Random(seed).sample(range(len(table)), min(sample, len(table)))
    for row in rows:
        expected = status_on(log.events(table.coach_ids[row]), table.on)
        if table[row] != expected:
            raise AssertionError(f"{table[row]} != {expected}")
    return len(rows)


def main() -> None:
    """Generate the log, time the baseline and the status, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--coaches", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--seed", type=int, default=20240229)
    options = parser.parse_args()

    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "events.csv"
        events = write_synthetic_log(path, coaches=options.coaches, seed=options.seed)
        print(f"{options.coaches} coaches, {events} events "
              f"({events / options.coaches:.1f} per coach), {path.stat().st_size / 1e6:.1f} MB")

        times = best_of_interleaved(options.repeat, {
            "baseline": lambda: pd.read_csv(path),
            "status": lambda: read_statuses(path, STATUS_DATE),
        })
        statuses = read_statuses(path, STATUS_DATE)
        csv_time = min(timed(lambda: status_csv(statuses)) for _ in range(options.repeat))
        checked = check_agreement(path, statuses, sample=500, seed=options.seed)

    baseline, status_time = times["baseline"], times["status"]
    counts = pd.Series([status.value for status in statuses.statuses]).value_counts()
    print("statuses on", STATUS_DATE.isoformat(), {name: int(n) for name, n in counts.items()})
    print(f"whole-log fold agrees with status_on() for {checked} sampled coaches")
    print(f"pandas.read_csv alone:        {baseline:.3f} s")
    print(f"status (read, check, rules):  {status_time:.3f} s  ratio {status_time / baseline:.2f}")
    print(f"  + status CSV text:          {status_time + csv_time:.3f} s  "
          f"ratio {(status_time + csv_time) / baseline:.2f}")


if __name__ == "__main__":
    main()
