"""Standard setting by the modified Angoff method: cut scores from supervisors' ratings.

Each supervisor (a rater) judges, for every item, the probability that a just-competent
coach (one who should barely pass) answers it right, and writes a CSV ``item,probability``
(one file per rater; the file's name, without ``.csv``, names the rater). A rater who abstains
on an item (having written it, say) lists it with the probability left empty: ``item,``.
A partial-credit item (a multiple-select item is worth two points, each right choice earning its
share) can be rated by the points a just-competent coach is expected to earn instead, in a third
column ``expected_points`` (header ``item,probability,expected_points``; ``safety-004,,1.4``); it
is kept as that share of the item's points, so ``1.4`` of 2 counts as 0.7.
Excel's CSV (UTF-8 with a byte-order mark) reads as any other. An item's rating is the mean
of the raters who rated it; raters *disagree* on an item when their ratings spread widely (standard
deviation above :data:`DISAGREE_SD` or a range above :data:`DISAGREE_RANGE`): such items
are discussed and rated again. A form's cut score is the expected percentage of its points a
just-competent coach earns, averaged over raters, with its standard error across raters.
Without rater files, the bank's provisional ratings (``angoff``) give a provisional cut score.
"""

from __future__ import annotations

import csv
import io
import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from trainingkit.bank.model import Vignette

DISAGREE_SD = 0.15
DISAGREE_RANGE = 0.30

#: ``{rater: {item: probability}}``; ``None`` is a documented abstention (``item,`` in the file).
Ratings = Mapping[str, Mapping[str, float | None]]


class RatingsError(ValueError):
    """A rater file is wrong; the message names the file and line."""


HEADERS = (["item", "probability"], ["item", "probability", "expected_points"])


def parse_rater_file(text: str, path: Path | str, known_items: Iterable[str],
                     points: Mapping[str, float] | None = None) -> dict[str, float | None]:
    """One rater's ratings as shares of each item's points (``None`` where the rater abstains).

    ``points`` gives each item's points, for ratings in expected points (1 each when absent).
    Every bad line is reported, each with its number.
    """
    known = set(known_items)
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    header = [cell.strip().lower() for cell in rows[0]] if rows else []
    if header not in HEADERS:
        raise RatingsError(f"{path}: line 1: the header must be item,probability "
                           "(or item,probability,expected_points)")
    ratings: dict[str, float | None] = {}
    problems: list[str] = []
    for line, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            problems.append(f"{path}: line {line}: expected {len(header)} fields ({','.join(header)}), "
                            f"found {len(row)}")
            continue
        item, value, expected = (*(cell.strip() for cell in row), "")[:3]
        if item not in known:
            problems.append(f"{path}: line {line}: item {item!r} is not in the bank")
        elif item in ratings:
            problems.append(f"{path}: line {line}: item {item!r} is rated twice")
        if value and expected:
            problems.append(f"{path}: line {line}: give {item}'s probability or its expected points, not both")
            continue
        if not value and not expected:
            if item in known:
                ratings[item] = None  # the rater abstains on this item
            continue
        worth = (points or {}).get(item, 1.0)
        name, scale = ("probability", 1.0) if value else ("expected points", worth)
        try:
            rating = float(value or expected)
        except ValueError:
            problems.append(f"{path}: line {line}: {name} {value or expected!r} is not a number")
            continue
        if not 0 <= rating <= scale:
            problems.append(f"{path}: line {line}: {name} {rating:g} is not between 0 and {scale:g}"
                            + (f" (the points {item} is worth)" if value == "" else ""))
        elif item in known:
            ratings[item] = rating / scale
    if problems:
        raise RatingsError("\n".join(problems))
    return ratings


