"""Standard setting as a panel runs it: rounds, impact data and rater diagnostics.

A modified Angoff panel rates every item once (round 1), then sees how far each rater stands
from the panel and, where response data exist, the *impact* of the round-1 cut: the share of
past candidates whose scores would reach it. The panel discusses items with a wide spread and
rates again (round 2); the last round's ratings set the cut score. Each round is a folder of
rater files, ``coursework/ratings/round-N/*.csv``; rater files directly in
``coursework/ratings/`` are a single round 1 (how a course without rounds keeps working).

Everything here is a pure function of ratings, the bank and scores; reading the files and the
gradebook happens in :mod:`trainingkit.exam.cli`.
"""

from __future__ import annotations

import csv
import io
import re
import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from trainingkit.bank.model import Vignette
from trainingkit.exam.angoff import Ratings, RatingsError, item_ratings, read_ratings

#: A rater whose rating of an item lies further than this from the other raters' mean is
#: named for that item in their diagnostics (a fifth of the scale, as panels commonly discuss).
OUTLYING = 0.20
#: Impact data need at least this share of a form's points graded for a candidate to count.
IMPACT_COVERAGE = 0.5

_ROUND = re.compile(r"round-([1-9][0-9]*)")


def read_rounds(folder: Path, known_items: Iterable[str],
                points: Mapping[str, float] | None = None) -> dict[int, dict[str, dict[str, float | None]]]:
    """Every round's ratings, ``{round: {rater: {item: rating}}}``; empty without rater files.

    Files directly in ``folder`` are round 1, and cannot stand beside a ``round-1`` folder.
    """
    known = set(known_items)
    rounds: dict[int, dict[str, dict[str, float | None]]] = {}
    loose = sorted(folder.glob("*.csv"))
    if loose:
        rounds[1] = read_ratings(loose, known, points)
    for sub in sorted(path for path in folder.glob("round-*") if path.is_dir()):
        match = _ROUND.fullmatch(sub.name)
        if not match:
            raise RatingsError(f"{sub}: a round's folder is named round-N (round-1, round-2, ...)")
        number = int(match.group(1))
        if number in rounds:
            raise RatingsError(f"{sub}: round 1's rater files are also directly in {folder}; keep them in one place")
        files = sorted(sub.glob("*.csv"))
        if files:
            rounds[number] = read_ratings(files, known, points)
    missing = [n for n in range(1, max(rounds, default=0) + 1) if n not in rounds]
    if missing:
        raise RatingsError(f"{folder}: round {missing[0]} has no rater files, though a later round has")
    return dict(sorted(rounds.items()))


def final_round(rounds: Mapping[int, Ratings]) -> Ratings:
    """The ratings that set the cut score: the last round's (none without rounds)."""
    return rounds[max(rounds)] if rounds else {}


@dataclass(frozen=True)
class RaterDiagnostic:
    """How one rater stands against the rest of the panel on one form."""

    rater: str
    #: The cut score this rater's ratings alone give, in percent of the form's points.
    cut: float
    #: ``cut`` minus the panel's cut score (positive: stricter than the panel).
    deviation: float
    #: Mean absolute distance between the rater's rating and the other raters' mean, per item.
    mean_distance: float
    #: Correlation between the rater's ratings and the other raters' means (None when undefined).
    correlation: float | None
    #: Items where the rater is more than :data:`OUTLYING` from the other raters' mean.
    outlying: tuple[str, ...]


