"""Benchmark: the office's grid on a log of hundreds of coaches, against reading the log as the page does.

Writes the seeded synthetic log of ``benchmarks/renewal.py`` (about six events per coach) and times,
in the same process and on the same file, each the best of ``--repeat`` runs taking turns:

* the baseline: :func:`read_event_log` then ``check()``, what the page's read cell does;
* load: the grid built on that log (rows read, first page drawn);
* filter: one coach id typed into *Coach id contains* (the grid narrowed and drawn again);
* save check: :func:`.logrows.check_rows` over every row, what *Save the log* runs before writing;
* record: ``renewal record``'s append of one line (:func:`.records.append_events` with the rules: the
  log with the new line read and checked under the lock, then the line written and fsynced), the
  file cut back to its size after each run.

Targets: save check at most 3 times the baseline (it writes the rows back to bytes and reads them as
the page does); load at most 3 times; a filter at most the baseline; record at most 1.5 times (one
reading of the log, plus the write and its fsync). Load includes building the
grid's widgets once (about 170, some 150 ms here whatever the log's size), so its ratio is
measured on 3,000 coaches (about 18,000 lines) by default; on a few hundred coaches that fixed
part dominates (500 coaches: about 190 ms, 6.7 times a 29 ms baseline, when this was written).

Run: ``PYTHONPATH=src python benchmarks/log_grid.py [--coaches N] [--repeat R]``
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import tempfile
from datetime import date
from pathlib import Path

from trainingkit.renewal.events import Event, EventKind
from trainingkit.renewal.logeditor import LogEditor
from trainingkit.renewal.logfile import read_event_log
from trainingkit.renewal.logrows import check_rows
from trainingkit.renewal.records import append_events
from trainingkit.renewal.settings import DEFAULT_RULES

_spec = importlib.util.spec_from_file_location("renewal_benchmark", Path(__file__).with_name("renewal.py"))
renewal_benchmark = importlib.util.module_from_spec(_spec)  # type: ignore[arg-type]
_spec.loader.exec_module(renewal_benchmark)  # type: ignore[union-attr]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--coaches", type=int, default=3000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=20240229)
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "coaches.csv"
        rows = renewal_benchmark.write_synthetic_log(path, coaches=arguments.coaches, seed=arguments.seed)
        editor = LogEditor(path)
        coach = editor.rows[len(editor.rows) // 2].coach_id

        def filtered() -> None:
            editor.coach_filter.value = ""
            editor.coach_filter.value = coach

        size = path.stat().st_size
        charge = Event(coach, date(2026, 12, 31), EventKind.CHARGED)  # breaks no rule, whatever the history

        def recorded() -> None:
            append_events(path, [charge], rules=DEFAULT_RULES)
            os.truncate(path, size)

        times = renewal_benchmark.best_of_interleaved(arguments.repeat, {
            "baseline": lambda: read_event_log(path).check(),
            "load": lambda: LogEditor(path),
            "filter": filtered,
            "save check": lambda: check_rows(path, editor.rows),
            "record": recorded,
        })
    base = times["baseline"]
    print(f"{arguments.coaches} coaches, {rows} lines; baseline (read and check the log) {base * 1000:.1f} ms")
    for name, target in (("load", 3), ("filter", 1), ("save check", 3), ("record", 1.5)):
        ratio = times[name] / base
        print(f"{name}: {times[name] * 1000:.1f} ms, {ratio:.2f} x baseline (target at most {target}): "
              f"{'met' if ratio <= target else 'NOT MET'}")


if __name__ == "__main__":
    main()
