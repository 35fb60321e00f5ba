"""Item analysis with Moodle's quiz-statistics definitions. Pure functions over DataFrames.

The input is a *scores table*: one row per trainee, one column per item, points earned
(``NaN`` where a grade is still missing), and the items' maximum points. With ``x`` an
item's scores, ``X`` the same trainees' totals on every *other* item (the rest of the
test), ``T`` their totals and ``s`` the number of trainees, all variances and covariances
divided by ``s - 1`` as Moodle does:

* facility index ``F = mean(x) / max_points`` (0: nobody scores, 1: everybody full marks);
* item standard deviation ``sd(x) / max_points``;
* discrimination index ``D = cov(x, X) / sqrt(var(x) var(X))``, the correlation of the
  item with the rest of the test;
* discriminative efficiency ``DE = cov(x, X) / cov_max(x, X)``, where ``cov_max`` pairs
  the sorted ``x`` with the sorted ``X`` (the largest covariance these scores allow);
* coefficient of internal consistency (Cronbach's alpha)
  ``CIC = p / (p - 1) * (1 - sum(var(x_i)) / var(T))`` over ``p`` items;
* error ratio ``ER = sqrt(1 - CIC)``; standard error ``SE = ER * sd(T)``, in points.

Moodle reports these multiplied by 100; here they are fractions, so the healthy ranges
read 0.2 rather than 20 %. Only *fully graded* trainees count: an item nobody has been
graded on yet is listed without statistics, and a trainee still missing a grade on some
other item is left out (``AssignmentStatistics.not_fully_graded`` says how many).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from trainingkit.items.settings import DEFAULT_RANGES, Flag, HealthyRanges

__all__ = ["ITEM_COLUMNS", "AssignmentStatistics", "assignment_statistics", "fully_graded", "item_flags",
           "item_statistics", "option_shares", "scores_table"]

#: The statistics columns of :func:`item_statistics`, in order.
ITEM_COLUMNS = ("trainees", "max_points", "facility", "sd", "discrimination",
                "discriminative_efficiency", "flags")


@dataclass(frozen=True)
class AssignmentStatistics:
    """Statistics of a whole assignment (Moodle's test statistics); in points unless noted."""

    trainees: int
    not_fully_graded: int
    items: int
    max_points: float
    mean_points: float
    median_points: float
    sd_points: float
    #: Coefficient of internal consistency (Cronbach's alpha), a fraction.
    cic: float
    #: sqrt(1 - CIC), a fraction: the share of the spread of totals that is noise.
    error_ratio: float
    standard_error_points: float


def scores_table(long: pd.DataFrame) -> tuple[pd.DataFrame, pd.Series]:
    """Scores table and maximum points from long-form rows ``trainee, item, score, max_score``.

    Items keep the order of their first appearance and trainees come sorted, so the same
    rows always give the same table.
    """
    trainees, trainee_ids = pd.factorize(long["trainee"])
    order = np.argsort(np.asarray(trainee_ids, dtype=object), kind="stable")
    rank = np.empty(len(order), dtype=np.intp)
    rank[order] = np.arange(len(order))
    trainees, trainee_ids = rank[trainees], trainee_ids[order]
    items, item_ids = pd.factorize(long["item"])
    table = np.full((len(trainee_ids), len(item_ids)), np.nan)
    table[trainees, items] = long["score"].to_numpy(dtype=float)
    maximum = np.zeros(len(item_ids))
    np.maximum.at(maximum, items, long["max_score"].to_numpy(dtype=float))
    scores = pd.DataFrame(table, index=pd.Index(trainee_ids, name="trainee"),
                          columns=pd.Index(item_ids, name="item"))
    return scores, pd.Series(maximum, index=scores.columns, name="max_points")


def fully_graded(scores: pd.DataFrame) -> pd.DataFrame:
    """The items someone was graded on, for the trainees graded on every one of them."""
    items = scores.loc[:, scores.notna().any(axis=0)]
    return items.loc[items.notna().all(axis=1)]


def _moments(x: np.ndarray) -> dict[str, np.ndarray]:
    """Per-column facility ingredients, variances and covariances with the rest of the test."""
    trainees = x.shape[0]
    rest = x.sum(axis=1, keepdims=True) - x
    x_dev = x - x.mean(axis=0)
    rest_dev = rest - rest.mean(axis=0)
    denominator = trainees - 1 if trainees > 1 else np.nan
    sorted_products = (np.sort(x, axis=0) - x.mean(axis=0)) * (np.sort(rest, axis=0) - rest.mean(axis=0))
    return {
        "mean": x.mean(axis=0),
        "var": (x_dev ** 2).sum(axis=0) / denominator,
        "rest_var": (rest_dev ** 2).sum(axis=0) / denominator,
        "cov": (x_dev * rest_dev).sum(axis=0) / denominator,
        "cov_max": sorted_products.sum(axis=0) / denominator,
    }


def _ratio(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """numerator / denominator, NaN where the denominator is zero or missing."""
    safe = np.where(np.isfinite(denominator) & (np.abs(denominator) > 1e-12), denominator, np.nan)
    return numerator / safe


def item_flags(statistics: pd.DataFrame, ranges: HealthyRanges = DEFAULT_RANGES) -> pd.Series:
    """The ``;``-joined :class:`Flag` values of each row of an item statistics table."""
    enough = statistics["trainees"].to_numpy() >= ranges.min_trainees
    facility = statistics["facility"].to_numpy(dtype=float)
    discrimination = statistics["discrimination"].to_numpy(dtype=float)
    conditions = [
        (Flag.TOO_HARD, facility < ranges.min_facility),
        (Flag.TOO_EASY, facility > ranges.max_facility),
        (Flag.LOW_DISCRIMINATION, discrimination < ranges.min_discrimination),
        (Flag.NO_SPREAD, np.isnan(discrimination)),
    ]
    raised = np.column_stack([enough & condition for _, condition in conditions])
    names = [flag.value for flag, _ in conditions]
    flags = [";".join(name for name, up in zip(names, row) if up) for row in raised]
    return pd.Series(flags, index=statistics.index, name="flags", dtype=object)


def item_statistics(scores: pd.DataFrame, max_points: pd.Series, *,
                    ranges: HealthyRanges = DEFAULT_RANGES) -> pd.DataFrame:
    """One row per column of ``scores`` (index ``item``) with :data:`ITEM_COLUMNS`."""
    graded = fully_graded(scores)
    x = graded.to_numpy(dtype=float)
    maximum = max_points.reindex(graded.columns).to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        if len(graded):
            moments = _moments(x)
        else:
            moments = {key: np.full(x.shape[1], np.nan) for key in ("mean", "var", "rest_var", "cov", "cov_max")}
        table = pd.DataFrame({
            "trainees": len(graded),
            "max_points": maximum,
            "facility": _ratio(moments["mean"], maximum),
            "sd": _ratio(np.sqrt(moments["var"]), maximum),
            "discrimination": _ratio(moments["cov"], np.sqrt(moments["var"] * moments["rest_var"])),
            "discriminative_efficiency": _ratio(moments["cov"], moments["cov_max"]),
        }, index=graded.columns)
    table = table.reindex(scores.columns)
    table["trainees"] = table["trainees"].fillna(0).astype(int)
    table["max_points"] = max_points.reindex(scores.columns).to_numpy(dtype=float)
    table["flags"] = item_flags(table, ranges)
    table.index.name = "item"
    return table


def assignment_statistics(scores: pd.DataFrame, max_points: pd.Series) -> AssignmentStatistics:
    """Moodle's test statistics of the fully graded trainees (NaN where undefined)."""
    graded = fully_graded(scores)
    x = graded.to_numpy(dtype=float)
    trainees, items = x.shape
    totals = x.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        total_var = float(totals.var(ddof=1)) if trainees > 1 else np.nan
        item_var = float(x.var(axis=0, ddof=1).sum()) if trainees > 1 else np.nan
        cic = items / (items - 1) * (1 - item_var / total_var) if items > 1 and total_var > 0 else np.nan
        error_ratio = float(np.sqrt(1 - cic))
        sd = float(np.sqrt(total_var))
    return AssignmentStatistics(
        trainees=trainees,
        not_fully_graded=len(scores) - trainees,
        items=items,
        max_points=float(max_points.reindex(graded.columns).sum()),
        mean_points=float(totals.mean()) if trainees else np.nan,
        median_points=float(np.median(totals)) if trainees else np.nan,
        sd_points=sd,
        cic=cic,
        error_ratio=error_ratio,
        standard_error_points=error_ratio * sd,
    )


def _distinct(keys: np.ndarray, space: int) -> np.ndarray:
    """The distinct values, ascending, of an array of integers in ``range(space)``."""
    if space <= 8 * len(keys) + 1_000_000:  # a presence table is cheap: no sort needed
        present = np.zeros(space, dtype=bool)
        present[keys] = True
        return np.flatnonzero(present)
    ordered = np.sort(keys)
    return ordered[np.concatenate(([True], ordered[1:] != ordered[:-1]))] if len(ordered) else ordered


def option_shares(choices: pd.DataFrame, options: Mapping[str, Sequence[str]],
                  trainees: Sequence[str]) -> pd.DataFrame:
    """Share of ``trainees`` who chose each option of each choice item.

    ``choices`` has one row per chosen option: ``trainee, item, option``. The result has one
    row per item of ``options`` (in its order), a ``no_answer`` column (the share who chose
    nothing) and a ``chose_<option>`` column per option id; an option an item lacks is NaN.
    Rows naming another trainee, item or option are ignored, and a trainee counts once per
    option. For multiple-select items the shares add up to more than 1.
    """
    items = pd.Index(list(options))
    option_ids = pd.Index(sorted({option for ids in options.values() for option in ids}))
    offered = np.zeros((len(items), len(option_ids)), dtype=bool)
    for row, ids in enumerate(options.values()):
        offered[row, option_ids.get_indexer(list(ids))] = True
    population = pd.Index(trainees).unique()
    trainee = population.get_indexer(choices["trainee"])
    item = items.get_indexer(choices["item"])
    option = option_ids.get_indexer(choices["option"])
    known = (trainee >= 0) & (item >= 0) & (option >= 0)
    trainee, item, option = trainee[known], item[known], option[known]
    offered_here = offered[item, option]
    trainee, item, option = trainee[offered_here], item[offered_here], option[offered_here]
    # one count per trainee, item and option, however often a row repeats
    pair = trainee.astype(np.int64) * len(items) + item
    trainee_item = _distinct(pair, len(population) * len(items)) % max(len(items), 1)
    item_option = _distinct(pair * len(option_ids) + option, len(population) * len(items) * len(option_ids))
    item_option %= max(len(items) * len(option_ids), 1)
    counts = np.bincount(item_option, minlength=len(items) * len(option_ids)).reshape(offered.shape)
    answered = np.bincount(trainee_item, minlength=len(items))
    count = len(population) if len(population) else np.nan
    with np.errstate(divide="ignore", invalid="ignore"):
        shares = np.where(offered, counts / count, np.nan)
        table = pd.DataFrame({"no_answer": 1 - answered / count}, index=pd.Index(items, name="item"))
    for column, option_id in enumerate(option_ids):
        table[f"chose_{option_id}"] = shares[:, column]
    return table