def _pearson(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    if len(xs) < 3 or statistics.pstdev(xs) == 0 or statistics.pstdev(ys) == 0:
        return None
    return statistics.correlation(xs, ys)


def rater_diagnostics(items: Sequence[str], bank: Mapping[str, Vignette], ratings: Ratings) -> list[RaterDiagnostic]:
    """Each rater's own cut score, distance from the panel and outlying items on a form (sorted by rater).

    An abstention is left out of the rater's distances and counts at the others' mean in the
    rater's cut score, as in :func:`~trainingkit.exam.angoff.cut_score`.
    """
    points = sum(bank[item].points for item in items)
    means = item_ratings({rater: {i: rated.get(i) for i in items if i in rated} for rater, rated in ratings.items()})
    cuts = {rater: 100 * sum((means[i].mean if rated.get(i) is None else rated[i]) * bank[i].points  # type: ignore[operator]
                             for i in items if i in means) / points
            for rater, rated in ratings.items()}
    panel = statistics.fmean(cuts.values()) if cuts else 0.0
    diagnostics = []
    for rater, rated in sorted(ratings.items()):
        own, others = [], []
        outlying = []
        for item in items:
            mine = rated.get(item)
            rest = [r[item] for name, r in ratings.items() if name != rater and r.get(item) is not None]
            if mine is None or not rest:
                continue
            rest_mean = statistics.fmean(rest)  # type: ignore[arg-type]
            own.append(mine)
            others.append(rest_mean)
            if abs(mine - rest_mean) > OUTLYING + 1e-9:  # 0.8 - 0.6 is 0.2000...04 in floating point
                outlying.append(item)
        distance = statistics.fmean(abs(a - b) for a, b in zip(own, others, strict=True)) if own else 0.0
        diagnostics.append(RaterDiagnostic(rater, round(cuts[rater], 1), round(cuts[rater] - panel, 1),
                                           round(distance, 3), _pearson(own, others), tuple(outlying)))
    return diagnostics


@dataclass(frozen=True)
class Impact:
    """What a cut score would have meant for past candidates on a form's items."""

    cut: float
    candidates: int
    passing: int

    @property
    def share(self) -> float | None:
        """The share of past candidates at or above the cut (None without candidates)."""
        return self.passing / self.candidates if self.candidates else None


def mean_scores(rows: Iterable[tuple[str, str, float]]) -> dict[str, dict[str, float]]:
    """``{candidate: {item: points}}`` from ``(candidate, item, points)`` rows; an item a candidate
    answered more than once (in practice and on a form, say) counts at the mean of those scores."""
    gathered: dict[str, dict[str, list[float]]] = {}
    for candidate, item, points in rows:
        gathered.setdefault(candidate, {}).setdefault(item, []).append(points)
    return {who: {item: statistics.fmean(values) for item, values in items.items()} for who, items in gathered.items()}


def parse_responses(text: str, path: Path | str) -> dict[str, dict[str, float]]:
    """Past candidates' points per item from a CSV ``candidate,item,points``; every bad line is named."""
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    if not rows or [cell.strip().lower() for cell in rows[0]] != ["candidate", "item", "points"]:
        raise RatingsError(f"{path}: line 1: the header must be candidate,item,points")
    found, problems = [], []
    for line, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != 3:
            problems.append(f"{path}: line {line}: expected 3 fields (candidate,item,points), found {len(row)}")
            continue
        candidate, item, value = (cell.strip() for cell in row)
        try:
            points = float(value)
        except ValueError:
            problems.append(f"{path}: line {line}: points {value!r} is not a number")
            continue
        if points < 0:
            problems.append(f"{path}: line {line}: points {points:g} is below 0")
            continue
        found.append((candidate, item, points))
    if problems:
        raise RatingsError("\n".join(problems))
    return mean_scores(found)


def candidate_percentages(scores: Mapping[str, Mapping[str, float]], items: Sequence[str],
                          bank: Mapping[str, Vignette]) -> dict[str, float]:
    """Each past candidate's percentage on the form's items they have graded scores for.

    ``scores`` is ``{candidate: {item: points earned}}`` (any item; best of several sittings
    is the caller's choice). A candidate counts only with graded scores on at least
    :data:`IMPACT_COVERAGE` of the form's points, so a trainee who met two of its items in
    practice does not stand for a whole form.
    """
    total = sum(bank[item].points for item in items)
    percentages = {}
    for candidate, earned in sorted(scores.items()):
        seen = [item for item in items if item in earned]
        possible = sum(bank[item].points for item in seen)
        if possible and possible >= IMPACT_COVERAGE * total:
            percentages[candidate] = 100 * sum(earned[item] for item in seen) / possible
    return percentages


def impact(percentages: Mapping[str, float], cut: float) -> Impact:
    """How many candidates reach ``cut`` (a score equal to the cut passes, as on the form)."""
    return Impact(cut, len(percentages), sum(1 for value in percentages.values() if value >= cut))
