"""Counts of the bank per domain and kind."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from trainingkit.bank.model import DOMAINS, Kind, Vignette

STATS_HEADER = ("domain", "items", "single", "multiple", "reflection")


def bank_stats(vignettes: Iterable[Vignette]) -> list[tuple[str, int, int, int, int]]:
    """One row per domain (in the course's domain order) and a final ``total`` row."""
    counts = {domain: [0, 0, 0] for domain in DOMAINS}
    for vignette in vignettes:
        counts[vignette.domain][list(Kind).index(vignette.kind)] += 1
    rows = [(domain, sum(c), *c) for domain, c in counts.items()]
    totals = [sum(row[i] for row in rows) for i in range(1, 5)]
    return [*rows, ("total", *totals)]  # type: ignore[list-item]


def stats_csv(vignettes: Iterable[Vignette]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(STATS_HEADER)
    writer.writerows(bank_stats(vignettes))
    return buffer.getvalue()