def read_ratings(paths: Sequence[Path], known_items: Iterable[str],
                 points: Mapping[str, float] | None = None) -> dict[str, dict[str, float | None]]:
    """Every rater's ratings, keyed by the file name without ``.csv`` (two files may not share one)."""
    known = set(known_items)
    ratings: dict[str, dict[str, float | None]] = {}
    seen: dict[str, Path] = {}
    for path in paths:
        if path.stem in seen:
            raise RatingsError(f"{path}: rater {path.stem!r} already has a file, {seen[path.stem]}; "
                               "each rater's file has a name of its own")
        seen[path.stem] = path
        try:
            text = path.read_text(encoding="utf-8-sig")  # Excel's "CSV UTF-8" starts with a byte-order mark
        except (OSError, UnicodeDecodeError) as error:
            raise RatingsError(f"{path}: cannot be read ({error})") from None
        ratings[path.stem] = parse_rater_file(text, path, known, points)
    return ratings


@dataclass(frozen=True)
class ItemRating:
    """How the raters judged one item."""

    item: str
    raters: int
    mean: float
    sd: float
    low: float
    high: float
    abstentions: int = 0

    @property
    def disagreement(self) -> bool:
        return self.sd > DISAGREE_SD or self.high - self.low > DISAGREE_RANGE


def item_ratings(ratings: Ratings) -> dict[str, ItemRating]:
    """Each rated item's mean, spread and range across the raters who rated it, and its abstentions."""
    by_item: dict[str, list[float]] = {}
    abstained: dict[str, int] = {}
    for rater in ratings.values():
        for item, probability in rater.items():
            if probability is None:
                abstained[item] = abstained.get(item, 0) + 1
            else:
                by_item.setdefault(item, []).append(probability)
    return {item: ItemRating(item, len(values), statistics.fmean(values),
                             statistics.stdev(values) if len(values) > 1 else 0.0, min(values), max(values),
                             abstained.get(item, 0))
            for item, values in sorted(by_item.items())}


@dataclass(frozen=True)
class CutScore:
    """A form's cut score, in percent of its points, and how it was set."""

    percent: float
    standard_error: float | None
    source: str  # "provisional" or "N raters"


def cut_score(items: Sequence[str], bank: Mapping[str, Vignette], ratings: Ratings | None = None) -> CutScore:
    """The percentage of the form's points a just-competent coach is expected to earn."""
    points = sum(bank[item].points for item in items)
    if not ratings:
        if any(bank[item].angoff is None for item in items):
            missing = sorted(item for item in items if bank[item].angoff is None)
            raise RatingsError(f"no provisional Angoff rating for {', '.join(missing)}")
        expected = sum((bank[item].angoff or 0.0) * bank[item].points for item in items)
        return CutScore(round(100 * expected / points, 1), None, "provisional")
    unrated = {rater: sorted(item for item in items if item not in rated) for rater, rated in sorted(ratings.items())}
    unrated = {rater: missing for rater, missing in unrated.items() if missing}
    if unrated:
        raise RatingsError("; ".join(
            f"rater {rater!r} ({rater}.csv) has not rated {', '.join(missing)}" for rater, missing in unrated.items())
            + ": add each to the rater's file, with its probability, or with the probability left empty "
              "(item,) where the rater abstains")
    means = item_ratings({rater: {item: rated[item] for item in items} for rater, rated in ratings.items()})
    nobody = sorted(item for item in items if item not in means)
    if nobody:
        raise RatingsError(f"every rater abstains on {', '.join(nobody)}: no cut score without one rating of each")
    # An abstention counts as the mean of the raters who rated the item, so the cut score is the
    # points-weighted mean of the items' ratings (the spread across raters shrinks a little).
    per_rater = [100 * sum((means[item].mean if rated[item] is None else rated[item]) * bank[item].points
                           for item in items) / points
                 for _, rated in sorted(ratings.items())]
    se = statistics.stdev(per_rater) / len(per_rater) ** 0.5 if len(per_rater) > 1 else None
    abstentions = sum(rated[item] is None for rated in ratings.values() for item in items)
    source = f"{len(per_rater)} rater{'s' * (len(per_rater) > 1)}" + (f", {abstentions} abstention{'s' * (abstentions > 1)}" if abstentions else "")
    return CutScore(round(statistics.fmean(per_rater), 1), None if se is None else round(se, 2), source)
